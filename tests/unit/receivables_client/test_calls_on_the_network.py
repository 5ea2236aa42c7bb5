"""Every public call of the SDK is made on the real network by the integration suite.

A call counts as made when its name is used as an attribute (``client.confirm(...)``,
``gateway.new_commit(...)``) in tests/integration, or in the CLI and benchmark modules those
tests drive (`recfin ...`, `recfin bench`). Aliases (``settle`` for ``record_payment``) share
their function, and one use covers them all. A new public method fails here until a test on the
network uses it, or it is listed below with the reason it needs none.
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


@cache
def attributes_used() -> frozenset[str]:
    names = set()
    for folder in DRIVEN:
        for path in (ROOT / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute):
                    names.add(node.attr)
    return frozenset(names)


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
    assert set(names) & attributes_used(), (
        f"no integration test (nor a command or benchmark it runs) calls {cls.__name__}.{'/'.join(names)}: "
        f"add one in tests/integration, or list it in NOT_A_NETWORK_CALL with why it needs none")


def test_every_listed_exception_is_a_public_call():
    everything = {name for cls in CLASSES for names in public_calls(cls).values() for name in names}
    assert set(NOT_A_NETWORK_CALL) <= everything
