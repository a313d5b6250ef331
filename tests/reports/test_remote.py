"""Saving a report over HTTP (``cairn.Api(url=…)``): through a real ``cairn server`` process and
its report routes, under each caller's API key: an editor saves, a viewer and a signed-out
caller are refused with nothing stored, and a save started from a version that is no longer the
latest is refused rather than overwriting the other one."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from tests.conftest import QUIET_CAPTURE
from tests.fakes.reading import add_key
from tests.fakes.server import Server, serve_command

import cairn
from cairn.errors import ProjectNotFoundError, ReportConflictError, UsageError
from cairn.reports import Markdown, Panel, TextChange
from cairn.reports import picture as picture_check
from cairn.server_client import ServerError
from cairn.store import Store, accounts

pytestmark = pytest.mark.usefixtures("no_open_run")

HOSTILE = '<img src=x onerror="alert(1)">'


@dataclass
class Team:
    dir: Path
    server: Server
    editor: str
    viewer: str

    def api(self, key: str | None) -> cairn.Api:
        return cairn.Api(url=self.server.url, key=key)

    def stored(self, report_id: str) -> cairn.Report:
        """The report as the server's store holds it, read without the server."""
        return cairn.Api(self.dir).report("rs", report_id)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """A ``cairn server`` on a store with project ``rs`` (two runs, a NaN), its editor ``eda``
    and its viewer ``vic``, and a project ``other`` where neither has a role."""
    dir = tmp_path_factory.mktemp("remote-save") / ".cairn"
    with pytest.MonkeyPatch.context() as env:
        for name, value in QUIET_CAPTURE.items():
            env.setenv(name, value)
        for project, lr in (("rs", 0.1), ("rs", 0.01), ("other", 0.1)):
            run = cairn.init(project=project, dir=dir, config={"lr": lr})
            for step in range(5):
                run.log({"loss": math.nan if step == 2 else 1 / (1 + lr * step)})
            run.finish(quiet=True)
    editor, viewer = add_key(dir, "eda"), add_key(dir, "vic")
    store = Store.local(dir)
    try:
        accounts.set_role(store, "rs", "eda", "editor")
        accounts.set_role(store, "rs", "vic", "viewer")
    finally:
        store.close()
    args = ["server", "--db", f"sqlite:///{dir / 'cairn.db'}", "--blobs", str(dir / "blobs")]
    with serve_command(args) as server:
        yield Team(dir, server, editor, viewer)


def test_an_editor_creates_and_saves_a_report_the_store_then_holds(team: Team) -> None:
    report = team.api(team.editor).new_report("rs", title=f"Over HTTP {HOSTILE}")
    report.add_markdown(f"# Loss\n\n{HOSTILE} $x^2$")
    report.add_panel("line", keys=["loss"], runs="config.lr > 0.05")
    report.add_panel("line", keys=["loss"], frozen=True, title="frozen loss")
    assert report.save() == 1
    assert report.id is not None and report.author == "eda"  # the key's user, not a claim
    frozen = report.blocks[2]
    assert isinstance(frozen, Panel) and frozen.data is not None  # the server took its data
    assert any(math.isnan(y) for run in frozen.data.runs for y in run.series["loss"][1])
    stored = team.stored(report.id)
    assert (stored.title, stored.version, stored.blocks) == (
        f"Over HTTP {HOSTILE}",
        1,
        report.blocks,
    )
    again = team.api(team.editor).report("rs", report.id)
    again.blocks.insert(0, Markdown(text="A summary first."))
    again.description = "edited over HTTP"
    assert again.save() == 2
    stored = team.stored(report.id)
    assert [(v.number, v.author) for v in stored.versions()] == [(1, "eda"), (2, "eda")]
    assert stored.blocks == again.blocks and stored.description == "edited over HTTP"
    assert [(c.change, c.new_index) for c in again.diff(1, 2)] == [("added", 0)]
    again.title = "Renamed over HTTP"
    assert again.save() == 3
    changes = again.diff(1, 3)
    assert changes.title == TextChange(f"Over HTTP {HOSTILE}", "Renamed over HTTP")
    assert changes.description == TextChange("", "edited over HTTP")
    assert [v.title for v in again.versions()] == [
        f"Over HTTP {HOSTILE}",
        f"Over HTTP {HOSTILE}",
        "Renamed over HTTP",
    ]
    assert again.restore(1) == 4  # restore is a save too: blocks, title and description
    stored = team.stored(report.id)
    assert (stored.blocks, stored.title, stored.description) == (
        report.blocks,
        f"Over HTTP {HOSTILE}",
        "",
    )
    assert (again.title, again.description) == (stored.title, "")


