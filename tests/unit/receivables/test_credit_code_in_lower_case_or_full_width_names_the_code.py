"""A credit code sent in lower case or in full-width characters (as a Chinese input method types it) is refused
naming the code as the ledger writes it, in ASCII capitals, where that one is valid: the refusal said only which
characters were outside the set, which for ``x`` or ``９`` leaves the sender guessing what to send instead."""

from __future__ import annotations

from chaincode.receivables import uscc

from .support import SUPPLIER, client_identity, standard_net


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


async def test_register_party_names_the_code_in_ascii_capitals():
    net = await standard_net()
    code = "91310000MA1FL0XQ2"
    code += uscc.check_character(code)
    user = client_identity(SUPPLIER, "new-supplier-user")
    for sent in (code.lower(), _full_width(code)):
        message = await net.refused(net.admins[SUPPLIER], "RegisterParty",
                                    {"uscc": sent, "name": "New Supplier", "role": "supplier", "msp_id": SUPPLIER,
                                     "client_ids": [user.id]}, rule="credit-code-invalid")
        assert f"in ASCII capitals it is {code}, a valid credit code: send that" in message, message
    registered = await net.ok(net.admins[SUPPLIER], "RegisterParty",
                              {"uscc": code, "name": "New Supplier", "role": "supplier", "msp_id": SUPPLIER,
                               "client_ids": [user.id]})
    assert registered["uscc"] == code


async def test_a_party_looked_up_in_lower_case_is_named_in_capitals():
    net = await standard_net()
    tier2 = net.actors["tier2"]
    message = await net.refused(net.actors["tier1"], "GetParty", tier2.uscc.lower(), evaluate=True,
                                rule="party-not-registered")
    assert f"in ASCII capitals it is {tier2.uscc}" in message, message


def test_no_code_is_named_where_capitals_would_not_make_one_valid():
    code = "91310000MA1FL0XQ2"
    code += uscc.check_character(code)
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    assert "ASCII capitals" not in uscc.problem(wrong_check.lower())
    # a letter outside the set in any case: still named as such, no code offered
    assert "ASCII capitals" not in uscc.problem("91440300mi5g2ht8lx")
    assert uscc.problem(code) is None
