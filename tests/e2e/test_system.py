"""The run page's System tab (CPU, memory, disk, network, one group per GPU, against relative time)
and the workspace's collapsed `system` section, on a store of its own: one run sampled on this
machine, one with a fake NVML GPU, one without system metrics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.nvml import FakeNvml
from tests.fakes.server import serve

import cairn
from cairn.sdk.system.sampler import SystemSampler

expect = pytest.importorskip("playwright.sync_api").expect


def _log_sampled_run(store_dir: Path, name: str, nvml: Any) -> str:
    """A run of 20 steps with a system sample every 4, taken synchronously (no waiting)."""
    run = cairn.init(project="sys", dir=store_dir, name=name)
    sampler = SystemSampler.for_machine(run, 60.0, str(store_dir), nvml=nvml)
    for step in range(20):
        run.log({"loss": 1 / (step + 1)})
        if step % 4 == 0:
            sampler.sample_now()
    sampler.stop()
    run.finish(quiet=True)
    return run.id


@pytest.fixture(scope="module")
def system_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    store_dir = tmp_path_factory.mktemp("e2e_system") / ".cairn"
    ids = {
        "cpu": _log_sampled_run(store_dir, "cpu-only", FakeNvml(1, fail_init=True)),
        "gpu": _log_sampled_run(store_dir, "one-gpu", FakeNvml(1)),
    }
    plain = cairn.init(project="sys", dir=store_dir, name="no-system")
    plain.log({"loss": 1.0})
    plain.finish(quiet=True)
    ids["plain"] = plain.id
    with serve(store_dir) as running:
        yield running.url, ids


def _chart(page: Any, key: str) -> Any:
    return page.locator(f'[data-testid=system-chart][data-keys="{key}"]')


def test_system_tab_draws_cpu_and_memory(
    page: Any, system_store: tuple[str, dict[str, str]]
) -> None:
    url, ids = system_store
    page.goto(f"{url}/p/sys/r/{ids['cpu']}")
    page.get_by_test_id("tab-system").click()
    tab = page.get_by_test_id("system-tab")
    groups = tab.get_by_test_id("system-group")
    expect(groups.first).to_have_attribute("data-group", "cpu")
    expect(tab.locator("[data-group=memory]")).to_have_count(1)
    expect(tab.locator("[data-group^=gpu]")).to_have_count(0)
    for key in ("system/cpu/process_percent", "system/memory/rss_mb"):
        chart = _chart(page, key)
        expect(chart).to_have_attribute("data-state", "ready")
        expect(chart).to_have_attribute("data-line-count", "1")
        expect(chart.locator("canvas")).to_have_count(1)
    expect(page).to_have_url(f"{url}/p/sys/r/{ids['cpu']}?tab=system")


def test_system_tab_draws_a_group_per_gpu(
    page: Any, system_store: tuple[str, dict[str, str]]
) -> None:
    url, ids = system_store
    page.goto(f"{url}/p/sys/r/{ids['gpu']}?tab=system")
    gpu = page.locator("[data-testid=system-group][data-group=gpu0]")
    expect(gpu).to_contain_text("GPU 0")
    gpu.scroll_into_view_if_needed()  # charts draw once they come near the screen
    utilization = _chart(page, "system/gpu/0/utilization_percent")
    expect(utilization).to_have_attribute("data-state", "ready")
    expect(utilization.locator("canvas")).to_have_count(1)
    clocks = _chart(page, "system/gpu/0/sm_clock_mhz,system/gpu/0/memory_clock_mhz")
    clocks.scroll_into_view_if_needed()
    expect(clocks).to_have_attribute("data-line-count", "2")
    expect(clocks.locator(".system-legend")).to_contain_text("SM")


def test_a_run_without_system_metrics_has_no_system_tab(
    page: Any, system_store: tuple[str, dict[str, str]]
) -> None:
    url, ids = system_store
    page.goto(f"{url}/p/sys/r/{ids['plain']}")
    expect(page.get_by_test_id("tab-logs")).to_be_visible()
    expect(page.get_by_test_id("tab-system")).to_have_count(0)


def test_the_workspace_keeps_system_panels_in_a_collapsed_section(
    page: Any, system_store: tuple[str, dict[str, str]]
) -> None:
    url, _ = system_store
    page.goto(f"{url}/p/sys")
    system = page.locator('[data-testid=chart-section][data-section="system"]')
    expect(system).to_have_attribute("data-collapsed", "true")
    expect(page.locator('[data-testid=chart-section][data-section="Charts"]')).to_have_attribute(
        "data-collapsed", "false"
    )
    system.get_by_role("button", name="system").click()
    expect(system).to_have_attribute("data-collapsed", "false")
    panel = system.locator('[data-testid=chart-panel][data-keys="system/cpu/percent"]')
    panel.scroll_into_view_if_needed()
    expect(panel).to_have_attribute("data-state", "ready")
    # Readings over time: drawn against relative time while the page's x is the step.
    expect(panel).to_have_attribute("data-x", "_runtime")
    loss = page.locator('[data-testid=chart-panel][data-keys="loss"]')
    expect(loss).to_have_attribute("data-x", "_step")
