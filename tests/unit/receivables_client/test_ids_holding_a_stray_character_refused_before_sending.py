"""A claim's, financing's, offer's or notice's id holding a character no id holds (a space inside, as an id retyped
from print gives; an invisible one; ``_``) names no record: the contract makes every id of ASCII letters, digits,
``-`` and ``.`` (``keys.new_id``, ``keys.child_id``). The SDK refuses it with a ValueError naming the argument, the
id and the character, before anything is read or sent, in the blocking and the async client alike, by the check the
CLI refuses it with; sent as given, it came back not-found, as though the record were not there."""

from __future__ import annotations

import re

import pytest

from client.receivables import ReceivablesClient

from . import fakes
from .record_id_calls import IDS, RECORD_ID_CALLS
from .test_ids_with_spaces_around_refused_before_sending import refused_before_sending

# a space inside, a tab inside, a zero-width space, an underscore, a fullwidth hyphen
STRAYS = [(lambda i: i[:7] + " " + i[7:], " "), (lambda i: i[:7] + "\t" + i[7:], "\t"),
          (lambda i: i + "\u200b", "\u200b"), (lambda i: i.replace("-", "_"), "_"),
          (lambda i: i.replace("-", "\uff0d"), "\uff0d")]


@pytest.mark.parametrize("stray", STRAYS, ids=["space", "tab", "zero-width", "underscore", "fullwidth"])
@pytest.mark.parametrize("argument, call", RECORD_ID_CALLS,
                         ids=[f"{a}-{i}" for i, (a, _) in enumerate(RECORD_ID_CALLS)])
def test_an_id_holding_a_stray_character_is_refused_naming_it_before_anything_is_sent(argument, call, stray):
    spoil, character = stray
    given = spoil(IDS[argument])
    said = "^" + re.escape(f"{argument} {given!r} holds {character!r}, which no {argument.replace('_', ' ')} "
                           "holds:") + ".*; nothing was sent$"
    refused_before_sending(call, given, said)


@pytest.mark.parametrize("argument, call", RECORD_ID_CALLS[:1] + RECORD_ID_CALLS[15:16])
def test_a_split_claims_part_is_sent(argument, call):
    contract = fakes.FakeContract()
    try:
        call(ReceivablesClient(contract), IDS[argument] + ".1.2")
    except ValueError as refused:
        raise AssertionError(f"a split claim's part was refused: {refused}") from None
    except Exception:   # the fake's answer, not a refusal of the id
        pass
    assert contract.calls != []
