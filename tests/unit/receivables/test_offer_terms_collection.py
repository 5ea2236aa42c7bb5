"""Which collection a bank's terms go to, and that its endorsement policy can be met.

The terms go to the collection of the claim's holder org and the bank's org: the claim names its holder under its
key-level policy, while a request record is under the chaincode's "any two orgs" until acceptance, so two orgs
running altered chaincode could rewrite the holder it names. And a collection's endorsement policy must be one that
the members' peers, one per org as the default topology runs them, can meet: Fabric counts each endorsement for one
principal only, so a pair that is one org needs a second org, the regulator's.
"""

from __future__ import annotations

import json
import re

import pytest

from chaincode.receivables import collections, keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.receivables.store_base import org_policy
from network.org_definition import signature_policy

from .support import BANK, CORE, REGULATOR, SUPPLIER, _peers_satisfy, standard_net, transient_terms

SUPPLIER2, REGULATOR2 = "Supplier2MSP", "Regulator2MSP"
HOLDS_AND_FINANCES = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, SUPPLIER: ("supplier", "financier")})
CONFIGS = {
    "default": DEFAULT_CONFIG,
    "one org holds and finances": HOLDS_AND_FINANCES,
    "two regulator orgs": NetworkConfig(org_roles={**HOLDS_AND_FINANCES.org_roles, REGULATOR2: ("regulator",)}),
}


def _members(collection: dict) -> tuple[str, ...]:
    return tuple(re.findall(r"'([^']+)\.member'", collection["policy"]))


def _met_by(collection: dict, orgs: tuple[str, ...]) -> bool:
    """Whether one endorsing peer of each of ``orgs`` meets the collection's endorsement policy."""
    policy = signature_policy(collection["endorsementPolicy"]["signaturePolicy"]).SerializeToString()
    return _peers_satisfy(policy, orgs)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_one_peer_of_each_member_org_meets_every_collections_endorsement_policy(config):
    generated = collections.collections_config(config)
    assert generated
    for collection in generated:
        assert _met_by(collection, _members(collection)), collection


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_the_holders_and_the_banks_orgs_must_both_endorse_their_terms(config):
    regulators = tuple(config.msps_with_role("regulator"))
    for collection in collections.collections_config(config):
        holder, bank = collection["name"].removeprefix("terms-").split("-")
        assert not _met_by(collection, regulators)
        assert not _met_by(collection, tuple(m for m in _members(collection) if m != holder))
        assert not _met_by(collection, tuple(m for m in _members(collection) if m != bank))


def test_where_one_org_holds_and_finances_it_endorses_with_any_one_regulator_org():
    config = CONFIGS["two regulator orgs"]
    collection, = (c for c in collections.collections_config(config) if c["name"] == f"terms-{SUPPLIER}-{SUPPLIER}")
    assert collection["endorsementPolicy"]["signaturePolicy"] == \
        f"AND('{SUPPLIER}.peer', OR('{REGULATOR2}.peer', '{REGULATOR}.peer'))"
    assert _met_by(collection, (SUPPLIER, REGULATOR)) and _met_by(collection, (SUPPLIER, REGULATOR2))
    assert not _met_by(collection, (SUPPLIER,))


def test_without_a_regulator_org_the_one_org_alone_endorses_its_own_terms():
    # a configuration the contract refuses where it reads one (config.NetworkConfig), so made without that check
    config = DEFAULT_CONFIG.model_copy(update={
        "org_roles": {"CoreEnterpriseMSP": ("core_enterprise",), SUPPLIER: ("supplier", "financier")}})
    collection, = collections.collections_config(config)
    assert collection["endorsementPolicy"]["signaturePolicy"] == f"OR('{SUPPLIER}.peer')"
    assert _met_by(collection, (SUPPLIER,))


# ---------------------------------------------------------------- a request record rewritten outside the contract

async def _net_with_a_second_supplier_org():
    return await standard_net(NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, SUPPLIER2: ("supplier",)}))


async def _an_offer(net) -> tuple[dict, dict, dict]:
    """tier1's confirmed claim on core, its financing request, and the bank's offer on it."""
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors["core"], 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    return r, f, await net.ok(net.actors["bank"], "MakeFinancingOffer", f["id"], transient=transient_terms())


def _copy(net, object_type: str, object_id: str, copy_id: str, **fields) -> None:
    """A record written under another key (as two orgs running altered chaincode could), with ``fields`` changed."""
    net.ledger.state[net._key(object_type, copy_id)] = net.ledger.state[net._key(object_type, object_id)]
    _rewrite(net, object_type, copy_id, **fields)


