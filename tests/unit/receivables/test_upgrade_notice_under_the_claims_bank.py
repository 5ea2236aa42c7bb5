"""UpgradeLedger gives an assignment notice an earlier contract version issued without a key-level policy the
debtor's and the bank's orgs. The bank of a live financing is the one its claim names, as for the financing's
own policy: the financing record carried no policy either, and any two orgs could have rewritten the bank's
org it names to their own before the upgrade, leaving the notice, the debtor's promise to pay the bank, theirs
to rewrite without the bank's peer."""
from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, SUPPLIER, Net, _peers_satisfy, standard_net


async def lent_as_an_earlier_version_left_it(net: Net) -> tuple[str, str, str]:
    """tier1's claim on core, financed by the bank and disbursed, its financing and notice without a key-level
    policy, as versions before the ones that set them left them: (claim id, financing id, notice id)."""
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.confirmed(tier1, core))["id"]
    financing = (await net.financed(tier1, claim))["id"]
    notice = net.doc(claim)["notice_id"]
    for key in (net._key(keys.FINANCING, financing), net._key(keys.NOTICE, notice)):
        del net.ledger.validation_parameters[key]
    return claim, financing, notice


def rewrite_financing(net: Net, financing_id: str, **fields: str) -> None:
    """What two orgs running altered chaincode could write to the financing's key while it has no policy."""
    key = net._key(keys.FINANCING, financing_id)
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), **fields}).encode()


async def test_a_live_financing_naming_the_holders_org_leaves_its_notice_the_debtors_and_the_banks():
    net = await standard_net()
    claim, financing, notice = await lent_as_an_earlier_version_left_it(net)
    rewrite_financing(net, financing, financier_msp=SUPPLIER)   # the debtor's and the holder's orgs, say

    await net.upgrade_pages()

    policy = net.ledger.validation_parameters[net._key(keys.NOTICE, notice)]
    assert net.claim_policy_orgs(claim) == [BANK, CORE, SUPPLIER]
    assert sorted(KeyEndorsementPolicy(policy).list_orgs()) == [BANK, CORE]
    assert not _peers_satisfy(policy, (CORE, SUPPLIER))   # the debtor and the holder, without the bank
    assert net.financing_policy_orgs(financing) == [BANK, SUPPLIER]   # the claim's holder and bank, as before


async def test_an_ended_financings_notice_takes_the_bank_its_own_record_names():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    claim, financing, notice = await lent_as_an_earlier_version_left_it(net)
    await net.ok(core, "RecordPayment", claim, str(net.doc(claim)["outstanding"]))
    await net.ok(bank, "RecordRepayment", financing)

    await net.upgrade_pages()

    policy = net.ledger.validation_parameters[net._key(keys.NOTICE, notice)]
    assert sorted(KeyEndorsementPolicy(policy).list_orgs()) == [BANK, CORE]
