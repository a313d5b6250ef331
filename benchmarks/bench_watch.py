"""Overhead of ``run.watch(model)``: a small CNN trained on CPU with and without it, in one run.

Fixed workload: a 2-conv CNN on random 28x28 batches of 64, 400 steps per arm, every step logged.
Arms (interleaved, repeated, so drift of a shared machine hits all alike): the plain loop, the loop
with ``run.log``, and the same with ``run.watch(log="gradients")`` and ``run.watch(log="all")`` at
``log_freq=100``. Per step: the mean (one logging step in 100 is the whole cost; a median would hide
it) of the training thread's CPU time (the hooks run in it; CPU time is steady on a busy machine,
wall time is not) and of the wall time; the median over the repeats. Budget: watch adds at most 5 %
to the training thread's time per step of the logged loop. Prints a table; it asserts nothing. Run
with `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

STEPS = 400
WARMUP = 20
REPEATS = 5
LOG_FREQ = 100
BATCH = 64
BUDGET = 0.05


def _settings() -> object:
    import cairn

    return cairn.Settings(
        capture_git=False,
        save_code=False,
        capture_env=False,
        capture_console=False,
        system_metrics=False,
    )


def model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 7 * 7, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


def batches() -> list[tuple[torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(1)
    return [
        (
            torch.randn(BATCH, 1, 28, 28, generator=gen),
            torch.randint(0, 10, (BATCH,), generator=gen),
        )
        for _ in range(8)
    ]


def train(
    net: nn.Module, data: list[tuple[torch.Tensor, torch.Tensor]], log: Callable[..., None] | None
) -> tuple[float, float]:
    """Mean (thread CPU seconds, wall seconds) per step over STEPS steps (after WARMUP)."""
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    t0 = c0 = 0.0
    for step in range(WARMUP + STEPS):
        if step == WARMUP:
            t0, c0 = time.perf_counter(), time.thread_time()
        x, y = data[step % len(data)]
        loss = loss_fn(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if log is not None:
            log({"train/loss": loss})
    return (time.thread_time() - c0) / STEPS, (time.perf_counter() - t0) / STEPS


def arm(
    name: str, root: Path, data: list[tuple[torch.Tensor, torch.Tensor]]
) -> tuple[tuple[float, float], int]:
    """((CPU, wall) seconds per step, histograms logged) of one arm."""
    import cairn

    net = model()
    if name == "plain loop":
        return train(net, data, None), 0
    run = cairn.init(project="bench", dir=root, settings=_settings())  # type: ignore[arg-type]
    if name.startswith("watch"):
        run.watch(net, log="all" if "all" in name else "gradients", log_freq=LOG_FREQ)
    seconds = train(net, data, run.log)
    run.finish(quiet=True)
    histograms = 0
    if run.journal is not None:
        from cairn.journal.file import read_journal
        from cairn.journal.records import MediaLog

        histograms = sum(isinstance(r, MediaLog) for r in read_journal(run.journal).records)
    return seconds, histograms


def main() -> None:
    torch.set_num_threads(1)  # a shared machine: one thread measures the code, not the contention
    arms = ["plain loop", "run.log", "watch gradients", "watch all"]
    data = batches()
    cpu: dict[str, list[float]] = {a: [] for a in arms}
    wall: dict[str, list[float]] = {a: [] for a in arms}
    logged: dict[str, int] = {}
    print(
        f"workload: small CNN, batch {BATCH}, {STEPS} steps per arm, log_freq={LOG_FREQ}, "
        f"{REPEATS} interleaved repeats, torch {torch.__version__} on CPU, 1 thread",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(REPEATS):
            for name in arms if repeat % 2 == 0 else list(reversed(arms)):
                (c, w), histograms = arm(name, Path(tmp) / f"{repeat}", data)
                cpu[name].append(c)
                wall[name].append(w)
                logged[name] = histograms
    med = statistics.median
    base_cpu, base_wall = med(cpu["run.log"]), med(wall["run.log"])
    print(
        f"\n{'arm':<17}{'CPU ms/step':>12}{'vs run.log':>12}"
        f"{'wall ms/step':>14}{'vs run.log':>12}{'histograms':>12}"
    )
    for name in arms:
        c, w = med(cpu[name]), med(wall[name])
        print(
            f"{name:<17}{c * 1e3:>12.3f}{c / base_cpu - 1:>+12.1%}"
            f"{w * 1e3:>14.3f}{w / base_wall - 1:>+12.1%}{logged[name]:>12}"
        )
    worst = max(med(cpu[a]) / base_cpu - 1 for a in arms if a.startswith("watch"))
    verdict = "within" if worst <= BUDGET else "OVER"
    print(
        f"\nwatch overhead: {worst:+.1%} of the training thread's time per step "
        f"({verdict} the {BUDGET:.0%} budget)"
    )


if __name__ == "__main__":
    main()
