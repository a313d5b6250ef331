"""Options and helpers the commands share."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from cairn.errors import CairnError

if TYPE_CHECKING:
    from cairn.sdk.api import Api

dir_option = click.option(
    "--dir",
    "dir",
    type=click.Path(file_okay=False),
    default=None,
    help="The store folder (default: $CAIRN_DIR, else the nearest .cairn/ up from here).",
)


def fail(error: CairnError | ValueError) -> None:
    raise click.ClickException(str(error))


def when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def short(value: Any, width: int = 12) -> str:
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def store_api(dir: str | None) -> Api:
    """The Api of a local store (``--dir``, else ``$CAIRN_DIR``, else the nearest ``.cairn/``):
    these commands read a store, even where ``cairn login`` set up a team server."""
    from cairn.sdk.api import Api
    from cairn.sdk.location import find_store_dir

    return Api(find_store_dir(dir, create=False))
