"""The SDK and the contract agree: transaction names and parameters (GetMetadata), document shapes
(published schemas), and the documents the contract really returns (a lifecycle on MemoryLedger).

This and test_endorsement.py (who must endorse each submit) are the places the SDK's tests
touch the chaincode, and only through its published interface: the metadata, the JSON of
real transactions, and the key-level policies they leave on the ledger.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import typing
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import annotated_types
import pytest
from pydantic_core import to_jsonable_python

import client.receivables as sdk
from chaincode.receivables import ReceivablesContract, keys
from chaincode.receivables.model import DiscountTerms
from chaincode.shim import KeyEndorsementPolicy, create_composite_key
from chaincode.testing import MemoryLedger, make_identity
from client.invoices.credit_code import credit_code_check_digit
from client.receivables import (
    AsyncReceivablesClient,
    DiscountOfferRequest,
    FinancingTerms,
    InvoiceInput,
    PartyRegistration,
    ReceivableRegistration,
    ReceivablesClient,
    client_id_of,
)
from client.receivables.errors import RULE_PATTERN

from .fakes import FakeContract

START = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # 10:00 on 2 March in Beijing

# transaction -> the client method that sends it
METHODS = {
    "RegisterParty": "register_party", "RenameParty": "rename_party", "BindPartyIdentity": "bind_party_identity",
    "UnbindPartyIdentity": "unbind_party_identity", "GetParty": "get_party", "GetPartyHistory": "party_history",
    "WhoAmI": "who_am_i", "FindIdentityParty": "find_identity_party", "RegisterReceivable": "register_receivable", "ConfirmReceivable": "confirm",
    "RejectReceivable": "reject", "WithdrawReceivable": "withdraw",
    "LinkPaperIdentity": "link_paper_identity", "TransferReceivable": "transfer", "RequestFinancing": "request_financing",
    "WithdrawFinancing": "withdraw_financing", "MakeFinancingOffer": "make_offer",
    "WithdrawFinancingOffer": "withdraw_offer",
    "AcceptFinancingOffer": "accept_offer", "RecordDisbursement": "record_disbursement",
    "AcknowledgeAssignment": "acknowledge_assignment", "RecordRepayment": "record_repayment",
    "CancelFinancing": "cancel_financing", "DemandRecourse": "demand_recourse",
    "ExerciseRecourse": "exercise_recourse",
    "PublishDiscountOffer": "publish_discount_offer", "AcceptDiscountOffer": "accept_discount_offer",
    "WithdrawDiscountOffer": "withdraw_discount_offer",
    "RecordPayment": "record_payment", "RecordOverdue": "record_overdue", "FreezeReceivable": "freeze",
    "UnfreezeReceivable": "unfreeze", "GetReceivable": "get_receivable", "GetReceivableHistory": "history",
    "GetProvenance": "provenance", "GetReceivableEndorsers": "receivable_endorsers",
    "FindInvoice": "find_invoice", "GetContractSettings": "contract_settings", "ListReceivablesByHolder": "list_by_holder",
    "ListReceivablesByDebtor": "list_by_debtor", "ListReceivablesByStatus": "list_by_status",
    "ListReceivablesByFinancier": "list_by_financier", "ListOffersByFinancier": "list_offers_by_financier",
    "GetStatistics": "statistics", "GetFinancing": "get_financing", "GetOfferTerms": "get_offer_terms",
    "GetDisbursement": "get_disbursement",
    "GetAssignmentNotice": "get_assignment_notice", "GetDiscountOffer": "get_discount_offer",
    "AttestInvoiceVerification": "attest_invoice_verification", "GetInvoiceAttestations": "invoice_attestations",
    "GetDebtorPaymentRecord": "debtor_payment_record", "GetFinancierExposure": "financier_exposure",
    "ListDiscountOffers": "list_discount_offers", "GetRequest": "request", "UpgradeLedger": "upgrade_ledger",
    "ResealReceivable": "reseal_receivable",
}
# trailing optional arguments a method takes by keyword, after what it sends as transient data
KEYWORD_ARGUMENTS = {"MakeFinancingOffer": ["exposure_version", "uncounted_offers"],
                     "GetDiscountOffer": ["receivable_id"], "UnfreezeReceivable": ["lifts"],
                     "AcceptDiscountOffer": ["as_read", "request_id"]}
# trailing optional arguments a method always sends itself, taking none from its caller
SENT_BY_THE_METHOD = {"GetInvoiceAttestations": ["answer"]}
# transactions whose one argument is a JSON document: the request model the client sends
JSON_ARGUMENTS = {"RegisterParty": PartyRegistration, "RegisterReceivable": ReceivableRegistration,
                  "PublishDiscountOffer": DiscountOfferRequest,
                  "AttestInvoiceVerification": sdk.InvoiceAttestationRequest}


def credit_code(n: int) -> str:
    body = f"91310000{n:08d}X"
    return body + credit_code_check_digit(body)


def run(coro):
    import asyncio

    return asyncio.run(coro)


@pytest.fixture(scope="module")
def metadata() -> dict:
    ledger = MemoryLedger([ReceivablesContract()])
    result = run(ledger.evaluate(make_identity("SupplierMSP", "reader"), "org.hyperledger.fabric:GetMetadata"))
    assert result.status == 200, result.message
    return json.loads(result.payload)


def transactions(metadata: dict) -> dict[str, dict]:
    return {t["name"]: t for t in metadata["contracts"][sdk.CONTRACT_NAME]["transactions"]}


def test_the_client_covers_every_transaction_with_the_same_parameters_and_tag(metadata):
    txs = transactions(metadata)
    assert set(METHODS) == set(txs)
    for name, method_name in METHODS.items():
        params = [p["name"] for p in txs[name]["parameters"]]
        signature = [p for p in inspect.signature(getattr(ReceivablesClient, method_name)).parameters if p != "self"]
        async_signature = [p for p in inspect.signature(getattr(AsyncReceivablesClient, method_name)).parameters
                           if p != "self"]
        assert async_signature == signature, method_name
        if name in JSON_ARGUMENTS:
            schema = txs[name]["parameters"][0]["schema"]
            assert set(JSON_ARGUMENTS[name].model_fields) == set(schema["properties"]), name
            assert set(schema.get("required", [])) <= set(
                f for f, info in JSON_ARGUMENTS[name].model_fields.items() if info.is_required()), name
        else:
            by_keyword = KEYWORD_ARGUMENTS.get(name, [])
            params = params[: len(params) - len(SENT_BY_THE_METHOD.get(name, []))]
            positional = params[: len(params) - len(by_keyword)]
            assert signature[: len(positional)] == positional and params[len(positional):] == by_keyword, \
                f"{method_name}{signature} vs {name}{params}"
            keyword_only = [p.name for p in inspect.signature(getattr(ReceivablesClient, method_name)).parameters.values()
                            if p.kind is inspect.Parameter.KEYWORD_ONLY]
            assert set(by_keyword) <= set(keyword_only), method_name


def test_what_the_client_sends_matches_the_metadata(metadata):
    """Drive every method through the recording double; each call names a transaction of the
    metadata, with as many arguments as it declares, submitted or evaluated as tagged."""
    from .test_client_calls import CASES, TERMS, registration

    txs = transactions(metadata)
    sent = []
    for call, _kind, name, _args, answer in CASES:
        contract = FakeContract(responses={name: answer})
        call(ReceivablesClient(contract))
        sent += contract.calls
    from . import fakes

    contract = FakeContract(responses={"RegisterReceivable": fakes.receivable(), "MakeFinancingOffer": fakes.offer(),
                                       "RecordDisbursement": fakes.financing(),
                                       "GetOfferTerms": fakes.terms(), "AcceptFinancingOffer": fakes.financing(),
                                       "CancelFinancing": fakes.financing(status="CANCELLED"),
                                       "DemandRecourse": fakes.financing(status="DISBURSED"),
                                       "ExerciseRecourse": fakes.financing(status="RECOURSED"),
                                       "PublishDiscountOffer": fakes.discount_offer(),
                                       "GetReceivable": fakes.receivable(), "ConfirmReceivable": fakes.receivable(),
                                       "ResealReceivable": {"receivable_id": "R-1", "orgs_before": ["SupplierMSP"],
                                                            "orgs_after": ["CoreEnterpriseMSP", "SupplierMSP"],
                                                            "tx_id": "ab" * 32}})
    client = ReceivablesClient(contract)
    client.register_receivable(registration())
    client.confirm("R-1")
    client.make_offer("F-1", TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"])
    client.accept_offer("O-1")
    client.record_disbursement("F-1", TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"])
    client.cancel_financing("F-1", "not disbursed", endorsing_organizations=["SupplierMSP", "BankMSP"])
    client.demand_recourse("F-1", "unpaid", TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"])
    client.exercise_recourse("F-1", "unpaid", TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"])
    client.publish_discount_offer(DiscountOfferRequest(apr="0.05", expires_on=date(2026, 4, 1)))
    client.reseal_receivable("R-1", endorsing_organizations=["SupplierMSP"])
    sent += contract.calls
    assert {c.name for c in sent} == set(txs)
    for call in sent:
        tx = txs[call.name]
        # a trailing optional argument the method takes by keyword is sent only when given
        optional = len(KEYWORD_ARGUMENTS.get(call.name, []))
        assert len(tx["parameters"]) - optional <= len(call.arguments) <= len(tx["parameters"]), call
        assert tx["tag"] == [call.kind], call


def test_document_models_have_the_published_fields(metadata):
    schemas = metadata["components"]["schemas"]
    checked = []
    for name, schema in schemas.items():
        model = getattr(sdk, name, None)
        if model is None:
            continue
        assert set(model.model_fields) == set(schema["properties"]), name
        required = set(schema.get("required", []))
        for field, prop in schema["properties"].items():
            info = model.model_fields[field]
            # A reader no stricter than the contract: every document the schema allows must be readable.
            assert not info.is_required() or field in required, f"{name}.{field}: the contract may leave it out"
            published = _enum_values(prop)
            if published:
                assert published == _literal_values(info.annotation), f"{name}.{field}"
        # An optional field the contract leaves out of a document holds the contract's default.
        assert _defaults_that_differ(model, schema) == [], name
        checked.append(name)
    assert len(checked) == len(schemas), set(schemas) - set(checked)
    # requests with their own client-side names
    assert set(sdk.FinancingTerms.model_fields) == set(schemas["OfferTerms"]["properties"])
    assert set(sdk.ScaleTierIn.model_fields) == set(schemas["ScaleTier"]["properties"])
    assert _defaults_that_differ(sdk.FinancingTerms, schemas["OfferTerms"]) == []
    assert _defaults_that_differ(sdk.ScaleTierIn, schemas["ScaleTier"]) == []


def _published_lowest(prop: dict) -> int | None:
    for kind in (prop, *prop.get("anyOf", [])):
        if "minimum" in kind:
            return kind["minimum"]
        if "exclusiveMinimum" in kind:
            return kind["exclusiveMinimum"] + 1
    return None


def test_a_document_model_refuses_no_number_the_contract_publishes_as_possible(metadata):
    # a reader no stricter than the contract, for the numbers' lower bounds too: where the SDK refuses a number
    # below a bound (a settings answer's max_payment_term_days of 0, read as unreadable), the schema says so
    stricter = []
    for name, schema in metadata["components"]["schemas"].items():
        model = getattr(sdk, name, None)
        for field, prop in schema["properties"].items() if model is not None else ():
            for bound in model.model_fields[field].metadata:
                ours = (bound.ge if isinstance(bound, annotated_types.Ge)
                        else bound.gt + 1 if isinstance(bound, annotated_types.Gt) else None)
                if ours is not None and ((published := _published_lowest(prop)) is None or published < ours):
                    stricter.append(f"{name}.{field}: at least {ours}, the contract's {published}")
    assert stricter == []


def _defaults_that_differ(model, schema: dict) -> list[str]:
    """The fields of ``model`` whose default is not the one ``schema`` publishes, compared as JSON
    (so that ``false`` is not ``0``), each as "Model.field: ours, the contract's"."""
    differ = []
    for field, prop in schema["properties"].items():
        if "default" not in prop:
            continue
        info = model.model_fields[field]
        ours = "required" if info.is_required() else json.dumps(to_jsonable_python(info.get_default(call_default_factory=True)))
        if ours != json.dumps(prop["default"]):
            differ.append(f"{model.__name__}.{field}: {ours}, the contract's {json.dumps(prop['default'])}")
    return differ


def _enum_values(prop: dict) -> set:
    """The values a schema property allows when it is an enum: directly, in a list's items or in anyOf."""
    values = set(prop.get("enum", []))
    for inner in [*([prop["items"]] if "items" in prop else []), *prop.get("anyOf", [])]:
        values |= _enum_values(inner) if isinstance(inner, dict) else set()
    return values


