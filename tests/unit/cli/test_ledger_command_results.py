"""What the ledger commands print and refuse, over the real contract on MemoryLedger: the payment's own
transaction, pages resumed from a bookmark, filters that are not empty and given one at a time, and sliding
scales whose tiers each start at their own days.

The commands, the SDK and the contract run for real; the connection is ``TopologySessions`` (the topology's orgs
and users, each with its certificate).
"""

from __future__ import annotations

import grpc
import pytest

from client.gateway.errors import EvaluateError
from client.receivables import ReceivablesClient, RequestRecord

from ..receivables_client.test_cli_pages_and_currencies import (
    CORE,
    TIER1,
    TIER2,
    parties_on_the_contract,
    registered,
)
from ..receivables_client.test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path):
    return parties_on_the_contract(monkeypatch, tmp_path)


def split_and_confirmed(channel) -> str:
    """A confirmed claim of 1,130.00, 100.00 of it transferred to Tier-2: split into <id>.1 and <id>.2."""
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    split = ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "100", "--as", "supplier/supplier1")
    assert split["status"] == "SPLIT", split
    return rid


# ------------------------------------------------------------------ receivable pay: the payment's transaction

def test_paying_a_split_claim_prints_the_payments_transaction_not_the_splits(channel):
    rid = split_and_confirmed(channel)
    split_tx = channel.submits[-1].tx_id
    res = recfin("receivable", "pay", rid, "--amount", "500", "--request-id", "PAY-1", "--as", "coreenterprise")
    assert res.exit_code == 0, res.output
    payment = channel.submits[-1]
    assert payment.transaction == "RecordPayment"
    assert f"tx: {payment.tx_id}" in res.output.splitlines()
    assert split_tx not in res.output
    assert [a.transaction for a in channel.activity].count("GetRequest") == 1   # read back once, by the SDK
    assert ok("request", "get", "PAY-1", "--as", "coreenterprise")["tx_id"] == payment.tx_id


def test_a_json_payment_names_its_transaction_and_request_id_and_a_retry_the_first_payments(channel):
    rid = split_and_confirmed(channel)
    first = ok("receivable", "pay", rid, "--amount", "500", "--request-id", "PAY-2", "--as", "coreenterprise")
    payment = channel.submits[-1]
    assert (first["payment_tx_id"], first["request_id"]) == (payment.tx_id, "PAY-2")
    assert first["last"]["action"] == "TransferReceivable"    # the claim itself: its last change is the split
    again = ok("receivable", "pay", rid, "--amount", "500", "--request-id", "PAY-2", "--as", "coreenterprise")
    assert again["payment_tx_id"] == payment.tx_id
    assert channel.submits[-1].tx_id != payment.tx_id         # the retry is a transaction of its own, paying nothing


