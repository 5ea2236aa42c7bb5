"""GetMetadata publishes the JSON shape of every argument and result, and the results have that shape."""

from __future__ import annotations

import inspect
import json
import typing

import pytest
from pydantic import TypeAdapter

from chaincode.receivables import ReceivablesContract
from chaincode.receivables.tx_financing import TERMS_TRANSIENT_KEY
from ..node_packages import CONTRACT_SCHEMA
from .support import standard_net, transient_terms


async def _metadata(net) -> dict:
    result = await net.ledger.evaluate(net.actors["tier1"].identity, "org.hyperledger.fabric:GetMetadata")
    assert result.status == 200, result.message
    return json.loads(result.payload)


async def test_metadata_describes_every_transaction_with_argument_and_result_shapes():
    net = await standard_net()
    meta = await _metadata(net)
    contract = meta["contracts"]["receivables"]
    txs = {t["name"]: t for t in contract["transactions"]}
    assert set(txs) == {name for name in ReceivablesContract().transactions()}
    for name, tx in txs.items():
        assert "returns" in tx and tx["returns"], f"{name} publishes no result shape"
        for p in tx["parameters"]:
            assert p["schema"], f"{name}.{p['name']} has no schema"
    reg = txs["RegisterReceivable"]["parameters"][0]["schema"]
    assert reg["properties"]["face_amount"]["type"] == "integer"
    assert reg["properties"]["invoices"]["items"] == {"$ref": "#/components/schemas/InvoiceInput"}
    assert set(reg["required"]) >= {"debtor", "face_amount", "due_date", "invoices", "contract_hash"}
    assert txs["GetReceivable"]["returns"] == {"$ref": "#/components/schemas/Receivable"}
    assert txs["GetReceivable"]["tag"] == ["evaluate"] and txs["RegisterReceivable"]["tag"] == ["submit"]
    assert txs["FindInvoice"]["tag"] == ["evaluate"]
    assert [p["name"] for p in txs["FindInvoice"]["parameters"]] == ["fingerprint"]
    assert txs["FindInvoice"]["returns"] == {"$ref": "#/components/schemas/InvoiceLookup"}
    invoice = meta["components"]["schemas"]["InvoiceInput"]
    assert "code" in invoice["properties"] and "code" not in invoice.get("required", [])
    schemas = meta["components"]["schemas"]
    for model in ("Receivable", "Party", "Financing", "Offer", "OfferTerms", "AssignmentNotice", "DiscountOffer",
                  "Statistics", "Page", "Provenance", "PaymentResult", "InvoiceInput", "InvoiceLookup"):
        assert model in schemas, model
    assert schemas["Receivable"]["properties"]["status"]["enum"] == [
        "REGISTERED", "CONFIRMED", "REJECTED", "WITHDRAWN", "SPLIT", "FINANCED", "OVERDUE", "SETTLED"]



def test_the_transactions_are_listed_by_business_area_parties_first_and_queries_last():
    """ReceivablesContract takes its transactions from one class per business area (the tx_* modules), and the
    runtime lists a base-most class's transactions first: its bases are named last area first, so that GetMetadata
    lists the areas in the order they were always listed. Named the other way round, the queries would come first."""
    names = list(ReceivablesContract().transactions())
    firsts = ["RegisterParty", "RegisterReceivable", "ConfirmReceivable", "RequestFinancing", "PublishDiscountOffer",
              "RecordPayment", "AttestInvoiceVerification", "FreezeReceivable", "ResealReceivable", "GetReceivable"]
    assert [name for name in names if name in firsts] == firsts
    assert names[0] == "RegisterParty" and names[-1] == "GetDiscountOffer"


def _transient_entries(meta: dict) -> dict[str, list[dict]]:
    """Each transaction's published transient entries, by the transaction's name (those with none left out)."""
    txs = {t["name"]: t for t in meta["contracts"]["receivables"]["transactions"]}
    return {name: tx["transient"] for name, tx in txs.items() if "transient" in tx}


