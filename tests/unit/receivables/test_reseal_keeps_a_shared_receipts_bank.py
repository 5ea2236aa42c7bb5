"""A goods receipt invoiced in parts has one registry entry for all its parts' claims. Once a bank has accepted to
finance one of them, the entry names the bank's org (``Store.guard_for_financing``). Resealing another part's claim,
still REGISTERED, rewrites only its own entries to its orgs: the shared one keeps the bank's org, or the debtor's and
the supplier's orgs could rewrite the entry between them, dropping the financed part, and invoice the delivery
again for a second bank."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, SUPPLIER, standard_net
from .test_goods_receipt_parts import entry_key, part, registering


def _orgs(net, key: str) -> list[str]:
    return sorted(KeyEndorsementPolicy(net.ledger.validation_parameters[key]).list_orgs())


async def test_resealing_a_registered_part_keeps_the_bank_on_the_receipt_it_shares_with_a_financed_one():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    financed = await net.ok(tier1, "RegisterReceivable", registering(net, part(2_000_000), invoiced=1_200_000))
    await net.ok(core, "ConfirmReceivable", financed["id"])
    await net.financed(tier1, financed["id"], disburse=False)
    assert _orgs(net, entry_key(net)) == [BANK, CORE, SUPPLIER]
    later = await net.ok(tier1, "RegisterReceivable", registering(net, part(2_000_000), invoiced=800_000))
    # registered by an earlier contract version, which set no policy on a claim's key before confirmation: the
    # Gateway plans the reseal's endorsers from the policies of the keys it writes, the shared entry's among them
    del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, later["id"])]
    await net.ok(tier1, "ResealReceivable", later["id"])
    assert net.claim_policy_orgs(later["id"]) == [CORE, SUPPLIER]
    assert _orgs(net, entry_key(net)) == [BANK, CORE, SUPPLIER]
