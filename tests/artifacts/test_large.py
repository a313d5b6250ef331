"""A 1 GiB file is hashed, stored and downloaded in chunks, never held in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

GIB = 1 << 30

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    import cairn
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    art = cairn.Artifact("big", type="dataset")
    art.add_file(sys.argv[1])
    with cairn.init(project="p") as run:
        v = run.log_artifact(art)
    root = v.download(sys.argv[2])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"base_kb": base, "peak_kb": peak, "version": v.version,
                      "sha256": v.files()[0]["sha256"]}))
    """
)


def test_one_gib_file_streams(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:  # a pattern every 64 MiB, the rest a hole: fast to make
        for offset in range(0, GIB, 64 << 20):
            f.seek(offset)
            f.write(offset.to_bytes(8, "little") * 1024)
        f.truncate(GIB)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "CAIRN_DIR": str(tmp_path / ".cairn")}
    out = subprocess.run(
        [sys.executable, str(script), str(big), str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["version"] == "v0"
    growth_mb = (report["peak_kb"] - report["base_kb"]) / 1024
    assert growth_mb < 200, f"peak memory grew by {growth_mb:.0f} MB for a 1 GiB file"
    copy = tmp_path / "out" / "big.bin"
    assert copy.stat().st_size == GIB
    with open(copy, "rb") as f:
        f.seek(64 << 20)
        assert f.read(8) == (64 << 20).to_bytes(8, "little")
