"""The run filter and order language, run against a real SQLite store."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, and_, case, create_engine, func, insert, select
from sqlalchemy.dialects import postgresql

from cairn.store import run_values, schema
from cairn.store.engine import create_store_engine
from cairn.store.filters import FilterError, compile_filter, compile_order

pytestmark = pytest.mark.filterwarnings("error")  # e.g. SQLAlchemy's caching warnings

runs = schema.runs
CUTOFF = 1000.0  # a running run whose heartbeat is older than this is reported as crashed
STATE = case(
    (and_(runs.c.state == "running", runs.c.heartbeat_at < CUTOFF), "crashed"),
    else_=runs.c.state,
)


@dataclass(frozen=True)
class Run:
    name: str
    state: str  # as stored; STATE turns a stale "running" into "crashed"
    times: tuple[float, float, float | None]  # created_at, heartbeat_at, finished_at
    config: dict[str, Any]
    summary: dict[str, Any]
    tags: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)


RUNS = {
    "r1": Run(
        "resnet50-baseline",
        "finished",
        (100, 400, 400),
        config={"lr": 0.0005, "optimizer": "adam", "use_amp": True, "weird key.with dots": 3}
        | {"model": {"width": 64, "depth": 50}},
        summary={"val/acc": 0.93, "best": 0.95},
        tags=("baseline", "resnet"),
        columns={"notes": "first try", "group_name": "g1", "job_type": "train", "host": "gpu1"},
    ),
    "r2": Run(
        "resnet18",
        "finished",
        (200, 260, 260),
        config={"lr": 0.01, "optimizer": "sgd", "use_amp": False, "weird key.with dots": 1}
        | {"model": {"width": 32}},
        summary={"val/acc": 0.85, "best": None},
        tags=("resnet",),
        columns={"reproduction_of": "p/r1"},  # made by `cairn reproduce p/r1`
    ),
    "r3": Run(
        "vit-small",
        "failed",
        (300, 350, 350),
        config={"lr": "1e-3", "optimizer": "adam", "model": {"width": 64}},
        summary={"val/acc": "n/a"},
        tags=("baseline",),
    ),
    "r4": Run(  # still running: its heartbeat is fresh
        "vit-large",
        "running",
        (400, 2000, None),
        config={"lr": 0.0001, "optimizer": "adamw", "use_amp": True, "é": 1, 'q"k': 2, "b\\s": 5},
        summary={"val/acc": 0.91, "best": 0.92, "nested": {"a/b": {"ü": 3}}},
    ),
    "r5": Run(  # stored as running, but its heartbeat is stale: crashed
        "mlp", "running", (500, 600, None), config={"lr": 0.001, "optimizer": "sgd"}, summary={}
    ),
    "r6": Run(
        "resnet101",
        "finished",
        (600, 900, 900),
        config={},
        summary={"val/acc": 0.95, "best": 0.96},
        tags=("baseline",),
        columns={"notes": "good run"},
    ),
    "r7": Run(
        "ResNet-upper",
        "failed",
        (700, 710, 710),
        config={"lr": 0.002, "use_amp": "yes", "model": {"width": "64"}, "optimizer": "Adam"},
        summary={"val/acc": 0.5},
        tags=("big",),
    ),
    "r8": Run(
        "tiny",
        "finished",
        (800, 805, 805),
        config={"lr": 0.0003, "model": 64, "x": 1},
        summary={"val/acc": 0.9, "best": 0.9},
        tags=("baseline", "big"),
    ),
}
ALL = set(RUNS)


@pytest.fixture(scope="module", params=["ascii-json", "utf8-json"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A store whose JSON escapes non-ASCII keys (SQLAlchemy's default) or writes them raw."""
    path = tmp_path_factory.mktemp("filters") / "cairn.db"
    serializer = partial(json.dumps, ensure_ascii=request.param == "ascii-json")
    engine = create_engine(f"sqlite:///{path}", json_serializer=serializer)
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(schema.projects).values(id=1, name="p", created_at=0, run_counter=8))
        for run_id, run in RUNS.items():
            created, beat, finished = run.times
            conn.execute(
                insert(runs).values(
                    id=run_id,
                    project_id=1,
                    name=run.name,
                    state=run.state,
                    created_at=created,
                    updated_at=beat,
                    heartbeat_at=beat,
                    finished_at=finished,
                    config=run.config,
                    summary=run.summary,
                    summary_explicit={},
                    summary_state={},
                    metric_defs=[],
                    history_keys=[],
                    history_rows=0,
                    last_seq=0,
                    **run.columns,
                )
            )
            for tag in run.tags:
                conn.execute(insert(schema.run_tags).values(run_id=run_id, tag=tag))
            run_values.change(conn, run_id, {}, run.summary)  # as applying the run keeps them
    yield engine
    engine.dispose()


