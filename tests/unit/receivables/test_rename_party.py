"""An enterprise that changes its name keeps its credit code: an admin of its own org records the new name with
`RenameParty`, which changes the name alone, emits one event naming both names, and leaves the former names in the
record's history. A name RegisterParty would refuse, and the name the party has already, are refused, changing
nothing (``net.refused`` asserts it)."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import CORE, SUPPLIER, standard_net


async def test_the_name_alone_changes_with_one_event_and_the_former_name_stays_in_the_history():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 1000)
    before = await net.ok(core, "GetParty", tier1.uscc, evaluate=True)

    result = await net.call(net.admins[SUPPLIER], "RenameParty", tier1.uscc, "Tier-1 Auto Parts Co.")
    assert result.status == 200, result.message
    renamed = json.loads(result.payload)
    assert renamed == {**before, "name": "Tier-1 Auto Parts Co."}
    name, payload = result.event
    assert name == "PartyRenamed"
    assert json.loads(payload) == {"event": "PartyRenamed", "receivable_id": None, "tx_id": result.tx_id,
                                   "party": tier1.uscc, "name": "Tier-1 Auto Parts Co.",
                                   "former_name": before["name"]}
    assert await net.ok(core, "GetParty", tier1.uscc, evaluate=True) == renamed
    # the record keeps its org's key-level policy: a later change still needs that org's endorsement
    policy = net.ledger.validation_parameters[net._key(keys.PARTY, tier1.uscc)]
    assert KeyEndorsementPolicy(policy).list_orgs() == [SUPPLIER]

    history = await net.ok(core, "GetPartyHistory", tier1.uscc, evaluate=True)
    assert [entry["name"] for entry in history] == [before["name"], "Tier-1 Auto Parts Co."]
    assert history[-1]["tx_id"] == result.tx_id
    # its identities still act for it, on the claims it held under its former name
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["name"] == "Tier-1 Auto Parts Co."
    await net.ok(tier1, "RequestFinancing", claim["id"])


@pytest.mark.parametrize("name, said", [
    ("", "name must be 1 to 200 characters"),
    ("N" * 201, "name must be 1 to 200 characters"),
    ("Tier-1\nParts Co.", "name holds '\\n' (U+000A"),
    ("Tier-1\u2028Parts Co.", "U+2028"),
    ("\u200b \u200b", "name has no visible character"),
])
async def test_a_name_registration_would_refuse_is_refused(name, said):
    net = await standard_net()
    message = await net.refused(net.admins[SUPPLIER], "RenameParty", net.actors["tier1"].uscc, name,
                                rule="argument-invalid")
    assert said in message


async def test_a_name_of_200_characters_is_taken_as_at_registration():
    net = await standard_net()
    renamed = await net.ok(net.admins[SUPPLIER], "RenameParty", net.actors["tier1"].uscc, "N" * 200)
    assert renamed["name"] == "N" * 200


async def test_the_name_it_has_already_is_refused_saying_nothing_changes():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    current = (await net.ok(tier1, "WhoAmI", evaluate=True))["name"]
    message = await net.refused(net.admins[SUPPLIER], "RenameParty", tier1.uscc, current, rule="party-name-unchanged")
    assert "nothing is changed" in message and tier1.uscc in message


async def test_only_an_admin_of_the_partys_own_org_renames_it():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    await net.refused(tier1, "RenameParty", tier1.uscc, "Tier-1 Auto Parts Co.", rule="not-an-org-admin")
    message = await net.refused(net.admins[CORE], "RenameParty", tier1.uscc, "Tier-1 Auto Parts Co.",
                                rule="admin-of-own-org-only")
    assert f"an admin of {SUPPLIER} does" in message
    await net.refused(net.admins[SUPPLIER], "RenameParty", "91310000MA1K00009X", "Anyone",
                      rule="party-not-registered")
