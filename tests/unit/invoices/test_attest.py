"""From a verification to an attestation on the ledger, and registration that requires one: the SDK bridge and
`recfin invoice attest / attestations / register`, over the real contract on a MemoryLedger."""

from __future__ import annotations

import hashlib
import json
import signal
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import grpc
import pytest
from click.testing import CliRunner

from chaincode.receivables.config import DEFAULT_CONFIG
from cli import invoice_commands
from cli.invoice_commands import invoice as invoice_group
from client.gateway.errors import CommitStatusError, EndorseError, SubmitError
from client.invoices import sources as sources_module
from client.invoices import (
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    attestation,
    invoice_fingerprint,
    read_invoice,
    verify_with_sources,
)
from client.invoices.attest import attest_verification, attestation_request
from client.receivables import InvoiceInput, ReceivableRegistration, RuleViolation

from ..ledger_contract import LedgerContract
from ._ledger import BANK_CODE, Ledger, SecondsLater
from ._samples import SELLER, einvoice_xml, invoice

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
INVOICE = SAMPLES / "einvoice.xml"
MATCHED = ["--po", SAMPLES / "purchase_order.csv", "--receipt", SAMPLES / "goods_receipt.csv", "--due", "2026-11-30"]
AT = datetime(2026, 9, 10, 9, 30, tzinfo=timezone.utc)


def run(*args):
    result = CliRunner().invoke(invoice_group, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def canonical_digest(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode("utf-8")).hexdigest()


def sources():
    return ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(), ReferenceCreditBureau()


# ------------------------------------------------------------------ the SDK bridge

def test_a_verification_is_attested_in_one_call_with_the_ledgers_time_and_the_evidence_digest():
    ledger = Ledger()
    inv = read_invoice(INVOICE)
    result = verify_with_sources(inv, *sources())
    done = attest_verification(ledger.client("bank"), inv, result, attested_at=AT)
    assert done.evidence == attestation(result, AT)
    record = done.record
    assert record.passed and record.fingerprint == invoice_fingerprint(inv) == result.fingerprint
    assert (record.buyer_tax_id, record.issue_date, record.total_with_tax) == (
        inv.buyer.tax_id, inv.issue_date, inv.total_with_tax_fen)
    assert record.evidence_digest == done.evidence.digest == canonical_digest(done.evidence.document)
    assert record.sources == ["reference-tax", "reference-registry", "reference-credit"]
    assert record.attester == BANK_CODE and record.attester_role == "financier" and record.attested.msp_id == "BankMSP"
    assert record.attested.at == "2026-09-10T02:00:00Z"  # the transaction's time, not the document's 09:30
    assert done.evidence.document["attested_at"] == "2026-09-10T09:30:00Z"
    # listed as recorded, and counted: nothing says a registration would not count it
    assert [a.to_json() for a in ledger.client("supplier").invoice_attestations(record.fingerprint)] == \
        [{**record.to_json(), "not_counted_reason": None}]


def test_a_failing_verification_is_attested_as_failing():
    ledger = Ledger()
    inv = invoice(number="26442000000000000001")  # unknown to the tax source
    done = attest_verification(ledger.client("bank"), inv, verify_with_sources(inv, *sources()))
    assert done.record.outcome == "fail" and done.record.attester_role == "financier"


def test_the_contract_refuses_an_attestation_by_a_supplier_and_records_nothing():
    ledger = Ledger()
    inv = read_invoice(INVOICE)
    with pytest.raises(RuleViolation) as refused:
        attest_verification(ledger.client("supplier"), inv, verify_with_sources(inv, *sources()))
    assert refused.value.rule == "role-not-permitted"
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(inv)) == []


def test_a_scan_reading_with_unreviewed_fields_is_attested_only_once_said_reviewed():
    from client.invoices import NotReviewed, UnreviewedField

    ledger = Ledger()
    inv = read_invoice(INVOICE).model_copy(update={"unreviewed": (
        UnreviewedField(field="buyer.tax_id", reason="low confidence 0.412 < 0.800"),)})
    result = verify_with_sources(inv, *sources())
    for attest in (lambda **kw: attestation_request(inv, attestation(result, AT), **kw),
                   lambda **kw: attest_verification(ledger.client("bank"), inv, result, attested_at=AT, **kw)):
        with pytest.raises(NotReviewed, match=r"buyer\.tax_id \(low confidence 0\.412 < 0\.800\).*attest it with "
                                              r"reviewed=True"):
            attest()
    assert ledger.client("bank").invoice_attestations(result.fingerprint) == []
    done = attest_verification(ledger.client("bank"), inv, result, attested_at=AT, reviewed=True)
    assert done.record.fingerprint == result.fingerprint


def test_evidence_of_another_invoice_is_not_attested_for_this_one():
    inv = read_invoice(INVOICE)
    other = invoice(number="26442000000000000001")
    evidence = attestation(verify_with_sources(other, *sources()), AT)
    with pytest.raises(ValueError, match="26442000000000000001"):
        attestation_request(inv, evidence)
    request = attestation_request(other, evidence)
    assert (request.seller_tax_id, request.code, request.outcome) == (SELLER.tax_id, "", "fail")


