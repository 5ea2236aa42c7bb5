"""GetDisbursement: the private record of an advance (what RecordDisbursement wrote into the holder's and the bank's
collection) for the financing's holder, its bank and the regulator, checked against the financing's public
disbursement_hash; no transaction returned it before, not even to the regulator."""
import json

from chaincode.receivables import keys
from chaincode.receivables.model import canonical_json, sha256_hex
from tests.unit.receivables.support import standard_net, transient_terms


async def _disbursed(net, face: int = 100_000_00) -> dict:
    A = net.actors
    r = await net.confirmed(A["tier1"], A["core"], face, due_in=90)
    return await net.financed(A["tier1"], r["id"], A["bank"], terms=transient_terms(fees=500))


async def test_the_holder_the_bank_and_the_regulator_read_the_advance_as_recorded():
    net = await standard_net()
    f = await _disbursed(net)
    for reader in ("tier1", "bank", "regulator"):
        d = await net.ok(net.actors[reader], "GetDisbursement", f["id"], evaluate=True)
        # the record the financing's public hash was taken of, field for field
        assert sha256_hex(canonical_json(d)) == f["disbursement_hash"]
        assert (d["financing_id"], d["receivable_id"]) == (f["id"], f["receivable_id"])
        assert d["outstanding"] == 100_000_00 and d["principal"] == 90_000_00 and d["fees"] == 500
        assert d["net_amount"] == d["principal"] - d["interest"] - d["fees"]
        assert (d["disbursed_on"], d["day_count"]) == (net.today, "ACT/360")


async def test_it_stays_readable_once_repaid():
    net = await standard_net()
    f = await _disbursed(net)
    await net.ok(net.actors["core"], "RecordPayment", f["receivable_id"], str(100_000_00))
    assert (await net.ok(net.actors["bank"], "RecordRepayment", f["id"]))["status"] == "REPAID"
    assert (await net.ok(net.actors["tier1"], "GetDisbursement", f["id"], evaluate=True))["principal"] == 90_000_00


async def test_the_debtor_another_bank_and_another_supplier_are_refused():
    """bank2 and tier2 are parties of the bank's and the holder's orgs, whose peers hold the collection: the
    financing's parties decide, not the org."""
    net = await standard_net()
    f = await _disbursed(net)
    for caller in ("core", "bank2", "tier2", "core2"):
        message = await net.refused(net.actors[caller], "GetDisbursement", f["id"], evaluate=True,
                                    rule="not-permitted-to-read")
        assert "holder, its bank and the regulator" in message


async def test_a_financing_not_yet_disbursed_is_refused_naming_its_status():
    net = await standard_net()
    A = net.actors
    r = await net.confirmed(A["tier1"], A["core"])
    f = await net.financed(A["tier1"], r["id"], A["bank"], disburse=False)
    message = await net.refused(A["bank"], "GetDisbursement", f["id"], evaluate=True, rule="invalid-state")
    assert "ACCEPTED" in message
    requested = await net.ok(A["tier1"], "RequestFinancing",
                             (await net.confirmed(A["tier1"], A["core"]))["id"])
    message = await net.refused(A["regulator"], "GetDisbursement", requested["id"], evaluate=True,
                                rule="invalid-state")
    assert "REQUESTED" in message


async def test_a_private_record_that_does_not_hash_to_the_financing_is_refused():
    """Two orgs' peers running altered chaincode can rewrite the collection's record (a larger principal, say):
    the financing's disbursement_hash, which its bank's org sealed, tells it is not the one recorded."""
    net = await standard_net()
    f = await _disbursed(net)
    private = net.ledger.private_state[f["collection"]]
    key = net._key(keys.DISBURSEMENT, f["id"])
    private[key] = canonical_json({**json.loads(private[key]), "principal": 95_000_00})
    for reader in ("tier1", "bank", "regulator"):
        message = await net.refused(net.actors[reader], "GetDisbursement", f["id"], evaluate=True,
                                    rule="record-unreadable")
        assert "disbursement_hash" in message and f["collection"] in message


async def test_missing_on_this_peer_says_where_to_ask():
    net = await standard_net()
    f = await _disbursed(net)
    del net.ledger.private_state[f["collection"]][net._key(keys.DISBURSEMENT, f["id"])]
    message = await net.refused(net.actors["bank"], "GetDisbursement", f["id"], evaluate=True, rule="not-found")
    assert f["collection"] in message


async def test_an_identity_acting_for_no_party_learns_nothing():
    net = await standard_net()
    from tests.unit.receivables.support import SUPPLIER, Actor, client_identity
    stranger = Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger"))
    f = await _disbursed(net)
    await net.refused(stranger, "GetDisbursement", f["id"], evaluate=True, rule="caller-not-a-party")


async def test_a_financing_naming_another_holder_than_its_claim_is_read_by_the_claims_holder():
    """A request two orgs rewrote to name tier2 (a second supplier of the holder's org), which an earlier contract
    accepted all the same and this one disbursed: the advance went to the claim's holder, tier1, who reads it, as
    GetOfferTerms gives it the terms; tier2, named by the rewritten record only, is refused."""
    net = await standard_net()
    A = net.actors
    r = await net.confirmed(A["tier1"], A["core"], 1000_00, due_in=30)
    f = await net.financed(A["tier1"], r["id"], disburse=False)
    key = net._key(keys.FINANCING, f["id"])
    net.ledger.state[key] = canonical_json({**json.loads(net.ledger.state[key]), "holder": A["tier2"].uscc})
    await net.ok(A["bank"], "RecordDisbursement", f["id"], transient=transient_terms())
    assert (await net.ok(A["tier1"], "GetDisbursement", f["id"], evaluate=True))["outstanding"] == 1000_00
    await net.refused(A["tier2"], "GetDisbursement", f["id"], evaluate=True, rule="not-permitted-to-read")
    # ended, the claim no longer names it: the private record beside the accepted offer's terms says whose it is
    await net.ok(A["core"], "RecordPayment", r["id"], str(1000_00))
    assert (await net.ok(A["bank"], "RecordRepayment", f["id"]))["status"] == "REPAID"
    await net.refused(A["tier2"], "GetDisbursement", f["id"], evaluate=True, rule="not-permitted-to-read")
    assert (await net.ok(A["tier1"], "GetDisbursement", f["id"], evaluate=True))["principal"] == 900_00


async def test_the_bank_and_the_regulator_read_it_whatever_the_claim_now_holds():
    """Repaid, the claim is no longer under the bank's org: a claim record the debtor's and the holder's orgs
    rewrote since (here into no claim at all) keeps neither the bank nor the regulator from the advance."""
    net = await standard_net()
    f = await _disbursed(net)
    await net.ok(net.actors["core"], "RecordPayment", f["receivable_id"], str(100_000_00))
    await net.ok(net.actors["bank"], "RecordRepayment", f["id"])
    net.ledger.state[net._key(keys.RECEIVABLE, f["receivable_id"])] = b"{}"
    for reader in ("bank", "regulator"):
        d = await net.ok(net.actors[reader], "GetDisbursement", f["id"], evaluate=True)
        assert d["principal"] == 90_000_00
