"""Browser tests: a demo store, a real `cairn ui` server process, and headless Chromium.

Screenshots go to $CAIRN_SCREENSHOTS, else test-results/screenshots/ (printed at the end).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.media import MediaRuns, log_media_runs
from tests.fakes.ports import free_port
from tests.fakes.server import serve

import cairn

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("CAIRN_SCREENSHOTS", ROOT / "test-results" / "screenshots"))


def log_demo_project(store_dir: Path) -> None:
    """Six finished runs with real-looking curves, one failed, one with NaN; fast (no torch)."""
    grid = [(lr, width) for lr in (0.3, 0.1, 0.03) for width in (32, 128)]
    for i, (lr, width) in enumerate(grid):
        config = {"lr": lr, "model": {"width": width}, "optimizer": "sgd" if i % 2 else "adam"}
        tags = ["demo", "baseline" if (lr, width) == (0.1, 32) else "sweep"]
        run = cairn.init(
            project="demo", dir=store_dir, config=config, tags=tags, name=f"mlp-{lr}-{width}"
        )
        run.define_metric("val/acc", summary="max")
        speed = lr * (1 + width / 128)
        for step in range(300):
            loss = 2.3 * math.exp(-speed * step / 40) + 0.05 * math.sin(step / 7) ** 2
            run.log({"train/loss": loss, "train/acc": 1 - loss / 2.4})
            if step % 30 == 29:
                run.log({"val/loss": loss * 1.1, "val/acc": 1 - loss / 2.2}, commit=False)
        if i == 5:
            run.log({"train/loss": float("nan")})
            run.finish(exit_code=1)
        else:
            run.finish()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store_dir = tmp_path_factory.mktemp("e2e") / ".cairn"
    log_demo_project(store_dir)
    return store_dir


@pytest.fixture(scope="session")
def server(demo_store: Path) -> Iterator[str]:
    """`cairn ui` on a free port, serving the demo store; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cairn", "ui", "--dir", str(demo_store), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v1/projects", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.stdout else ""
                proc.kill()
                raise RuntimeError(f"cairn ui did not start:\n{out}") from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, MediaRuns]]:
    """A server over a store of runs that logged every kind of media (read only: shared)."""
    runs = log_media_runs(tmp_path_factory.mktemp("e2e_media") / ".cairn")
    with serve(runs.store_dir) as running:
        yield running.url, runs


def open_media_tab(page: Any, media: tuple[str, MediaRuns]) -> Any:
    """The first media run's page, on its Media tab; returns the tab."""
    url, runs = media
    page.goto(f"{url}/p/media/r/{runs.first}")
    page.get_by_test_id("tab-media").click()
    tab = page.get_by_test_id("media-tab")
    tab.wait_for(state="visible")
    return tab


def add_to_new_report(page: Any, title: str) -> Any:
    """Fill the open dialog for a new report named ``title``, open it; the report's view."""
    from playwright.sync_api import expect

    dialog = page.get_by_test_id("add-to-report")
    dialog.get_by_test_id("add-to-report-target").select_option(label="New report…")
    dialog.get_by_test_id("add-to-report-title").fill(title)
    dialog.get_by_test_id("add-to-report-submit").click()
    dialog.get_by_test_id("open-report").click()
    view = page.get_by_test_id("report-view")
    expect(view.get_by_test_id("report-title")).to_have_text(title)
    return view


IMPORTANCE_MS = 20_000
"""How long a test waits for parameter importance: a server's first one imports scikit-learn and
fits a forest, which took over 5 s (Playwright's default) with the suite's four workers on 2 cores."""


def write_markdown(page: Any, text: str, nth: int = -1, *, paste: bool = False) -> None:
    """Replaces the text of a report's Markdown block (the last by default) as a user does: click
    its editor, select everything (Ctrl+A), then type `text` (or paste it: long texts)."""
    page.get_by_test_id("markdown-input").nth(nth).click()
    page.keyboard.press("Control+a")
    if paste:
        page.keyboard.insert_text(text)
    else:
        page.keyboard.type(text)


def markdown_texts(page: Any) -> list[str]:
    """The text each Markdown block's editor shows, in order."""
    return [box.inner_text().strip() for box in page.get_by_test_id("markdown-input").all()]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh 1600x1000 page; a screenshot named after the test is saved when it ends."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    during_test = list(errors)  # not what closing the page does to loads still in flight
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not during_test, f"JavaScript errors on the page: {during_test}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"e2e screenshots: {SCREENSHOTS}")
