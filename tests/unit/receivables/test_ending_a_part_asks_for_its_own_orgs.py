"""Which orgs' peers endorse the end of one claim among several that share a history with a financed one.

A part split from a claim carries its own key-level policy, its debtor's and its holder's orgs: a bank's org joins
it only with a financing of that part. So paying, settling, requesting and withdrawing financing on, or moving, an
unfinanced part needs no bank's peer, whatever its sibling's financing. The one step that does is on a goods
receipt invoiced in parts: the receipt's registry entry is one key listing every part's claim, and from the
acceptance of a financing of any of them it carries that bank's org, so withdrawing or rejecting another part's
claim, which writes the entry to take its part off, waits on that bank's peer too (docs/receivables.md, the split
and transfer states)."""

from __future__ import annotations

from .support import BANK, BANK2, CORE, REGULATOR, SUPPLIER, attestation_request, standard_net, two_bank_net
from .test_goods_receipt_parts import entry, entry_key, part, registering


async def test_an_unfinanced_part_ends_on_its_debtors_and_holders_peers_while_its_sibling_is_lent_on():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = await net.confirmed(tier1, core, 1000_00)
    transferred, kept = (await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000"))["children"]
    await net.financed(tier2, transferred)
    assert net.claim_policy_orgs(transferred) == [BANK, CORE, SUPPLIER]
    assert net.claim_policy_orgs(kept) == [CORE, SUPPLIER]
    request = await net.ok(tier1, "RequestFinancing", kept)
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    await net.ok(tier1, "WithdrawFinancing", request["id"])
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    await net.ok(core, "RecordPayment", kept, "10000")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    await net.ok(core, "RecordPayment", kept, "50000")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    assert net.doc(kept)["status"] == "SETTLED" and net.claim_policy_orgs(kept) == [CORE, SUPPLIER]


async def test_an_unfinanced_part_is_discounted_or_marked_overdue_on_its_debtors_and_holders_peers():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    parts = {}
    for _ in range(2):
        claim = await net.confirmed(tier1, core, 1000_00, due_in=10)
        transferred, kept = (await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000"))["children"]
        await net.financed(tier2, transferred)
        parts[claim["id"]] = kept
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "day_count": "ACT/360",
                                                         "expires_on": net.day(5)})
    kept_discounted, kept_overdue = parts.values()
    await net.ok(tier1, "AcceptDiscountOffer", offer["id"], kept_discounted)
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    net.advance(days=12)
    await net.ok(tier1, "RecordOverdue", kept_overdue)
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    assert (net.doc(kept_discounted)["status"], net.doc(kept_overdue)["status"]) == ("SETTLED", "OVERDUE")


async def test_a_second_banks_financing_of_another_part_waits_on_the_first_banks_peer():
    net = two_bank_net()
    core = await net.party("core", CORE, "core_enterprise")
    tier1, tier2 = await net.party("tier1", SUPPLIER, "supplier"), await net.party("tier2", SUPPLIER, "supplier")
    bank, bank2 = await net.party("bank", BANK, "financier"), await net.party("bank2", BANK2, "financier")
    await net.party("regulator", REGULATOR, "regulator")
    registration = net.registration(tier1, core, 1000_00)
    invoice = registration["invoices"][0]   # the network asks for an attestation of the invoice before financing
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, invoice["number"], invoice=invoice))
    claim = await net.ok(tier1, "RegisterReceivable", registration)
    await net.ok(core, "ConfirmReceivable", claim["id"])
    transferred, kept = (await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000"))["children"]
    await net.financed(tier2, transferred, bank)
    _, offer = await net.offered(tier1, kept, bank2)
    assert net.writes_not_endorsed(CORE, SUPPLIER, BANK2) == []
    await net.ok(tier1, "AcceptFinancingOffer", offer["id"])
    # the root's invoice entry names the first bank's org, which endorses adding the second's
    assert [orgs for _, orgs in net.writes_not_endorsed(CORE, SUPPLIER, BANK2)] == [[BANK, CORE, SUPPLIER]]
    assert net.writes_not_endorsed(BANK, BANK2, CORE, SUPPLIER) == []


async def test_ending_another_part_of_a_receipt_one_financed_claim_shares_waits_on_that_banks_peer():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    financed = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000_00), invoiced=12_000_00))
    withdrawn = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000_00), invoiced=5_000_00))
    rejected = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000_00), invoiced=1_000_00))
    await net.ok(core, "ConfirmReceivable", financed["id"])
    await net.financed(tier1, financed["id"], disburse=False)
    # neither claim ending is financed, and neither key names the bank's org
    assert net.claim_policy_orgs(withdrawn["id"]) == net.claim_policy_orgs(rejected["id"]) == [CORE, SUPPLIER]
    shared = [(entry_key(net), [BANK, CORE, SUPPLIER])]
    await net.ok(tier1, "WithdrawReceivable", withdrawn["id"], "invoiced in error")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == shared
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []
    await net.ok(core, "RejectReceivable", rejected["id"], "not received")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == shared
    # the entry keeps the financed part, which a write by the debtor's and the supplier's orgs alone could drop
    assert [p["receivable_id"] for p in entry(net)["parts"]] == [financed["id"]]
