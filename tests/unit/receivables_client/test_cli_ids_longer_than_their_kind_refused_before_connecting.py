"""The command line refuses an id longer than any of its kind the contract makes before it connects, as it refuses
one holding a character no id holds (cli.options.names_a_record, the SDK's record_id_problem): a financing's, an
offer's or a notice's id one character past the 18 the contract gives every such id connected, to be refused by the
SDK (exit 1), as though the ledger had been asked. A claim's part keeps the bound of a claim's id, and a part of a
lineage split deeper before splits were bounded still goes out."""

from __future__ import annotations

import pytest

from chaincode.receivables.lifecycle import MAX_SPLIT_DEPTH
from client.receivables import record_id_problem
from client.receivables._arguments import RECEIVABLE_ID_MAX, RECORD_ID_LENGTH

from . import fakes, test_cli

ledger = test_cli.ledger  # the recording double behind the CLI's sessions
invoke = test_cli.invoke

ONE_PAST = {"financing id": "F-0123456789abcdef0", "offer id": "O-0123456789abcdef0",
            "notice id": "N-0123456789abcdef0"}


@pytest.mark.parametrize("args, what", [
    (("finance", "get", ONE_PAST["financing id"]), "financing id"),
    (("finance", "withdraw-offer", ONE_PAST["offer id"], "--reason", "priced wrong"), "offer id"),
    (("finance", "accept", ONE_PAST["offer id"]), "offer id"),
    (("finance", "acknowledge", ONE_PAST["notice id"]), "notice id"),
], ids=["financing", "offer withdrawn", "offer accepted", "notice"])
def test_an_id_one_character_longer_than_its_kind_is_a_usage_error_before_connecting(ledger, args, what):
    res = invoke(*args)
    assert res.exit_code == 2, res.output
    assert f"longer than any {what}, which has at most {RECORD_ID_LENGTH} characters" in res.output, res.output
    assert ledger.opened == []


def test_the_cli_and_the_sdk_hold_each_kind_to_the_same_bound():
    for what, given in ONE_PAST.items():
        assert record_id_problem(given[:-1], what) is None
        assert record_id_problem(given, what) is not None
    deepest = "R-0123456789abcdef" + ".2" * MAX_SPLIT_DEPTH
    assert len(deepest) == RECEIVABLE_ID_MAX
    for what in ("receivable id", "receivable", "claim"):
        assert record_id_problem(deepest, what) is None
        assert record_id_problem(deepest + "0", what) is not None
        assert record_id_problem(deepest + ".1", what) is None   # a lineage split deeper before the bound


def test_a_claims_deepest_part_still_goes_out(ledger):
    deepest = "R-0123456789abcdef" + ".1" * (MAX_SPLIT_DEPTH + 3)
    ledger.responses["GetReceivable"] = fakes.receivable(id=deepest)
    res = invoke("receivable", "get", deepest)
    assert "longer than any" not in res.output, res.output
    assert ledger.opened
