"""The server imports only what it serves: never the SDK that runs inside training scripts."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import {module}
print("\\n".join(sorted(m for m in sys.modules if m.startswith("cairn."))))
"""


def _loaded(module: str) -> list[str]:
    """The Cairn modules loaded by ``import module`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()


def test_importing_the_server_loads_no_sdk_module() -> None:
    loaded = _loaded("cairn.server.app")
    assert "cairn.server.routes.runs" in loaded  # the probe did import the server's routes
    sdk = [name for name in loaded if name == "cairn.sdk" or name.startswith("cairn.sdk.")]
    assert not sdk, f"importing cairn.server.app loads SDK modules: {sdk}"


def test_the_server_package_alone_loads_nothing_else() -> None:
    """``cairn admin key create`` imports ``cairn.server.auth.credentials``: the package on the
    way must not bring FastAPI and every route with it."""
    loaded = _loaded("cairn.server")
    assert "cairn.server.app" not in loaded and "cairn.server.routes" not in loaded


def test_the_repro_package_loads_its_parts_on_demand() -> None:
    assert "cairn.repro.reproduce" not in _loaded("cairn.repro.score")
    import cairn.repro

    assert cairn.repro.make_plan.__module__ == "cairn.repro.reproduce"  # still there on access
