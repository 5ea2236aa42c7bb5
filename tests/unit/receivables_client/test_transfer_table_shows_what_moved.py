"""`recfin receivable transfer` prints, after the claim, what moved, as `recfin request get` prints it: on a split,
who holds the part transferred and the part kept and how much each is, the facts --json gives in
``children_records``. The parent alone (status SPLIT, outstanding 0.00) said neither.

Over the real contract on MemoryLedger (``channel``)."""

from __future__ import annotations

import json

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import TIER1, TIER2, parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _applied_rows(output: str) -> list[list[str]]:
    lines = output.splitlines()
    table = lines[lines.index("applied:") + 1:]
    assert table[0].split() == ["PART", "RECEIVABLE_ID", "HOLDER", "OUTSTANDING"]
    return [row.split(None, 3) for row in table[1:]]


def test_a_split_prints_who_holds_each_part_and_how_much_as_request_get_does(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")

    res = recfin("receivable", "transfer", rid, "--to", TIER2, "--amount", "130", "--request-id", "T-1",
                 "--as", "supplier/supplier1")
    assert res.exit_code == 0, res.output
    assert _applied_rows(res.output) == [["transferred", f"{rid}.1", TIER2, "CNY 130.00"],
                                         ["kept", f"{rid}.2", TIER1, "CNY 1,000.00"]]

    # the same facts as --json (the retry answers with the first result) and as `request get`
    as_json = json.loads(recfin("receivable", "transfer", rid, "--to", TIER2, "--amount", "130", "--request-id",
                                "T-1", "--as", "supplier/supplier1", "--json").stdout)
    assert [[part, child["id"], child["holder"], child["outstanding"]]
            for part, child in zip(["transferred", "kept"], as_json["children_records"])] == [
        ["transferred", f"{rid}.1", TIER2, 13_000], ["kept", f"{rid}.2", TIER1, 100_000]]
    request = recfin("request", "get", "T-1", "--as", "supplier/supplier1")
    assert _applied_rows(request.output) == _applied_rows(res.output)


def test_a_whole_transfer_prints_the_recipient_as_holder_of_the_claim(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    res = recfin("receivable", "transfer", rid, "--to", TIER2, "--amount", "1,130.00", "--as", "supplier/supplier1")
    assert res.exit_code == 0, res.output
    assert _applied_rows(res.output) == [["transferred", rid, TIER2, "CNY 1,130.00"]]
