"""Every public call of the SDK is made on the real network by the integration suite.

A call counts as made when tests/integration, or the CLI and benchmark modules those tests drive
(`recfin ...`, `recfin bench`), make it the way its class is called: a method of an async class
(:class:`AsyncReceivablesClient`) only when awaited (``await client.freeze(...)``), or, for one that returns an
async iterator or stream, when ``async for`` (a loop or a comprehension) or ``async with`` takes its result; a
method of a sync class when its name is used as an attribute anywhere else (``client.confirm(...)``,
``gateway.new_commit(...)``). So the sync client's calls through the CLI never count for the async client's twin
of the same name, nor an awaited call for the sync one. Aliases (``settle`` for ``record_payment``) share their function, and one use covers them all. A
new public method fails here until a test on the network uses it, or it is listed below with the reason it needs
none.
"""
from __future__ import annotations

import ast
import inspect
from functools import cache
from pathlib import Path

import pytest

import client.gateway as gateway_sdk
from client.receivables import AsyncReceivablesClient, ReceivablesClient

ROOT = Path(__file__).resolve().parents[3]
DRIVEN = ("tests/integration", "cli", "bench")

NOT_A_NETWORK_CALL = {
    "qualified_name": "builds the 'Contract:Transaction' name locally; every submit and evaluate uses it",
}

ASYNC_CLASSES = (AsyncReceivablesClient,)


def _called_name(node: ast.AST) -> str | None:
    """``name`` of ``x.name(...)``; None for any other expression."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _uses_in(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(the names an async call is made by: awaited, or iterated or entered with ``async for`` (in a loop or a
    comprehension) or ``async with``;
    every other name used as an attribute)."""
    async_calls: set[str] = set()
    async_nodes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Await):
            called = [node.value]
        elif isinstance(node, ast.AsyncFor) or isinstance(node, ast.comprehension) and node.is_async:
            called = [node.iter]
        elif isinstance(node, ast.AsyncWith):
            called = [item.context_expr for item in node.items]
        else:
            continue
        for expression in called:
            if (name := _called_name(expression)) is not None:
                async_calls.add(name)
                async_nodes.add(id(expression.func))
    other = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and id(node) not in async_nodes}
    return async_calls, other


@cache
def calls_made() -> tuple[frozenset[str], frozenset[str]]:
    """(async calls, other attribute uses) by name, across the driven folders."""
    async_calls: set[str] = set()
    other: set[str] = set()
    for folder in DRIVEN:
        for path in (ROOT / folder).glob("*.py"):
            awaited, used = _uses_in(ast.parse(path.read_text(encoding="utf-8")))
            async_calls |= awaited
            other |= used
    return frozenset(async_calls), frozenset(other)


def calls_of(cls: type) -> frozenset[str]:
    """The names by which the driven code calls methods of a class like ``cls``."""
    async_calls, other = calls_made()
    return async_calls if cls in ASYNC_CLASSES else other


def public_calls(cls: type) -> dict[str, list[str]]:
    """Each public function of ``cls``, by the function, with every name it goes by (aliases included)."""
    by_function: dict[object, list[str]] = {}
    for name, member in inspect.getmembers(cls, callable):
        if not name.startswith("_") and not inspect.isclass(member):
            by_function.setdefault(member, []).append(name)
    return {names[0]: sorted(names) for names in by_function.values()}


CLASSES = [ReceivablesClient, AsyncReceivablesClient, gateway_sdk.Gateway, gateway_sdk.Network, gateway_sdk.Contract]
CASES = [(cls, names) for cls in CLASSES for names in public_calls(cls).values()
         if not set(names) & set(NOT_A_NETWORK_CALL)]


@pytest.mark.parametrize("cls, names", CASES, ids=[f"{cls.__name__}.{'/'.join(names)}" for cls, names in CASES])
def test_each_sdk_call_is_made_on_the_real_network(cls, names):
    how = "awaits (or async for/with)" if cls in ASYNC_CLASSES else "calls"
    assert set(names) & calls_of(cls), (
        f"no integration test (nor a command or benchmark it runs) {how} {cls.__name__}.{'/'.join(names)}: "
        f"add one in tests/integration, or list it in NOT_A_NETWORK_CALL with why it needs none")


def test_every_listed_exception_is_a_public_call():
    everything = {name for cls in CLASSES for names in public_calls(cls).values() for name in names}
    assert set(NOT_A_NETWORK_CALL) <= everything


def test_a_sync_call_does_not_cover_an_async_method_nor_an_await_a_sync_one():
    awaited, used = _uses_in(ast.parse(
        "async def f(client, sync):\n"
        "    sync.freeze('R-1', 'order-1')\n"
        "    await client.unfreeze('R-1', 'lift-1')\n"
        "    async for record in client.iter_receivables('holder', 'X'):\n"
        "        record.id\n"
        "    async with client.events() as events:\n"
        "        pass\n"
        "    [d async for d in client.iter_discount_offers()]\n"
        "    client.history\n"))
    assert awaited == {"unfreeze", "iter_receivables", "events", "iter_discount_offers"}
    assert {"freeze", "history", "id"} <= used and not awaited & used
