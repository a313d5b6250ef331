"""``wandb.util.generate_id`` and the other helpers of ``wandb.util`` scripts call."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.digits + string.ascii_lowercase


def generate_id(length: int = 8) -> str:
    """A new run id: ``length`` random lower-case letters and digits (valid as a Cairn id)."""
    if not 1 <= length <= 64:
        raise ValueError(f"length={length}: run ids are 1-64 characters")
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
