"""`recfin demo` names each bank offer's terms hash whole, in its step line and in --json, as the ledger holds
it: cut to 12 characters it matched no offer's terms_hash (GetOffer's, the FinancingOffered event's), and a
script comparing the two would find every offer's terms changed."""
from __future__ import annotations

import json

from ..receivables_client import fakes, test_demo

ledger = test_demo.ledger   # the demo over contract doubles


def test_each_offers_step_carries_the_offers_whole_terms_hash(ledger):
    res = test_demo.run_demo("--skip-setup", "--json")
    assert res.exit_code == 0, res.output
    offered = [step for step in json.loads(res.stdout)["steps"] if "terms_hash" in step]
    assert [step["offer"] for step in offered] == ["O-1", "O-2"]
    # the doubles answer MakeFinancingOffer with fakes.offer's document, whose hash is 64 hex digits
    assert [step["terms_hash"] for step in offered] == [fakes.offer()["terms_hash"]] * 2
    lines = [line for line in res.stderr.splitlines() if "terms_hash=" in line]
    whole = f"terms_hash={fakes.offer()['terms_hash']}"
    assert len(lines) == 2 and all(line.endswith(whole) for line in lines)