def test_a_viewer_is_refused_and_nothing_is_stored(team: Team) -> None:
    made = team.api(team.editor).new_report("rs", title="Viewers read it")
    made.add_markdown("v1")
    made.save()
    assert made.id is not None
    report = team.api(team.viewer).report("rs", made.id)  # a viewer may read it
    report.add_markdown("a viewer's line")
    with pytest.raises(ServerError, match="vic is viewer of 'rs'; this needs editor") as caught:
        report.save()
    assert caught.value.status == 403
    assert team.stored(made.id).version == 1 and report.version == 1
    new = team.api(team.viewer).new_report("rs", title="Not allowed")
    with pytest.raises(ServerError, match="needs editor"):
        new.save()
    assert new.id is None
    assert "Not allowed" not in [r.title for r in cairn.Api(team.dir).reports("rs")]


def test_signed_out_and_other_projects_are_refused(team: Team) -> None:
    with pytest.warns(UserWarning, match="no API key"):
        signed_out = team.api(None).new_report("rs", title="Keys only")
    with pytest.raises(ServerError, match="wants an API key"):
        signed_out.save()
    other = team.api(team.editor).new_report("other", title="Not hers")
    with pytest.raises(ProjectNotFoundError):  # no role on it: not even its name shows
        other.save()
    assert cairn.Api(team.dir).reports("other") == []
    assert "Keys only" not in [r.title for r in cairn.Api(team.dir).reports("rs")]


def test_a_stale_save_is_refused_and_overwrites_nothing(team: Team) -> None:
    made = team.api(team.editor).new_report("rs", title="Two editors")
    made.add_markdown("v1")
    made.save()
    assert made.id is not None
    mine = team.api(team.editor).report("rs", made.id)
    theirs = team.api(team.editor).report("rs", made.id)
    theirs.add_markdown("theirs")
    assert theirs.save() == 2
    mine.add_markdown("mine")
    with pytest.raises(ReportConflictError, match="saved again after version 1") as caught:
        mine.save()
    assert "nothing was saved" in str(caught.value)
    assert f".report('rs', '{made.id}')" in str(caught.value)  # how to go on
    stored = team.stored(made.id)
    assert stored.version == 2 and stored.blocks == theirs.blocks
    assert mine.version == 1  # still the version it was read at: saving again is refused again
    with pytest.raises(ReportConflictError):
        mine.save()
    latest = team.api(team.editor).report("rs", made.id)  # as the error says
    latest.add_markdown("mine")
    assert latest.save() == 3
    assert [b.text for b in team.stored(made.id).blocks if isinstance(b, Markdown)] == [
        "v1",
        "theirs",
        "mine",
    ]


def test_the_author_is_the_keys_user(team: Team) -> None:
    report = team.api(team.editor).new_report("rs", title="Who")
    with pytest.raises(UsageError, match="without author="):
        report.save(author="someone else")
    assert report.id is None


def test_an_image_is_uploaded_by_an_editor_and_refused_to_a_viewer(team: Team) -> None:
    report = team.api(team.editor).new_report("rs", title="With an image")
    picture = report.add_image(Image.new("RGB", (6, 4), "teal"), caption=HOSTILE)
    assert report.save() == 1 and report.id is not None
    assert team.stored(report.id).blocks == [picture]
    store = Store.local(team.dir)
    try:
        assert store.has_blob(picture.blob)
        viewer = team.api(team.viewer).report("rs", report.id)
        with pytest.raises(ServerError, match="needs editor") as caught:
            viewer.add_image(Image.new("RGB", (5, 5), "olive"))
        assert caught.value.status == 403
        assert viewer.blocks == [picture]  # nothing added
        olive = picture_check.read(Image.new("RGB", (5, 5), "olive"))
        assert not store.has_blob(olive.image.digest)  # nothing stored
    finally:
        store.close()