def test_evidence_of_other_values_is_not_attested_for_this_invoice():
    inv = read_invoice(INVOICE)
    evidence = attestation(verify_with_sources(inv, *sources()), AT)
    inflated = inv.model_copy(update={"total_with_tax_fen": 999_999_900})
    with pytest.raises(ValueError, match="total_with_tax_fen 230300, not 999999900"):
        attestation_request(inflated, evidence)
    recoded = inv.model_copy(update={"code": "4403201130"})
    with pytest.raises(ValueError, match="invoice_code '', not '4403201130'"):
        attestation_request(recoded, evidence)


def test_a_verification_that_asked_no_source_is_not_attested():
    inv = read_invoice(INVOICE)
    ledger = Ledger()
    evidence = attestation(verify_with_sources(inv), AT)
    assert evidence.document["outcome"] == "fail" and evidence.document["sources"] == []
    with pytest.raises(ValueError, match="names no data source: a verification that asked none verified nothing"):
        attest_verification(ledger.client("bank"), inv, verify_with_sources(inv))
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(inv)) == []


def test_a_passing_attestation_does_not_let_the_invoice_be_registered_for_more():
    ledger = Ledger(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    inv = read_invoice(INVOICE)
    attest_verification(ledger.client("bank"), inv, verify_with_sources(inv, *sources()))
    invoice_as_verified = {"number": inv.number, "date": inv.issue_date, "amount": inv.total_amount_fen,
                           "tax": inv.total_tax_fen, "seller_tax_id": inv.seller.tax_id, "buyer_tax_id": inv.buyer.tax_id}

    def registration(**invoice_over):
        listed = {**invoice_as_verified, **invoice_over}
        return ReceivableRegistration(debtor=inv.buyer.tax_id, face_amount=listed["amount"] + listed["tax"],
                                      issue_date=inv.issue_date, due_date=date(2026, 12, 31),
                                      invoices=[InvoiceInput(**listed)], contract_hash="0" * 64)

    with pytest.raises(RuleViolation) as refused:
        ledger.client("supplier").register_receivable(registration(amount=900_000_000, tax=99_999_900))
    assert refused.value.rule == "invoice-attested-values-differ"
    assert "total with tax 2303.00 CNY (registered: 9999999.00 CNY)" in str(refused.value)
    with pytest.raises(RuleViolation, match=r"date 2026-09-01 \(registered: 2026-08-15\)"):
        ledger.client("supplier").register_receivable(registration(date=date(2026, 8, 15)))
    registered = ledger.client("supplier").register_receivable(registration())
    assert registered.face_amount == inv.total_with_tax_fen


# ------------------------------------------------------------------ the commands

def test_attest_then_register_across_orgs(monkeypatch, tmp_path):
    ledger = Ledger(DEFAULT_CONFIG.model_copy(update={"require_attestation": True})).serve(monkeypatch)
    r = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1")
    assert r.exit_code == 1, r.output
    assert "RULE invoice-not-attested" in r.output and "recfin invoice attest" in r.output

    evidence = tmp_path / "evidence.json"
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence)
    assert r.exit_code == 0, r.output
    assert f"ATTESTED PASS by {BANK_CODE} (financier, BankMSP) at 2026-09-10T02:00:00Z" in r.output
    assert "verified total with tax CNY 2,303.00, dated 2026-09-01, buyer 91440300MA5F7KQ3XU" in r.output
    assert "PASS  source.tax.found" in r.output
    document = json.loads(evidence.read_text(encoding="utf-8"))
    assert f"evidence digest {canonical_digest(document)}" in r.output

    r = run("attestations", INVOICE, "--as", "supplier", "--json")
    assert r.exit_code == 0, r.output
    listed = json.loads(r.stdout)
    assert listed["fingerprint"] == document["fingerprint"]
    assert [(a["outcome"], a["attester"], a["evidence_digest"]) for a in listed["attestations"]] == [
        ("pass", BANK_CODE, canonical_digest(document))]

    r = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1", "--json")
    assert r.exit_code == 0, r.output
    registered = json.loads(r.stdout)
    inv = read_invoice(INVOICE)
    assert registered["status"] == "REGISTERED" and registered["face_amount"] == inv.total_with_tax_fen
    assert registered["invoices"][0]["fingerprint"] == document["fingerprint"]
    assert ledger.opened == [("supplier", "supplier1"), ("bank", "officer1"), ("supplier", None), ("supplier", "supplier1")]


def test_attest_json_shows_the_evidence_and_the_record(monkeypatch):
    Ledger().serve(monkeypatch)
    r = run("attest", INVOICE, "--as", "bank", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["outcome"] == "pass" and doc["invoice_number"] == "26442000000012345678"
    assert doc["evidence"]["digest"] == canonical_digest(doc["evidence"]["document"])
    assert doc["attestation"]["evidence_digest"] == doc["evidence"]["digest"]
    assert doc["attestation"]["attester_role"] == "financier"


def test_attesting_a_failing_verification_records_it_and_exits_1(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    unknown = tmp_path / "unknown.xml"
    unknown.write_text(einvoice_xml(invoice(number="26442000000000000001")), encoding="utf-8")
    r = run("attest", unknown, "--as", "bank")
    assert r.exit_code == 1, r.output
    assert "FAIL  source.tax.found" in r.output and "ATTESTED FAIL" in r.output
    fp = invoice_fingerprint(read_invoice(unknown))
    r = run("attestations", fp, "--as", "coreenterprise")
    assert r.exit_code == 0 and "1 attestation(s)" in r.output and "FAIL" in r.output
    assert "verified total with tax CNY 2,303.00, dated 2026-09-01" in r.output
    assert json.loads(run("attestations", fp, "--as", "coreenterprise", "--json").stdout)["attestations"][0][
        "total_with_tax"] == 230300   # --json: integer fen, as the contract keeps it
    assert [a.outcome for a in ledger.client("bank").invoice_attestations(fp)] == ["fail"]
    # a fingerprint copied in upper case (as some tools print hex) names the same invoice, not a file
    r = run("attestations", fp.upper(), "--as", "coreenterprise", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["fingerprint"] == fp and len(json.loads(r.stdout)["attestations"]) == 1


def test_a_refused_attestation_names_the_rule_and_exits_1(monkeypatch):
    ledger = Ledger().serve(monkeypatch)
    r = run("attest", INVOICE, "--as", "supplier/supplier1")
    assert r.exit_code == 1 and "RULE role-not-permitted" in r.output
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE))) == []


