"""Journal records encode to msgpack and decode back to the same record, type and all."""

from __future__ import annotations

import math

import msgspec
import pytest
from tests.fakes.journals import every_record, same

from cairn.journal.records import History, Record, RunStart, decode, encode


@pytest.mark.parametrize("record", every_record(), ids=lambda r: type(r).__name__)
def test_every_record_type_round_trips(record: Record) -> None:
    back = decode(encode(record))
    assert type(back) is type(record)
    assert same(back, record)


def test_non_finite_values_survive() -> None:
    record = History(
        seq=9, step=3, ts=1.5, values={"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
    )
    back = decode(encode(record))
    assert isinstance(back, History)
    assert math.isnan(back.values["nan"])
    assert back.values["inf"] == math.inf
    assert back.values["-inf"] == -math.inf


def test_defaults_round_trip() -> None:
    record = RunStart(seq=1, run_id="r", project="p", name="n", created_at=0.0)
    back = decode(encode(record))
    assert isinstance(back, RunStart)
    assert (back.config, back.tags, back.notes, back.resumed) == ({}, [], None, False)


def test_every_type_has_its_own_tag() -> None:
    tags = {msgspec.msgpack.decode(encode(r))["type"] for r in every_record()}
    assert tags == {
        "start",
        "history",
        "config",
        "summary",
        "metric",
        "finish",
        "capture",
        "console",
    }


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\xc1",  # a byte msgpack never uses
        msgspec.msgpack.encode({"type": "nope", "seq": 1}),
        msgspec.msgpack.encode({"type": "history", "seq": "one", "step": 0, "ts": 0.0}),
        msgspec.msgpack.encode([1, 2, 3]),
    ],
    ids=["empty", "invalid-byte", "unknown-type", "wrong-field-type", "not-a-map"],
)
def test_bad_payloads_raise_msgspec_errors(payload: bytes) -> None:
    with pytest.raises((msgspec.DecodeError, msgspec.ValidationError)):
        decode(payload)
