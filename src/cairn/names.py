"""Run ids (8 random base-36 characters) and display names like ``brisk-heron-12``."""

from __future__ import annotations

import random
import string

_ALPHABET = string.digits + string.ascii_lowercase

ADJECTIVES = (
    "amber azure bold brave brisk bright calm clever cosmic crisp dapper daring deft eager "
    "fancy fearless fluent frosty gentle gleaming golden graceful hardy hazy honest humble icy "
    "jolly keen lively lucid lunar mellow mighty misty nimble noble polar proud quiet rapid "
    "rosy rustic sage scarlet serene sharp silent silver sleek smooth snowy solar sparkling "
    "steady stellar stoic sunny swift tidy twilight vivid wandering warm wild wise witty zesty"
).split()

NOUNS = (
    "albatross antelope aurora badger beacon bison breeze canyon cedar comet condor coral "
    "cypress delta dune eagle ember falcon fern fjord forest fox galaxy glacier grove harbor "
    "hawk heron horizon ibis island jaguar kestrel lagoon lark lynx maple meadow meteor moon "
    "nebula oak ocean orchid osprey otter panther pebble pine plateau quasar raven reef river "
    "sequoia sparrow spruce summit thunder tiger tundra valley willow wolf yak zephyr"
).split()


def new_run_id() -> str:
    """8 random base-36 characters (about 2.8e12 possibilities)."""
    choice = random.SystemRandom().choice  # what secrets.choice is, without importing hmac
    return "".join(choice(_ALPHABET) for _ in range(8))


def display_name(counter: int, rng: random.Random | None = None) -> str:
    """``adjective-noun-counter``, e.g. ``brisk-heron-12``."""
    rng = rng or random.SystemRandom()
    return f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}-{counter}"


def check_project(project: str) -> str:
    """``project`` if it can name a project, else ValueError saying why: 1-255 characters, no
    '/' or control characters, not ``.`` or ``..`` (a project's name is a segment of its URLs).
    The SDK and the server's project-creating routes share this rule."""
    if not isinstance(project, str) or not project.strip() or len(project) > 255:
        raise ValueError(f"project={project!r}: give a name of 1-255 characters")
    if "/" in project or any(ord(c) < 32 for c in project) or project in (".", ".."):
        raise ValueError(
            f"project={project!r}: project names may not contain '/' or control characters, "
            "nor be '.' or '..'"
        )
    return project