def matching(engine: Engine, text: str) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(runs.c.id).where(compile_filter(text, STATE))))


def ordered(engine: Engine, text: str) -> list[str]:
    with engine.connect() as conn:
        order = compile_order(text, STATE)
        query = select(runs.c.id).select_from(order.joined(runs)).order_by(*order.by())
        return list(conn.scalars(query))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'config.lr < 1e-3 and summary["val/acc"] >= 0.9 and "baseline" in tags'
            ' and state == "finished"',
            {"r1", "r8"},
        ),
        ('name ~ "resnet"', {"r1", "r2", "r6"}),
        ('name ~ "(?i)resnet"', {"r1", "r2", "r6", "r7"}),
        ('name ~ "^vit-"', {"r3", "r4"}),
        (r'name ~ "\d+$"', {"r2", "r6"}),
        ('not (state == "failed" or state == "crashed")', {"r1", "r2", "r4", "r6", "r8"}),
        ('state in ["running", "finished"]', {"r1", "r2", "r4", "r6", "r8"}),
        ('state == "crashed"', {"r5"}),
        ('state != "failed"', {"r1", "r2", "r4", "r5", "r6", "r8"}),
        ('"baseline" in tags', {"r1", "r3", "r6", "r8"}),
        ('"baseline" not in tags', {"r2", "r4", "r5", "r7"}),
        ('"nope" in tags', set()),
        ("config.model.width == 64", {"r1", "r3"}),
        ('config.model.width == "64"', {"r7"}),
        ("config.model.width >= 64", {"r1", "r3"}),
        ('config.optimizer == "adam"', {"r1", "r3"}),
        ("config.use_amp == true", {"r1", "r4"}),
        ("config.use_amp == True", {"r1", "r4"}),
        ("config.use_amp == False", {"r2"}),
        ("config.use_amp != true", ALL - {"r1", "r4"}),
        ("summary.best is null", {"r2", "r3", "r5", "r7"}),
        ("summary.best == None", {"r2", "r3", "r5", "r7"}),
        ("summary.best is not null", {"r1", "r4", "r6", "r8"}),
        ("summary.best != null", {"r1", "r4", "r6", "r8"}),
        ('config["weird key.with dots"] > 2', {"r1"}),
        ('summary["val/acc"] == .5', {"r7"}),
        ('summary["val/acc"] > 5e-1', {"r1", "r2", "r4", "r6", "r8"}),
        ('0.9 <= summary["val/acc"]', {"r1", "r4", "r6", "r8"}),
        ('0.9 > summary["val/acc"]', {"r2", "r7"}),
        # a value of another JSON type never matches, whatever the operator
        ("config.lr > 0", {"r1", "r2", "r4", "r5", "r7", "r8"}),
        ("config.lr > -2", {"r1", "r2", "r4", "r5", "r7", "r8"}),
        ("config.lr < 1", {"r1", "r2", "r4", "r5", "r7", "r8"}),
        ('config.lr == "1e-3"', {"r3"}),
        ('config.lr > ""', {"r3"}),
        ('summary["val/acc"] ~ "n/"', {"r3"}),
        ("config.lr.deeper == 1", set()),
        ("config.model.width.deeper is null", ALL),
        ('config.optimizer in ["adam", "sgd"]', {"r1", "r2", "r3", "r5"}),
        ('config.optimizer not in ["adam", "sgd"]', {"r4", "r6", "r7", "r8"}),
        ('config.lr in [0.01, "1e-3"]', {"r2", "r3"}),
        ("config.lr in []", set()),
        ("config.x in [1, null]", ALL),
        # plain columns
        ('id == "r3"', {"r3"}),
        ("name == 'tiny'", {"r8"}),
        (r'name == "ti\u006ey"', {"r8"}),
        ('group == "g1" and job_type == "train" and host ~ "gpu"', {"r1"}),
        ('notes ~ "good"', {"r6"}),
        ("notes is null", ALL - {"r1", "r6"}),
        ("reproduction_of is null", ALL - {"r2"}),
        ('reproduction_of == "p/r1"', {"r2"}),
        ('notes != "good run"', ALL - {"r6"}),
        ('not notes == "good run"', ALL - {"r6"}),
        ("created_at >= 600", {"r6", "r7", "r8"}),
        ("runtime > 200", {"r1", "r4", "r6"}),
        ("runtime < 100", {"r2", "r3", "r7", "r8"}),
        # precedence: not > and > or
        ('state == "failed" or state == "finished" and "big" in tags', {"r3", "r7", "r8"}),
        ('(state == "failed" or state == "finished") and "big" in tags', {"r7", "r8"}),
        ('not state == "finished" and "baseline" in tags', {"r3"}),
        ('not not "big" in tags', {"r7", "r8"}),
        # keys that a JSON path cannot spell plainly
        ('config["é"] == 1', {"r4"}),
        (r'config["q\"k"] == 2', {"r4"}),
        ("config['q\"k'] == 2", {"r4"}),
        (r'config["b\\s"] == 5', {"r4"}),
        ('summary.nested["a/b"]["ü"] == 3', {"r4"}),
        ('summary["nested"]["a/b"].missing is null', ALL),
        (r'config["q\"k"].deeper == 2', set()),
        ('config["lr"]["é"] == 1', set()),
    ],
)
def test_filter_matches(engine: Engine, text: str, expected: set[str]) -> None:
    assert matching(engine, text) == expected


