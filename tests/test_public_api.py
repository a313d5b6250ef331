"""The public API is what ``cairn/__init__.py`` exports: pinned here, so changing it is deliberate."""

from __future__ import annotations

import pytest

import cairn

PUBLIC = [
    "Api",
    "ApiRun",
    "Artifact",
    "ArtifactError",
    "ArtifactNotFoundError",
    "ArtifactVersion",
    "Audio",
    "CairnError",
    "Config",
    "ConfigError",
    "Histogram",
    "Html",
    "Image",
    "Object3D",
    "Run",
    "RunLockedError",
    "RunNotFoundError",
    "Settings",
    "StoreError",
    "Summary",
    "Table",
    "Text",
    "UsageError",
    "Video",
    "__version__",
    "agent",
    "define_metric",
    "finish",
    "init",
    "log",
    "plot",
    "seed_everything",
    "sweep",
    "unwatch",
    "watch",
]


def test_all_is_pinned() -> None:
    assert sorted(cairn.__all__) == PUBLIC
    assert len(cairn.__all__) == len(set(cairn.__all__))


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(cairn, name) is not None


@pytest.mark.parametrize("name", [n for n in PUBLIC if n[0].islower() and n != "__version__"])
def test_public_functions_are_documented(name: str) -> None:
    assert getattr(cairn, name).__doc__


def test_version_is_a_string() -> None:
    assert isinstance(cairn.__version__, str) and cairn.__version__


def test_exception_tree() -> None:
    assert issubclass(cairn.StoreError, cairn.CairnError)
    assert issubclass(cairn.RunNotFoundError, cairn.StoreError)
    assert issubclass(cairn.ConfigError, cairn.CairnError)
    assert issubclass(cairn.UsageError, cairn.CairnError)
    assert issubclass(cairn.RunLockedError, cairn.CairnError)


@pytest.mark.usefixtures("no_open_run")
@pytest.mark.parametrize("name", ["config", "summary"])
def test_current_run_attributes_need_a_run(name: str) -> None:
    with pytest.raises(AttributeError, match=r"cairn\.init\(\)"):
        getattr(cairn, name)


@pytest.mark.usefixtures("no_open_run")
def test_module_functions_need_a_run() -> None:
    with pytest.raises(cairn.UsageError, match=r"cairn\.init\(\)"):
        cairn.log({"x": 1.0})
    with pytest.raises(cairn.UsageError, match=r"cairn\.init\(\)"):
        cairn.finish()


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        cairn.no_such_thing  # noqa: B018
