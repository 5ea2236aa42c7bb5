"""The bank's steps on a financing each follow one status: a disbursement an accepted financing, a repayment and
recourse a disbursed one. A step out of that order is refused (invalid-state), naming the financing, its status
and which step follows which, nothing written."""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_each_step_out_of_order_names_the_status_it_follows():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    accepted = await net.financed(tier1, r["id"], disburse=False)
    f = accepted["id"]

    repaid_early = await net.refused(bank, "RecordRepayment", f, rule="invalid-state")
    assert f"financing {f} is ACCEPTED: repayment follows disbursement, once" in repaid_early
    recourse_early = await net.refused(bank, "ExerciseRecourse", f, "unpaid", transient=transient_terms(),
                                       rule="invalid-state")
    assert (f"financing {f} is ACCEPTED: recourse is demanded or exercised only on a disbursed financing the "
            "debtor has not paid") in recourse_early

    await net.ok(bank, "RecordDisbursement", f, transient=transient_terms())
    disbursed_again = await net.refused(bank, "RecordDisbursement", f, transient=transient_terms(),
                                        rule="invalid-state")
    assert f"financing {f} is DISBURSED: disbursement follows acceptance, once" in disbursed_again