async def test_the_transient_terms_of_an_offer_and_a_disbursement_are_published_with_their_schema():
    """The terms travel in the transient map, among no parameter: the metadata names their key and shape."""
    with_transient = _transient_entries(await _metadata(await standard_net()))
    assert set(with_transient) == {"MakeFinancingOffer", "AcceptFinancingOffer", "RecordDisbursement",
                                  "DemandRecourse", "ExerciseRecourse"}
    for name, entries in with_transient.items():
        assert [(e["name"], e["required"], e["schema"]) for e in entries] == \
            [(TERMS_TRANSIENT_KEY, True, {"$ref": "#/components/schemas/OfferTerms"})], name
        assert "transient" in entries[0]["description"]


# Fabric's metadata schema comes with the official Node shim: skipped only where Node.js cannot run it, failed where
# tests/unit/chaincode/node_shim has no node_modules (official_node_shim, tests/unit/conftest.py)
@pytest.mark.usefixtures("official_node_shim")
async def test_each_transient_entry_is_a_parameter_of_fabrics_metadata_schema_and_its_shape_holds_the_terms_sent():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency: run scripts/install")
    meta = await _metadata(await standard_net())
    with_transient = _transient_entries(meta)
    official = json.loads(CONTRACT_SCHEMA.read_text())
    as_parameter = jsonschema.Draft4Validator({**official, "$ref": "#/definitions/parameter"})
    terms_schema = jsonschema.Draft4Validator({**meta, "$ref": "#/components/schemas/OfferTerms"})
    for entries in with_transient.values():
        assert list(as_parameter.iter_errors(entries[0])) == []
    sent = json.loads(transient_terms()[TERMS_TRANSIENT_KEY])
    assert terms_schema.is_valid(sent) and not terms_schema.is_valid({k: v for k, v in sent.items() if k != "salt"})


async def test_every_result_has_the_published_shape():
    net = await standard_net()
    core, tier1, tier2, bank, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "regulator"))
    r = await net.confirmed(tier1, core, 10_000, due_in=60)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "4000")
    leaf = f"{r['id']}.2"
    f, o = await net.offered(tier1, leaf, bank)
    await net.ok(tier1, "GetOfferTerms", o["id"], evaluate=True)
    await net.ok(tier1, "GetFinancing", f["id"], evaluate=True)
    listed = await net.ok(bank, "ListOffersByFinancier", bank.uscc, "", "5", "", evaluate=True)
    assert [(row["id"], row["debtor"]) for row in listed["records"]] == [(o["id"], core.uscc)]
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    d = await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    await net.ok(core, "GetAssignmentNotice", d["notice_id"], evaluate=True)
    await net.ok(core, "AcknowledgeAssignment", d["notice_id"])
    disc = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    await net.ok(tier2, "GetDiscountOffer", disc["id"], evaluate=True)
    await net.ok(tier2, "AcceptDiscountOffer", disc["id"], f"{r['id']}.1")
    await net.ok(reg, "FreezeReceivable", leaf, "o-1")
    await net.ok(reg, "UnfreezeReceivable", leaf, "o-2")
    await net.ok(core, "RecordPayment", r["id"], "1000")
    await net.ok(reg, "GetStatistics", evaluate=True)
    await net.ok(reg, "ListReceivablesByStatus", "FINANCED", "5", "", evaluate=True)
    await net.ok(tier1, "GetProvenance", leaf, evaluate=True)
    await net.ok(tier1, "GetReceivableHistory", leaf, evaluate=True)
    await net.ok(tier1, "WhoAmI", evaluate=True)
    await net.ok(tier1, "GetParty", core.uscc, evaluate=True)
    await net.ok(bank, "FindInvoice", r["invoices"][0]["fingerprint"], evaluate=True)
    await net.ok(bank, "FindInvoice", "0" * 64, evaluate=True)
    stuck = await net.confirmed(tier1, core, 1_000, due_in=30)
    stuck_f, stuck_o = await net.offered(tier1, stuck["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", stuck_o["id"])
    await net.ok(bank, "CancelFinancing", stuck_f["id"], "will not disburse")
    await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    net.advance(days=61)
    await net.ok(bank, "RecordOverdue", leaf)
    await net.ok(bank, "RecordRepayment", f["id"])
    contract = net.contract
    methods = {name: method for name, (_, method) in contract.transactions().items()}
    checked = set()
    for fn, payload in net.results:
        returns = typing.get_type_hints(inspect.unwrap(methods[fn].__func__))["return"]
        TypeAdapter(returns).validate_python(json.loads(payload))  # extra fields are refused by the models
        checked.add(fn)
    assert len(checked) >= 22