def test_register_without_a_match_or_with_bad_input_connects_to_nothing(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    short = tmp_path / "gr.csv"
    short.write_text((SAMPLES / "goods_receipt.csv").read_text(encoding="utf-8").replace("不锈钢螺栓,1000", "不锈钢螺栓,900"),
                     encoding="utf-8")
    r = run("register", INVOICE, "--po", SAMPLES / "purchase_order.csv", "--receipt", short, "--due", "2026-11-30",
            "--as", "supplier")
    assert r.exit_code == 1 and "recfin invoice match" in r.output
    assert run("register", INVOICE, *MATCHED, "--as", "supplier/").exit_code == 2
    assert run("register", SAMPLES / "purchase_order.csv", *MATCHED, "--as", "supplier").exit_code == 2
    assert run("register", INVOICE, *MATCHED[:-1], "2026-13-01", "--as", "supplier").exit_code == 2
    assert run("attestations", tmp_path / "missing.xml", "--as", "supplier").exit_code == 2
    assert ledger.opened == []


def test_register_refuses_an_invoice_whose_checks_fail_and_names_them(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    inv = read_invoice(INVOICE)
    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc.update(total_tax="5000.00", total_with_tax=f"{inv.total_amount_fen // 100 + 5000}.00")
    inflated = tmp_path / "inflated.json"
    inflated.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = run("register", inflated, *MATCHED, "--as", "supplier")
    assert r.exit_code == 1 and "totals.tax" in r.output and "recfin invoice verify" in r.output
    assert ledger.opened == []


def test_without_a_network_profile_the_ledger_commands_exit_3(tmp_path):
    for args in (["attest", INVOICE, "--as", "bank"], ["attestations", INVOICE, "--as", "bank"],
                 ["register", INVOICE, *MATCHED, "--as", "supplier"]):
        r = run(*args, "--data-root", tmp_path)
        assert r.exit_code == 3 and "cannot reach the ledger as" in r.output, r.output
        assert len(r.output.strip().splitlines()) == 1


def test_an_attestation_stored_before_it_recorded_the_values_verified_is_listed_saying_so(monkeypatch):
    from chaincode.receivables import keys

    ledger = Ledger().serve(monkeypatch)
    inv = read_invoice(INVOICE)
    done = attest_verification(ledger.client("bank"), inv, verify_with_sources(inv, *sources()), attested_at=AT)
    key = f"\x00{keys.ATTESTATION}\x00{done.record.fingerprint}\x00{done.record.id}\x00"
    stored = json.loads(ledger.memory.state[key])
    for field in ("buyer_tax_id", "issue_date", "total_with_tax"):  # as the contract wrote them before it asked
        del stored[field]
    ledger.memory.state[key] = json.dumps(stored).encode()
    r = run("attestations", INVOICE, "--as", "supplier")
    assert r.exit_code == 0, r.output
    assert "verified no values on record (attested before they were recorded): it counts for no registration" \
        in r.output
    r = run("attestations", INVOICE, "--as", "supplier", "--json")
    assert json.loads(r.stdout)["attestations"][0]["total_with_tax"] is None


# ------------------------------------------------------------------ a lost answer, and the retry with its request id

def answer_lost_once(monkeypatch, transaction: str) -> list[str]:
    """The first ``transaction`` commits, but its commit status never comes back; the request ids sent, listed."""
    submit = LedgerContract.submit
    sent: list[str] = []

    def lost(self, name, **options):
        payload = submit(self, name, **options)
        if name == transaction:
            sent.append(options["arguments"][-1])
            if len(sent) == 1:
                raise CommitStatusError("commit status not received: deadline exceeded", transaction_id="tx-lost")
        return payload

    monkeypatch.setattr(LedgerContract, "submit", lost)
    return sent


def test_register_whose_answer_was_lost_names_its_request_id_and_the_retry_registers_once(monkeypatch):
    ledger = Ledger().serve(monkeypatch)
    sent = answer_lost_once(monkeypatch, "RegisterReceivable")
    r = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1")
    assert r.exit_code == 3, r.output
    line = r.output.strip()
    assert "cannot reach" not in line and "commit status not received" in line
    assert f"(request id {sent[0]}: it may have committed; run the same command with --request-id {sent[0]}" in line
    again = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1", "--request-id", sent[0], "--json")
    assert again.exit_code == 0, again.output
    supplier = ledger.client("supplier")
    assert json.loads(again.stdout)["id"] == supplier.request(sent[0]).result["id"]
    assert [r.id for r in supplier.list_by_holder(SELLER.tax_id).records] == [json.loads(again.stdout)["id"]]


def test_attest_retried_with_its_request_id_after_a_lost_answer_returns_the_first_attestation(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources_module, "datetime", SecondsLater)
    sent = answer_lost_once(monkeypatch, "AttestInvoiceVerification")
    evidence = tmp_path / "evidence.json"
    attest = ["attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-7", "--evidence", evidence, "--json"]
    first = run(*attest)
    assert first.exit_code == 3, first.output
    assert "cannot reach" not in first.output
    assert "run the same command with --request-id VER-7 and the same --evidence file" in first.output
    written = evidence.read_text(encoding="utf-8")   # before the call was sent: the ledger holds its digest
    again = run(*attest)
    assert again.exit_code == 0, again.output
    assert evidence.read_text(encoding="utf-8") == written
    shown = json.loads(again.stdout)
    record = ledger.client("bank").request("VER-7").result
    assert shown["attestation"]["id"] == record["id"] and sent == ["VER-7", "VER-7"]
    assert shown["evidence"]["document"] == json.loads(written)
    assert record["evidence_digest"] == shown["evidence"]["digest"] == canonical_digest(json.loads(written))
    assert len(ledger.client("bank").invoice_attestations(record["fingerprint"])) == 1


def test_attest_with_a_request_id_needs_the_evidence_file(monkeypatch):
    ledger = Ledger().serve(monkeypatch)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-8")
    assert r.exit_code == 2 and "--request-id needs --evidence FILE" in r.output
    assert ledger.opened == []


def test_a_retry_whose_evidence_file_is_another_verifications_is_refused_and_nothing_is_sent(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    other = invoice(number="26442000000000000001")
    evidence = tmp_path / "evidence.json"
    evidence.write_text(json.dumps(attestation(verify_with_sources(other, *sources()), AT).document), encoding="utf-8")
    (tmp_path / "evidence.json.request-id").write_text("VER-9\n", encoding="utf-8")
    r = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-9", "--evidence", evidence)
    assert r.exit_code == 2, r.output
    assert f"{evidence} is not the evidence of this verification of invoice 26442000000012345678" in r.output
    evidence.write_text("{}", encoding="utf-8")
    assert run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-9", "--evidence", evidence).exit_code == 2
    assert ledger.opened == []


@pytest.mark.parametrize("request_id", [["--request-id", "VER-10"], []], ids=["written before", "written after"])
def test_evidence_that_cannot_be_written_is_refused_before_the_call(monkeypatch, tmp_path, request_id):
    ledger = Ledger().serve(monkeypatch)
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    r = run("attest", INVOICE, "--as", "bank/officer1", *request_id, "--evidence",
            tmp_path / "a-file" / "evidence.json")
    assert r.exit_code == 2 and "nothing was attested" in r.output, r.output
    assert f"{tmp_path / 'a-file'} is a file, not a folder" in r.output
    assert ledger.opened == []


@pytest.mark.parametrize("request_id", [["--request-id", "VER-12"], []], ids=["written before", "written after"])
def test_a_refused_attest_leaves_no_folder_made_for_its_evidence(monkeypatch, tmp_path, request_id):
    ledger = Ledger().serve(monkeypatch)
    evidence = tmp_path / "new" / "folders" / "evidence.json"
    refused = run("attest", INVOICE, "--as", "supplier/supplier1", *request_id, "--evidence", evidence)
    assert refused.exit_code == 1 and "RULE role-not-permitted" in refused.output
    assert list(tmp_path.iterdir()) == []
    done = run("attest", INVOICE, "--as", "bank/officer1", *request_id, "--evidence", evidence)
    assert done.exit_code == 0, done.output   # the folders are made when the evidence is written
    assert evidence_on_ledger(ledger, evidence)


def test_an_evidence_folder_this_user_may_not_write_in_is_refused_before_the_call(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    real_access = os.access

    def access(path, mode, **options):
        # what the kernel answers a user without root's override, whoever runs the suite
        if os.fspath(path) == os.fspath(locked) and mode & os.W_OK:
            return False
        return real_access(path, mode, **options)

    monkeypatch.setattr(os, "access", access)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", locked / "new" / "evidence.json")
    assert r.exit_code == 2 and f"the folder {locked} is not writable by this user" in r.output, r.output
    assert ledger.opened == [] and list(locked.iterdir()) == []


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_evidence_that_cannot_be_written_after_the_call_is_printed_with_the_attestation(monkeypatch, tmp_path,
                                                                                         as_json):
    ledger = Ledger().serve(monkeypatch)
    evidence = tmp_path / "evidence.json"

    def disk_full(path, data, **options):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(invoice_commands, "write_atomically", disk_full)   # writable when checked, full once sent
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence, *(["--json"] if as_json else []))
    assert r.exit_code == 3, r.output
    [record] = ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))
    assert f"attested in tx {record.tx_id}, but {evidence}: No space left on device" in r.stderr
    assert "evidence document is printed on stdout" in r.stderr
    if as_json:
        document = json.loads(r.stdout)["evidence"]["document"]
    else:
        document = json.loads(r.stdout.split(f"evidence document (not written to {evidence}):\n", 1)[1])
    assert canonical_digest(document) == record.evidence_digest
    assert not evidence.exists()


def disk_full(path, data, **options):
    """``write_atomically`` on a full disk."""
    raise OSError(28, "No space left on device", str(path))


def cut_off_after_sending(monkeypatch) -> list[str]:
    """Each submit commits, then the client's connection drops before its answer; the request ids sent."""
    submit = LedgerContract.submit
    sent: list[str] = []

    def cut_off(self, name, **options):
        submit(self, name, **options)      # the orderer took it; the client's connection then dropped
        sent.append(options["arguments"][-1])
        raise SubmitError("Socket closed", transaction_id="tx-cut", code=grpc.StatusCode.UNAVAILABLE)

    monkeypatch.setattr(LedgerContract, "submit", cut_off)
    return sent


def test_evidence_that_cannot_be_written_after_a_lost_answer_is_printed_with_the_request_id(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    sent = cut_off_after_sending(monkeypatch)
    monkeypatch.setattr(invoice_commands, "write_atomically", disk_full)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", tmp_path / "evidence.json")
    assert r.exit_code == 3, r.output
    assert f"(request id {sent[0]}: it may have committed; {tmp_path / 'evidence.json'}: No space left on device" \
           in r.stderr
    [record] = ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))
    assert canonical_digest(json.loads(r.stdout)) == record.evidence_digest


