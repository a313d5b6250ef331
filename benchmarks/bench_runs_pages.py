"""Listing every run of the 100,000-run project of issue 17 (the cached SQLite store of
``stores100k.py``) through ``cairn.Api(dir).runs(project)``, and one late page by keyset cursor
against the same page by OFFSET.

Rows:
- a ``for`` loop over ``Api(dir).runs(p)`` in a fresh process, then over the runs FILTERED
  finds: seconds to the first run, to the last, and the process's peak RSS. With ``--before SRC`` the same loop runs again on the Cairn
  whose ``src`` folder is SRC (e.g. a worktree of main before the lazy list), for a before/after.
- page PAGE_NUMBER of PAGE_RUNS runs (``Store.runs_page(count=False)``, as ``Api`` asks), after
  the cursor of the page before it vs at its offset: the default order, then a filter with a sort
  on a summary key (the dashboard's filter + sort); the median of REPEATS each.

With ``--pg-runs N`` the late-page rows run again on the project of N runs built into
PostgreSQL by ``stores100k.cached_pg_store`` (its cached cluster, started with default settings).

Prints a table and asserts nothing. Usage:
python benchmarks/bench_runs_pages.py [RUNS] [--before SRC] [--pg-runs N]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from stores100k import PROJECT, RUNS, cached_pg_store, cached_store
from timing import median_s

from cairn.store import Store
from cairn.store.blobs import BlobStore

PAGE_RUNS = 300
PAGE_NUMBER = 150
REPEATS = 5
WIDTH = 62
FILTERED = {"filter": "summary.val/acc > 0.3", "order": "-summary.val/acc"}

LOOP = """
import json, resource, sys, time
started = time.perf_counter()
import cairn
runs = cairn.Api(sys.argv[1]).runs(sys.argv[2], filter=sys.argv[3] or None, order=sys.argv[4] or None)
count, first = 0, None
for run in runs:
    count += 1
    if first is None:
        first = time.perf_counter() - started
print(json.dumps({
    "first": first, "all": time.perf_counter() - started, "count": count,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def loop(store_dir: Path, src: Path, query: dict[str, str]) -> dict[str, float]:
    """The loop over every run ``query`` finds in a fresh process importing Cairn from ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    asked = [query.get("filter", ""), query.get("order", "")]
    done = subprocess.run(
        [sys.executable, "-c", LOOP, str(store_dir), PROJECT, *asked],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def late_page(store: Store, query: dict[str, str]) -> tuple[float, float, float, int]:
    """Seconds for page PAGE_NUMBER by cursor and by offset (medians), for the walk to it
    through every page before it by cursor, and the runs matching."""
    started = time.perf_counter()
    after = None
    for _ in range(PAGE_NUMBER - 1):
        page = store.runs_page(PROJECT, limit=PAGE_RUNS, after=after, count=False, **query)
        after = page.next
    assert after is not None, "the listing has fewer pages than PAGE_NUMBER"
    walk = time.perf_counter() - started
    offset = (PAGE_NUMBER - 1) * PAGE_RUNS
    by_cursor = store.runs_page(PROJECT, limit=PAGE_RUNS, after=after, count=False, **query)
    by_offset = store.runs_page(PROJECT, limit=PAGE_RUNS, offset=offset, count=False, **query)
    assert [r.id for r in by_cursor.runs] == [r.id for r in by_offset.runs]

    def keyset() -> object:
        return store.runs_page(PROJECT, limit=PAGE_RUNS, after=after, count=False, **query)

    def skipped() -> object:
        return store.runs_page(PROJECT, limit=PAGE_RUNS, offset=offset, count=False, **query)

    matching = store.count_runs(PROJECT, filter=query.get("filter"))
    return median_s(keyset, REPEATS), median_s(skipped, REPEATS), walk, matching


def main() -> None:
    args = sys.argv[1:]
    before = None
    if "--before" in args:
        at = args.index("--before")
        before = Path(args[at + 1]).resolve()
        del args[at : at + 2]
    pg_runs = 0
    if "--pg-runs" in args:
        at = args.index("--pg-runs")
        pg_runs = int(args[at + 1])
        del args[at : at + 2]
    runs = int(args[0]) if args else RUNS
    if runs:
        sqlite_rows(runs, before)
    if pg_runs:
        with cached_pg_store(pg_runs) as (url, blobs, _):
            store = Store(url, BlobStore(blobs))
            try:
                late_pages(store, f"PostgreSQL, {pg_runs:,} runs")
            finally:
                store.close()
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def sqlite_rows(runs: int, before: Path | None) -> None:
    """The loop rows (before and now) and the late-page rows on the SQLite store."""
    store_dir, built = cached_store(runs)
    if built is not None:
        print(f"built the {runs:,}-run store in {built:.0f} s (cached for next time)")
    print(f"{runs:,} runs, SQLite ({store_dir}); load average {os.getloadavg()[0]:.1f}")
    print(f"{'row':<{WIDTH}} {'value':>12}")
    here = Path(__file__).resolve().parent.parent / "src"
    for name, query in (("", {}), (" + filter, sort", FILTERED)):
        for label, src in (("before", before), ("now", here)):
            if src is None:
                continue
            got = loop(store_dir, src, query)
            rows = (
                (f"first run, {label}", f"{got['first']:.2f} s"),
                (f"every run ({got['count']:,.0f}), {label}", f"{got['all']:.2f} s"),
                (f"peak RSS, {label}", f"{got['peak_mb']:.0f} MB"),
            )
            for row, value in rows:
                print(f"{'Api(dir).runs(p' + name + '): ' + row:<{WIDTH}} {value:>12}")
    store = Store.local(store_dir)
    try:
        late_pages(store, "SQLite")
    finally:
        store.close()


def late_pages(store: Store, where: str) -> None:
    """The late-page rows on ``store``."""
    for name, query in (("default order", {}), (", ".join(FILTERED.values()), FILTERED)):
        cursor_s, offset_s, walk, matching = late_page(store, query)
        print(f"{where}: page {PAGE_NUMBER} of {PAGE_RUNS} runs, {name} ({matching:,} match)")
        rows = (
            (f"by cursor (after page {PAGE_NUMBER - 1})", f"{cursor_s * 1e3:.1f} ms"),
            ("by offset", f"{offset_s * 1e3:.1f} ms"),
            ("the pages before it, one by one by cursor", f"{walk:.2f} s"),
        )
        for row, value in rows:
            print(f"{'  ' + row:<{WIDTH}} {value:>12}")


if __name__ == "__main__":
    main()
