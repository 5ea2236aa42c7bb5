"""`invoice_attestations` and `recfin invoice attestations` say of a listed attestation that no registration counts
it as its attester's pass, and why: a pass in a bank's name dated before the bank's first attestation of the
invoice, that no write of its ``recfin.attestation-last`` entry names, backs no registration, yet it was shown as
the bank's word like the bank's own. An answer without the field (a contract before it) still reads."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from chaincode.receivables import keys
from chaincode.shim import create_composite_key
from client.invoices import invoice_fingerprint, read_invoice
from client.receivables import InvoiceAttestations

from .test_attest import INVOICE, run
from ._ledger import Ledger


def attested_and_a_pass_forged_before_it(monkeypatch) -> tuple[Ledger, str, str]:
    """The bank's attestation of INVOICE, and a copy under a new key dated half an hour before it, as two orgs
    writing a new key could: the ledger, the fingerprint and the bank's own attestation's id."""
    ledger = Ledger().serve(monkeypatch)
    assert run("attest", INVOICE, "--as", "bank/officer1").exit_code == 0
    fp = invoice_fingerprint(read_invoice(INVOICE))
    [record] = ledger.client("bank").invoice_attestations(fp)
    earlier = (datetime.fromisoformat(record.attested.at.replace("Z", "+00:00")) - timedelta(minutes=30)
               ).isoformat().replace("+00:00", "Z")
    stored = {k: v for k, v in record.to_json().items() if k != "not_counted_reason"}   # the record as written
    ledger.memory.state[create_composite_key(keys.ATTESTATION, [fp, "A-forged"])] = json.dumps(
        {**stored, "id": "A-forged", "attested": {**record.attested.model_dump(), "at": earlier}}).encode()
    return ledger, fp, record.id


def test_the_sdk_says_which_attestation_no_registration_counts(monkeypatch):
    ledger, fp, own = attested_and_a_pass_forged_before_it(monkeypatch)
    records = {a.id: a for a in ledger.client("supplier").invoice_attestations(fp)}
    assert set(records) == {"A-forged", own}
    assert not records["A-forged"].counted
    assert "named by no write of its attester's recfin.attestation-last entry" in records["A-forged"].not_counted_reason
    assert records[own].counted and records[own].not_counted_reason is None


def test_the_cli_shows_why_under_the_attestation_and_in_json(monkeypatch):
    _, fp, own = attested_and_a_pass_forged_before_it(monkeypatch)
    r = run("attestations", fp, "--as", "supplier")
    assert r.exit_code == 0, r.output
    said = [line.strip() for line in r.output.splitlines() if line.strip().startswith("not counted:")]
    assert len(said) == 1 and "backs no registration" in said[0], r.output
    answer = json.loads(run("attestations", fp, "--as", "supplier", "--json").stdout)
    reasons = {a["id"]: a["not_counted_reason"] for a in answer["attestations"]}
    assert reasons[own] is None and "backs no registration" in reasons["A-forged"]


def test_an_answer_without_the_field_reads_as_counted(monkeypatch):
    ledger, fp, own = attested_and_a_pass_forged_before_it(monkeypatch)
    [record] = [a for a in ledger.client("supplier").invoice_attestations(fp) if a.id == own]
    older = {k: v for k, v in record.to_json().items() if k != "not_counted_reason"}
    read = InvoiceAttestations.model_validate_json(json.dumps({"attestations": [older], "unreadable": [],
                                                               "newer_version": []}))
    assert read[0].not_counted_reason is None and read[0].counted
    assert InvoiceAttestations.model_validate_json(json.dumps([older]))[0].counted


def test_a_failure_nothing_its_attester_wrote_vouches_for_is_shown_as_such(monkeypatch):
    """A failure in the bank's name dated before its first record, that no write of its entry names, still refuses
    a registration: the CLI says it is not vouched for, not that it is not counted."""
    ledger, fp, own = attested_and_a_pass_forged_before_it(monkeypatch)
    forged = json.loads(ledger.memory.state[create_composite_key(keys.ATTESTATION, [fp, "A-forged"])])
    ledger.memory.state[create_composite_key(keys.ATTESTATION, [fp, "A-forged"])] = json.dumps(
        {**forged, "outcome": "fail"}).encode()
    r = run("attestations", fp, "--as", "supplier")
    assert r.exit_code == 0, r.output
    said = [line.strip() for line in r.output.splitlines() if line.strip().startswith(("not counted:",
                                                                                       "not vouched for:"))]
    assert len(said) == 1 and said[0].startswith("not vouched for: failing, but"), r.output
    assert "still refuses a registration" in said[0]
