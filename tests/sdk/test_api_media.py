"""``ApiRun.media_keys``, ``media``, ``table`` and ``histograms``: logged through a real run, read
back equal, with errors that say what there is; from the store, and through a ``cairn server``
(the ``reading`` fixture)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.fakes.reading import Reading

import cairn
from cairn.errors import MediaNotFoundError

pytestmark = pytest.mark.usefixtures("no_open_run")

RNG = np.random.default_rng(0)
PIXELS = [RNG.integers(0, 256, (6, 5, 3), dtype=np.uint8) for _ in range(2)]
MASK = (np.arange(30).reshape(6, 5) % 3).astype(np.uint8)
VALUES = RNG.normal(size=500)


@pytest.fixture(scope="module")
def logged(reading: Reading) -> str:
    run = reading.log("media")
    for step, pixels in enumerate(PIXELS):
        image = cairn.Image(
            pixels,
            caption=f"step {step}",
            masks={"pred": {"mask_data": MASK, "class_labels": {1: "cat", 2: "dog"}}},
            boxes={
                "gt": {"box_data": [{"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}}]}
            },
        )
        run.log({"sample": image, "hist": cairn.Histogram(VALUES * (step + 1))}, step=step)
    run.log({"gallery": [cairn.Image(p) for p in PIXELS]}, step=2)
    table = cairn.Table(columns=["id", "score", "label", "extra", "thumb"])
    table.add_data(1, 0.5, "cat", {"a": [1, 2]}, cairn.Image(PIXELS[0]))
    table.add_data(2, 0.25, "dog", None, None)
    run.log({"preds": table}, step=2)
    run.log({"preds": cairn.Table(dataframe=pd.DataFrame({"id": [7]}))}, step=3)
    run.finish(quiet=True)
    return f"media/{run.id}"


@pytest.fixture
def run(logged: str, reading: Reading) -> cairn.ApiRun:
    return reading.api().run(logged)


def test_media_keys_name_kind_and_count(run: cairn.ApiRun) -> None:
    found = [(k.key, k.kind, k.count) for k in run.media_keys()]
    assert found == [
        ("gallery", "image", 1),
        ("hist", "histogram", 2),
        ("preds", "table", 2),
        ("sample", "image", 2),
    ]


def test_images_come_back_with_their_pixels_masks_and_metadata(run: cairn.ApiRun) -> None:
    entries = run.media("sample")
    assert [(e.step, e.kind, e.caption) for e in entries] == [
        (0, "image", "step 0"),
        (1, "image", "step 1"),
    ]
    for entry, pixels in zip(entries, PIXELS, strict=True):
        assert np.array_equal(np.array(entry.image()), pixels)
        assert entry.bytes().startswith(b"\x89PNG")
        assert np.array_equal(entry.mask("pred"), MASK)
        assert entry.meta["masks"]["pred"]["class_labels"] == {"1": "cat", "2": "dog"}
        assert entry.meta["boxes"]["gt"]["boxes"][0]["maxX"] == 5.0  # fractions, in pixels
    with pytest.raises(MediaNotFoundError, match=r"no mask 'truth'.*its masks: pred"):
        entries[0].mask("truth")


def test_a_gallery_is_one_entry_per_item(run: cairn.ApiRun) -> None:
    entries = run.media("gallery")
    assert [(e.step, e.index) for e in entries] == [(2, 0), (2, 1)]
    for entry, pixels in zip(entries, PIXELS, strict=True):
        assert np.array_equal(np.array(entry.image()), pixels)


def test_table_latest_or_at_a_step(run: cairn.ApiRun) -> None:
    pd.testing.assert_frame_equal(run.table("preds"), pd.DataFrame({"id": [7]}))
    frame = run.table("preds", step=2)
    expected = pd.DataFrame(
        {
            "id": [1, 2],
            "score": [0.5, 0.25],
            "label": ["cat", "dog"],
            "extra": [{"a": [1, 2]}, None],
        }
    )
    pd.testing.assert_frame_equal(frame.drop(columns="thumb"), expected)
    cell = frame["thumb"][0]
    assert cell["_type"] == "image" and (cell["width"], cell["height"]) == (5, 6)
    assert frame["thumb"][1] is None
    assert run.media("preds")[0].bytes().startswith(b"PAR1")
    with pytest.raises(MediaNotFoundError, match=r"at step 9.*logged at steps 2, 3"):
        run.table("preds", step=9)


def test_histograms_keep_their_counts_and_edges(run: cairn.ApiRun) -> None:
    found = run.histograms("hist")
    assert [h.step for h in found] == [0, 1]
    for h, scale in zip(found, (1, 2), strict=True):
        counts, edges = np.histogram(VALUES * scale, bins=64)
        assert h.counts == counts.tolist() and np.allclose(h.edges, edges)
        assert (h.nan, h.inf, h.ninf) == (0, 0, 0)
    entry = run.media("hist")[0]
    with pytest.raises(MediaNotFoundError, match=r"no bytes.*inline.*\.meta"):
        entry.bytes()


def test_errors_list_the_keys_and_name_the_kind(run: cairn.ApiRun) -> None:
    with pytest.raises(MediaNotFoundError, match=r"no media key 'nope'.*hist \(histogram\)"):
        run.media("nope")
    with pytest.raises(MediaNotFoundError, match=r"'sample' holds image values, not tables"):
        run.table("sample")
    with pytest.raises(MediaNotFoundError, match=r"'preds' holds table values, not histograms"):
        run.histograms("preds")
    with pytest.raises(MediaNotFoundError, match=r"is a histogram, not an image"):
        run.media("hist")[0].image()


def test_a_run_without_media(reading: Reading) -> None:
    made = reading.log("plain")
    made.log({"loss": 1.0})
    made.finish(quiet=True)
    run = reading.api().run(f"plain/{made.id}")
    assert run.media_keys() == []
    with pytest.raises(MediaNotFoundError, match="it logged no media"):
        run.table("preds")
