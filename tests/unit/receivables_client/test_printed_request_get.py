"""The `recfin request get` an error line prints, run as printed, finds the record of the call it names.

A request id is its party's, and `request get` without ``--as`` asks as its own default org: printed without the
caller's ``--as`` (and ``--data-root``), it answered ``not-found: no attempt of it committed`` for a call that had
committed, the opposite of the truth, and an attestation was sent a second time. Each test takes the command out of
the line with shlex, runs it, and reads the record. Over the real contract on MemoryLedger (``channel``).
"""

from __future__ import annotations

import json
import re
import shlex

import pytest

from cli import invoice_commands

from ..invoices._ledger import NOW
from ..invoices.test_attest import INVOICE, answer_lost_once, cut_off_after_sending, disk_full
from . import test_cli_and_contract_agree
from .test_cli_and_contract_agree import confirmed
from .test_cli_party_commands import recfin
from .test_unreadable_answers import answers_as_a_newer_contract

channel = test_cli_and_contract_agree.channel   # the fixture of the tests these extend


@pytest.fixture
def attesting(channel, monkeypatch):
    """``channel`` on a day after the sample invoice's date: the contract refuses an attestation of an invoice dated
    after the attestation itself, and the channel's clock starts months before 2026-09-01. `invoice attest` judges
    the reference credit record (as of 2026-08-31) on that day too, where it is recent enough to pass."""
    from client.business_dates import business_date

    channel.now = NOW
    monkeypatch.setattr(invoice_commands, "business_today", lambda: business_date(NOW))
    return channel


def printed_request_get(output: str) -> list[str]:
    """The one `recfin request get ...` command ``output`` prints, as its arguments (without `recfin`)."""
    [command] = re.findall(r"`(recfin request get [^`]+)`", output)
    return shlex.split(command)[1:]


def run_as_printed(output: str, request_id: str, transaction: str) -> list[str]:
    """Run the printed command: it must find ``request_id``'s record, applied by ``transaction``. Its arguments."""
    printed = printed_request_get(output)
    assert printed[:3] == ["request", "get", request_id], printed
    found = recfin(*printed)
    assert found.exit_code == 0, found.output
    if "--json" in printed:
        record = json.loads(found.stdout)
        assert (record["request_id"], record["transaction"]) == (request_id, transaction)
    else:
        assert f"request_id: {request_id}\n" in found.stdout and f"transaction: {transaction}\n" in found.stdout
    return printed


# ------------------------------------------------------------------ exactly_once's lines (`recfin receivable ...`)

@pytest.mark.parametrize("caller", [[], ["--as", "coreenterprise"], ["--org", "coreenterprise"]],
                         ids=["the command's default", "an org without its user", "the older --org"])
def test_a_lost_payments_line_names_the_request_get_of_the_caller_resolved(channel, monkeypatch, caller):
    """`receivable pay` acts as coreenterprise by default, `request get` as supplier: the caller's org and the
    user its session resolved are printed."""
    rid = confirmed()
    sent = answer_lost_once(monkeypatch, "RecordPayment")
    res = recfin("receivable", "pay", rid, "--amount", "100.00", *caller)
    assert res.exit_code == 1 and "it may have committed" in res.output, res.output
    printed = run_as_printed(res.output, sent[0], "RecordPayment")
    assert printed[3:] == ["--as", "coreenterprise/treasurer"]


def test_the_data_root_given_is_printed_shell_quoted(channel, monkeypatch, tmp_path):
    rid = confirmed()
    sent = answer_lost_once(monkeypatch, "RecordPayment")
    data_root = tmp_path / "data root's folder"
    res = recfin("receivable", "pay", rid, "--amount", "100.00", "--as", "coreenterprise/treasurer",
                 "--data-root", str(data_root))
    assert res.exit_code == 1, res.output
    printed = run_as_printed(res.output, sent[0], "RecordPayment")
    assert printed[3:] == ["--as", "coreenterprise/treasurer", "--data-root", str(data_root)]


def test_a_payment_committed_with_an_unreadable_answer_names_the_callers_request_get_json(channel, monkeypatch):
    rid = confirmed()
    sent = answers_as_a_newer_contract(monkeypatch, "RecordPayment")
    res = recfin("receivable", "pay", rid, "--amount", "100.00")
    assert res.exit_code == 1 and "it committed" in res.output, res.output
    printed = run_as_printed(res.output, sent[0], "RecordPayment")
    assert printed[3:] == ["--as", "coreenterprise/treasurer", "--json"]


# ------------------------------------------------------------------ `recfin invoice attest`'s lines
# As bank/officer2, Second Bank: `--as bank` alone would ask as officer1, First Bank, another party.

OFFICER2 = ["--as", "bank/officer2"]


@pytest.mark.parametrize("evidence", [False, True], ids=["no evidence kept", "with --evidence"])
def test_a_lost_attestations_line_names_the_callers_request_get(attesting, monkeypatch, tmp_path, evidence):
    sent = answer_lost_once(monkeypatch, "AttestInvoiceVerification")
    kept = ["--evidence", str(tmp_path / "e.json")] if evidence else []
    res = recfin("invoice", "attest", str(INVOICE), *OFFICER2, *kept, "--data-root", str(tmp_path / "a b"))
    assert res.exit_code == 3 and "it may have committed" in res.output, res.output
    printed = run_as_printed(res.output, sent[0], "AttestInvoiceVerification")
    assert printed[3:] == [*OFFICER2, "--data-root", str(tmp_path / "a b")]
    assert recfin("request", "get", sent[0], "--as", "bank/officer2", "--json").exit_code == 0
    assert recfin("request", "get", sent[0], "--as", "bank").exit_code == 1   # the other party has no such request


def test_a_committed_attestation_whose_answer_cannot_be_read_names_the_callers_request_get_json(attesting,
                                                                                                 monkeypatch):
    sent = answers_as_a_newer_contract(monkeypatch, "AttestInvoiceVerification")
    res = recfin("invoice", "attest", str(INVOICE), *OFFICER2)
    assert res.exit_code == 3 and "it committed" in res.output, res.output
    printed = run_as_printed(res.output, sent[0], "AttestInvoiceVerification")
    assert printed[3:] == [*OFFICER2, "--json"]


def test_a_lost_attestation_whose_evidence_cannot_be_written_names_the_callers_request_get(attesting, monkeypatch,
                                                                                           tmp_path):
    sent = cut_off_after_sending(monkeypatch)
    monkeypatch.setattr(invoice_commands, "write_atomically", disk_full)
    res = recfin("invoice", "attest", str(INVOICE), *OFFICER2, "--evidence", str(tmp_path / "e.json"))
    assert res.exit_code == 3 and "No space left on device" in res.stderr, res.output
    assert run_as_printed(res.stderr, sent[0], "AttestInvoiceVerification")[3:] == OFFICER2


def test_an_evidence_file_already_there_names_the_callers_request_get_of_its_request(attesting, tmp_path):
    evidence = tmp_path / "e.json"
    first = recfin("invoice", "attest", str(INVOICE), *OFFICER2, "--evidence", str(evidence))
    assert first.exit_code == 0, first.output
    sent_with = (tmp_path / "e.json.request-id").read_text(encoding="utf-8").strip()
    again = recfin("invoice", "attest", str(INVOICE), *OFFICER2, "--evidence", str(evidence))
    assert again.exit_code == 2 and "already exists" in again.output, again.output
    assert run_as_printed(again.output, sent_with, "AttestInvoiceVerification")[3:] == OFFICER2
