"""`recfin demo` runs again on the same ledger: a second and a third run, and runs after ones stopped by Ctrl-C at
each step of the story, each start cleanly (new invoices, ids and orders), and each says what the ledger held
before it. Before, a rerun's exposure step and closing table counted the claims earlier runs left (each run's
frozen claim, whatever a stopped run left) without a word, so the figures read as the story's own and did not add
up with its steps.

On the real contract in memory (tests/unit/ledger_contract.py), as test_demo_on_contract.py runs the story."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from click.testing import CliRunner

from chaincode.receivables import keys
from cli import demo_commands
from cli.amounts import money

from ..ledger_contract import LedgerContract
from ..receivables_client import test_demo_on_contract

world = test_demo_on_contract.world   # the demo on the contract in memory
failing_at = test_demo_on_contract.failing_at

DISPUTED_FACE = 2_260_000   # the second delivery's claim, which each run leaves frozen and unpaid


def _run(*args: str):
    return CliRunner().invoke(demo_commands.demo, ["--skip-setup", *args])


def _said(output: str) -> str:
    return " ".join(output.split())


def test_a_first_run_says_the_ledger_held_nothing_before_it(world):
    res = _run()
    assert res.exit_code == 0, res.output
    said = _said(res.output)
    assert "already holds" not in said and "before this run" not in said, said


def test_a_second_and_a_third_run_tell_the_story_anew_and_say_what_the_earlier_runs_left(world):
    channel, _ = world
    outs = []
    for n in range(3):
        res = _run("--json")
        assert res.exit_code == 0, res.output
        outs.append((json.loads(res.stdout), _said(res.stderr)))
        channel.now += timedelta(minutes=5)
    # nothing of a run collides with an earlier one's: claims, financings, orders, invoices and their fingerprints
    ids = [(out["receivable_id"], out["disputed_receivable_id"], out["financing_id"], out["chosen_offer"])
           for out, _ in outs]
    assert len({i for run in ids for i in run}) == 4 * 3
    receivables = channel.documents(keys.RECEIVABLE)
    numbers = [d["invoices"][0]["number"] for d in receivables.values() if d.get("invoices") and not d["parent_id"]]
    assert len(numbers) == len(set(numbers)) == 6
    assert len(channel.documents(keys.FINGERPRINT)) == 6
    orders = [d["frozen"]["order_reference"].split()[0] for d in receivables.values() if d["frozen"]]
    assert len(set(orders)) == 3

    for n, (out, said) in enumerate(outs):
        held = n * DISPUTED_FACE    # each earlier run's frozen claim: the ledger's whole exposure before this run
        exposure = [s for s in out["steps"] if s["what"] == "read the exposure"][0]
        assert exposure["exposure_before_this_run"] == ({"CNY": held} if n else {})
        assert exposure["exposure"] == {"CNY": 8_300_000 + DISPUTED_FACE + held}
        if n:
            assert (f"the ledger already holds {4 * n} receivables (CONFIRMED {n}, SPLIT {n}, SETTLED {2 * n}), "
                    f"{money(held)} of them outstanding") in said, said
        else:
            assert "already holds" not in said, said
        assert out["statistics"]["total"]["CNY"]["exposure"] == DISPUTED_FACE * (n + 1)


def test_its_end_says_how_much_of_the_exposure_the_ledger_held_before_the_run(world):
    assert _run().exit_code == 0
    res = _run()
    assert res.exit_code == 0, res.output
    said = _said(res.output)
    assert (f"exposure=CNY 128,200.00 financed_share=64.74% ({money(DISPUTED_FACE)} of it held before this run)"
            in said), said
    assert (f"The exposure above counts {money(DISPUTED_FACE)} the ledger held before this run "
            "(1 receivable outstanding)") in said, said


# the story's transactions in the order it sends them, each with its occurrence in a run (1: the first of that name)
STORY_SUBMITS = [
    ("RegisterParty", 1), ("RegisterParty", 4), ("RegisterReceivable", 1), ("ConfirmReceivable", 1),
    ("TransferReceivable", 1), ("RequestFinancing", 1), ("MakeFinancingOffer", 1), ("MakeFinancingOffer", 2),
    ("AcceptFinancingOffer", 1), ("RecordDisbursement", 1), ("AcknowledgeAssignment", 1),
    ("PublishDiscountOffer", 1), ("AcceptDiscountOffer", 1),
    ("RegisterReceivable", 3), ("ConfirmReceivable", 2),   # the second delivery's (the 2nd register is refused)
    ("FreezeReceivable", 1), ("FreezeReceivable", 2), ("UnfreezeReceivable", 1), ("RecordPayment", 1),
    ("RecordRepayment", 1),
]


def test_runs_stopped_by_ctrl_c_at_each_step_leave_the_next_run_a_clean_start(world, monkeypatch):
    """Each run is stopped at the next transaction of the story: it gets there (exit 130, which only that Ctrl-C
    gives: a step failing before it would exit 1), so the runs stopped before left nothing in its way; a last run
    tells the whole story and says what the ledger held."""
    channel, _ = world
    submit = LedgerContract.submit
    for transaction, nth in STORY_SUBMITS:
        failing_at(monkeypatch, transaction, KeyboardInterrupt(), nth)
        res = _run()
        assert res.exit_code == 130, (transaction, nth, res.output)
        said = _said(res.output)
        assert re.search(r"step \[\d+\] of the story was stopped", said), said
        assert "Traceback" not in res.output
        channel.now += timedelta(minutes=1)
    monkeypatch.setattr(LedgerContract, "submit", submit)   # no Ctrl-C this time
    res = _run()
    assert res.exit_code == 0, res.output
    said = _said(res.output)
    assert "the ledger already holds" in said and "before this run" in said, said
    receivables = channel.documents(keys.RECEIVABLE)
    # what the stopped runs left, still on the ledger, and the last run's claims beside them
    assert {d["status"] for d in receivables.values()} >= {"REGISTERED", "CONFIRMED", "SPLIT", "SETTLED"}
