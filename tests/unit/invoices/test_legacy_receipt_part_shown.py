"""A claim on part of a delivery that the contract of e813413 registered records no ``invoiced_before``:
the SDK reads it as None, and the commands print what the claim records, saying what it does not."""

from __future__ import annotations

import json

from click.testing import CliRunner

from chaincode.receivables import keys
from chaincode.shim import create_composite_key
from client.receivables import Receivable, ReceivablesClient

from . import test_delivery_in_parts as parts
from ._ledger import Ledger

files, run = parts.files, parts.run   # files: the invoice and documents fixture of a receipt of 300.00

SUPPLIER = ["--due", "2026-11-30", "--as", "supplier/supplier1", "--part-of-delivery"]


def as_e813413_answered(claim: dict) -> dict:
    """``claim`` as the contract of e813413 stored and answered it: its part without ``invoiced_before``."""
    receipts = [{**gr, "part": {k: v for k, v in gr["part"].items() if k != "invoiced_before"}}
                for gr in claim["goods_receipts"]]
    return {**claim, "goods_receipts": receipts}


def test_the_sdk_reads_a_part_without_invoiced_before_as_not_recorded(monkeypatch, files):
    invoice_file, documents = files
    Ledger().serve(monkeypatch)
    printed = json.loads(run("register", invoice_file("120", "26442000000012345671"), *documents, *SUPPLIER,
                             "--json").stdout)
    # the contract's answer, without the request id the CLI prints beside it (docs/cli.md)
    claim = {k: v for k, v in printed.items() if k != "request_id"}
    (receipt,) = claim["goods_receipts"]
    null = {**receipt, "part": {**receipt["part"], "invoiced_before": None}}
    for answered in (as_e813413_answered(claim), claim | {"goods_receipts": [null]}):
        part = Receivable.model_validate(answered).goods_receipts[0].part
        assert (part.received, part.invoiced, part.invoiced_before) == (30_000, 18_000, None)


def test_receivable_get_says_a_legacy_parts_running_total_was_not_recorded(monkeypatch, files):
    from cli.main import main

    invoice_file, documents = files
    ledger = Ledger().serve(monkeypatch)
    claim = json.loads(run("register", invoice_file("120", "26442000000012345671"), *documents, *SUPPLIER,
                           "--json").stdout)
    key = create_composite_key(keys.RECEIVABLE, [claim["id"]])
    ledger.memory.state[key] = json.dumps(as_e813413_answered(json.loads(ledger.memory.state[key]))).encode()
    shown = CliRunner().invoke(main, ["receivable", "get", claim["id"], "--as", "coreenterprise/user1"])
    assert shown.exit_code == 0, shown.output
    assert ("goods_receipt: PO PO-1, receipt GR-1, part: invoiced CNY 180.00 of CNY 300.00 received "
            "(without tax), as its registration stated them: an earlier contract version's claim, which "
            "neither counted the share from its invoices nor recorded what the receipt's parts invoiced "
            "before it; check the share against the invoices and add up the receipt's other parts from your "
            "claims on it; face CNY 203.40 with tax") in shown.output.splitlines()


def test_invoice_register_prints_no_running_total_a_contract_did_not_answer(monkeypatch, files):
    invoice_file, documents = files
    Ledger().serve(monkeypatch)
    registered = ReceivablesClient.register_receivable

    def as_e813413_registered(self, registration, **kw):
        return Receivable.model_validate(as_e813413_answered(
            registered(self, registration, **kw).model_dump(mode="json")))

    monkeypatch.setattr(ReceivablesClient, "register_receivable", as_e813413_registered)
    r = run("register", invoice_file("120", "26442000000012345671"), *documents, *SUPPLIER)
    assert r.exit_code == 0, r.output
    assert "(part of receipt GR-1: 180.00 of 300.00 received, without tax)" in r.output
