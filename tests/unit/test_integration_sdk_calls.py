"""Every call of a receivables SDK method the integration tests make fits that method's signature.

The integration tests (tests/integration) need a real Fabric network and skip without one, so an SDK method whose
keyword argument was renamed or dropped, or that takes fewer positional arguments, would fail there only once a
network runs them. Here each call of a method of ``ReceivablesClient`` or ``AsyncReceivablesClient``
(``tier1.client.confirm(claim.id)``, ``await bank.make_offer(financing.id, terms(), exposure_version=...)``) is
read from their source and bound to the method's signature, as Python binds it, never run. A method of the same
name as one of the Gateway's ``Contract``, ``Network`` or ``Gateway`` (``wait_for_block``), or of a built-in type
(``split``, a ``str``'s too), may be either's: it is left out. A call with ``*args`` or ``**kwargs`` is bound
with what it spells out, its count of positional arguments unchecked.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from client.gateway import Contract, Gateway, Network
from client.receivables import AsyncReceivablesClient, ReceivablesClient

from .test_integration_gateway_network_calls import binding_problem

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "tests" / "integration"
CLIENTS = (ReceivablesClient, AsyncReceivablesClient)


def public_methods(kind: type) -> set[str]:
    return {name for name in dir(kind) if not name.startswith("_") and callable(getattr(kind, name, None))}


# names another object the tests call may have too: the Gateway's, and the built-in types' (``text.split(",")``)
OTHER_NAMES = {name for kind in (Contract, Network, Gateway, str, bytes, list, dict, set) for name in dir(kind)
               if not name.startswith("_")}
SDK_METHODS = set.union(*(public_methods(kind) for kind in CLIENTS)) - OTHER_NAMES


class SdkCall(NamedTuple):
    where: str                              # "tests/integration/test_x.py:12"
    method: str
    positional: int | None                  # None: a *args among them, their count unknown
    keywords: tuple[str, ...]
    spread: bool                            # a **kwargs among the keywords


def sdk_calls(source: str, name: str) -> Iterator[SdkCall]:
    nodes = sorted(ast.walk(ast.parse(source)), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SDK_METHODS:
            starred = any(isinstance(a, ast.Starred) for a in node.args)
            yield SdkCall(f"{name}:{node.lineno}", node.func.attr, None if starred else len(node.args),
                          tuple(k.arg for k in node.keywords if k.arg is not None),
                          any(k.arg is None for k in node.keywords))


def problem(call: SdkCall, methods: Callable[[str], list]) -> str | None:
    """Why ``call`` binds to none of the methods of its name, or None."""
    refusals = []
    for method in methods(call.method):
        why = binding_problem(method, call.positional, call.keywords, call.spread, instance=True)
        if why is None:
            return None
        refusals.append(why)
    return "; ".join(refusals)


def methods_named(name: str) -> list:
    return [getattr(kind, name) for kind in CLIENTS if hasattr(kind, name)]


CALLS = [call for path in sorted(INTEGRATION.glob("*.py"))
         for call in sdk_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]


def test_every_sdk_call_of_the_integration_tests_fits_the_method_it_calls():
    bad = [f"{call.where}: {call.method}(...): {why}" for call in CALLS if (why := problem(call, methods_named))]
    assert not bad, ("SDK call(s) of the integration tests that no longer fit the method; fix the test (or the "
                     "SDK, if the test is right):\n" + "\n".join(bad))


def test_the_collection_finds_the_sdk_calls():
    """Guards the test above against passing because it found nothing."""
    found = {(call.where.split(":")[0].removeprefix("tests/integration/"), call.method) for call in CALLS}
    for expected in [
        ("test_receivables_on_the_network.py", "make_offer"),                  # with exposure_version=
        ("test_async_sdk_on_the_network.py", "list_offers_by_financier"),      # awaited, with debtor=, page_size=
        ("test_audit_on_the_network.py", "party_history"),                     # with endorsing_organizations=
        ("test_org_onboarding.py", "register_party"),
        ("test_hostile_on_the_network.py", "bind_party_identity"),
    ]:
        assert expected in found, expected
    assert len(CALLS) > 150


WRONG = '''
async def test_it(bank, tier1, financing, terms, read, args):
    bank.client.make_offer(financing.id, terms, exposure=read.version)
    await tier1.link_paper_identity("R-0123456789abcdef", "1", "2", "3", "4")
    bank.client.make_offer(financing.id, terms, exposure_version=read.version)
    tier1.client.confirm(*args, reason="x")
    network.wait_for_block(7)
'''


def test_a_renamed_keyword_and_an_argument_too_many_are_found():
    calls = list(sdk_calls(WRONG, "test_wrong.py"))
    assert [(c.where, c.method) for c in calls] == [("test_wrong.py:3", "make_offer"),
                                                    ("test_wrong.py:4", "link_paper_identity"),
                                                    ("test_wrong.py:5", "make_offer"),
                                                    ("test_wrong.py:6", "confirm")]
    found = [problem(call, methods_named) for call in calls]
    assert "got an unexpected keyword argument 'exposure'" in found[0]
    assert "too many positional arguments" in found[1]
    assert found[2] is None
    assert found[3] == (f"{ReceivablesClient.confirm.__qualname__} takes no reason; "
                        f"{AsyncReceivablesClient.confirm.__qualname__} takes no reason")
