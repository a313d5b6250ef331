"""What ``cairn.init()`` captures so a run can be re-run: git, code, environment, command, seeds
and config sources, each journaled as a ``Capture`` record of its own section.

``command`` is taken at once (it is cheap, and it is what a crash report needs first); the rest is
gathered by a background thread, so ``init()`` returns in milliseconds. ``Run.finish()`` waits for
it (bounded). A section that fails is recorded with its ``error`` instead of failing the run.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cairn.journal.records import Capture, Record
from cairn.reused_threads import THREADS, Job
from cairn.sdk.capture.command import command_section
from cairn.sdk.capture.stager import Stager
from cairn.sdk.settings import Settings

log = logging.getLogger("cairn.capture")


class Capturer:
    """Gathers a new run's capture sections and hands each to ``put`` as a ``Capture`` record."""

    def __init__(
        self,
        put: Callable[[Record], None],
        settings: Settings,
        *,
        run_dir: Path,
        store_dir: Path,
        config_source: Any = None,
        online: bool = False,
    ) -> None:
        self.put = put
        self.settings = settings
        self.stager = Stager(run_dir / "files", store_dir / "blobs", direct=online)
        self.store_dir = store_dir
        self.config_source = config_source
        self.command = command_section()
        self._thread = Job(self._gather, "cairn-capture")

    def start(self) -> None:
        self.put(Capture(seq=0, section="command", data=self.command))
        THREADS.start(self._thread)

    def wait(self, timeout: float) -> bool:
        """Wait for the background sections; False if they took longer than ``timeout``."""
        if not self._thread.started:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _gather(self) -> None:
        try:
            self._gather_sections()
        except Exception:  # never let capture disturb the run: its sections say what failed
            log.debug("cairn: capture stopped early", exc_info=True)

    def _gather_sections(self) -> None:
        # Imported on this thread, not in init(): git, the code, the environment and the
        # config sources are gathered here.
        from cairn.sdk.capture.code import code_section
        from cairn.sdk.capture.environment import environment_section
        from cairn.sdk.capture.gitinfo import repo_root

        entry_text = self.command.get("entry_script")
        entry = Path(entry_text) if entry_text else None
        settings = self.settings
        root = None
        if settings.capture_git or settings.save_code:
            root = repo_root(entry.parent if entry else Path(self.command["cwd"]))
        if settings.capture_git:
            self._section("git", lambda: self._git(root))
        self._section(
            "code",
            lambda: code_section(
                entry,
                root,
                save_code=settings.save_code,
                limit=settings.code_limit_bytes,
                stager=self.stager,
                warned=self.store_dir / "warned",
            ),
        )
        if settings.capture_env:
            self._section("environment", lambda: (environment_section(), []))
        self._section("config_sources", lambda: (self._sources(), []))

    def _git(self, root: Path | None) -> tuple[dict[str, Any], list[str]]:
        from cairn.sdk.capture.gitinfo import git_info

        if root is None:
            return {"repository": False}, []
        info, raw = git_info(root, self.settings.diff_limit_bytes, exclude=self.store_dir)
        info["repository"] = True
        if raw is None:
            return info, []
        info["diff_sha256"] = self.stager.stage(raw)  # the exact bytes, to apply the diff again
        return info, [info["diff_sha256"]]

    def _sources(self) -> dict[str, Any]:
        from cairn.sdk.capture.sources import argparse_source, hydra_source

        out: dict[str, Any] = {}
        parsed = argparse_source(self.config_source)
        if parsed is not None:
            out["argparse"] = parsed
        hydra = hydra_source()
        if hydra is not None:
            out["hydra"] = hydra
        return out

    def _section(self, name: str, gather: Callable[[], tuple[dict[str, Any], list[str]]]) -> None:
        try:
            data, blobs = gather()
        except Exception as exc:
            log.debug("cairn: capturing %s failed", name, exc_info=True)
            data, blobs = {"error": f"{type(exc).__name__}: {exc}"}, []
            data["traceback"] = traceback.format_exc(limit=5)
        self.put(Capture(seq=0, section=name, data=data, blobs=blobs))


def settings_from(value: Settings | None) -> Settings:
    """The settings ``init`` uses: those given, else ``Settings()`` read from ``$CAIRN_*``."""
    if value is None:
        return Settings()
    if not isinstance(value, Settings):
        raise TypeError(f"settings= takes a cairn.Settings, not {type(value).__name__}")
    return value


__all__ = ["Capturer", "settings_from"]
