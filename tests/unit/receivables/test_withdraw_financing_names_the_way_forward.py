"""WithdrawFinancing of a financing past its request names what ends it from where it stands: an
accepted one is cancelled (CancelFinancing), a disbursed one ends with the bank's repayment or recourse. The
refusal only said a request not yet accepted could be withdrawn, leaving the holder no way out named."""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_withdrawing_an_accepted_or_disbursed_financing_names_what_ends_it():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], disburse=False)
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert "is ACCEPTED" in message and "CancelFinancing" in message and a["bank"].uscc in message
    await net.ok(a["bank"], "RecordDisbursement", f["id"], transient=transient_terms())
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert "is DISBURSED" in message and "RecordRepayment" in message and "CancelFinancing" not in message
    await net.ok(a["bank"], "RecordRepayment", f["id"])
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert message.endswith("only a request not yet accepted can be withdrawn: its repayment was recorded on "
                            f"{net.today}, and nothing more is recorded on it; the claim is paid in full, so no "
                            "financing of it follows, and nothing is left to do on it")