def test_a_dotted_name_may_hold_a_slash_like_metric_keys(engine: Engine) -> None:
    dotted = matching(engine, "summary.val/acc >= 0.9")
    assert dotted == matching(engine, 'summary["val/acc"] >= 0.9')
    assert dotted and dotted != matching(engine, 'id != ""')


def test_not_is_the_exact_complement(engine: Engine) -> None:
    for text in ["config.lr < 1e-3", 'summary["val/acc"] >= 0.9', "notes ~ 'run'", "config.x == 1"]:
        assert matching(engine, f"not ({text})") == ALL - matching(engine, text)


def test_cached_statements_take_new_literals(engine: Engine) -> None:
    assert matching(engine, "config.lr < 1e-3") == {"r1", "r4", "r8"}
    assert matching(engine, "config.lr < 1e-2") == {"r1", "r4", "r5", "r7", "r8"}
    assert matching(engine, 'config["é"] == 1') == {"r4"}
    assert matching(engine, 'config["q\\"k"] == 1') == set()


def test_injection_attempts_match_nothing_and_change_nothing(engine: Engine) -> None:
    attempts = [
        'config["x\') or 1=1 --"] == 1',
        'config["a\\" or 1=1 --"] == 1',
        'config["$"] == 1',
        'name == "\'; drop table runs; --"',
        'name ~ "\'; drop table runs; --"',
    ]
    for text in attempts:
        assert matching(engine, text) == set(), text
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(runs)) == len(RUNS)


