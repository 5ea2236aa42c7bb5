"""A bank's disbursement or repayment sent again after its answer was lost (a timeout, Ctrl-C; neither takes
a request id) is refused by the financing's status, and the refusal names the transaction the first attempt
committed in, which the lost answer's line named too: the bank learns that it committed, and which
transaction did it, where it was told only the status."""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_a_disbursement_and_a_repayment_sent_again_name_the_transaction_they_committed_in():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    f = (await net.financed(tier1, r["id"], disburse=False))["id"]

    disbursed = await net.ok(bank, "RecordDisbursement", f, transient=transient_terms())
    again = await net.refused(bank, "RecordDisbursement", f, transient=transient_terms(),
                              rule="invalid-state")
    assert again.endswith(
        f"financing {f} is DISBURSED: disbursement follows acceptance, once; the RecordDisbursement that "
        f"made it DISBURSED committed in transaction {disbursed['last']['tx_id']} at "
        f"{disbursed['last']['at']}: sent again, it records nothing twice"), again

    repaid = await net.ok(bank, "RecordRepayment", f)
    again = await net.refused(bank, "RecordRepayment", f, rule="invalid-state")
    assert again.endswith(
        f"its repayment was recorded on {repaid['repaid_on']}, and nothing more is recorded on it; the claim is "
        f"paid in full, so no financing of it follows, and nothing is left to do on it; the RecordRepayment that made it REPAID committed in transaction {repaid['last']['tx_id']} at "
        f"{repaid['last']['at']}: sent again, it records nothing twice"), again


async def test_a_step_refused_after_a_later_change_names_no_transaction():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    f = (await net.financed(tier1, r["id"], disburse=False))["id"]
    await net.ok(tier1, "CancelFinancing", f, "credit line withdrawn")
    said = await net.refused(bank, "RecordDisbursement", f, transient=transient_terms(), rule="invalid-state")
    assert "committed in transaction" not in said, said


async def test_another_step_on_an_ended_financing_is_not_told_it_was_sent_again():
    # a disbursement or a recourse of a repaid financing, a repayment of a recoursed one: no step of the
    # caller committed, so the refusal names none as this one's first attempt
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    f = (await net.financed(tier1, r["id"]))["id"]
    await net.ok(bank, "RecordRepayment", f)
    for fn, args in (("RecordDisbursement", ()), ("DemandRecourse", ("unpaid",)),
                     ("ExerciseRecourse", ("bought back",))):
        said = await net.refused(bank, fn, f, *args, transient=transient_terms(), rule="invalid-state")
        assert "is REPAID" in said and "committed in transaction" not in said, (fn, said)
