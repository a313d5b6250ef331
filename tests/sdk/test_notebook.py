"""Runs in Jupyter: ``_repr_html_`` of a live run, a stored run and a list of runs; every text
from a run is escaped, and the sparklines follow the logged values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cairn
from cairn.sdk.notebook import sparkline

XSS = '<script>alert("x")</script>'
OFF = cairn.Settings(
    capture_git=False,
    save_code=False,
    capture_env=False,
    capture_console=False,
    system_metrics=False,
)


def _logged(store_dir: Path) -> cairn.Run:
    run = cairn.init(project="nb", dir=store_dir, name=XSS, config={"note": XSS}, settings=OFF)
    for step in range(50):
        run.log({"loss": 1.0 / (step + 1), "acc": step / 50, XSS: float(step)})
    run.summary["comment"] = XSS
    return run


def _points(svg: str) -> list[tuple[float, float]]:
    [points] = re.findall(r'points="([^"]+)"', svg)
    return [tuple(float(v) for v in p.split(",")) for p in points.split()]  # type: ignore[misc]


def test_sparkline_draws_the_values_falling_and_skips_non_finite() -> None:
    points = _points(sparkline([3.0, float("nan"), 2.0, 1.0, float("inf")]))
    assert len(points) == 3
    ys = [y for _, y in points]
    assert ys == sorted(ys)  # SVG y grows downwards: falling values draw lower and lower
    assert sparkline([1.0]) == "" and sparkline([]) == ""


def test_a_live_and_a_stored_run_show_as_escaped_cards(tmp_path: Path) -> None:
    run = _logged(tmp_path)
    live = run._repr_html_()
    run.finish(quiet=True)
    stored = cairn.Api(tmp_path).run(run.path)._repr_html_()
    for card in (live, stored):
        assert XSS not in card and "<script" not in card
        assert html_escaped(XSS) in card
        assert f'href="{run.url}"' in card
    assert "<svg" in stored  # sparklines of the logged metrics (the live card: as far as synced)
    assert "finished" in stored
    # the loss falls, so its sparkline ends lower on the SVG than it starts
    loss = stored.split("loss</span><br><svg", 1)[1]
    points = _points(loss.split("</svg>", 1)[0])
    assert points[-1][1] > points[0][1]


def test_a_list_of_runs_shows_as_a_table(tmp_path: Path) -> None:
    for _ in range(3):
        run = _logged(tmp_path)
        run.finish(quiet=True)
    runs = cairn.Api(tmp_path).runs("nb")
    assert len(runs) == 3
    table = runs._repr_html_()
    assert table.count("<tr>") == 4 and "3 runs" in table
    # the first 50 runs, read across pages
    assert cairn.Api(tmp_path).runs("nb", per_page=2)._repr_html_() == table
    assert "<script" not in table and html_escaped(XSS) in table
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers[:3] == ["name", "state", "created"] and {"loss", "acc"} <= set(headers)


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True)


@pytest.fixture(autouse=True)
def _no_ui_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_UI_URL", "http://127.0.0.1:9999")
