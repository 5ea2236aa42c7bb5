"""A bank's step on a financing that has ended (cancelled, repaid, recoursed) is refused invalid-state saying
how and when it ended and what is left: it named only the status the step follows ("disbursement follows
acceptance, once"), which sent the bank of a cancelled financing after an acceptance that never comes."""

from __future__ import annotations

from .support import Net, standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)


async def _refusals(net: Net, financing_id: str) -> dict[str, str]:
    """Each step the bank may send on its financing, refused invalid-state: its message, by transaction."""
    bank = net.actors["bank"]
    steps = (("RecordDisbursement", (), {"transient": WITH_RECOURSE}), ("RecordRepayment", (), {}),
             ("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE}),
             ("ExerciseRecourse", ("unpaid",), {"transient": WITH_RECOURSE}),
             ("CancelFinancing", ("again",), {}))
    return {fn: await net.refused(bank, fn, financing_id, *args, rule="invalid-state", **kw)
            for fn, args, kw in steps}


async def test_a_cancelled_financing_is_refused_as_cancelled_naming_a_new_request():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE, disburse=False)
    await net.ok(a["bank"], "CancelFinancing", f["id"], "will not advance")
    for fn, message in (await _refusals(net, f["id"])).items():
        assert f"financing {f['id']} is CANCELLED" in message, (fn, message)
        assert f"it was cancelled on {net.today}, before any disbursement" in message, (fn, message)
        assert "new request (RequestFinancing)" in message, (fn, message)
        assert "follows acceptance" not in message and "follows disbursement" not in message, (fn, message)


async def test_a_repaid_or_recoursed_financing_is_refused_saying_when_it_ended():
    net = await standard_net()
    a = net.actors
    repaid = await net.financed(a["tier1"], (await net.confirmed(a["tier1"], a["core"], 1000_00))["id"],
                                terms=WITH_RECOURSE)
    await net.ok(a["bank"], "RecordRepayment", repaid["id"])
    claim = await net.confirmed(a["tier1"], a["core"], 2000_00, due_in=5)
    recoursed = await net.financed(a["tier1"], claim["id"], terms=WITH_RECOURSE)
    net.advance(days=6)
    await net.ok(a["bank"], "ExerciseRecourse", recoursed["id"], "unpaid", transient=WITH_RECOURSE)
    refused = await _refusals(net, repaid["id"])
    for fn in ("RecordDisbursement", "RecordRepayment", "DemandRecourse", "ExerciseRecourse"):
        assert f"its repayment was recorded on {net.day(-6)}, and nothing more is recorded on it" \
            in refused[fn], (fn, refused[fn])
    refused = await _refusals(net, recoursed["id"])
    for fn in ("RecordDisbursement", "RecordRepayment", "DemandRecourse", "ExerciseRecourse"):
        assert f"the claim went back to its holder on {net.today} (ExerciseRecourse)" in refused[fn], \
            (fn, refused[fn])
