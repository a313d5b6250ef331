"""The system-metrics thread: rows at the last logged step that never disturb the script's own
steps, summary or pending row; failures are skipped; the thread stops at finish."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.nvml import FakeNvml

import cairn
from cairn.sdk.system import gpu as gpu_module
from cairn.sdk.system import sampler as sampler_module
from cairn.sdk.system.sampler import SystemSampler

pytestmark = pytest.mark.usefixtures("no_open_run")

WAIT = 30.0


class Readings:
    """A provider with fixed readings; ``fail`` makes ``sample`` raise."""

    def __init__(self, row: dict[str, float], fail: bool = False) -> None:
        self.row = row
        self.fail = fail
        self.closed = False

    def sample(self) -> dict[str, float]:
        if self.fail:
            raise RuntimeError("sensor gone")
        return dict(self.row)

    def close(self) -> None:
        self.closed = True


def _rows(store_dir: Path, run: cairn.Run) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.items() if k not in ("_timestamp", "_runtime")}
        for row in cairn.Api(store_dir).run(run.path).scan_history()
    ]


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the sampler"
        threading.Event().wait(0.01)


def test_a_sample_is_a_row_at_the_last_step_and_leaves_the_steps_alone(store_dir: Path) -> None:
    run = cairn.init(project="p")
    sampler = SystemSampler(run, [Readings({"system/cpu/percent": 12.5})], interval=60)
    sampler.sample_now()  # before any step: at step 0
    run.log({"loss": 1.0})
    run.log({"loss": 0.5})
    run.log({"acc": 0.9}, commit=False)  # a pending row the sample must not complete
    sampler.sample_now()
    run.log({"loss": 0.25})
    assert run.step == 3
    run.finish(quiet=True)
    rows = _rows(store_dir, run)
    assert [r for r in rows if "system/cpu/percent" in r] == [
        {"_step": 0, "system/cpu/percent": 12.5},
        {"_step": 1, "system/cpu/percent": 12.5},
    ]
    assert [(r["_step"], r.get("loss"), r.get("acc")) for r in rows if "loss" in r] == [
        (0, 1.0, None),
        (1, 0.5, None),
        (2, 0.25, 0.9),
    ]


def test_system_keys_are_charted_but_not_in_the_summary(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"loss": 1.0})
    SystemSampler(run, [Readings({"system/memory/rss_mb": 300.0})], interval=60).sample_now()
    assert dict(run.summary) == {"loss": 1.0}
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run(run.path)
    assert dict(stored.summary) == {"loss": 1.0}
    assert "system/memory/rss_mb" in stored.keys


def test_a_failing_provider_is_skipped_and_the_others_kept(store_dir: Path) -> None:
    run = cairn.init(project="p")
    broken = Readings({"system/gpu/0/power_w": 1.0}, fail=True)
    sampler = SystemSampler(run, [broken, Readings({"system/cpu/percent": 3.0})], interval=60)
    assert sampler.sample_now() == {"system/cpu/percent": 3.0}
    sampler.stop()
    assert broken.closed
    run.finish(quiet=True)


def test_nothing_to_read_logs_no_row(store_dir: Path) -> None:
    run = cairn.init(project="p")
    sampler = SystemSampler(run, [Readings({}, fail=True)], interval=60)
    assert sampler.sample_now() == {} and sampler.samples == 0
    run.finish(quiet=True)
    assert _rows(store_dir, run) == []


def test_the_thread_samples_until_finish_and_never_after(store_dir: Path) -> None:
    settings = cairn.Settings(system_metrics=True, system_interval=0.02)
    run = cairn.init(project="p", settings=settings)
    sampler = run._sampler
    assert sampler is not None and sampler.interval == 0.02
    _wait_for(lambda: sampler.samples >= 3)
    run.finish(quiet=True)
    after = sampler.samples
    assert sampler._thread is not None and not sampler._thread.is_alive()
    assert sampler.samples == after
    rows = _rows(store_dir, run)
    assert len(rows) == after and all("system/cpu/percent" in r for r in rows)


def test_a_sample_taken_while_finish_begins_is_stored(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """finish() while the thread is inside a reading: the reading still lands (it was counted
    as written but dropped when finish closed the run before stopping the sampler)."""
    reading, release = threading.Event(), threading.Event()

    class Slow(Readings):
        def sample(self) -> dict[str, float]:
            reading.set()
            release.wait(WAIT)
            return super().sample()

    monkeypatch.setattr(
        sampler_module, "HostMetrics", lambda disk: Slow({"system/cpu/percent": 5.0})
    )
    run = cairn.init(
        project="p", settings=cairn.Settings(system_metrics=True, system_interval=0.01)
    )
    assert reading.wait(WAIT)
    threading.Timer(0.2, release.set).start()  # finish() starts while the reading is under way
    run.finish(quiet=True)
    assert run._sampler is not None and run._sampler.samples >= 1
    assert len(_rows(store_dir, run)) == run._sampler.samples


def test_gpus_are_sampled_when_nvml_sees_them(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nvml = FakeNvml(2)
    monkeypatch.setattr(gpu_module, "load_nvml", lambda: nvml)
    run = cairn.init(
        project="p", settings=cairn.Settings(system_metrics=True, system_interval=0.02)
    )
    assert run._sampler is not None
    _wait_for(lambda: run._sampler is not None and run._sampler.samples >= 1)
    run.finish(quiet=True)
    assert nvml.shutdowns == 1
    keys = set(cairn.Api(store_dir).run(run.path).keys)
    assert {"system/gpu/0/utilization_percent", "system/gpu/1/temperature_c"} <= keys


def test_an_error_stops_the_sampler_not_the_script(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class Failing:
        def _log_aside(self, values: dict[str, float]) -> None:
            raise OSError("disk full")

        def _exclude_from_summary(self, pattern: str) -> None:
            pass

    sampler = SystemSampler(Failing(), [Readings({"system/cpu/percent": 1.0})], 0.01).start()
    assert sampler._thread is not None
    sampler._thread.join(WAIT)
    assert not sampler._thread.is_alive()
    assert "cairn: system metrics stopped: OSError('disk full')" in capsys.readouterr().err


def test_the_environment_turns_it_on_and_off(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_SYSTEM_METRICS", "1")
    monkeypatch.setenv("CAIRN_SYSTEM_INTERVAL", "30")
    run = cairn.init(project="p")
    assert run._sampler is not None and run._sampler.interval == 30.0
    run.finish(quiet=True)
    monkeypatch.setenv("CAIRN_SYSTEM_METRICS", "0")
    run = cairn.init(project="p")
    assert run._sampler is None
    run.finish(quiet=True)


def test_a_disabled_run_has_no_sampler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_SYSTEM_METRICS", "1")
    run = cairn.init(project="p", mode="disabled")
    assert run._sampler is None
    run.finish()


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="above 0"):
        SystemSampler(object(), [], 0)  # type: ignore[arg-type]


def test_the_finish_report_counts_the_scripts_rows_only(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cairn.init(project="p")
    sampler = SystemSampler(run, [Readings({"system/cpu/percent": 1.0})], interval=60)
    run.log({"loss": 1.0})
    sampler.sample_now()
    sampler.sample_now()
    run.log({"loss": 0.5})
    run.finish()
    assert ", 2 rows logged." in capsys.readouterr().err