def _rewrite(net, object_type: str, object_id: str, **fields) -> None:
    """What two orgs running altered chaincode could write to a key without a key-level policy."""
    key = net._key(object_type, object_id)
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), **fields}).encode()


async def test_an_offer_on_a_request_naming_another_holder_org_than_its_claim_is_refused():
    net = await _net_with_a_second_supplier_org()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    # under its claim's orgs, which between them (or any two orgs, for a request an earlier version made) can
    # rewrite it, running altered chaincode
    assert net.ledger.validation_parameters[net._key(keys.FINANCING, f["id"])] == org_policy([CORE, SUPPLIER])
    _rewrite(net, keys.FINANCING, f["id"], holder_msp=SUPPLIER2)

    refused = await net.call(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    assert refused.status != 200 and "invalid-state" in refused.message
    assert f"held by {tier1.uscc} of {SUPPLIER}" in refused.message and "WithdrawFinancing" in refused.message
    assert _private_entries(net) == []                                     # no terms written anywhere

    # the claim's holder withdraws the request, asks again, and the bank's terms go to its org's collection
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    again, offer = await net.offered(tier1, r["id"], bank)
    assert offer["collection"] == f"terms-{SUPPLIER}-{BANK}"


async def test_the_terms_are_not_read_through_a_request_naming_another_holder_than_its_claim():
    net = await _net_with_a_second_supplier_org()
    tier1, tier2, bank = net.actors["tier1"], net.actors["tier2"], net.actors["bank"]
    r, f, o = await _an_offer(net)
    _rewrite(net, keys.FINANCING, f["id"], holder=tier2.uscc, holder_msp=SUPPLIER2)
    for reader in (tier1, bank, net.actors["regulator"]):
        refused = await net.call(reader, "GetOfferTerms", o["id"], evaluate=True)
        assert refused.status != 200 and "invalid-state" in refused.message, reader.name
    refused = await net.call(tier2, "GetOfferTerms", o["id"], evaluate=True)
    assert refused.status != 200 and "not-permitted-to-read" in refused.message


async def test_acceptance_of_a_request_naming_another_holder_than_its_claim_is_refused_while_it_can_be_withdrawn():
    net = await _net_with_a_second_supplier_org()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _an_offer(net)
    _rewrite(net, keys.FINANCING, f["id"], holder_msp=SUPPLIER2)
    refused = await net.call(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    assert refused.status != 200 and "invalid-state" in refused.message and "WithdrawFinancing" in refused.message
    assert json.loads(net.ledger.state[net._key(keys.FINANCING, f["id"])])["status"] == "REQUESTED"
    assert net.doc(r["id"])["financier"] is None

    # the way out the refusal names: withdrawn, requested again, the new request's offer is accepted
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    again, offer = await net.offered(tier1, r["id"], bank)
    assert (await net.ok(tier1, "AcceptFinancingOffer", offer["id"]))["status"] == "ACCEPTED"


async def test_an_accepted_financings_terms_are_read_though_its_record_names_another_holder():
    """A financing an earlier contract accepted on a rewritten request: its holder can no longer withdraw it, so
    its terms stay readable to the holder, the bank and the regulator, for its disbursement and recourse."""
    net = await _net_with_a_second_supplier_org()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _an_offer(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    _rewrite(net, keys.FINANCING, f["id"], holder_msp=SUPPLIER2)
    for reader in (tier1, bank, net.actors["regulator"]):
        read = await net.call(reader, "GetOfferTerms", o["id"], evaluate=True)
        assert read.status == 200, (reader.name, read.message)
        assert json.loads(read.payload) == json.loads(transient_terms()["terms"])
    disbursed = await net.ok(bank, "RecordDisbursement", f["id"], transient={"terms": read.payload})
    assert disbursed["status"] == "DISBURSED"


async def test_an_ended_requests_holder_still_reads_its_terms_after_passing_the_claim_on():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    r, f, o = await _an_offer(net)
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "100000", "req-1")
    assert net.doc(r["id"])["holder"] == tier2.uscc
    read = await net.call(tier1, "GetOfferTerms", o["id"], evaluate=True)
    assert read.status == 200, read.message
    assert (await net.call(tier2, "GetOfferTerms", o["id"], evaluate=True)).status != 200


async def test_an_offer_record_rewritten_to_another_collection_is_neither_accepted_nor_disbursed():
    net = await _net_with_a_second_supplier_org()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _an_offer(net)
    _rewrite(net, keys.OFFER, o["id"], collection=f"terms-{SUPPLIER2}-{BANK}")   # an offer has no key-level policy
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                                rule="invalid-state")
    assert f"kept in terms-{SUPPLIER}-{BANK}" in message and "changed outside the contract" in message
    # the offer accepted as it is, the financing then naming another collection: an acceptance two orgs'
    # altered chaincode wrote so (the financing takes its key-level policy from that very write)
    _rewrite(net, keys.OFFER, o["id"], collection=f"terms-{SUPPLIER}-{BANK}")
    await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    _rewrite(net, keys.FINANCING, f["id"], collection=f"terms-{SUPPLIER2}-{BANK}")
    refused = await net.call(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    assert refused.status != 200 and "invalid-state" in refused.message
    assert f"terms-{SUPPLIER}-{BANK}" in refused.message and "CancelFinancing" in refused.message
    assert [entry for entry in _private_entries(net) if entry[0] == keys.DISBURSEMENT] == []


def _private_entries(net) -> list[tuple[str, str]]:
    """(object type, id) of every private data entry, whatever its collection."""
    from chaincode.shim import split_composite_key

    out = []
    for entries in net.ledger.private_state.values():
        for key in entries:
            object_type, attrs = split_composite_key(key)
            out.append((object_type, attrs[0] if attrs else ""))
    return out


# ---------------------------------------------------------------- a financing record its claim does not name

NOT_NAMED = "does not name it as its live financing"


async def _refused_as_not_named(net, actor, fn: str, *args, **kw) -> None:
    """``fn`` refused invalid-state for a financing its claim does not name, nothing written (``Net.refused``)."""
    message = await net.refused(actor, fn, *args, rule="invalid-state", **kw)
    assert NOT_NAMED in message and "GetReceivable" in message, message


async def test_an_offer_on_a_request_its_claim_does_not_name_is_refused():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    ended = await net.ok(tier1, "RequestFinancing", r["id"])
    await net.ok(tier1, "WithdrawFinancing", ended["id"])
    _rewrite(net, keys.FINANCING, ended["id"], status="REQUESTED")        # a withdrawn request revived
    await _refused_as_not_named(net, bank, "MakeFinancingOffer", ended["id"], transient=transient_terms())

    live = await net.ok(tier1, "RequestFinancing", r["id"])
    made_up = f"{live['id']}X"                                            # a request made up on a live claim
    _copy(net, keys.FINANCING, live["id"], made_up, id=made_up)
    await _refused_as_not_named(net, bank, "MakeFinancingOffer", made_up, transient=transient_terms())
    assert (await net.ok(bank, "MakeFinancingOffer", live["id"], transient=transient_terms()))["status"] == "OPEN"


async def test_the_acceptance_of_an_offer_on_a_revived_request_is_refused():
    """Two orgs rewrite a withdrawn request back to REQUESTED and its offer back to OPEN: accepted, the claim
    would be FINANCED naming no financing, left out of the bank's exposure, its debtor paying the holder."""
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _an_offer(net)
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    _rewrite(net, keys.FINANCING, f["id"], status="REQUESTED")
    _rewrite(net, keys.OFFER, o["id"], status="OPEN")
    await _refused_as_not_named(net, tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    assert net.doc(r["id"])["status"] == "CONFIRMED" and net.doc(r["id"])["financier"] is None

    again, offer = await net.offered(tier1, r["id"], bank)
    assert (await net.ok(tier1, "AcceptFinancingOffer", offer["id"]))["status"] == "ACCEPTED"


async def test_withdrawing_a_revived_request_leaves_the_claims_live_one():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, ended, _ = await _an_offer(net)
    await net.ok(tier1, "WithdrawFinancing", ended["id"])
    live = await net.ok(tier1, "RequestFinancing", r["id"])
    _rewrite(net, keys.FINANCING, ended["id"], status="REQUESTED")
    await _refused_as_not_named(net, tier1, "WithdrawFinancing", ended["id"])
    assert net.doc(r["id"])["financing_id"] == live["id"]
    await net.ok(bank, "MakeFinancingOffer", live["id"], transient=transient_terms())


async def test_a_cancelled_financing_revived_is_neither_disbursed_cancelled_nor_repaid():
    """The claim is financed again, by another request: the revived financing's disbursement, cancellation or
    repayment would act on the claim the live financing holds."""
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, ended, o = await _an_offer(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    await net.ok(tier1, "CancelFinancing", ended["id"], "the money did not come")
    live = await net.financed(tier1, r["id"], disburse=False)
    _rewrite(net, keys.FINANCING, ended["id"], status="ACCEPTED")
    await _refused_as_not_named(net, bank, "RecordDisbursement", ended["id"], transient=transient_terms())
    await _refused_as_not_named(net, tier1, "CancelFinancing", ended["id"], "cancel the live one's claim")
    await _refused_as_not_named(net, bank, "CancelFinancing", ended["id"], "cancel the live one's claim")
    _rewrite(net, keys.FINANCING, ended["id"], status="DISBURSED")
    await _refused_as_not_named(net, bank, "RecordRepayment", ended["id"])
    assert net.doc(r["id"])["financing_id"] == live["id"] and net.doc(r["id"])["status"] == "FINANCED"

    disbursed = await net.ok(bank, "RecordDisbursement", live["id"], transient=transient_terms())
    assert (await net.ok(bank, "RecordRepayment", disbursed["id"]))["status"] == "REPAID"


async def test_the_notice_of_a_repaid_financing_revived_is_not_acknowledged():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"])
    await net.ok(bank, "RecordRepayment", f["id"])
    _rewrite(net, keys.FINANCING, f["id"], status="DISBURSED")
    await _refused_as_not_named(net, core, "AcknowledgeAssignment", f["notice_id"])


async def test_recourse_on_a_recoursed_financing_revived_is_refused():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    with_recourse = transient_terms(recourse=True)
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], terms=with_recourse)
    net.advance(days=31)
    await net.ok(bank, "ExerciseRecourse", f["id"], "repurchased", transient=with_recourse)
    _rewrite(net, keys.FINANCING, f["id"], status="DISBURSED")
    _rewrite(net, keys.NOTICE, f["notice_id"], status="ISSUED")
    await _refused_as_not_named(net, bank, "DemandRecourse", f["id"], "unpaid", transient=with_recourse)
    await _refused_as_not_named(net, bank, "ExerciseRecourse", f["id"], "again", transient=with_recourse)
    assert net.doc(r["id"])["holder"] == tier1.uscc and net.doc(r["id"])["financier"] is None


# ---------------------------------------------------------------- a financing record at another stage than its claim

OTHER_STAGE = "names .* as its financier|is financed by .* already"


async def _refused_at_another_stage(net, actor, fn: str, *args, **kw) -> str:
    """``fn`` refused invalid-state: the claim names the financing, but not at the stage its record says."""
    message = await net.refused(actor, fn, *args, rule="invalid-state", **kw)
    assert re.search(OTHER_STAGE, message) and "GetReceivable" in message, message
    return message


async def test_a_live_request_rewritten_to_accepted_or_disbursed_moves_no_money_on_the_claim():
    """Two orgs rewrite the live request, which the claim names, as accepted by the bank on its offer's terms: the
    claim is CONFIRMED with no financier, so a disbursement, a cancellation, a repayment or recourse would finance,
    release or settle it with no bank it names, the debtor's payment going to the holder."""
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _an_offer(net)
    accepted = dict(status="ACCEPTED", accepted_offer_id=o["id"], financier=bank.uscc, financier_msp=BANK,
                    collection=o["collection"], terms_hash=o["terms_hash"])
    _rewrite(net, keys.FINANCING, f["id"], **accepted)
    message = await _refused_at_another_stage(net, bank, "RecordDisbursement", f["id"], transient=transient_terms())
    assert f"is ACCEPTED with {bank.uscc} of {BANK} as its bank" in message and "names no bank" in message
    await _refused_at_another_stage(net, bank, "CancelFinancing", f["id"], "ends the claim's live request")
    await _refused_at_another_stage(net, tier1, "CancelFinancing", f["id"], "ends the claim's live request")
    _rewrite(net, keys.FINANCING, f["id"], status="DISBURSED")
    await _refused_at_another_stage(net, bank, "RecordRepayment", f["id"])
    net.advance(days=31)
    recourse = transient_terms()
    await _refused_at_another_stage(net, bank, "DemandRecourse", f["id"], "unpaid", transient=recourse)
    await _refused_at_another_stage(net, bank, "ExerciseRecourse", f["id"], "repurchased", transient=recourse)
    claim = net.doc(r["id"])
    assert (claim["status"], claim["financier"], claim["financing_id"], claim["payments"]) == \
        ("CONFIRMED", None, f["id"], [])


async def test_an_accepted_financing_rewritten_to_another_bank_is_not_disbursed_by_it():
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    r, f, o = await _an_offer(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    _rewrite(net, keys.FINANCING, f["id"], financier=bank2.uscc)       # the claim names the first bank
    await _refused_at_another_stage(net, bank2, "RecordDisbursement", f["id"], transient=transient_terms())
    await _refused_at_another_stage(net, bank2, "CancelFinancing", f["id"], "not ours after all")
    assert net.doc(r["id"])["financier"] == bank.uscc and net.doc(r["id"])["status"] == "FINANCED"

    _rewrite(net, keys.FINANCING, f["id"], financier=bank.uscc)        # as the contract wrote it, it goes on
    assert (await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms()))["status"] == "DISBURSED"


async def test_an_accepted_financing_rewritten_back_to_a_request_takes_no_offer():
    """The claim is FINANCED by the bank; its financing rewritten to REQUESTED would take a second bank's offer, and
    its acceptance would hand the claim to that bank."""
    net = await standard_net()
    tier1, bank2 = net.actors["tier1"], net.actors["bank2"]
    r, f, o = await _an_offer(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    _rewrite(net, keys.FINANCING, f["id"], status="REQUESTED")
    message = await _refused_at_another_stage(net, bank2, "MakeFinancingOffer", f["id"], transient=transient_terms())
    assert "is an open request" in message
    await _refused_at_another_stage(net, tier1, "WithdrawFinancing", f["id"])
    assert net.doc(r["id"])["financier"] == net.actors["bank"].uscc


async def test_the_claims_notice_tells_an_accepted_financing_from_a_disbursed_one():
    """Both name the claim's bank; only a disbursement issues the claim's notice. Rewritten to DISBURSED, an accepted
    financing would be repaid (the claim SETTLED as paid to a bank that advanced nothing); rewritten to ACCEPTED, a
    disbursed one would be cancelled, the bank that paid out dropped from the claim."""
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r, accepted, o = await _an_offer(net)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    _rewrite(net, keys.FINANCING, accepted["id"], status="DISBURSED")
    message = await net.refused(bank, "RecordRepayment", accepted["id"], rule="invalid-state")
    assert "carries notice None" in message and "GetReceivable" in message
    assert net.doc(r["id"])["status"] == "FINANCED" and net.doc(r["id"])["payments"] == []

    other = await net.confirmed(tier1, core, 1000_00, due_in=30)
    disbursed = await net.financed(tier1, other["id"])
    _rewrite(net, keys.FINANCING, disbursed["id"], status="ACCEPTED")
    for actor in (tier1, bank):
        message = await net.refused(actor, "CancelFinancing", disbursed["id"], "undo", rule="invalid-state")
        assert f"carries assignment notice {disbursed['notice_id']}" in message
    assert net.doc(other["id"])["financier"] == bank.uscc


async def test_a_notice_the_claim_does_not_name_is_not_acknowledged():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"])
    forged = f"{f['notice_id']}X"
    _copy(net, keys.NOTICE, f["notice_id"], forged, id=forged)
    message = await net.refused(core, "AcknowledgeAssignment", forged, rule="invalid-state")
    assert f"is not the one claim {r['id']} names ({f['notice_id']})" in message
    assert (await net.ok(core, "AcknowledgeAssignment", f["notice_id"]))["status"] == "ACKNOWLEDGED"


async def test_a_notice_read_under_another_key_or_naming_another_payee_is_not_acknowledged():
    net = await standard_net()
    tier1, core, tier2 = net.actors["tier1"], net.actors["core"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"])
    elsewhere = f"{f['notice_id']}X"                       # the real notice's id kept, under another key
    _copy(net, keys.NOTICE, f["notice_id"], elsewhere, financier=tier2.uscc)
    message = await net.refused(core, "AcknowledgeAssignment", elsewhere, rule="record-unreadable")
    assert f"its id is '{f['notice_id']}', another key's" in message     # no record is read off its own key
    _rewrite(net, keys.NOTICE, f["notice_id"], financier=tier2.uscc)    # the claim's own, rewritten in place
    message = await net.refused(core, "AcknowledgeAssignment", f["notice_id"], rule="invalid-state")
    assert f"names {tier2.uscc} as the financier" in message and "promises nothing on its word" in message
    _rewrite(net, keys.NOTICE, f["notice_id"], financier=net.actors["bank"].uscc)
    assert (await net.ok(core, "AcknowledgeAssignment", f["notice_id"]))["status"] == "ACKNOWLEDGED"
