"""`invoice_attestations` and `recfin invoice attestations` say which records under the invoice the peer passed
over as it cannot read them: an attestation a newer contract version wrote may be a failure, and a list that
reads as whole would have a bank finance on a pass alone."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from chaincode.receivables import keys
from chaincode.shim import create_composite_key
from client.gateway.errors import ErrorDetail, EvaluateError
from client.invoices import invoice_fingerprint, read_invoice

from ..ledger_contract import LedgerContract
from .test_attest import INVOICE, run
from ._ledger import Ledger


def attested_and_one_of_a_newer_version(monkeypatch) -> tuple[Ledger, str, str]:
    ledger = Ledger().serve(monkeypatch)
    assert run("attest", INVOICE, "--as", "bank/officer1").exit_code == 0
    fp = invoice_fingerprint(read_invoice(INVOICE))
    [record] = ledger.client("bank").invoice_attestations(fp)
    newer_key = create_composite_key(keys.ATTESTATION, [fp, "A-newer"])
    # made after the bank's first, as the attester's attestations of an invoice are (attestation-out-of-order)
    later = (datetime.fromisoformat(record.attested.at.replace("Z", "+00:00")) + timedelta(minutes=1)
             ).isoformat().replace("+00:00", "Z")
    ledger.memory.state[newer_key] = json.dumps({**record.to_json(), "id": "A-newer",
                                                 "attested": {**record.attested.model_dump(), "at": later},
                                                 "field_of_a_newer_version": 1}).encode()
    # as a newer version's attestation writes it: its attester's newest entry names it (a record no entry names
    # is one any two orgs could plant, read as unreadable: test_attestation_forged_as_a_newer_versions)
    [newest_key] = [k for k in ledger.memory.state if k.startswith(create_composite_key(keys.ATTESTATION_LAST, [fp]))]
    ledger.memory.state[newest_key] = json.dumps({**json.loads(ledger.memory.state[newest_key]),
                                                  "attestation_id": "A-newer", "at": later}).encode()
    return ledger, fp, newer_key


def test_the_sdk_answers_the_list_with_the_records_passed_over(monkeypatch):
    ledger, fp, newer_key = attested_and_one_of_a_newer_version(monkeypatch)
    records = ledger.client("supplier").invoice_attestations(fp)
    assert len(records) == 1 and records.passed_over == 1
    assert (records.newer_version, records.unreadable) == ([newer_key], [])


def test_the_cli_warns_of_an_attestation_it_cannot_show_and_lists_its_key_in_json(monkeypatch):
    _, fp, newer_key = attested_and_one_of_a_newer_version(monkeypatch)
    r = run("attestations", fp, "--as", "supplier")
    assert r.exit_code == 0, r.output
    assert "warning: 1 record passed over, in no attestation above: 1 a newer contract version wrote" in r.output, \
        r.output
    assert "install the channel's version there" in r.output
    answer = json.loads(run("attestations", fp, "--as", "supplier", "--json").stdout)
    assert (len(answer["attestations"]), answer["newer_version"], answer["unreadable"]) == (1, [newer_key], [])


def test_a_contract_before_the_fields_is_asked_for_the_list_alone(monkeypatch):
    ledger, fp, _ = attested_and_one_of_a_newer_version(monkeypatch)
    evaluate, asked = LedgerContract.evaluate, []

    def earlier_contract(self, name, **options):
        asked.append(list(options.get("arguments", [])))
        if len(asked[-1]) > 1:   # refused as the runtime refuses a call of more arguments than it takes
            peer = ErrorDetail("peer0", "SupplierMSP", "chaincode response 500, RULE argument-invalid: "
                               "GetInvoiceAttestations takes 1 arguments (fingerprint), got 2")
            raise EvaluateError(f"evaluate call to endorser returned error: {peer.message}", transaction_id="q",
                                details=[peer])
        return evaluate(self, name, **options)

    monkeypatch.setattr(LedgerContract, "evaluate", earlier_contract)
    records = ledger.client("supplier").invoice_attestations(fp)
    assert len(records) == 1 and records.passed_over == 0
    assert [len(a) for a in asked] == [2, 1]
