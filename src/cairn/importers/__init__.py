"""Bringing history from other trackers into a Cairn store (``cairn import ...``)."""

import hashlib

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def stable_run_id(source: str, project: str, key: str) -> str:
    """A stable 8-character run id for what ``key`` names in ``source`` (a folder, another
    tracker's run id), imported into ``project``: importing again finds the same run."""
    digest = hashlib.sha256(f"{source}\0{project}\0{key}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(8):
        number, rest = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[rest])
    return "".join(chars)