def test_paying_a_claim_that_is_not_split_names_its_transaction_without_reading_the_request(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    paid = ok("receivable", "pay", rid, "--amount", "500", "--as", "coreenterprise")
    assert paid["payment_tx_id"] == paid["last"]["tx_id"] == channel.submits[-1].tx_id
    assert "GetRequest" not in {a.transaction for a in channel.activity}


def test_a_payment_whose_transaction_cannot_be_read_back_is_still_reported_as_paid(channel, monkeypatch):
    def peer_unreachable(self, request_id, party=None):
        raise EvaluateError("evaluate call to endorser returned error: connection refused", transaction_id="tx-r",
                            code=grpc.StatusCode.UNAVAILABLE)

    rid = split_and_confirmed(channel)
    monkeypatch.setattr(ReceivablesClient, "request", peer_unreachable)
    res = recfin("receivable", "pay", rid, "--amount", "500", "--request-id", "PAY-3", "--as", "coreenterprise")
    assert res.exit_code == 0, res.output
    assert "tx: unknown: `recfin request get PAY-3 --as coreenterprise/treasurer` names it" in res.stdout
    assert "cannot read the payment's transaction (EvaluateError: [tx tx-r] UNAVAILABLE: evaluate call to endorser" \
           in res.stderr
    assert channel.submits[-1].transaction == "RecordPayment"


def test_a_payment_whose_request_record_does_not_parse_is_still_reported_as_paid(channel, monkeypatch):
    """A record the SDK cannot read is a ValueError: after the payment committed, never an error that has the
    caller pay again."""
    def unreadable(self, request_id, party=None):
        return RequestRecord.model_validate({"request_id": 5})

    rid = split_and_confirmed(channel)
    monkeypatch.setattr(ReceivablesClient, "request", unreadable)
    res = recfin("receivable", "pay", rid, "--amount", "500", "--request-id", "PAY-4", "--as", "coreenterprise")
    assert res.exit_code == 0, res.output
    assert "tx: unknown: `recfin request get PAY-4 --as coreenterprise/treasurer` names it" in res.stdout
    assert "cannot read the payment's transaction (ValidationError: " in res.stderr
    assert channel.submits[-1].transaction == "RecordPayment"


# ------------------------------------------------------------------ --bookmark with --all

@pytest.mark.parametrize("command", [["receivable", "list", "--as", "supplier/supplier1"],
                                     ["regulator", "list", "REGISTERED", "--as", "regulator"]],
                         ids=["receivable list", "regulator list"])
def test_all_pages_from_a_bookmark_lists_that_page_and_the_rest_only(channel, command):
    ids = {registered(f"2631200000001234567{i}") for i in range(3)}
    first = ok(*command, "--page-size", "1")
    rest = ok(*command, "--page-size", "1", "--bookmark", first["bookmark_token"], "--all")
    assert {r["id"] for r in rest} == ids - {first["records"][0]["id"]}
    assert len(rest) == 2


# ------------------------------------------------------------------ receivable list --holder "" / --debtor ""

@pytest.mark.parametrize("option", ["--holder", "--debtor"])
@pytest.mark.parametrize("value", ["", "  "], ids=["empty", "blank"])
def test_an_empty_holder_or_debtor_is_a_usage_error_not_the_callers_holdings(channel, option, value):
    registered("26312000000012345678")
    res = recfin("receivable", "list", option, value, "--as", "supplier/supplier1")
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}': empty: give a unified social credit code" in res.output
    assert f"or leave {option} out to mean your own" in res.output
    assert "R-" not in res.output
    assert ok("receivable", "list", "--holder", TIER1, "--as", "supplier/supplier1")["records"]


def test_two_filters_are_a_usage_error_not_a_listing_by_the_first(channel):
    registered("26312000000012345678")        # held by Tier-1: a listing by --holder alone would show it
    res = recfin("receivable", "list", "--holder", TIER1, "--debtor", TIER2, "--as", "supplier/supplier1")
    assert res.exit_code == 2, res.output
    assert "give at most one of --holder, --debtor, --status" in res.output
    assert "R-" not in res.output


@pytest.mark.parametrize("value", ["", "  "], ids=["empty", "blank"])
def test_an_empty_party_for_a_request_is_a_usage_error_not_the_callers_own(channel, value):
    res = recfin("request", "get", "ORD-1", "--party", value, "--as", "regulator")
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--party': empty: give a unified social credit code" in res.output
    assert "or leave --party out to mean your own" in res.output
    assert "not-found" not in res.output


# ------------------------------------------------------------------ discount publish: one tier per DAYS

def test_two_tiers_at_the_same_days_are_refused_before_anything_is_sent(channel):
    sent = len(channel.submits)
    res = recfin("discount", "publish", "--tier", "30:0.04", "--tier", "60:0.05", "--tier", "30:0.05",
                 "--expires", "2026-12-31", "--as", "coreenterprise")
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--tier': 30:0.04 and 30:0.05 start at the same DAYS" in res.output
    assert "discount-terms-invalid" in res.output
    assert len(channel.submits) == sent
    published = ok("discount", "publish", "--tier", "60:0.05", "--tier", "30:0.04", "--expires", "2026-12-31",
                   "--as", "coreenterprise")
    assert (published["debtor"], [t["min_days_early"] for t in published["scale"]]) == (CORE, [60, 30])
