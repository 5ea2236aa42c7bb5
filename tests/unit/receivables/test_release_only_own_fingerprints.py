"""A rejection or withdrawal releases only the fingerprint entries naming its claim: a claim record two orgs
wrote as a new key (altered chaincode, under the chaincode-level policy alone) listing the invoice of another
claim, confirmed and financed, withdrawn by its creditor with the peers of its creditor's and its debtor's
orgs running this contract endorsing, deleted that claim's entry, and the financed invoice registered
again."""

from __future__ import annotations

import pytest

from chaincode.receivables import keys

from .support import CORE, SUPPLIER, standard_net

PLANTED = "R-00000000000000ff"


@pytest.mark.parametrize("release", ["WithdrawReceivable", "RejectReceivable"])
async def test_a_planted_claim_listing_a_financed_invoice_releases_nothing_of_it(release):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    financed = await net.confirmed(tier1, core, 1000_00, invoice_no="26442000000012345678")
    await net.financed(tier1, financed["id"])
    entry = net._key(keys.FINGERPRINT, financed["invoices"][0]["fingerprint"])
    held = net.ledger.state[entry]
    net.plant(net.registered_copy(financed["id"], id=PLANTED, root_id=PLANTED), keys.RECEIVABLE, PLANTED)
    await net.ok(tier1 if release == "WithdrawReceivable" else core, release, PLANTED, "planted")
    assert net.writes_not_endorsed(SUPPLIER, CORE) == []      # what those two orgs' peers endorse commits
    assert net.ledger.state[entry] == held
    again = net.registration(tier1, core, 1000_00, invoice_no="26442000000012345678")
    message = await net.refused(tier1, "RegisterReceivable", again, rule="invoice-already-financed")
    assert f"already backs receivable {financed['id']}" in message


async def test_a_withdrawal_still_releases_its_own_invoice():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    mistaken = await net.registered(tier1, core, 1000_00, invoice_no="26442000000012345678")
    await net.ok(tier1, "WithdrawReceivable", mistaken["id"], "wrong due date")
    await net.registered(tier1, core, 1000_00, invoice_no="26442000000012345678")
