"""A debtor's payment record passes over a claim whose key history, as the peer returns it, does not reach the
write that created it, and names it in ``history_cut``: any two orgs can write a new key (the chaincode-level
policy alone guards it) holding a readable claim of the debtor, with its index entry, whose one write created
nothing, and a refusal of the whole page would deny every bank the debtor's record for good.
GetReceivableHistory of that one claim, asked by id, is still refused ``history-cut``."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys

from .support import Net, standard_net
from .test_lists_believe_the_claim import forge_entry

# sorts after every claim id the net gives out
PLANTED = "R-ffffffffffffffff"


def plant_confirmed_claim(net: Net, claim_id: str, debtor: str) -> None:
    """Write, as two orgs can outside the contract, a copy of the confirmed claim under the new key ``PLANTED``
    naming that id, its one history write a confirmation (no registration), and its entry under ``debtor``."""
    key = net._key(keys.RECEIVABLE, PLANTED)
    net.ledger.state[key] = json.dumps({**net.doc(claim_id), "id": PLANTED, "root_id": PLANTED},
                                       sort_keys=True).encode()
    last_write = net.ledger.history[net._key(keys.RECEIVABLE, claim_id)][-1]
    assert json.loads(last_write.value)["last"]["action"] == "ConfirmReceivable"
    net.ledger.history[key] = [dataclasses.replace(last_write, tx_id="planted", value=net.ledger.state[key])]
    forge_entry(net, keys.BY_DEBTOR, debtor, PLANTED)


async def test_a_planted_claim_whose_one_write_created_nothing_is_named_and_the_page_still_answers():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    real = (await net.confirmed(tier1, core, 1000))["id"]
    plant_confirmed_claim(net, real, core.uscc)
    for reader in (net.actors["bank"], core, net.actors["regulator"]):
        page = await net.ok(reader, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
        assert [r["receivable_id"] for r in page["records"]] == [real], reader.name
        assert page["history_cut"] == [PLANTED]
        assert page["fetched"] == 2
    # asked by id, the caller's own request: still refused
    await net.refused(core, "GetReceivableHistory", PLANTED, evaluate=True, rule="history-cut")


async def test_a_planted_claim_of_another_debtor_is_not_named_in_this_debtors_record():
    net = await standard_net()
    core, core2, tier1 = net.actors["core"], net.actors["core2"], net.actors["tier1"]
    real = (await net.confirmed(tier1, core, 1000))["id"]
    plant_confirmed_claim(net, real, core2.uscc)     # a claim of core's, under core2's index
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", core2.uscc, "10", "", evaluate=True)
    assert (page["records"], page["history_cut"], page["fetched"]) == ([], [], 1)


async def test_a_claim_the_peer_cuts_is_named_beside_the_debtors_other_claims():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    cut = (await net.confirmed(tier1, core, 1000))["id"]
    net.advance(1)
    for _ in range(4):      # 2 writes then 8: the registration is the 10th newest
        f = await net.ok(tier1, "RequestFinancing", cut)
        await net.ok(tier1, "WithdrawFinancing", f["id"])
    whole = (await net.confirmed(tier1, core, 2000))["id"]
    net.ledger.total_query_limit = 8
    page = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert [r["receivable_id"] for r in page["records"]] == [whole]
    assert page["history_cut"] == [cut]