# ------------------------------------------------------------------ the evidence file and the request it was sent with

def evidence_on_ledger(ledger: Ledger, evidence: Path) -> bool:
    """Whether the document in ``evidence`` is the evidence of an attestation on the ledger."""
    records = ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))
    return canonical_digest(json.loads(evidence.read_text(encoding="utf-8"))) in {a.evidence_digest for a in records}


def test_a_second_attest_to_the_same_evidence_path_is_refused_before_anything_is_sent(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources_module, "datetime", SecondsLater)   # a new attestation's evidence has a new time
    evidence, sent_with = tmp_path / "evidence.json", tmp_path / "evidence.json.request-id"
    assert run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence).exit_code == 0
    kept = evidence.read_text(encoding="utf-8"), sent_with.read_text(encoding="utf-8")
    request_id = kept[1].strip()
    assert evidence_on_ledger(ledger, evidence)
    opened = len(ledger.opened)
    again = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence)
    assert again.exit_code == 2, again.output
    assert f"{evidence} already exists and holds the evidence sent with request id {request_id}" in again.output
    assert f"--request-id {request_id} retries it" in again.output
    assert "nothing was attested: give another --evidence path" in again.output
    assert len(ledger.opened) == opened               # not even connected
    assert (evidence.read_text(encoding="utf-8"), sent_with.read_text(encoding="utf-8")) == kept
    assert evidence_on_ledger(ledger, evidence)
    assert len(ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))) == 1
    # a file no request id names is kept as well (it may be a copy of evidence whose id file was lost)
    sent_with.unlink()
    unnamed = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence)
    assert unnamed.exit_code == 2 and "already exists and was not written for a request id" in unnamed.output
    assert evidence.read_text(encoding="utf-8") == kept[0] and len(ledger.opened) == opened


