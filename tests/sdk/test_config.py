"""``run.config``: built from whatever the script has, nested, attribute access, journaled."""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pydantic
import pytest
from omegaconf import OmegaConf
from tests.conftest import stable_id
from tests.fakes.planted import PLANTED

import cairn
from cairn.errors import ConfigError
from cairn.journal.file import read_journal
from cairn.journal.records import ConfigUpdate, RunStart
from cairn.sdk.config import Config, config_to_dict

pytestmark = pytest.mark.usefixtures("no_open_run")

NESTED = {"lr": 0.001, "model": {"width": 64, "layers": [1, 2]}, "name": "mlp", "seed": None}


@dataclasses.dataclass
class Model:
    width: int = 64
    layers: tuple[int, ...] = (1, 2)


@dataclasses.dataclass
class TrainConfig:
    lr: float = 0.001
    model: Model = dataclasses.field(default_factory=Model)
    name: str = "mlp"
    seed: int | None = None


class PydModel(pydantic.BaseModel):
    width: int = 64
    layers: list[int] = [1, 2]


class PydConfig(pydantic.BaseModel):
    lr: float = 0.001
    model: PydModel = PydModel()
    name: str = "mlp"
    seed: int | None = None


def _sources(tmp_path: Path) -> dict[str, Any]:
    yaml_path = tmp_path / "config.yaml"
    yaml_path.write_text(
        "lr: 0.001\nmodel:\n  width: 64\n  layers: [1, 2]\nname: mlp\nseed: null\n"
    )
    json_path = tmp_path / "config.json"
    json_path.write_text(json.dumps(NESTED))
    return {
        "dict": NESTED,
        "namespace": argparse.Namespace(**NESTED),
        "dataclass": TrainConfig(),
        "pydantic": PydConfig(),
        "omegaconf": OmegaConf.create(NESTED),
        "yaml path": yaml_path,
        "yaml str": str(yaml_path),
        "json path": json_path,
        "config": Config(json.loads(json.dumps(NESTED))),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "dict",
        "namespace",
        "dataclass",
        "pydantic",
        "omegaconf",
        "yaml path",
        "yaml str",
        "json path",
        "config",
    ],
)
def test_config_sources(tmp_path: Path, kind: str) -> None:
    assert config_to_dict(_sources(tmp_path)[kind]) == NESTED


def test_none_is_empty() -> None:
    assert config_to_dict(None) == {}


def test_omegaconf_interpolations_are_resolved() -> None:
    conf = OmegaConf.create({"base": 8, "width": "${base}"})
    assert config_to_dict(conf) == {"base": 8, "width": 8}


def test_yml_suffix_and_empty_yaml(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("")
    assert config_to_dict(path) == {}
    path.write_text("a: 1\n")
    assert config_to_dict(path) == {"a": 1}


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("missing.yaml", None, "does not exist"),
        ("bad.yaml", "a: [1, 2\n", "not valid YAML"),
        ("bad.json", '{"a": ', "not valid JSON"),
        ("list.yaml", "- 1\n- 2\n", "mapping"),
        ("list.json", "[1, 2]", "mapping"),
        ("config.toml", "a = 1", r"\.yaml, \.yml or \.json"),
    ],
)
def test_bad_files_raise_config_error(
    tmp_path: Path, name: str, text: str | None, match: str
) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError, match=match):
        config_to_dict(path)


def test_a_folder_is_not_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        config_to_dict(tmp_path)


@pytest.mark.parametrize("source", [42, [("a", 1)], object()], ids=stable_id)
def test_unsupported_sources_raise_config_error(source: Any) -> None:
    with pytest.raises(ConfigError, match="dict"):
        config_to_dict(source)


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_non_json_values_become_repr_with_a_warning_naming_the_key() -> None:
    class Opaque:
        def __repr__(self) -> str:
            return "<Opaque>"

    with pytest.warns(UserWarning, match=r"'model\.act'"):
        data = config_to_dict({"model": {"act": Opaque()}})
    assert data == {"model": {"act": "<Opaque>"}}


def test_json_friendly_conversions_do_not_warn(recwarn: pytest.WarningsRecorder) -> None:
    data = config_to_dict(
        {
            "path": Path("/data/x"),
            "tags": {"b", "a"},
            "shape": (3, 4),
            "np": np.float32(0.5),
            "npint": np.int64(3),
            "key": {1: "one"},
        }
    )
    assert data == {
        "path": "/data/x",
        "tags": ["a", "b"],
        "shape": [3, 4],
        "np": 0.5,
        "npint": 3,
        "key": {"1": "one"},
    }
    assert not recwarn.list


def test_nested_access_by_item_and_attribute() -> None:
    config = Config(json.loads(json.dumps(NESTED)))
    assert config["model"]["width"] == 64
    assert config.model.width == 64
    assert config.model.layers == [1, 2]
    assert isinstance(config.model, Config)
    assert "lr" in config and len(config) == 4
    assert set(config) == set(NESTED)
    assert config.get("missing", 5) == 5
    with pytest.raises(AttributeError, match=r"'model\.depth'"):
        config.model.depth  # noqa: B018
    with pytest.raises(KeyError):
        config["missing"]