def _literal_values(annotation, seen: frozenset = frozenset()) -> set:
    """The Literal values an annotation allows, through Optional, list[...] and Annotated (``seen``: a
    recursive alias, like a JSON value's, is walked once)."""
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    if id(annotation) in seen:
        return set()
    inner = seen | {id(annotation)}
    return set().union(set(), *(_literal_values(a, inner) for a in typing.get_args(annotation)))


class Lifecycle:
    """Parties and calls on MemoryLedger; every successful payload is kept with its transaction."""

    def __init__(self) -> None:
        self.ledger = MemoryLedger([ReceivablesContract()])
        self.now = START
        self.results: list[tuple[str, bytes]] = []
        self.n = 0

    def today(self, offset: int = 0) -> date:
        return (self.now + timedelta(hours=8)).date() + timedelta(days=offset)

    def call(self, who, fn: str, *args: str, transient=None, evaluate: bool = False):
        run_ = self.ledger.evaluate if evaluate else self.ledger.submit
        result = run(run_(who, f"{sdk.CONTRACT_NAME}:{fn}", *args, transient=transient, timestamp=self.now))
        if result.status == 200:
            self.results.append((fn, result.payload))
        return result

    def ok(self, who, fn: str, *args: str, **kw) -> dict:
        result = self.call(who, fn, *args, **kw)
        assert result.status == 200, f"{fn}: {result.message}"
        return json.loads(result.payload)

    def party(self, msp: str, role: str, name: str):
        self.n += 1
        identity = make_identity(msp, f"{name}-user")
        admin = make_identity(msp, f"admin-{msp}-{self.n}", ou="admin")
        code = credit_code(self.n)
        request = PartyRegistration(uscc=code, name=name, role=role, msp_id=msp, client_ids=[client_id_of(identity.certificate)])
        self.ok(admin, "RegisterParty", json.dumps(request.to_json()))
        identity.uscc = code
        identity.admin = admin
        return identity

    def claim_to_split(self) -> tuple:
        """A debtor, two suppliers and a confirmed claim of 1,000.00 the first holds: (core, tier1, tier2, its id)."""
        core = self.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
        tier1 = self.party("SupplierMSP", "supplier", "Tier-1 Parts")
        tier2 = self.party("SupplierMSP", "supplier", "Tier-2 Castings")
        root = self.ok(tier1, "RegisterReceivable", json.dumps(
            self.registration(tier1, core, Decimal("1000.00"), "26312000000012345678", 90).to_json()))["id"]
        self.ok(core, "ConfirmReceivable", root)
        return core, tier1, tier2, root

    def registration(self, creditor, debtor, face: Decimal, number: str, due_in: int) -> ReceivableRegistration:
        return ReceivableRegistration(
            debtor=debtor.uscc, face_amount=face, issue_date=self.today(), due_date=self.today(due_in),
            invoices=[InvoiceInput(number=number, date=self.today(-1), amount=face, tax=face * Decimal("0.13"),
                                   seller_tax_id=creditor.uscc, buyer_tax_id=debtor.uscc)],
            contract_hash=hashlib.sha256(b"trade contract").hexdigest())


