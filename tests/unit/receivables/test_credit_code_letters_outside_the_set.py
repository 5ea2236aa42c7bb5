"""GB 32100-2015 writes credit codes in 0-9 and A-Z without I, O, S, V and Z (they read as 1, 0, 5, U and 2): a
code holding one is refused, naming the letter, wherever it stands, and RegisterParty registers nothing."""

from __future__ import annotations

import pytest

from chaincode.receivables import uscc

from .support import SUPPLIER, standard_net

PUBLISHED = "91350100M000100Y43"   # a published code; its 9th character, M, is a letter of the set


@pytest.mark.parametrize("letter", list("IOSVZ"))
@pytest.mark.parametrize("position", [0, 8, 16, 17])
def test_each_letter_outside_the_set_is_named(letter, position):
    code = PUBLISHED[:position] + letter + PUBLISHED[position + 1:]
    problem = uscc.problem(code)
    assert problem is not None and "outside" in problem and repr(letter) in problem


def test_the_set_is_the_standards_31_characters():
    assert uscc.CHARSET == "".join(c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "IOSVZ")


async def test_registering_a_code_holding_one_changes_nothing():
    net = await standard_net()
    await net.refused(net.admins[SUPPLIER], "RegisterParty", {
        "uscc": PUBLISHED[:8] + "O" + PUBLISHED[9:], "name": "Letter O Co", "role": "supplier", "msp_id": SUPPLIER,
        "client_ids": [net.actors["tier1"].identity.id.replace("tier1-user", "letter-o")]}, rule="credit-code-invalid")
