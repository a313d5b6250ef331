"""The public API is what ``cairn/__init__.py`` exports: pinned here, so changing it is deliberate."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

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
    "Report",
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
    "login",
    "plot",
    "seed_everything",
    "sweep",
    "unwatch",
    "watch",
]

PLOTS = ["bar", "confusion_matrix", "histogram", "line", "pr_curve", "roc_curve", "scatter"]


def test_all_is_pinned() -> None:
    assert sorted(cairn.__all__) == PUBLIC
    assert len(cairn.__all__) == len(set(cairn.__all__))


@pytest.mark.parametrize("name", [n for n in PUBLIC if n != "__version__"])
def test_every_public_name_is_cairns_own(name: str) -> None:
    """Each name is defined in Cairn (not a stray re-export of a dependency), importable by
    ``from cairn import NAME``, and is what its case says: a class, or a function."""
    value = getattr(cairn, name)
    if inspect.ismodule(value):  # cairn.plot: a namespace of chart builders
        builders = {
            n
            for n, f in inspect.getmembers(value, inspect.isfunction)
            if f.__module__ == value.__name__ and not n.startswith("_")
        }
        assert builders == set(PLOTS)
        return
    assert value.__module__.split(".")[0] == "cairn", value.__module__
    home = importlib.import_module(value.__module__)
    assert getattr(home, value.__name__) is value
    if name[0].isupper():
        assert isinstance(value, type)
        if name.endswith("Error"):
            assert issubclass(value, cairn.CairnError)
    else:
        assert inspect.isfunction(value)


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


def test_importing_cairn_is_light() -> None:
    """``import cairn`` loads no SDK, store or data library until a name is used, so the server
    (``import cairn.server`` runs this package first) and the CLI start without them."""
    probe = (
        "import sys, cairn\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('cairn') or m in "
        "('sqlalchemy', 'pandas', 'pyarrow', 'numpy'))))\n"
        "cairn.Image\n"
        "print('cairn.sdk.media.image' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    assert out == ["cairn cairn._version cairn.errors", "True"]


def test_documented_subpackages_load_on_first_use() -> None:
    """``except cairn.sweeps.TrialStopped`` works after a bare ``import cairn``."""
    probe = "import cairn\nprint(cairn.sweeps.TrialStopped.__name__, callable(cairn.analysis.parameter_importance))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.split() == ["TrialStopped", "True"]


def test_run_is_the_open_run_and_login_needs_nothing(store_dir: object) -> None:
    assert cairn.run is None
    assert cairn.login() is True and cairn.login(key="k" * 40) is True
    run = cairn.init(project="p")
    assert cairn.run is run
    run.finish(quiet=True)
    assert cairn.run is None