def test_a_refused_or_unsent_attest_without_a_request_id_writes_no_evidence(monkeypatch, tmp_path):
    Ledger().serve(monkeypatch)
    evidence = tmp_path / "evidence.json"
    refused = run("attest", INVOICE, "--as", "supplier/supplier1", "--evidence", evidence)
    assert refused.exit_code == 1 and "RULE role-not-permitted" in refused.output

    def unreachable(self, name, **options):
        raise EndorseError("failed to endorse transaction", transaction_id="tx-e", code=grpc.StatusCode.UNAVAILABLE)

    monkeypatch.setattr(LedgerContract, "submit", unreachable)   # never sent
    unsent = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence)
    assert unsent.exit_code == 3 and "cannot reach the ledger" in unsent.output, unsent.output
    assert list(tmp_path.iterdir()) == []


def test_an_evidence_file_that_appears_while_the_call_commits_is_not_written_over(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    evidence = tmp_path / "evidence.json"
    submit = LedgerContract.submit

    def another_writer_meanwhile(self, name, **options):
        evidence.write_text("another attestation's evidence", encoding="utf-8")
        return submit(self, name, **options)

    monkeypatch.setattr(LedgerContract, "submit", another_writer_meanwhile)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence, "--json")
    assert r.exit_code == 3, r.output
    assert f"{evidence}: a file appeared there while this command ran" in r.stderr
    assert evidence.read_text(encoding="utf-8") == "another attestation's evidence"
    assert not (tmp_path / "evidence.json.request-id").exists()
    [record] = ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))
    assert canonical_digest(json.loads(r.stdout)["evidence"]["document"]) == record.evidence_digest


def test_a_refused_attest_with_a_request_id_removes_the_evidence_it_wrote(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    evidence = tmp_path / "evidence.json"
    r = run("attest", INVOICE, "--as", "supplier/supplier1", "--request-id", "VER-11", "--evidence", evidence)
    assert r.exit_code == 1 and "RULE role-not-permitted" in r.output
    assert f"{evidence} was removed: it held nothing attested" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE))) == []
    # the same id, as a bank this time, writes it anew and attests it
    r = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-11", "--evidence", evidence)
    assert r.exit_code == 0, r.output
    assert evidence_on_ledger(ledger, evidence)
    assert (tmp_path / "evidence.json.request-id").read_text(encoding="utf-8") == "VER-11\n"


