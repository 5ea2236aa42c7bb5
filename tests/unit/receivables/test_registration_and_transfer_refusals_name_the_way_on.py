"""A registration dated after today or naming a debtor that is no core enterprise, and a transfer to its own
holder or to a party that may not hold a claim, say what to send instead, where each refusal named only what
was wrong."""

from __future__ import annotations

from .support import standard_net


async def test_registration_refusals_say_what_to_give():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, issue_date=net.day(3)),
                                rule="issue-date-in-future")
    assert message.endswith(f"after today {net.today}: give the date the claim was issued, today or earlier, or "
                            "register it once that date has come"), message
    later = net.registration(tier1, core)
    later["invoices"][0]["date"] = net.day(2)
    message = await net.refused(tier1, "RegisterReceivable", later, rule="invoice-date-in-future")
    assert message.endswith(f"after today {net.today}: give the date on the invoice, today or earlier, or "
                            "register the claim once that date has come"), message
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, tier2),
                                rule="debtor-not-core-enterprise")
    assert message.endswith(f"{tier2.uscc} is a supplier: the debtor must be a core enterprise, so name as debtor "
                            "the core enterprise that owes the claim (GetParty shows a party's role)"), message


async def test_transfer_refusals_say_whom_to_name():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    claim = (await net.confirmed(tier1, core))["id"]
    message = await net.refused(tier1, "TransferReceivable", claim, tier1.uscc, "100", rule="transfer-to-self")
    assert message.endswith(f"already holds {claim}, so nothing is changed: name another supplier as the "
                            "recipient (`to`)"), message
    message = await net.refused(tier1, "TransferReceivable", claim, bank.uscc, "100", rule="recipient-cannot-hold")
    assert message.endswith("receivables pass only between suppliers, so name a supplier as the recipient (a bank "
                            "finances a claim on its holder's RequestFinancing)"), message
    message = await net.refused(tier1, "TransferReceivable", claim, core.uscc, "100", rule="recipient-cannot-hold")
    assert message.endswith("so name a supplier as the recipient"), message