def test_postgresql_binds_json_paths_as_parameters() -> None:
    clause = compile_filter('config["x\') or 1=1 --"].y == 1', STATE)
    compiled = select(runs.c.id).where(clause).compile(dialect=postgresql.dialect())
    assert "1=1" not in str(compiled)
    assert "#>" in str(compiled)
    assert ["x') or 1=1 --", "y"] in compiled.params.values()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '-summary["val/acc"], config.lr, created_at',
            ["r6", "r1", "r4", "r8", "r2", "r7", "r3", "r5"],
        ),
        (
            "-summary.val/acc, config.lr, created_at",
            ["r6", "r1", "r4", "r8", "r2", "r7", "r3", "r5"],
        ),
        ("config.lr", ["r4", "r8", "r1", "r5", "r7", "r2", "r3", "r6"]),
        ("-config.lr", ["r2", "r7", "r5", "r1", "r8", "r4", "r3", "r6"]),
        ("+created_at", ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"]),
        ("-created_at", ["r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1"]),
        ("notes, id", ["r1", "r6", "r2", "r3", "r4", "r5", "r7", "r8"]),
        ("-notes, id", ["r6", "r1", "r2", "r3", "r4", "r5", "r7", "r8"]),
        ("state, -runtime, id", ["r5", "r3", "r7", "r1", "r6", "r2", "r8", "r4"]),
        ("config.model.width, id", ["r2", "r1", "r3", "r7", "r4", "r5", "r6", "r8"]),
        ("config.use_amp, id", ["r7", "r2", "r1", "r4", "r3", "r5", "r6", "r8"]),
        ('-config["é"], id', ["r4", "r1", "r2", "r3", "r5", "r6", "r7", "r8"]),
    ],
)
def test_order(engine: Engine, text: str, expected: list[str]) -> None:
    assert ordered(engine, text) == expected


def error(compiler: Callable[[str, Any], object], text: str) -> FilterError:
    with pytest.raises(FilterError) as caught:
        compiler(text, STATE)
    return caught.value


def test_error_points_at_the_position() -> None:
    problem = error(compile_filter, "config.lr < ")
    assert problem.position == 12
    assert str(problem) == (
        "expected a value after '<' at position 12:\n  config.lr < \n" + " " * 14 + "^"
    )
    assert isinstance(problem, ValueError)


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("", 0, "empty filter"),
        ("   ", 0, "empty filter"),
        ('name == "abc', 8, "unterminated string"),
        ("name == 'abc\\'", 8, "unterminated string"),
        ("config.lr = 1", 10, "unknown operator '=' (use '==')"),
        ('name == "x" && state == "y"', 12, "unknown operator '&&' (use 'and')"),
        ("name <> 'x'", 5, "unknown operator '<>'"),
        ('name == "x" @', 12, "unexpected character '@'"),
        ("config.lr < 1 extra", 14, "unexpected 'extra' after a complete filter"),
        ("config.lr < 1 )", 14, "unexpected ')' after a complete filter"),
        ('(state == "failed"', 18, "expected ')' to close the '(' opened at offset 0"),
        ('state in ["a", "b"', 18, "expected ',' or ']' in the list opened at offset 9"),
        ("state in [config.lr]", 10, "expected a value or ']' in the list"),
        ('state in "x"', 9, "'in' needs a list such as [1, 2] or tags on its right"),
        ("state in config", 9, "config needs a key"),
        ("tags in ['a']", 0, "tags only works with 'in'"),
        ("1 in tags", 0, "expected a quoted tag before 'in tags'"),
        ("config.lr not tags", 14, "expected 'in' after 'not'"),
        ("bogus == 1", 0, "unknown field 'bogus'; the fields are id, name, state, notes, group"),
        ("config == 1", 0, 'config needs a key, e.g. config.lr or config["val/acc"]'),
        ("name.first == 1", 4, "name has no keys"),
        ("config.1 == 1", 7, "expected a key name after '.'"),
        ('config["a" == 1', 11, "expected ']' after the key"),
        ("config[1.5] == 1", 7, "expected a quoted key or an index after '['"),
        ('tags == "x"', 0, "tags only works with 'in'"),
        (
            "config.lr",
            9,
            "expected an operator (==, !=, <, <=, >, >=, ~, in, is) after 'config.lr'",
        ),
        ("not", 3, "expected a field, a value, 'not' or '('"),
        ("config.lr < and", 12, "expected a value after '<'"),
        ("config.lr < -x", 13, "expected a number after '-'"),
        ("name == 1", 8, "name holds text; compare it with a quoted string"),
        ("name == true", 8, "name holds text"),
        ('created_at > "yesterday"', 13, "created_at holds seconds; use a number"),
        ("config.lr < true", 12, "true can only be compared with == or !="),
        ("config.lr > null", 12, "null can only be compared with == or !="),
        ("config.lr ~ 1", 12, "'~' needs a quoted regular expression"),
        ('name ~ "("', 7, "invalid regular expression"),
        ('"x" ~ name', 0, "expected a field on the left of '~'"),
        ("1 == 2", 0, "expected a field on one side of '=='"),
        ("config.a == config.b", 12, "compare a field with a value, not with another field"),
        ('name == ["a"]', 8, "a list only goes after 'in'"),
        ("name is 3", 8, "expected null after 'is'"),
        ("name is not 3", 12, "expected null after 'is not'"),
        ("config.lr < inf", 12, "inf is not supported: JSON stores no infinities or NaN"),
        ("config.lr < 1e999", 12, "number 1e999 is out of range"),
    ],
)
def test_filter_errors(text: str, position: int, reason: str) -> None:
    problem = error(compile_filter, text)
    assert (problem.position, problem.reason[: len(reason)]) == (position, reason)
    assert f" at position {position}:\n" in str(problem)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    assert error(compile_filter, "(" * 5000 + "id == 'x'" + ")" * 5000).reason.startswith(
        "the filter is nested too deeply"
    )


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("", 0, "empty order"),
        ("-", 1, "expected a field to sort by"),
        ("created_at,", 11, "expected a field to sort by"),
        ("created_at name", 11, "unexpected 'name' after a complete order"),
        ("tags", 0, "runs cannot be sorted by tags"),
        ("-bogus", 1, "unknown field 'bogus'"),
        ("summary", 0, "summary needs a key"),
    ],
)
def test_order_errors(text: str, position: int, reason: str) -> None:
    problem = error(compile_order, text)
    assert (problem.position, problem.reason[: len(reason)]) == (position, reason)