def test_an_evidence_file_is_sent_again_only_with_the_request_id_it_was_sent_with(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources_module, "datetime", SecondsLater)
    evidence = tmp_path / "evidence.json"
    first = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-1", "--evidence", evidence)
    assert first.exit_code == 0, first.output
    written, opened = evidence.read_text(encoding="utf-8"), len(ledger.opened)
    other = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-2", "--evidence", evidence)
    assert other.exit_code == 2, other.output
    assert f"{evidence} holds the evidence sent with request id VER-1" in other.output
    assert "give another --evidence path for request VER-2" in other.output and "recfin request get VER-1" in other.output
    # a file no request id names (written by hand, or before the id was kept beside it) is no retry's either
    (tmp_path / "evidence.json.request-id").unlink()
    unnamed = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-1", "--evidence", evidence)
    assert unnamed.exit_code == 2 and "was not written for a request id" in unnamed.output, unnamed.output
    assert len(ledger.opened) == opened and evidence.read_text(encoding="utf-8") == written
    assert len(ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))) == 1
    ledger.now += timedelta(seconds=1)          # a second attestation by the bank is a later transaction
    fresh = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-2", "--evidence", tmp_path / "ev2.json")
    assert fresh.exit_code == 0, fresh.output
    assert len(ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))) == 2


def test_an_evidence_file_a_retry_cannot_read_as_json_is_refused_naming_the_option(monkeypatch, tmp_path):
    # exit 2 as before, and now naming --evidence, as every option's file that cannot be read is
    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources_module, "datetime", SecondsLater)
    evidence = tmp_path / "evidence.json"
    first = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-1", "--evidence", evidence)
    assert first.exit_code == 0, first.output
    evidence.write_text("{x", encoding="utf-8")
    opened = len(ledger.opened)
    retried = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-1", "--evidence", evidence)
    assert retried.exit_code == 2, retried.output
    assert f"Error: Invalid value for '--evidence': {evidence} is not JSON" in retried.output
    assert len(ledger.opened) == opened and evidence.read_text(encoding="utf-8") == "{x"


def test_attest_without_a_request_id_whose_submit_was_cut_off_keeps_the_evidence_for_the_retry(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources_module, "datetime", SecondsLater)
    submit = LedgerContract.submit
    sent: list[str] = []

    def cut_off(self, name, **options):
        payload = submit(self, name, **options)      # the orderer took it; the client's connection then dropped
        sent.append(options["arguments"][-1])
        if len(sent) == 1:
            raise SubmitError("Socket closed", transaction_id="tx-cut", code=grpc.StatusCode.UNAVAILABLE)
        return payload

    monkeypatch.setattr(LedgerContract, "submit", cut_off)
    evidence = tmp_path / "evidence.json"
    first = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence)
    assert first.exit_code == 3, first.output
    assert "cannot reach" not in first.output
    assert f"(request id {sent[0]}: it may have committed; run the same command with --request-id {sent[0]} and the " \
           "same --evidence file" in first.output
    assert (tmp_path / "evidence.json.request-id").read_text(encoding="utf-8") == f"{sent[0]}\n"
    assert evidence_on_ledger(ledger, evidence)
    again = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence, "--request-id", sent[0], "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["attestation"]["id"] == ledger.client("bank").request(sent[0]).result["id"]
    assert len(ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))) == 1


# ------------------------------------------------------------------ an answer this client cannot read, a name the OS refuses

@pytest.mark.parametrize("request_id", [["--request-id", "VER-20"], []], ids=["written before", "written after"])
def test_a_committed_attestation_whose_answer_cannot_be_read_keeps_its_evidence(monkeypatch, tmp_path, request_id):
    """A newer contract's answer: the attestation committed with the evidence's digest, so the evidence stays."""
    from ..receivables_client.test_unreadable_answers import answers_as_a_newer_contract

    ledger = Ledger().serve(monkeypatch)
    sent = answers_as_a_newer_contract(monkeypatch, "AttestInvoiceVerification")
    evidence = tmp_path / "evidence.json"
    r = run("attest", INVOICE, "--as", "bank/officer1", *request_id, "--evidence", evidence)
    assert r.exit_code == 3, r.output
    [record] = ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))
    assert f"AttestInvoiceVerification committed in transaction {record.tx_id}, but its answer cannot be read" \
           in r.output
    assert f"(request id {sent[0]}: it committed; `recfin request get {sent[0]} --as bank/officer1 --json`" in r.output
    assert "cannot reach" not in r.output and "removed" not in r.output
    assert evidence_on_ledger(ledger, evidence)
    assert (tmp_path / "evidence.json.request-id").read_text(encoding="utf-8") == f"{sent[0]}\n"


def test_a_committed_attestation_whose_answer_cannot_be_read_prints_evidence_it_cannot_write(monkeypatch, tmp_path):
    from ..receivables_client.test_unreadable_answers import answers_as_a_newer_contract

    ledger = Ledger().serve(monkeypatch)
    sent = answers_as_a_newer_contract(monkeypatch, "AttestInvoiceVerification")

    def disk_full(path, data, **options):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(invoice_commands, "write_atomically", disk_full)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", tmp_path / "evidence.json")
    assert r.exit_code == 3, r.output
    assert r.stderr.strip().endswith(f"(request id {sent[0]}: it committed; {tmp_path / 'evidence.json'}: No space "
                                     "left on device, so its evidence document is printed on stdout instead: keep it)")
    [record] = ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))
    assert canonical_digest(json.loads(r.stdout)) == record.evidence_digest


