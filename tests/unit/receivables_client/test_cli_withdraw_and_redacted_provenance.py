"""`recfin receivable withdraw`, and `recfin receivable provenance` of a tree with parts the caller may not read,
over the real contract on MemoryLedger (the connection is ``TopologySessions``, as in
test_cli_pages_and_currencies.py)."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.shim import create_composite_key

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import TIER2, parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _part_passed_back(rid: str) -> None:
    """rid confirmed and split: 430.00 of it to tier2 ({rid}.1, the rest {rid}.2), of which tier2 passes 100.00 back to
    tier1 ({rid}.1.1, tier1's now, not tier2's to read; {rid}.1.2 stays tier2's)."""
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "430.00", "--as", "supplier/supplier1")
    ok("receivable", "transfer", f"{rid}.1", "--to", ok("party", "whoami", "--as", "supplier/supplier1")["uscc"],
       "--amount", "100.00", "--as", "supplier/supplier2")


def test_the_creditor_withdraws_a_claim_its_debtor_has_not_confirmed_and_its_invoice_is_free_again(channel):
    rid = registered("26312000000012345678")
    fingerprint = ok("receivable", "get", rid, "--as", "supplier/supplier1")["invoices"][0]["fingerprint"]
    # the debtor answers a registration; the creditor withdraws its own
    refused = recfin("receivable", "withdraw", rid, "--reason", "wrong face amount", "--as", "coreenterprise")
    assert refused.exit_code != 0 and "not-the-holder" in refused.output
    shown = recfin("receivable", "withdraw", rid, "--reason", "wrong face amount", "--as", "supplier/supplier1")
    assert shown.exit_code == 0, shown.output
    assert "status: WITHDRAWN" in shown.output and "withdrawal_reason: wrong face amount" in shown.output
    assert ok("receivable", "find-invoice", fingerprint, "--as", "supplier/supplier1")["used"] is False
    registered("26312000000012345678")     # the invoice backs a corrected claim


def test_provenance_prints_a_part_the_caller_may_not_read_as_its_id_alone(channel):
    rid = registered("26312000000012345679")
    _part_passed_back(rid)
    printed = recfin("receivable", "provenance", f"{rid}.1", "--as", "supplier/supplier2")
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert f"  - {rid}.1.1  (redacted: you may not read it)" in lines
    assert any(line.startswith(f"  - {rid}.1.2  CONFIRMED  {TIER2}  outstanding CNY 330.00") for line in lines)
    as_json = ok("receivable", "provenance", f"{rid}.1", "--as", "supplier/supplier2")
    assert [(c["id"], c.get("redacted", False), c["holder"]) for c in as_json["tree"]["children"]] == \
        [(f"{rid}.1.1", True, None), (f"{rid}.1.2", False, TIER2)]


def test_provenance_shows_a_part_the_peer_cannot_read_where_it_lies_and_names_it(channel):
    """A part a newer contract version wrote refused the whole tree to the holder of every other part."""
    rid = registered("26312000000012345670")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "430.00", "--as", "supplier/supplier1")
    key = create_composite_key(keys.RECEIVABLE, [f"{rid}.1"])
    channel.ledger.state[key] = json.dumps({**json.loads(channel.ledger.state[key]), "of_a_newer_version": 1}).encode()
    printed = recfin("receivable", "provenance", rid, "--as", "supplier/supplier1")
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert f"  - {rid}.1  (redacted: the peer cannot read it, see the warning below)" in lines, lines
    assert any(line.startswith(f"  - {rid}.2  CONFIRMED") for line in lines), lines
    [warning] = [line for line in lines if line.startswith("warning:")]
    assert "1 record passed over, shown redacted in the tree above" in warning and f"{rid}.1" in warning, warning
    assert ok("receivable", "provenance", rid, "--as", "supplier/supplier1")["newer_version"] == [key]


def test_provenance_shows_an_ancestor_the_peer_cannot_read_where_it_lies(channel):
    """An ancestor a newer contract version wrote refused the whole answer to the holder of the part below it."""
    rid = registered("26312000000012345671")
    _part_passed_back(rid)
    key = create_composite_key(keys.RECEIVABLE, [f"{rid}.1"])
    channel.ledger.state[key] = json.dumps({**json.loads(channel.ledger.state[key]), "of_a_newer_version": 1}).encode()
    printed = recfin("receivable", "provenance", f"{rid}.1.2", "--as", "supplier/supplier2")
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert lines[0].startswith(f"^ {rid}  SPLIT  "), lines
    assert lines[1] == f"^ {rid}.1  (redacted: the peer cannot read it, see the warning below)", lines
    [warning] = [line for line in lines if line.startswith("warning:")]
    assert "1 record passed over" in warning and f"{rid}.1" in warning, warning
    as_json = ok("receivable", "provenance", f"{rid}.1.2", "--as", "supplier/supplier2")
    assert [(a["id"], a.get("redacted", False), a["parent_id"]) for a in as_json["ancestors"]] == \
        [(f"{rid}.1", True, rid), (rid, False, None)]
    assert as_json["newer_version"] == [key]
    # the root unreadable too: nothing tells the parent of the part above, and the lines say the chain ends there
    channel.ledger.state[create_composite_key(keys.RECEIVABLE, [rid])] = b"garbage"
    lines = recfin("receivable", "provenance", f"{rid}.1.2", "--as", "supplier/supplier2").output.splitlines()
    assert lines[:2] == ["^ ...  (the ancestors above cannot be told: the record below, unread, does not name its "
                         "parent)", f"^ {rid}.1  (redacted: the peer cannot read it, see the warning below)"], lines
