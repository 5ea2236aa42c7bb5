"""The Python examples that need no network run as written, and print the same whatever day they are run.

test_documented_python.py checks every ```python block of the pages against the SDK's signatures, without running
any: most need a running network (docs/sdk-gateway.md, docs/sdk-receivables.md, docs/network.md's). The pages
named in RUNNABLE need none, so their blocks are run here, in order, in one namespace per page, as a reader
pasting them one after the other into `python -m asyncio` would (``await`` at top level), from the repository
root, where their sample paths lead. A signature check cannot see an example that calls a transaction its
contract does not define, or asserts what the ledger does not answer.

A block that reads a name the page does not bind and RUNNABLE does not give (``ctx`` inside a transaction
function) is not run: NOT_RUN names each such block by its first line and says why, so a new block is either run
or said not to be.

Each page is run on two days years apart, as the blocks' own ``datetime`` import reads "today" (``date.today()``,
``datetime.now()``; the SDK's code keeps the real clock), and must print the same on both: an example that checks
a dated sample against the day it runs on passes now and fails once the sample has aged, so it must pin its day,
as the command lines do with `--today` and `--on`.
"""
from __future__ import annotations

import ast
import asyncio
import builtins
import contextlib
import datetime as datetime_module
import io
import types
from datetime import date, datetime, timezone
from typing import Any

import pytest

from tests.unit.test_documented_python import DOCUMENTED, PARSE_FLAGS, ROOT, Block, bound_in

# The pages whose blocks need no network, and the values a reader brings to them.
RUNNABLE: dict[str, dict[str, Any]] = {
    # `dt`: the time a test gives the transactions it submits
    "docs/chaincode-api.md": {"dt": datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)},
    "docs/invoices.md": {},
}

# Blocks of those pages that are not run: their first line, and why.
NOT_RUN: dict[str, dict[str, str]] = {
    "docs/chaincode-api.md": {
        "from chaincode.shim import KeyEndorsementPolicy": "written inside a transaction function: needs its ctx",
    },
}

DAYS = (date(2026, 12, 7), date(2030, 6, 1))     # "today" for the two runs of each page


def _first_line(block: Block) -> str:
    return block.source.strip().splitlines()[0]


def _tree(block: Block) -> ast.AST:
    return compile(block.source, block.where, "exec", PARSE_FLAGS)


def _unbound_names(block: Block, bound: set[str]) -> set[str]:
    tree = _tree(block)
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return read - bound - set(dir(builtins))


def _blocks_to_run(document: str) -> list[Block]:
    blocks = DOCUMENTED[document]
    bound = set().union(*(bound_in(_tree(block)) for block in blocks), RUNNABLE[document])
    return [block for block in blocks if not _unbound_names(block, bound)]


def _datetime_module_on(today: date) -> types.ModuleType:
    """The datetime module as a block importing it sees it: ``date.today()`` and ``datetime.now()`` read ``today``."""
    shift = datetime.combine(today, datetime.now().time()) - datetime.now()

    class Date(date):
        @classmethod
        def today(cls) -> date:
            return today

    class DateTime(datetime):
        @classmethod
        def now(cls, tz=None) -> datetime:
            return datetime.now(tz) + shift

        @classmethod
        def today(cls) -> datetime:
            return datetime.today() + shift

    module = types.ModuleType("datetime")
    module.__dict__.update(vars(datetime_module), date=Date, datetime=DateTime)
    return module


def _builtins_on(today: date) -> dict[str, Any]:
    """Builtins whose ``import`` gives the blocks that datetime module; the SDK's own imports are left alone."""
    on_day, real_import = _datetime_module_on(today), builtins.__import__

    def import_(name, globals=None, locals=None, fromlist=(), level=0):
        return on_day if name == "datetime" and level == 0 else real_import(name, globals, locals, fromlist, level)

    return {**vars(builtins), "__import__": import_}


async def _run(blocks: list[Block], namespace: dict[str, Any]) -> None:
    for block in blocks:
        code = compile(block.source, block.where, "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        outcome = eval(code, namespace)          # noqa: S307 - the project's own documented example
        if asyncio.iscoroutine(outcome):
            await outcome


def _printed_on(document: str, today: date) -> str:
    namespace = {"__name__": "documented", "__builtins__": _builtins_on(today), **RUNNABLE[document]}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        asyncio.run(_run(_blocks_to_run(document), namespace))
    return printed.getvalue()


@pytest.mark.parametrize("document", sorted(RUNNABLE))
def test_the_examples_of_the_page_run_as_written_and_print_the_same_on_any_day(document, monkeypatch):
    monkeypatch.chdir(ROOT)
    first, later = (_printed_on(document, today) for today in DAYS)
    assert first == later, (f"{document}'s examples print otherwise on {DAYS[1]} than on {DAYS[0]}: one depends "
                            f"on the day it runs; pin it (as --today and --on do)")


@pytest.mark.parametrize("document", sorted(RUNNABLE))
def test_every_block_of_a_runnable_page_is_run_or_said_why_not(document):
    run = {id(block) for block in _blocks_to_run(document)}
    left_out = {_first_line(block) for block in DOCUMENTED[document] if id(block) not in run}
    assert left_out == set(NOT_RUN.get(document, {})), (
        f"{document}: blocks not run (they read a name neither the page binds nor RUNNABLE gives): {sorted(left_out)}")
    assert run, f"{document} has no block to run"


def test_a_block_that_depends_on_the_day_is_found(monkeypatch):
    source = "from datetime import date\nprint(date.today() >= date(2027, 1, 1))\n"
    monkeypatch.setitem(DOCUMENTED, "doc.md", [Block("doc.md:1", 1, source)])
    monkeypatch.setitem(RUNNABLE, "doc.md", {})
    assert [_printed_on("doc.md", today) for today in DAYS] == ["False\n", "True\n"]