def test_changes_call_back_with_the_whole_config() -> None:
    seen: list[dict[str, Any]] = []
    config = Config(json.loads(json.dumps(NESTED)), seen.append)
    config.model.width = 128
    config["lr"] = 0.01
    config.extra = {"a": 1}
    del config.seed
    config.update({"name": "cnn"}, batch=32)
    assert [s["model"]["width"] for s in seen] == [128] * 5
    assert seen[-1] == {
        "lr": 0.01,
        "model": {"width": 128, "layers": [1, 2]},
        "name": "cnn",
        "extra": {"a": 1},
        "batch": 32,
    }
    assert config.as_dict() == seen[-1]


def test_as_dict_is_a_copy() -> None:
    config = Config({"a": {"b": 1}})
    copy = config.as_dict()
    copy["a"]["b"] = 2
    assert config.a.b == 1


def test_run_config_from_init_and_updates_reach_the_store(store_dir: Path) -> None:
    run = cairn.init(project="cfg", config=PydConfig())
    assert run.config.model.width == 64
    assert cairn.config is run.config
    run.config.model.width = 128
    run.config.update(batch=32)
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run(run.path).config
    assert stored == {
        "lr": 0.001,
        "model": {"width": 128, "layers": [1, 2]},
        "name": "mlp",
        "seed": None,
        "batch": 32,
    }


def test_config_updates_are_journaled(store_dir: Path) -> None:
    run = cairn.init(project="cfg", config={"a": 1}, mode="offline")
    run.config.b = 2
    run.flush()
    assert run.journal is not None
    updates = [r for r in read_journal(run.journal).records if isinstance(r, ConfigUpdate)]
    assert updates[-1].config == {"a": 1, "b": 2}
    run.finish(quiet=True)


def test_non_json_config_value_in_run_warns(store_dir: Path) -> None:
    run = cairn.init(project="cfg")
    with pytest.warns(UserWarning, match=r"'loss_fn'"):
        run.config.loss_fn = len
    run.finish(quiet=True)
    assert cairn.Api(store_dir).run(run.path).config == {"loss_fn": repr(len)}


def test_init_with_bad_config_file_raises_config_error(store_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        cairn.init(project="cfg", config=tmp_path / "nope.yaml")


def test_config_change_after_finish_is_refused(store_dir: Path) -> None:
    run = cairn.init(project="cfg", config={"a": 1})
    run.finish(quiet=True)
    with pytest.raises(cairn.UsageError, match="finished"):
        run.config.a = 2


@pytest.mark.parametrize(
    "clone",
    [copy.copy, copy.deepcopy, lambda c: pickle.loads(pickle.dumps(c))],
    ids=["copy", "deepcopy", "pickle"],
)
def test_copies_are_detached(clone: Any) -> None:
    seen: list[dict[str, Any]] = []
    config = Config({"model": {"width": 64}}, seen.append)
    copied = clone(config)
    assert copied == config
    assert clone(config.model) == {"width": 64}
    copied.model.width = 128
    assert config.model.width == 64
    assert seen == []


def test_an_int_beyond_64_bits_is_kept_as_its_string_with_a_warning(store_dir: Path) -> None:
    """msgspec cannot encode it: before, it killed the journal writer and lost the run."""
    big = 2**70 + 1
    with pytest.warns(UserWarning, match="'seed'.*64 bits"):
        run = cairn.init(project="c", config={"seed": big, "lr": 0.1})
    run.log({"x": 1.0})
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.config == {"seed": str(big), "lr": 0.1}
    assert stored.state == "finished" and stored.info.history_rows == 1


def test_secrets_in_the_config_are_journaled_redacted_and_kept_in_memory(store_dir: Path) -> None:
    """The journal (and so the store) gets ``[REDACTED]`` under secret-looking keys and
    ``[REDACTED:<kind>]`` for token-looking values; the script's own ``run.config`` keeps the real
    values; ML names that mention tokens or keys keep theirs."""
    key, hf = PLANTED[5].secret, PLANTED[8].secret
    config = {
        "lr": 3e-4,
        "api_key": key,
        "db": {"password": "quiet-pw-1", "port": 5432},
        "token_count": 512,
        "max_tokens": 128,
        "num_tokens": 10**6,
        "tokenizer": "gpt2",
        "pad_token": "<pad>",
        "key_dim": 64,
        "secret_sauce_lr": 0.3,
        "notes": f"hub {hf}",
    }
    run = cairn.init(project="cfg", config=config, mode="offline")
    assert run.config.api_key == key and run.config.db.password == "quiet-pw-1"
    run.config.update(hf_token=hf)
    run.config.model = {"secret_key": "quiet-sk-2", "width": 8}
    run.finish(quiet=True)
    assert run.journal is not None
    records = read_journal(run.journal).records
    start = next(r for r in records if isinstance(r, RunStart))
    last = [r for r in records if isinstance(r, ConfigUpdate)][-1]
    expected = {
        **config,
        "api_key": "[REDACTED]",
        "db": {"password": "[REDACTED]", "port": 5432},
        "notes": "hub [REDACTED:huggingface-token]",
    }
    assert start.config == expected
    assert last.config == {
        **expected,
        "hf_token": "[REDACTED]",
        "model": {"secret_key": "[REDACTED]", "width": 8},
    }
    raw = run.journal.read_bytes()
    for secret in (key, hf, "quiet-pw-1", "quiet-sk-2"):
        assert secret.encode() not in raw
