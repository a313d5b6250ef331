"""``cairn import tensorboard``: event files written by a real writer (tensorboardX) come into
the store as runs with their scalars, histograms, images and text, at their steps and times;
importing again changes nothing."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cairn
from cairn.cli.main import cli
from cairn.importers.tensorboard import histogram_bins, import_logdir, run_id_for
from cairn.store import Store

tensorboardX = pytest.importorskip("tensorboardX")

T0 = 1_700_000_000.0


def write_logs(logdir: Path) -> None:
    first = tensorboardX.SummaryWriter(str(logdir / "lr-0.1"))
    for step in range(20):
        first.add_scalar("loss", 1.0 / (step + 1), step, walltime=T0 + step)
        first.add_scalar("acc/train", step / 20, step, walltime=T0 + step)
    first.add_scalar("loss", math.nan, 20, walltime=T0 + 20)
    first.add_histogram("weights", np.arange(1000) / 10, 5, walltime=T0 + 5)
    first.add_image("sample", np.full((3, 6, 4), 0.5), 7, walltime=T0 + 7)
    first.add_text("notes", "hello <b>world</b>", 3, walltime=T0 + 3)
    first.close()
    second = tensorboardX.SummaryWriter(str(logdir / "sweep" / "lr-0.01"))
    for step in range(0, 100, 10):
        second.add_scalar("loss", 2.0 / (step + 1), step, walltime=T0 + 100 + step)
    second.close()


def test_each_folder_becomes_a_run_with_what_it_logged(tmp_path: Path) -> None:
    write_logs(tmp_path / "logs")
    store = Store.local(tmp_path / "store")
    done = import_logdir(store, tmp_path / "logs", "tb")
    store.close()
    assert sorted(done.runs) == ["lr-0.1", "sweep/lr-0.01"]
    assert (done.points, done.media) == (20 * 2 + 1 + 10, 3)

    api = cairn.Api(tmp_path / "store")
    run = api.run(f"tb/{run_id_for('tb', 'lr-0.1')}")
    assert run.name == "lr-0.1" and run.state == "finished"
    assert run.created_at == pytest.approx(T0)
    history = run.history(["loss", "acc/train"])
    assert history["_step"].tolist() == list(range(21))
    assert history["loss"].tolist()[:3] == pytest.approx([1.0, 0.5, 1 / 3])
    assert math.isnan(history["loss"].tolist()[20])
    assert history["_timestamp"].tolist()[:2] == pytest.approx([T0, T0 + 1])
    keys = {m.key: m.kind for m in run.media_keys()}
    assert keys == {"weights": "histogram", "sample": "image", "notes": "text"}
    [image] = run.media("sample")
    assert image.step == 7 and image.image().size == (4, 6)
    [text] = run.media("notes")
    assert text.meta["text"] == "hello <b>world</b>"
    [histogram] = run.histograms("weights")
    assert histogram.step == 5 and sum(histogram.counts) == 1000

    other = api.run(f"tb/{run_id_for('tb', 'sweep/lr-0.01')}")
    assert other.history(["loss"])["_step"].tolist() == list(range(0, 100, 10))


def test_importing_again_changes_nothing_and_a_stopped_import_is_redone(tmp_path: Path) -> None:
    write_logs(tmp_path / "logs")
    runner = CliRunner()
    args = [
        "import",
        "tensorboard",
        str(tmp_path / "logs"),
        "-p",
        "tb",
        "--dir",
        str(tmp_path / "s"),
    ]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "2 runs imported" in first.output
    again = runner.invoke(cli, args)
    assert (
        again.exit_code == 0
        and "0 runs imported" in again.output
        and "2 already there" in again.output
    )
    api = cairn.Api(tmp_path / "s")
    assert len(api.runs("tb")) == 2
    run_id = run_id_for("tb", "lr-0.1")
    assert len(api.run(f"tb/{run_id}").history(["loss"])) == 21

    # an import that stopped part-way (the run never finished) is replaced, not added to
    store = Store.local(tmp_path / "s")
    store.delete_run(run_id)
    from cairn.journal.records import History, RunStart

    store.apply(
        run_id,
        [
            RunStart(seq=1, run_id=run_id, project="tb", name="lr-0.1", created_at=T0),
            History(seq=2, step=0, ts=T0, values={"loss": 9.0}),
        ],
    )
    store.close()
    redone = runner.invoke(cli, args)
    assert redone.exit_code == 0 and "1 runs imported" in redone.output
    loss = cairn.Api(tmp_path / "s").run(f"tb/{run_id}").history(["loss"])["loss"].tolist()
    assert len(loss) == 21 and loss[0] == 1.0


def test_a_torn_last_record_and_an_empty_logdir(tmp_path: Path) -> None:
    write_logs(tmp_path / "logs")
    [events] = (tmp_path / "logs" / "sweep" / "lr-0.01").iterdir()
    events.write_bytes(events.read_bytes()[:-7])  # a writer still writing
    store = Store.local(tmp_path / "s")
    done = import_logdir(store, tmp_path / "logs" / "sweep", "tb")
    assert done.points == 9  # the torn last step is left out, the rest imported
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(
        cli, ["import", "tensorboard", str(tmp_path / "empty"), "--dir", str(tmp_path / "s")]
    )
    assert result.exit_code == 1 and "no TensorBoard event files" in result.output
    store.close()


class _Histo:
    def __init__(self, counts: list[float], limits: list[float], lo: float, hi: float) -> None:
        self.bucket, self.bucket_limit, self.min, self.max = counts, limits, lo, hi


def test_histogram_bins_trim_merge_and_stay_increasing() -> None:
    counts, edges = histogram_bins(
        _Histo([0, 0, 3, 0, 5, 0], [-2, -1, 0, 1, 2, 1.8e308], -1.5, 1.5)
    )
    assert counts == [3, 0, 5] and edges[0] == -1.5 and edges[-1] == 1.5
    assert all(b > a for a, b in itertools.pairwise(edges))
    many = _Histo([1.0] * 1201, [float(i) for i in range(1, 1202)], 0.0, 1201.0)
    counts, edges = histogram_bins(many)
    assert len(counts) <= 512 and sum(counts) == 1201 and len(edges) == len(counts) + 1