def test_a_read_this_client_cannot_read_is_not_called_an_unreachable_ledger(monkeypatch):
    Ledger().serve(monkeypatch)
    assert run("attest", INVOICE, "--as", "bank/officer1").exit_code == 0
    evaluate = LedgerContract.evaluate

    def newer(self, name, **options):
        answer = json.loads(evaluate(self, name, **options))
        records = [{**record, "reviewed_by": "x"} for record in answer["attestations"]]
        return json.dumps({**answer, "attestations": records}).encode()

    monkeypatch.setattr(LedgerContract, "evaluate", newer)
    r = run("attestations", INVOICE, "--as", "supplier/supplier1")
    assert r.exit_code == 3, r.output
    assert r.output.startswith("Error: GetInvoiceAttestations answered with a document this client cannot read "
                               "(attestations.0.reviewed_by: Extra inputs are not permitted)"), r.output


def test_an_attest_with_a_request_id_that_fails_but_is_not_refused_keeps_its_evidence_for_the_retry(monkeypatch,
                                                                                                   tmp_path):
    """Only a refusal by a rule proves the evidence holds nothing attested: any other failure keeps it."""
    ledger = Ledger().serve(monkeypatch)
    submit = LedgerContract.submit

    def unreachable(self, name, **options):
        raise EndorseError("failed to endorse transaction", transaction_id="tx-e", code=grpc.StatusCode.UNAVAILABLE)

    monkeypatch.setattr(LedgerContract, "submit", unreachable)
    evidence = tmp_path / "evidence.json"
    attest = ["attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-21", "--evidence", evidence]
    failed = run(*attest)
    assert failed.exit_code == 3, failed.output
    assert f"{evidence} is kept: the same command with --request-id VER-21 sends it again" in failed.output
    written = evidence.read_text(encoding="utf-8")
    monkeypatch.setattr(LedgerContract, "submit", submit)
    assert run(*attest).exit_code == 0
    assert evidence.read_text(encoding="utf-8") == written and evidence_on_ledger(ledger, evidence)


def name_max(folder: Path) -> int:
    return os.pathconf(folder, "PC_NAME_MAX")


@pytest.mark.parametrize("request_id", [["--request-id", "VER-22"], []], ids=["written before", "written after"])
@pytest.mark.parametrize("name_bytes", [lambda folder: name_max(folder) + 45,
                                        # fits, and so does FILE.request-id; the names their writes stage do not
                                        lambda folder: name_max(folder) - len(".request-id")],
                         ids=["too long", "too long to stage"])
@pytest.mark.parametrize("below", [(), ("new", "folders")], ids=["in its folder", "in folders to make"])
def test_an_evidence_name_the_os_refuses_is_refused_before_the_call(monkeypatch, tmp_path, request_id, name_bytes,
                                                                    below):
    ledger = Ledger().serve(monkeypatch)
    evidence = tmp_path.joinpath(*below) / ("e" * (name_bytes(tmp_path) - len(".json")) + ".json")
    r = run("attest", INVOICE, "--as", "bank/officer1", *request_id, "--evidence", evidence)
    assert r.exit_code == 2, r.output
    assert f"cannot write {evidence}: File name too long; nothing was attested: give another --evidence path " \
           "(a shorter name)" in r.output
    assert ledger.opened == [] and list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ evidence paths through '..', and the folders made

@pytest.mark.parametrize("request_id", [["--request-id", "VER-23"], []], ids=["written before", "written after"])
@pytest.mark.parametrize("path", ["newdir/..", "newdir/../" + "e" * 300 + ".json", "a/b/../e.json"],
                         ids=["a folder", "a name too long", "a file"])
def test_an_evidence_path_through_dot_dot_is_refused_before_anything_is_made_or_sent(monkeypatch, tmp_path,
                                                                                     request_id, path):
    """Through '..' the folders checked, made and removed were not the ones the path named: an attestation
    committed and then could not write its evidence, or folders were left behind."""
    ledger = Ledger().serve(monkeypatch)
    monkeypatch.chdir(tmp_path)
    r = run("attest", INVOICE, "--as", "bank/officer1", *request_id, "--evidence", path)
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '--evidence': '{path}' goes through '..'" in r.output
    assert ledger.opened == [] and list(tmp_path.iterdir()) == []