def test_documents_of_a_lifecycle_parse_into_the_models_without_loss(metadata):
    life = Lifecycle()
    core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    tier1 = life.party("SupplierMSP", "supplier", "Tier-1 Parts")
    tier2 = life.party("SupplierMSP", "supplier", "Tier-2 Castings")
    bank = life.party("BankMSP", "financier", "First Bank")
    regulator = life.party("RegulatorMSP", "regulator", "Regulator")
    extra = make_identity("SupplierMSP", "tier1-second-user")
    life.ok(tier1.admin, "BindPartyIdentity", tier1.uscc, client_id_of(extra.certificate))
    assert life.ok(extra, "WhoAmI", evaluate=True)["uscc"] == tier1.uscc  # client_id_of spells ids as the contract does
    left = life.ok(tier1.admin, "UnbindPartyIdentity", tier1.uscc, client_id_of(extra.certificate))
    assert left["client_ids"] == [client_id_of(tier1.certificate)]
    assert life.call(extra, "WhoAmI", evaluate=True).status != 200
    assert life.ok(tier1.admin, "RenameParty", tier1.uscc, "Tier-1 Auto Parts")["name"] == "Tier-1 Auto Parts"
    life.ok(tier2, "GetParty", core.uscc, evaluate=True)
    written = life.ok(tier2, "GetPartyHistory", tier1.uscc, evaluate=True)
    assert [entry["msp_id"] for entry in written] == ["SupplierMSP"] * 4  # registered, bound, unbound, renamed
    assert [entry["name"] for entry in written] == ["Tier-1 Parts"] * 3 + ["Tier-1 Auto Parts"]
    found = life.ok(tier1.admin, "FindIdentityParty", "SupplierMSP", client_id_of(tier1.certificate), evaluate=True)
    assert found["party"]["uscc"] == tier1.uscc
    assert life.ok(tier1.admin, "FindIdentityParty", "SupplierMSP", client_id_of(extra.certificate),
                   evaluate=True)["party"] is None

    reg = life.registration(tier1, core, Decimal("100000.00"), "26312000000012345678", 90)
    r = life.ok(tier1, "RegisterReceivable", json.dumps(reg.to_json()))
    rid = r["id"]
    life.ok(core, "ConfirmReceivable", rid)
    # the orgs its key-level policy names: its debtor's and holder's, as the confirmation wrote them
    assert life.ok(tier1, "GetReceivableEndorsers", rid, evaluate=True) == ["CoreEnterpriseMSP", "SupplierMSP"]
    split = life.ok(tier1, "TransferReceivable", rid, tier2.uscc, "4000000", "split-1")
    moved, kept = f"{rid}.1", f"{rid}.2"
    recorded = sdk.RequestRecord.model_validate(life.ok(tier1, "GetRequest", "split-1", "", evaluate=True))
    assert recorded.typed_result.to_json() == split and recorded.typed_result.children_records[0].id == moved
    life.ok(tier2, "TransferReceivable", moved, tier1.uscc, "1000000")  # a second split, down a level
    life.ok(tier1, "GetProvenance", kept, evaluate=True)
    # tier2 passed part of its part on: that part is not tier2's to read, and comes redacted
    seen_by_tier2 = sdk.Provenance.model_validate(life.ok(tier2, "GetProvenance", moved, evaluate=True))
    assert [(n.id, n.redacted, n.holder) for n in seen_by_tier2.tree.children] == \
        [(f"{moved}.1", True, None), (f"{moved}.2", False, tier2.uscc)]
    life.ok(tier1, "GetReceivableHistory", rid, evaluate=True)
    lookup = life.ok(bank, "FindInvoice", r["invoices"][0]["fingerprint"], evaluate=True)
    assert lookup["used"] and lookup["receivable_id"] == rid
    assert life.ok(bank, "GetContractSettings", evaluate=True)["payment_term"].startswith("one calendar year")

    # a bank attests a verification of the invoice; the request the SDK builds is accepted as is
    checked = sdk.InvoiceAttestationRequest(
        seller_tax_id=tier1.uscc, number=r["invoices"][0]["number"], fingerprint=r["invoices"][0]["fingerprint"],
        buyer_tax_id=r["invoices"][0]["buyer_tax_id"], issue_date=date.fromisoformat(r["invoices"][0]["date"]),
        total_with_tax=r["invoices"][0]["amount"] + r["invoices"][0]["tax"],
        sources=["reference-tax"], outcome="pass", evidence_digest=hashlib.sha256(b"evidence").hexdigest())
    life.ok(bank, "AttestInvoiceVerification", json.dumps(checked.to_json()))
    attested = life.ok(tier1, "GetInvoiceAttestations", checked.fingerprint, evaluate=True)
    assert [a["outcome"] for a in attested] == ["pass"]

    # the same invoice cannot back a second receivable: the refusal's wording parses
    refused = life.call(tier1, "RegisterReceivable", json.dumps(reg.to_json()))
    assert refused.status != 200
    match = RULE_PATTERN.search(refused.message)
    assert match and match.group(1) == "invoice-already-financed"

    # financing with terms as transient data; the bank disburses with the terms read back
    f = life.ok(tier1, "RequestFinancing", kept)
    terms = FinancingTerms(advance_rate=Decimal("0.9"), discount_rate=Decimal("0.036"), fees=Decimal("50.00"),
                           recourse=False, expires_on=life.today(30))
    o = life.ok(bank, "MakeFinancingOffer", f["id"], transient=terms.transient())
    life.ok(bank, "GetFinancing", f["id"], evaluate=True)
    read_back = sdk.OfferTerms.model_validate(life.ok(bank, "GetOfferTerms", o["id"], evaluate=True))
    assert read_back.as_request() == terms  # the private terms come back as they were sent
    open_offers = life.ok(bank, "ListOffersByFinancier", bank.uscc, core.uscc, "10", "", evaluate=True)
    assert [(row["id"], row["debtor"]) for row in open_offers["records"]] == [(o["id"], core.uscc)]
    held = sdk.OfferTerms.model_validate(life.ok(tier1, "GetOfferTerms", o["id"], evaluate=True))
    life.ok(tier1, "AcceptFinancingOffer", o["id"], transient=held.as_request().transient())
    life.now += timedelta(days=1)
    d = life.ok(bank, "RecordDisbursement", f["id"], transient=read_back.as_request().transient())
    advance = sdk.Disbursement.model_validate(life.ok(regulator, "GetDisbursement", f["id"], evaluate=True))
    assert advance.net_amount == advance.principal - advance.interest - advance.fees
    life.ok(core, "GetAssignmentNotice", d["notice_id"], evaluate=True)
    life.ok(core, "AcknowledgeAssignment", d["notice_id"])
    exposure = life.ok(regulator, "GetFinancierExposure", core.uscc, bank.uscc, evaluate=True)
    assert [row["receivable_id"] for row in exposure["financings"]] == [kept]
    portfolio = life.ok(bank, "ListReceivablesByFinancier", bank.uscc, "", "10", "", evaluate=True)
    assert [claim["id"] for claim in portfolio["records"]] == [kept]

    # dynamic discounting on a leaf of tier2's; a rejected claim; freeze and unfreeze
    disc = DiscountOfferRequest(apr=Decimal("0.05"), expires_on=life.today(20))
    offer = life.ok(core, "PublishDiscountOffer", json.dumps(disc.to_json()))
    read = sdk.DiscountOffer.model_validate(life.ok(tier2, "GetDiscountOffer", offer["id"], evaluate=True))
    listed = life.ok(tier2, "ListDiscountOffers", "", f"{moved}.2", "10", "", "open", evaluate=True)
    assert [d["id"] for d in listed["records"]] == [offer["id"]]
    # the terms as the SDK sends them, from the offer as the SDK reads it
    life.ok(tier2, "AcceptDiscountOffer", offer["id"], f"{moved}.2", DiscountTerms.as_read(read.to_json()))
    withdrawn_offer = sdk.DiscountOffer.model_validate(life.ok(core, "WithdrawDiscountOffer", offer["id"]))
    assert (withdrawn_offer.status, withdrawn_offer.withdrawn_on) == ("WITHDRAWN", life.today())
    other = life.ok(tier1, "RegisterReceivable", json.dumps(
        life.registration(tier1, core, Decimal("2000.00"), "26312000000099999999", 30).to_json()))
    life.ok(core, "RejectReceivable", other["id"], "goods not delivered")
    mistaken = life.ok(tier1, "RegisterReceivable", json.dumps(
        life.registration(tier1, core, Decimal("2000.00"), "26312000000088888888", 30).to_json()))
    withdrawn_claim = sdk.Receivable.model_validate(
        life.ok(tier1, "WithdrawReceivable", mistaken["id"], "wrong face amount"))
    paper = life.ok(tier1, "RegisterReceivable", json.dumps(
        life.registration(tier1, core, Decimal("2000.00"), "26312000000055555555", 30).to_json()))
    linked = sdk.Receivable.model_validate(
        life.ok(tier1, "LinkPaperIdentity", paper["id"], "26312000000055555555", "144031900111", "00012345"))
    assert (linked.invoices[0].paper_code, linked.invoices[0].paper_number) == ("144031900111", "00012345")
    assert (withdrawn_claim.status, withdrawn_claim.withdrawn_on, withdrawn_claim.withdrawal_reason) == \
        ("WITHDRAWN", life.today(), "wrong face amount")
    life.ok(regulator, "FreezeReceivable", f"{moved}.1", "ORDER-1")
    # as a freeze before b8aeb33 left it, without the regulator's org, which the regulator's reseal restores
    frozen = life.ok(regulator, "GetReceivable", f"{moved}.1", evaluate=True)
    parties_only = KeyEndorsementPolicy()
    parties_only.add_orgs("MEMBER", frozen["debtor_msp"], frozen["holder_msp"])
    life.ledger.validation_parameters[create_composite_key(keys.RECEIVABLE, [f"{moved}.1"])] = parties_only.policy()
    life.ok(regulator, "ResealReceivable", f"{moved}.1")
    life.ok(regulator, "UnfreezeReceivable", f"{moved}.1", "ORDER-2")

    # payments: pro rata over the root's unpaid leaves, then the bank records repayment
    life.ok(core, "RecordPayment", rid, "1000")
    life.ok(bank, "RecordRepayment", f["id"])
    short = life.ok(tier1, "RegisterReceivable", json.dumps(
        life.registration(tier1, core, Decimal("300.00"), "26312000000077777777", 5).to_json()))
    life.ok(core, "ConfirmReceivable", short["id"])
    withdrawn = life.ok(tier1, "RequestFinancing", short["id"])
    life.ok(tier1, "WithdrawFinancing", withdrawn["id"])
    stuck = life.ok(tier1, "RequestFinancing", short["id"])
    # an offer the bank takes back, then makes again
    taken_back = life.ok(bank, "MakeFinancingOffer", stuck["id"], transient=terms.transient())
    taken_back = sdk.Offer.model_validate(life.ok(bank, "WithdrawFinancingOffer", taken_back["id"], "rate out of date"))
    assert (taken_back.status, taken_back.withdrawn_on, taken_back.withdrawal_reason) == \
        ("WITHDRAWN", life.today(), "rate out of date")
    stuck_offer = life.ok(bank, "MakeFinancingOffer", stuck["id"], transient=terms.transient())
    open_offer = life.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)  # the open offer, in offered
    assert [row["offer_id"] for row in open_offer["offers"]] == [stuck_offer["id"]]
    life.ok(tier1, "AcceptFinancingOffer", stuck_offer["id"], transient=terms.transient())
    life.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)  # the accepted offer counts, in CNY
    cancelled = sdk.Financing.model_validate(life.ok(tier1, "CancelFinancing", stuck["id"], "not disbursed"))
    assert (cancelled.status, cancelled.cancellation_reason) == ("CANCELLED", "not disbursed")
    # on recourse terms, disbursed, then unpaid past its due date: the bank gives the claim back to its holder
    defaulted = life.ok(tier1, "RegisterReceivable", json.dumps(
        life.registration(tier1, core, Decimal("400.00"), "26312000000066666666", 5).to_json()))
    life.ok(core, "ConfirmReceivable", defaulted["id"])
    with_recourse = terms.model_copy(update={"recourse": True})
    backed = life.ok(tier1, "RequestFinancing", defaulted["id"])
    backed_offer = life.ok(bank, "MakeFinancingOffer", backed["id"], transient=with_recourse.transient())
    life.ok(tier1, "AcceptFinancingOffer", backed_offer["id"], transient=with_recourse.transient())
    backed = life.ok(bank, "RecordDisbursement", backed["id"], transient=with_recourse.transient())
    life.now += timedelta(days=10)
    life.ok(tier1, "RecordOverdue", short["id"])
    # the bank first calls on the holder, on the ledger; then records the holder's repurchase
    demanded = sdk.Financing.model_validate(life.ok(bank, "DemandRecourse", backed["id"], "repurchase within 10 days",
                                                    transient=with_recourse.transient()))
    assert demanded.status == "DISBURSED"
    assert demanded.latest_recourse_demand == demanded.recourse_demands[-1]
    assert [(d.on, d.reason, d.outstanding, d.currency, d.tx_id) for d in demanded.recourse_demands] == \
        [(life.today(), "repurchase within 10 days", 400_00, "CNY", demanded.tx_id)]
    recoursed = sdk.Financing.model_validate(life.ok(bank, "ExerciseRecourse", backed["id"], "the debtor did not pay",
                                                     transient=with_recourse.transient()))
    assert (recoursed.status, recoursed.recourse_on, recoursed.latest_recourse_demand.on) == \
        ("RECOURSED", life.today(), life.today())
    assert recoursed.recourse_demands == demanded.recourse_demands
    released = sdk.AssignmentNotice.model_validate(
        life.ok(core, "GetAssignmentNotice", backed["notice_id"], evaluate=True))
    assert (released.status, released.released_on) == ("RELEASED", life.today())

    # queries: pages with bookmarks, statistics
    first = life.ok(tier1, "ListReceivablesByHolder", tier1.uscc, "1", "", evaluate=True)
    assert first["bookmark"]
    life.ok(tier1, "ListReceivablesByHolder", tier1.uscc, "1", first["bookmark"], evaluate=True)
    life.ok(core, "ListReceivablesByDebtor", core.uscc, "100", "", evaluate=True)
    life.ok(regulator, "ListReceivablesByStatus", "SETTLED", "10", "", evaluate=True)
    stats = life.ok(regulator, "GetStatistics", evaluate=True)
    record = life.ok(bank, "GetDebtorPaymentRecord", core.uscc, "100", "", "", evaluate=True)
    assert record["holder_ids"] == "token" and {r["status"] for r in record["records"]} >= {"SPLIT", "SETTLED", "REJECTED", "WITHDRAWN"}
    assert {r["withdrawn_on"] for r in record["records"] if r["status"] == "WITHDRAWN"} == \
        {withdrawn_claim.withdrawn_on.isoformat()}
    life.ok(core, "GetDebtorPaymentRecord", core.uscc, "100", "", START.date().isoformat(), evaluate=True)
    assert stats["total"]["CNY"]["overdue"] > 0
    life.ok(tier1, "GetReceivable", kept, evaluate=True)
    # receivables; discount offers, then offers, then financings next; then request records, then each other kind
    # of key whose earlier policies a page reseals, until done
    upgraded = life.ok(regulator.admin, "UpgradeLedger", "100", "")
    offers_next = life.ok(regulator.admin, "UpgradeLedger", "100", upgraded["bookmark"])
    financings_next = life.ok(regulator.admin, "UpgradeLedger", "100", offers_next["bookmark"])
    assert not upgraded["done"] and not offers_next["done"] and not financings_next["done"]
    page = life.ok(regulator.admin, "UpgradeLedger", "100", financings_next["bookmark"])
    while not page["done"]:
        page = life.ok(regulator.admin, "UpgradeLedger", "100", page["bookmark"])

    txs = transactions(metadata)
    seen = set()
    for fn, payload in life.results:
        returns = txs[fn]["returns"]
        if returns.get("type") == "array" and "$ref" not in returns["items"]:     # a list of plain strings
            assert returns["items"] == {"type": "string"} and all(isinstance(v, str) for v in json.loads(payload)), fn
            seen.add(fn)
            continue
        ref = returns["items"]["$ref"] if returns.get("type") == "array" else returns["$ref"]
        model = getattr(sdk, ref.rsplit("/", 1)[-1])
        data = json.loads(payload)
        if returns.get("type") == "array":
            parsed = [model.model_validate_json(json.dumps(item)).to_json() for item in data]
        else:
            parsed = model.model_validate_json(payload).to_json()
        assert parsed == data, fn
        seen.add(fn)
    assert seen == set(txs), f"not exercised: {set(txs) - seen}"


