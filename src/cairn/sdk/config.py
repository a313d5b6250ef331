"""``run.config``: a nested mapping with attribute access, built from whatever the script has.

Sources: a dict, an ``argparse.Namespace``, a dataclass, a pydantic model, an OmegaConf
``DictConfig``, or a path to a YAML or JSON file. Values that JSON cannot hold are stored as their
``repr``, with a warning naming the key. Every change is journaled (as a snapshot of the config),
with secrets redacted (``journaled``): the script keeps the real values in ``run.config``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from cairn.errors import ConfigError
from cairn.sdk.capture.secrets import redact_values

_SCALARS = (str, int, float, bool, type(None))
_INTERNAL = frozenset({"_data", "_on_change", "_root", "_path"})


def _is_namespace(source: Any) -> bool:
    """An ``argparse.Namespace``: checked without importing argparse, which a script that has
    not imported it cannot have made one of."""
    argparse = sys.modules.get("argparse")
    return argparse is not None and isinstance(source, argparse.Namespace)


def config_to_dict(source: Any) -> dict[str, Any]:
    """A JSON-safe nested dict from any supported config source; raises ConfigError otherwise."""
    if source is None:
        return {}
    if isinstance(source, Config):
        return source.as_dict()
    if isinstance(source, (str, os.PathLike)):
        data = _load_file(Path(source))
    elif _is_namespace(source):
        data = vars(source)
    elif dataclasses.is_dataclass(source) and not isinstance(source, type):
        data = dataclasses.asdict(source)
    elif callable(getattr(source, "model_dump", None)):
        data = source.model_dump()
    elif type(source).__module__.startswith("omegaconf"):
        from omegaconf import OmegaConf

        data = OmegaConf.to_container(source, resolve=True)
    elif isinstance(source, Mapping):
        data = source
    else:
        raise ConfigError(
            f"cannot build a config from {type(source).__name__}: pass a dict, an "
            "argparse.Namespace, a dataclass, a pydantic model, an OmegaConf DictConfig, or "
            "the path of a YAML or JSON file"
        )
    if not isinstance(data, Mapping):
        raise ConfigError(f"a config must be a mapping at the top level, not {type(data).__name__}")
    return {str(k): json_safe(v, str(k)) for k, v in data.items()}


def journaled(config: dict[str, Any]) -> dict[str, Any]:
    """The config as it is journaled and stored: a string under a secret-looking key (``api_key``,
    ``hf_token``, ``db.password``; not ``token_count`` or ``tokenizer``) becomes ``[REDACTED]``,
    a secret-looking value anywhere (``sk-...``, ``ghp_...``) ``[REDACTED:<kind>]``; keys, numbers
    and booleans are kept."""
    redacted: dict[str, Any] = redact_values(config)
    return redacted


def _load_file(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    text = path.read_text()
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            return yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid JSON: {exc}") from exc
    raise ConfigError(f"config file {path}: use a .yaml, .yml or .json file")


def json_safe(value: Any, key: str) -> Any:
    """``value`` as JSON-compatible data; what JSON cannot hold becomes its repr, with a warning.

    Integers outside 64 bits become their decimal string, with a warning: the journal's msgpack
    and the SQL JSON columns cannot hold them.
    """
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        warnings.warn(
            f"config key {key!r}: an integer of {value.bit_length()} bits does not fit in 64 "
            "bits; stored as its decimal string",
            stacklevel=4,
        )
        return str(value)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Mapping):
        return {str(k): json_safe(v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v, f"{key}[{i}]") for i, v in enumerate(value)]
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        inner = item()
        if isinstance(inner, _SCALARS):
            return inner
    if isinstance(value, (os.PathLike, set, frozenset)):
        return str(value) if isinstance(value, os.PathLike) else sorted(map(str, value))
    warnings.warn(
        f"config key {key!r}: {type(value).__name__} is not JSON; stored as its repr",
        stacklevel=4,
    )
    return repr(value)


class Config(MutableMapping[str, Any]):
    """A nested config: ``config["model"]["width"]``, ``config.model.width``, ``config.update()``.

    Nested mappings come back as ``Config`` views of the same data, so ``config.model.width = 128``
    changes the run's config and is journaled.
    """

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        on_change: Callable[[dict[str, Any]], None] | None = None,
        *,
        _root: Config | None = None,
        _path: str = "",
    ) -> None:
        object.__setattr__(self, "_data", data if data is not None else {})
        object.__setattr__(self, "_on_change", on_change)
        object.__setattr__(self, "_root", _root)
        object.__setattr__(self, "_path", _path)

    def _wrap(self, key: str, value: Any) -> Any:
        if isinstance(value, dict):
            root = self._root or self
            return Config(value, _root=root, _path=f"{self._path}{key}.")
        return value

    def _changed(self) -> None:
        root = self._root or self
        if root._on_change is not None:
            root._on_change(journaled(root.as_dict()))

    def __getitem__(self, key: str) -> Any:
        return self._wrap(key, self._data[key])

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[str(key)] = json_safe(value, f"{self._path}{key}")
        self._changed()

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._changed()

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__") or key in _INTERNAL:  # probed by copy/pickle before __init__
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"config has no key {self._path + key!r}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value

    def __delattr__(self, key: str) -> None:
        del self[key]

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Merge keys from a dict, Namespace, dataclass, model or file (one journal record)."""
        data = config_to_dict(other) if other != () else {}
        data.update({k: json_safe(v, k) for k, v in kwargs.items()})
        self._data.update(data)
        self._changed()

    def as_dict(self) -> dict[str, Any]:
        """A deep copy as plain dicts and lists."""
        copied: dict[str, Any] = json.loads(json.dumps(self._data))
        return copied

    def __reduce__(self) -> tuple[Any, ...]:
        """Copies and pickles are detached plain configs: changing them journals nothing."""
        return (Config, (self.as_dict(),))

    def __repr__(self) -> str:
        return f"Config({self._data!r})"
