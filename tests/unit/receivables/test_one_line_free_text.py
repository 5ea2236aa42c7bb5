"""Free text a party writes (a reason, an order reference) is one line of printable text: a line break in it would
start a line of its own on the record and in the event, one that reads as output of its own (another event, say).
An identity is bound only in the form a certificate presents it (a tab in it is refused); one an older contract
stored with such a character is still unbound as listed."""
from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys

from .support import SUPPLIER, client_identity, standard_net

# A reason forging an event line after it, and the characters that would break a line: control characters
# (Unicode category Cc, C1 ones too) and the line and paragraph separators.
FORGED = "not owed\nblock 42  ReceivableConfirmed  R-1  tx t10  debtor=D"
BREAKING = [("\n", "U+000A"), ("\r", "U+000D"), ("\t", "U+0009"), ("\x1b", "U+001B"), ("\x85", "U+0085"),
            ("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR")]


@pytest.mark.parametrize("char, named", BREAKING, ids=[named for _, named in BREAKING])
async def test_a_reason_holding_a_line_breaking_character_is_refused_naming_it(char, named):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.registered(tier1, core, 1000)
    message = await net.refused(core, "RejectReceivable", claim["id"], f"not{char}owed", rule="argument-invalid")
    assert f"reason holds {char!r} ({named}" in message and "write it on one line" in message
    assert "\n" not in message   # the refusal itself stays one line


async def test_a_forged_event_line_in_a_reason_is_refused_and_one_line_reasons_of_any_script_pass():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.registered(tier1, core, 1000)
    await net.refused(core, "RejectReceivable", claim["id"], FORGED, rule="argument-invalid")
    rejected = await net.ok(core, "RejectReceivable", claim["id"], "  发票金额不符 — amounts differ  ")
    assert rejected["rejection_reason"] == "发票金额不符 — amounts differ"   # trimmed, as before


async def test_an_order_reference_is_held_to_one_line_too():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    claim = await net.confirmed(tier1, core, 1000)
    message = await net.refused(regulator, "FreezeReceivable", claim["id"], "order-1\r\norder-2",
                                rule="argument-invalid")
    assert "order_reference holds '\\r' (U+000D" in message
    await net.ok(regulator, "FreezeReceivable", claim["id"], "order-1")


async def test_a_reason_written_before_the_refusal_still_reads():
    """A record an earlier contract wrote with a line break in its reason is read back as it is."""
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.registered(tier1, core, 1000)
    await net.ok(core, "RejectReceivable", claim["id"], "not owed")
    key = net._key(keys.RECEIVABLE, claim["id"])
    net.ledger.state[key] = json.dumps({**net.doc(claim["id"]), "rejection_reason": FORGED}).encode()
    read = await net.ok(core, "GetReceivable", claim["id"], evaluate=True)
    assert read["rejection_reason"] == FORGED


async def test_an_identity_holding_a_tab_is_not_bound_and_one_an_older_contract_bound_is_unbound_as_listed():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    odd = client_identity(SUPPLIER, "tier1-odd-user").id.replace("tier1-odd-user", "tier1\todd")
    await net.refused(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, odd, rule="client-id-invalid")
    key = net._key(keys.PARTY, tier1.uscc)
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]),
                                        "client_ids": [tier1.identity.id, odd]}).encode()
    unbound = await net.ok(net.admins[SUPPLIER], "UnbindPartyIdentity", tier1.uscc, odd)
    assert odd not in unbound["client_ids"]


async def test_a_party_name_is_one_line_too():
    from .support import standard_net

    net = await standard_net()
    admin = net.admins["SupplierMSP"]
    request = {"uscc": "91310000MA1K00002C", "name": "Acme\nError: forged", "role": "supplier",
               "msp_id": "SupplierMSP", "client_ids": ["x509::CN=acme::CN=ca"]}
    message = await net.refused(admin, "RegisterParty", request, rule="argument-invalid")
    assert "name holds '\\n'" in message
    request["name"] = "深圳市\u3000前海科技有限公司"   # a full-width space breaks no line
    assert (await net.ok(admin, "RegisterParty", request))["name"] == request["name"]


async def test_a_bidirectional_control_is_refused_as_a_line_break_is():
    from .support import standard_net

    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 100_000)
    for control in ("\u202e", "\u2066", "\u200f", "\u061c"):
        message = await net.refused(net.actors["regulator"], "FreezeReceivable", claim["id"], f"ORDER{control}7",
                                    rule="argument-invalid")
        assert f"U+{ord(control):04X}" in message, message
