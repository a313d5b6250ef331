"""The dashboard works under the server's Content-Security-Policy: the main pages and tabs load
(charts, media, artifacts, sweeps, API docs) without a single policy violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.e2e.conftest import log_demo_project
from tests.fakes.artifacts import Lineage, log_lineage
from tests.fakes.media import MediaRuns, log_media_runs
from tests.fakes.server import serve
from tests.fakes.sweeps import make_sweep

expect = pytest.importorskip("playwright.sync_api").expect

# Runs in the page before any of its scripts: collects what the browser refused.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class Everything:
    """One store with a bit of every kind: runs with charts, media, artifacts, a sweep."""

    def __init__(self, url: str, media: MediaRuns, lineage: Lineage, sweep: str) -> None:
        self.url, self.media, self.lineage, self.sweep = url, media, lineage, sweep


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Everything]:
    store_dir = tmp_path_factory.mktemp("csp") / ".cairn"
    log_demo_project(store_dir)
    media = log_media_runs(store_dir)
    lineage = log_lineage(store_dir)
    sweep = make_sweep(store_dir, trials=3)
    with serve(store_dir) as server:
        yield Everything(server.url, media, lineage, sweep)


def test_the_dashboard_runs_under_its_content_security_policy(
    page: Any, everything: Everything
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    url, media, lineage = everything.url, everything.media, everything.lineage
    visits = [
        (f"{url}/", "project-row"),
        (f"{url}/p/demo", "run-row"),
        (f"{url}/p/media/r/{media.first}?tab=media", "image-panel"),
        (f"{url}/p/media/r/{media.first}?tab=logs", None),
        (f"{url}/p/lineage/r/{lineage.evaluate}?tab=artifacts", None),
        (f"{url}/p/lineage/r/{lineage.prepare}?tab=reproducibility", None),
        (f"{url}/p/lineage/artifacts?a=digits&v=0", None),
        (f"{url}/p/sweepy/sweeps", None),
        (f"{url}/p/sweepy/sweeps/{everything.sweep}", None),
        (f"{url}/p/demo?view=analysis", None),
        (f"{url}/api/docs", None),
    ]
    seen: dict[str, list[str]] = {}
    for address, ready in visits:
        response = page.goto(address)
        assert response.status == 200, address
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        if ready:
            expect(page.get_by_test_id(ready).first).to_be_visible(timeout=15_000)
        page.wait_for_load_state("networkidle")
        seen[address] = page.evaluate("window.__violations")
    # the charts tab draws uPlot canvases; the media tab its images (blobs, data: URLs)
    page.goto(f"{url}/p/demo/r/{_first_run(page, url)}?tab=charts")
    expect(page.locator("canvas").first).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    seen["charts tab"] = page.evaluate("window.__violations")
    # a sandboxed srcdoc iframe (how logged HTML is shown) is allowed by frame-src
    page.evaluate(
        """() => {
          const frame = document.createElement("iframe");
          frame.sandbox = "";
          frame.srcdoc = "<p style='color: red'>logged html</p><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>";
          document.body.appendChild(frame);
        }"""
    )
    page.wait_for_timeout(500)
    seen["srcdoc iframe"] = page.evaluate("window.__violations")
    violations = {where: found for where, found in seen.items() if found}
    assert not violations, f"CSP violations: {violations}"
    refused = [text for text in console if "Content Security Policy" in text]
    assert not refused, refused


def test_an_inline_script_is_refused(page: Any, everything: Everything) -> None:
    """The policy is real: a script injected into the page's HTML does not run."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{everything.url}/p/demo")
    page.evaluate(
        """() => {
          const holder = document.createElement("div");
          holder.innerHTML = "<img src=x onerror='window.__pwned = 1'>";
          document.body.appendChild(holder);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    assert any("script-src" in v for v in page.evaluate("window.__violations"))


def _first_run(page: Any, url: str) -> str:
    runs = page.request.get(f"{url}/api/v1/projects/demo/runs?limit=1").json()["runs"]
    return str(runs[0]["id"])