@pytest.fixture
def store_engine(tmp_path: Path) -> Iterator[Engine]:
    """A store's own engine (``create_store_engine``: its REGEXP), one run with a long name."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'cairn.db'}")
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(schema.projects).values(id=1, name="p", created_at=0, run_counter=1))
        empty: dict[str, Any] = {"summary": {}, "summary_explicit": {}, "summary_state": {}}
        empty |= {"metric_defs": [], "history_keys": [], "history_rows": 0, "last_seq": 0}
        times = {"created_at": 0, "updated_at": 0, "heartbeat_at": 0}
        long_name = "a" * 50_000 + "!"
        conn.execute(
            insert(runs).values(
                id="long", project_id=1, name=long_name, state="finished", config={"x": "aaa"}
            ),
            {**times, **empty},
        )
    yield engine
    engine.dispose()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$", "(.*a){20}$", "^(a?){30}a{30}$"])
def test_a_pathological_regex_cannot_stall_a_query(store_engine: Engine, pattern: str) -> None:
    """Backtracking regexes against a long name: a linear-time engine answers at once."""
    assert matching(store_engine, f'name ~ "{pattern}"') == set()
    assert matching(store_engine, 'name ~ "a!$"') == {"long"}
    assert matching(store_engine, 'name ~ "(?i)A{3}"') == {"long"}
    assert matching(store_engine, 'config.x ~ "^a+$"') == {"long"}


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (
            "(?=a)",
            "unsupported regular expression (RE2 syntax: no lookahead, lookbehind or backref",
        ),
        (
            "(a)\\\\1",
            "unsupported regular expression (RE2 syntax: no lookahead, lookbehind or backref",
        ),
        ("(", "invalid regular expression: missing )"),
        ("a" * 1001, "the regular expression is 1001 characters long; the limit is 1000"),
    ],
)
def test_regex_errors_say_what_is_wrong(pattern: str, reason: str) -> None:
    problem = error(compile_filter, f'name ~ "{pattern}"')
    assert (problem.position, problem.reason[: len(reason)]) == (7, reason)