def test_an_evidence_path_naming_a_folder_is_refused(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", f"{tmp_path}/new/")
    assert r.exit_code == 2 and "names a folder, not a file" in r.output, r.output
    assert ledger.opened == [] and list(tmp_path.iterdir()) == []


def test_a_refused_attest_removes_only_the_folders_it_made(monkeypatch, tmp_path):
    """A folder another process made meanwhile, above the ones the evidence was written in, is not this
    command's to remove."""
    Ledger().serve(monkeypatch)
    check = invoice_commands._check_creatable

    def checked_then_another_makes_a_folder(evidence_file):
        check(evidence_file)
        (tmp_path / "a").mkdir()

    monkeypatch.setattr(invoice_commands, "_check_creatable", checked_then_another_makes_a_folder)
    evidence = tmp_path / "a" / "b" / "evidence.json"
    r = run("attest", INVOICE, "--as", "supplier/supplier1", "--request-id", "VER-24", "--evidence", evidence)
    assert r.exit_code == 1 and f"{evidence} was removed" in r.output, r.output
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*")] == [Path("a")]


def test_evidence_that_cannot_be_written_after_the_call_leaves_no_folder_made_for_it(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(invoice_commands, "write_atomically", disk_full)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", tmp_path / "new" / "folders" / "e.json")
    assert r.exit_code == 3 and "No space left on device" in r.stderr, r.output
    assert len(ledger.client("bank").invoice_attestations(invoice_fingerprint(read_invoice(INVOICE)))) == 1
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ what is refused before anything is sent

def _red_letter_file(tmp_path) -> Path:
    from client.invoices import invoice_to_json

    from ._samples import line

    red = invoice(number="26442000000012345699", lines=(line("*电子元件*贴片电容", "-200", "1.50", "0.13", unit="个"),
                                                        line("*信息技术服务*软件维护服务费", "-1", "1000.00", "0.06")))
    assert red.total_with_tax_fen < 0
    path = tmp_path / "red.json"
    path.write_text(json.dumps(invoice_to_json(red), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("request_id", [["--request-id", "VER-RED"], []], ids=["with a request id", "without"])
def test_attesting_a_red_letter_invoice_is_bad_input_naming_the_total_and_nothing_is_sent(monkeypatch, tmp_path,
                                                                                          request_id):
    ledger = Ledger().serve(monkeypatch)
    red = _red_letter_file(tmp_path)
    evidence = tmp_path / "out" / "e.json"
    r = run("attest", red, "--as", "bank/officer1", "--evidence", evidence, *request_id)
    assert r.exit_code == 2, r.output
    assert r.output.startswith(f"Error: {red}: total_with_tax: invoice 26442000000012345699 has a total with tax of "
                               "-1399.00: a red-letter (negative) or zero invoice")
    assert "nothing was attested" in r.output and "cannot reach the ledger" not in r.output
    assert ledger.opened == [] and not (tmp_path / "out").exists()


def test_evidence_naming_a_source_twice_or_confirming_nothing_is_not_attested():
    inv = read_invoice(INVOICE)
    ledger = Ledger()
    good = attestation(verify_with_sources(inv, *sources()), AT)

    def tampered(**over) -> Any:
        document = {**good.document, **over}
        return good.model_copy(update={"document": document, "digest": canonical_digest(document)})

    with pytest.raises(ValueError, match="names the source reference-tax more than once"):
        attestation_request(inv, tampered(sources=["reference-tax", "reference-tax"]))
    skipped = [{**f, "status": "skipped"} for f in good.document["findings"]]
    with pytest.raises(ValueError, match=r"knew the invoice or its parties \(each answer skipped\): nothing was "
                                         "verified"):
        attestation_request(inv, tampered(findings=skipped))
    failed = [{**f, "status": "fail"} for f in good.document["findings"]]
    with pytest.raises(ValueError, match="says 'pass', but its findings give fail: source.tax.found, "):
        attestation_request(inv, tampered(findings=failed))
    assert attestation_request(inv, tampered(findings=failed, outcome="fail")).outcome == "fail"
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(inv)) == []


def test_the_contract_refuses_an_attestation_naming_a_source_twice_and_records_nothing():
    from client.receivables import InvoiceAttestation

    inv = read_invoice(INVOICE)
    ledger = Ledger()
    request = attestation_request(inv, attestation(verify_with_sources(inv, *sources()), AT))
    # sent past the SDK's own check (it refuses the same when built and as sent) to show the contract refuses it too
    twice = json.dumps({**request.to_json(), "sources": ["reference-tax", "reference-tax"]})
    with pytest.raises(RuleViolation) as refused:
        ledger.client("bank")._submit("AttestInvoiceVerification", twice, "twice-1", model=InvoiceAttestation)
    assert refused.value.rule == "argument-invalid"
    assert "sources names 'reference-tax' more than once" in str(refused.value)
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(inv)) == []
    assert ledger.client("bank").attest_invoice_verification(request).sources == request.sources


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (None, 130)],
                         ids=["SIGTERM", "SIGHUP", "Ctrl-C"])
def test_a_signal_that_cuts_attest_short_keeps_its_words_and_exit_code_when_the_evidence_cannot_be_written(
        monkeypatch, tmp_path, signum, code):
    """The evidence is printed on stdout, as for any answer lost when its file cannot be written; the line names
    the signal and the command ends with its code, not as interrupted with exit 3."""
    from cli.request_ids import Terminated

    Ledger().serve(monkeypatch)
    submit = LedgerContract.submit

    def cut_short(self, name, **options):
        submit(self, name, **options)            # sent and taken; the signal arrives while the client waits
        raise Terminated(signum) if signum is not None else KeyboardInterrupt()

    def disk_full(path, data, **options):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(LedgerContract, "submit", cut_short)
    monkeypatch.setattr(invoice_commands, "write_atomically", disk_full)
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", tmp_path / "evidence.json")
    assert r.exit_code == code, r.output
    said = r.stderr.strip()
    assert said.startswith("Error: " + (f"terminated by {signal.Signals(signum).name}" if signum else "interrupted")), said
    assert "so its evidence document is printed on stdout instead: keep it" in said
    assert json.loads(r.stdout)
