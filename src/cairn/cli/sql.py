"""``cairn sql``: query the runs table and the history with DuckDB (read-only)."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cairn.cli.common import dir_option, short
from cairn.sdk.location import find_store_dir
from cairn.store.sql import SqlError, query
from cairn.store.store import Store

MAX_ROWS = 200


@click.command()
@click.argument("statement")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["table", "csv", "parquet"]),
    default="table",
    help="table (the terminal, at most 200 rows), csv (to --out or stdout) or parquet (--out).",
)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the result here.")
@dir_option
def sql(statement: str, format_: str, out: str | None, dir: str | None) -> None:
    """Run a read-only SQL STATEMENT (DuckDB) over the views `runs` and `history`.

    \b
    cairn sql 'SELECT name, "summary.val/acc" FROM runs ORDER BY 2 DESC LIMIT 5'
    cairn sql 'SELECT run_id, max(_step) FROM history GROUP BY run_id' --format csv
    """
    if format_ == "parquet" and out is None:
        raise click.UsageError("--format parquet needs --out FILE")
    store = Store.local(find_store_dir(dir, create=False))
    try:
        result = query(store, statement)
    except SqlError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    if format_ == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(result, str(out))
        click.echo(f"{result.num_rows:,} rows written to {out}", err=True)
    elif format_ == "csv":
        import pyarrow.csv as pacsv

        if out is None:
            sink = pacsv.CSVWriter(sys.stdout.buffer, result.schema)
            sink.write_table(result)
            sink.close()
        else:
            pacsv.write_csv(result, out)
            click.echo(f"{result.num_rows:,} rows written to {out}", err=True)
    else:
        _print(result)


def _print(result: object) -> None:
    import pyarrow as pa

    assert isinstance(result, pa.Table)
    table = Table(show_edge=False, header_style="bold")
    for name in result.column_names:
        table.add_column(escape(name), overflow="fold")
    for row in result.slice(0, MAX_ROWS).to_pylist():
        table.add_row(*(escape(short(v, 40)) if v is not None else "" for v in row.values()))
    console = Console()
    console.print(table)
    more = f" (first {MAX_ROWS} shown)" if result.num_rows > MAX_ROWS else ""
    console.print(f"{result.num_rows:,} row{'s' if result.num_rows != 1 else ''}{more}")
