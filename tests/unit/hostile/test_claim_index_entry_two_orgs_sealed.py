"""A claim's ``recfin.by-holder`` and ``recfin.by-status`` entries carry no key-level policy: the chaincode-level
policy recfin deploys (any two orgs' peers) alone guards them. Two orgs, neither the claim's debtor's nor its
holder's (the bank's and the regulator's here), running altered chaincode, can commit a write that gives such an
entry a key-level policy of their own, and Fabric validates every later write of the entry against it. Every
change of the claim's holder or status moves those entries, so the claim would be held hostage: its debtor's
payment, its holder's transfer, endorsed by the claim's own orgs, failing ENDORSEMENT_POLICY_FAILURE for as long
as the two refuse to endorse. The contract gives these entries no policy, so one there is none of its own: it
leaves such an entry as it is (the lists go by the claim, not its entry) and the claim's change commits."""

from __future__ import annotations

import dataclasses


from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG
from chaincode.receivables.store_base import org_policy
from chaincode.testing._memory_peer import Write, WriteRecord

from tests.unit.receivables.support import BANK, CORE, REGULATOR, SUPPLIER, standard_net


async def seal_of_two_other_orgs(net, *entries: tuple[str, ...]) -> str:
    """How a transaction a bank's client submits and the bank's and the regulator's peers endorse, giving each of
    ``entries`` (an object type and its attributes) a key-level policy of those two orgs, as altered chaincode
    would, is validated."""
    carrier = await net.ledger.endorse(net.actors["bank"].identity, "receivables:WhoAmI", transient={},
                                       timestamp=net.now)
    sealed = tuple(Write(WriteRecord.PUT_STATE_METADATA, "", net._key(*entry), org_policy([BANK, REGULATOR]))
                   for entry in entries)
    return net.ledger.commit(dataclasses.replace(carrier, writes=sealed), endorsers=(BANK, REGULATOR))


async def sealed_by_two_other_orgs(net, *entries: tuple[str, ...]) -> None:
    """Commit such a seal of ``entries`` (seal_of_two_other_orgs), which the contract gives no policy of its own."""
    assert await seal_of_two_other_orgs(net, *entries) == "VALID"


async def _net_with_a_claim():
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    core, tier1 = net.actors["core"], net.actors["tier1"]
    return net, core, tier1, (await net.confirmed(tier1, core, 1000_00))["id"]


async def test_a_payment_commits_past_a_status_entry_two_other_orgs_sealed():
    net, core, tier1, claim = await _net_with_a_claim()
    # the entry the payment deletes, and the one it would write, both sealed ahead
    await sealed_by_two_other_orgs(net, (keys.BY_STATUS, "CONFIRMED", claim))
    net.ledger.state[net._key(keys.BY_STATUS, "SETTLED", claim)] = keys.INDEX_VALUE
    await sealed_by_two_other_orgs(net, (keys.BY_STATUS, "SETTLED", claim))
    payment = await net.ledger.endorse(core.identity, "receivables:RecordPayment", claim, "100000",
                                       transient={}, timestamp=net.now)
    assert payment.result.status == 200, payment.result.message
    assert net.ledger.commit(payment, endorsers=(CORE, SUPPLIER)) == "VALID"
    assert net.doc(claim)["status"] == "SETTLED"
    settled = await net.every_page(net.actors["regulator"], "ListReceivablesByStatus", "SETTLED")
    assert [r["id"] for page in settled for r in page["records"]] == [claim]
    confirmed = await net.every_page(net.actors["regulator"], "ListReceivablesByStatus", "CONFIRMED")
    assert claim not in [r["id"] for page in confirmed for r in page["records"]]


async def test_a_transfer_commits_past_a_holder_entry_two_other_orgs_sealed():
    net, core, tier1, claim = await _net_with_a_claim()
    tier2 = net.actors["tier2"]
    await sealed_by_two_other_orgs(net, (keys.BY_HOLDER, tier1.uscc, claim))
    transfer = await net.ledger.endorse(tier1.identity, "receivables:TransferReceivable", claim, tier2.uscc, "100000",
                                        transient={}, timestamp=net.now)
    assert transfer.result.status == 200, transfer.result.message
    assert net.ledger.commit(transfer, endorsers=(CORE, SUPPLIER)) == "VALID"
    assert net.doc(claim)["holder"] == tier2.uscc
    held = await net.every_page(tier1, "ListReceivablesByHolder", tier1.uscc)
    assert claim not in [r["id"] for page in held for r in page["records"]]