def test_the_client_names_every_event_the_contract_emits():
    from chaincode.receivables import events

    emitted = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}
    assert set(sdk.EVENT_NAMES) == emitted


def test_the_provenance_of_a_lineage_split_as_deep_as_the_contract_allows_parses_in_the_sdk():
    """The split limit keeps the nested provenance tree within the SDK's JSON parser (200 levels of nesting,
    two per split): the tree the contract returns at the limit parses."""
    from chaincode.receivables.lifecycle import MAX_SPLIT_DEPTH

    life = Lifecycle()
    core, tier1, tier2, root = life.claim_to_split()
    kept = root
    for _ in range(MAX_SPLIT_DEPTH):
        kept = life.ok(tier1, "TransferReceivable", kept, tier2.uscc, "1")["children"][1]
    provenance = sdk.Provenance.model_validate_json(life.call(core, "GetProvenance", root, evaluate=True).payload)
    node, levels = provenance.tree, 0
    while node.children:
        node, levels = node.children[-1], levels + 1
    assert (levels, node.id) == (MAX_SPLIT_DEPTH, kept)


def test_invoices_carry_their_currency_to_the_contract_and_back():
    life = Lifecycle()
    core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    tier1 = life.party("SupplierMSP", "supplier", "Tier-1 Parts")
    in_cny = life.registration(tier1, core, Decimal("1000.00"), "26312000000012345601", 30)
    assert "currency" not in in_cny.to_json()["invoices"][0]  # CNY, the contract's default, goes out as before
    assert sdk.Receivable.model_validate(life.ok(tier1, "RegisterReceivable", json.dumps(in_cny.to_json()))
                                         ).invoices[0].currency == "CNY"
    usd = life.registration(tier1, core, Decimal("1000.00"), "26312000000012345602", 30)
    usd = usd.model_copy(update={"currency": "USD", "invoices": [usd.invoices[0].model_copy(update={"currency": "USD"})]})
    assert usd.to_json()["invoices"][0]["currency"] == "USD"
    r = sdk.Receivable.model_validate(life.ok(tier1, "RegisterReceivable", json.dumps(usd.to_json())))
    assert (r.currency, r.invoices[0].currency) == ("USD", "USD")
    # a claim in USD backed by invoices the SDK sends as CNY is refused by rule
    mixed = usd.model_copy(update={"invoices": [usd.invoices[0].model_copy(
        update={"currency": "CNY", "number": "26312000000012345603"})]})
    refused = life.call(tier1, "RegisterReceivable", json.dumps(mixed.to_json()))
    assert RULE_PATTERN.search(refused.message).group(1) == "invoice-currency-mismatch"


def test_an_attestation_written_before_it_recorded_the_values_verified_parses():
    stored = {"doc_type": "invoice_attestation", "seller_tax_id": credit_code(2), "code": "",
              "number": "26312000000012345678", "fingerprint": "f" * 64, "sources": ["reference-tax"],
              "outcome": "pass", "evidence_digest": "e" * 64, "id": "A-0000000000000001", "attester": credit_code(4),
              "attester_role": "financier",
              "attested": {"action": "AttestInvoiceVerification", "by": credit_code(4), "msp_id": "BankMSP",
                           "at": "2026-03-02T02:00:00Z", "tx_id": "ab" * 32}}
    a = sdk.InvoiceAttestation.model_validate(stored)
    assert (a.buyer_tax_id, a.issue_date, a.total_with_tax, a.passed) == (None, None, None, True)
