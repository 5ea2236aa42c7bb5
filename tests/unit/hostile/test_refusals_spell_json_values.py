"""A value the caller sent inside a JSON document (true, null, a number, an array, an object) comes back in a
refusal as JSON spells it, which is what the caller wrote: never as Python does (True, None, {'a': None},
NoneType), which tells the caller about the contract's language and nothing about its document."""

from __future__ import annotations

import asyncio
import copy
import json

import pytest

from .test_contract_fuzz import CONTRACT, PYTHON_SPELLING, transient_terms, world

# (the value sent, how a refusal writes it)
VALUES = [(True, "true"), (None, "null"), ({"a": None}, '{"a": null}'), ([None, False], "[null, false]"),
          ([{"k": "v"}], '[{"k": "v"}]')]


def refusal(actor: str, fn: str, *args, transient=None) -> str:
    w = world()
    w.restore()
    raw = [a.encode() if isinstance(a, str) else json.dumps(a).encode() for a in args]
    result = asyncio.run(w.net.ledger.evaluate(w.net.actors[actor].identity, f"{CONTRACT}:{fn}", *raw,
                                               transient=transient, timestamp=w.net.now))
    assert result.status == 500, f"{fn} took {args!r}"
    return result.message


def registration_with(field: str, value) -> dict:
    doc = copy.deepcopy(world().registration)
    doc[field] = value
    return doc


@pytest.mark.parametrize("value,written", VALUES)
@pytest.mark.parametrize("field", ["face_amount", "due_date", "debtor"])
def test_a_registration_field_is_shown_as_json_writes_it(field, value, written):
    message = refusal("tier1", "RegisterReceivable", registration_with(field, value), "spelled-1")
    assert not PYTHON_SPELLING.search(message), message
    assert written in message, message


@pytest.mark.parametrize("value,written", VALUES)
def test_an_uncounted_offer_is_shown_as_json_writes_it(value, written):
    w = world()
    message = refusal("bank2", "MakeFinancingOffer", w.ids[8], w.exposure_version, json.dumps([value]),
                      transient=transient_terms())
    assert not PYTHON_SPELLING.search(message), message
    assert f"{written} is not an offer id" in message, message


@pytest.mark.parametrize("value,written", [v for v in VALUES if v[0] is not None])  # null: no apr given
def test_a_discount_rate_is_shown_as_json_writes_it(value, written):
    offer = {**world().discount_offer, "apr": value}
    message = refusal("core", "PublishDiscountOffer", offer, "spelled-2")
    assert not PYTHON_SPELLING.search(message), message
    assert written in message, message
