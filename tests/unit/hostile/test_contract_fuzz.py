"""Hostile input against every transaction of the receivables contract (property-based, reproducible).

The transactions come from the contract's metadata, so a new one is fuzzed without
a test change, one the seeded ledger has no good call for fails a test, and the
list is checked against GetMetadata of the contract the chaincode image serves.
Each example restores a realistic ledger (parties, a confirmed claim, a split, financings
requested, offered, accepted, disbursed and notified, a discount offer, an
attestation, a claim under a freeze order with another queued, one frozen under
an earlier version's key-level policy, two due in 30 days, one of them financed
with recourse), then one of three kinds of call is sent, on the day of the
seeding or, for the transactions that need a claim past due, PAST_DUE later:

- a random caller (a member or admin of each org, an identity bound to no party,
  an identity of an MSP the network does not know) with a random argument list:
  wrong counts, huge strings, bytes that are not UTF-8, JSON of the wrong shape,
  negative, float and overflowing amounts, unicode, empty strings, and the real
  ids, documents, order references and versions mixed in;
- the transaction's good call (right caller, every parameter, right transient
  terms) spoilt in one place, so the checks behind the first guards are reached;
- two to five good or spoilt calls in a row, each accepted one committed, so a
  call meets the states the calls before it left.

Properties:

- the call answers (no exception escapes the router or the runtime, nothing is
  logged as a bug);
- a refusal (status 500) changes nothing: all the ledger holds (state, private
  state, key-level policies of both, history, committed events, key versions,
  height and the ids of committed transactions) is equal before and after, and
  no event;
- a query (tagged evaluate) writes nothing and emits no event even where a client
  submits it; an answer is JSON;
- every message is clean: one line, no traceback text, no module paths, no
  Python repr noise, a JSON value spelt as JSON (null, not None); a contract
  refusal starts ``RULE <code>: ``, and the only other refusals are the
  runtime's argument-conversion messages. Caller text
  with line breaks (ids, MSP IDs, credit codes, keys of a JSON document) is
  sent to every transaction, so a message that echoes it unescaped fails.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaincode.contract import ContractRouter
from chaincode.receivables import ReceivablesContract
from chaincode.receivables.model import DiscountTerms
from chaincode.shim.server import load_contract
from chaincode.testing import MemoryLedger, make_identity

from ..receivables.support import (CORE, SUPPLIER, Actor, attestation_request, client_identity, credit_code,
                                   standard_net, terms, transient_terms)
from ..receivables.test_claim_policy_never_one_org import guarded_by

CONTRACT = "receivables"
ROOT = Path(__file__).resolve().parents[3]
METADATA = ContractRouter([ReceivablesContract()]).metadata()["contracts"][CONTRACT]["transactions"]
TRANSACTIONS = sorted(t["name"] for t in METADATA)
PARAMETERS = {t["name"]: [p["name"] for p in t["parameters"]] for t in METADATA}
QUERIES = {t["name"] for t in METADATA if "evaluate" in t.get("tag", [])}

# CI runs a modest, fixed set of examples; HOSTILE_EXAMPLES=500 hunts deeper locally (still derandomized)
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

RULE_MESSAGE = re.compile(r"RULE [a-z]+(-[a-z]+)*: \S")
# the runtime's refusals before the contract runs (chaincode/contract/_conversion.py)
CONVERSION_MESSAGE = re.compile(r"[A-Za-z.:]+ takes [0-9-]+ arguments \(.*\), got [0-9]+"
                                r"|[A-Za-z.:]+: argument '[a-z_]+' = .*")
NOISE = ("Traceback", 'File "', "<class", "<module", " object at 0x", "site-packages", "chaincode/", ".py\"",
         "pydantic", "https://errors.pydantic.dev")
# a JSON value written back as Python spells it (True, None, NoneType, {'a': ...}), not as the caller sent it; a
# caller's own text is quoted (in single quotes on its own, in double quotes inside an array or object), so a word
# of it next to a quote is not counted
PYTHON_SPELLING = re.compile(r"(?<![\w'\"])(True|False|None|NoneType)(?![\w'\"])|\{'[^']*': ")


class _World:
    """The seeded network, built once; every example starts from a copy of its ledger."""

    def __init__(self) -> None:
        self.net = asyncio.run(self._seed())
        self.saved = self.everything()

    async def _seed(self):
        net = await standard_net()
        core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
        confirmed = await net.confirmed(tier1, core, 100_000_00)
        registered = await net.registered(tier1, core, 20_000_00)
        split = await net.confirmed(tier1, core, 50_000_00)
        await net.ok(tier1, "TransferReceivable", split["id"], tier2.uscc, "1000000", "seed-transfer")
        financed = await net.confirmed(tier2, core, 80_000_00)
        f, o = await net.offered(tier2, financed["id"], bank)
        await net.ok(tier2, "AcceptFinancingOffer", o["id"])
        await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
        notice = net.doc(financed["id"])["notice_id"]
        requested = await net.confirmed(tier1, core, 30_000_00)
        f2 = await net.ok(tier1, "RequestFinancing", requested["id"])
        bank2 = net.actors["bank2"]
        o2 = await net.ok(bank2, "MakeFinancingOffer", f2["id"], transient=transient_terms())
        accepted = await net.financed(tier2, (await net.confirmed(tier2, core, 60_000_00))["id"], disburse=False)
        # past their due date (PAST_DUE later): a claim unpaid, and one financed with recourse, unpaid to its bank
        unpaid = await net.confirmed(tier1, core, 1_000_00, due_in=30)
        recoursed = await net.confirmed(tier1, core, 1_000_00, due_in=30)
        f3 = await net.financed(tier1, recoursed["id"], terms=WITH_RECOURSE)
        # frozen under a contract version whose freeze did not add the regulator's org to the claim's key
        short = await net.confirmed(tier1, core, 1_000_00)
        await net.ok(net.actors["regulator"], "FreezeReceivable", short["id"], ORDERS[0])
        guarded_by(net, short["id"], CORE, SUPPLIER)
        extra_identity = client_identity(SUPPLIER, "tier1-second-user").id
        await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, extra_identity)
        d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
        invoice = confirmed["invoices"][0]
        await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, invoice["number"],
                                                                            invoice=invoice), "seed-attestation")
        frozen = await net.confirmed(tier1, core, 40_000_00)
        regulator = net.actors["regulator"]
        for order in ORDERS[:2]:  # one in effect, one queued behind it
            await net.ok(regulator, "FreezeReceivable", frozen["id"], order)
        self.ids = [confirmed["id"], registered["id"], split["id"], f"{split['id']}.1", f"{split['id']}.2",
                    financed["id"], requested["id"], f["id"], f2["id"], o["id"], notice, d["id"], frozen["id"],
                    unpaid["id"], recoursed["id"], f3["id"], short["id"]]
        self.usccs = [a.uscc for a in net.actors.values() if a.uscc]
        self.registration = net.registration(tier1, core, 1_000_00)
        # an invoice registered already: of a claim confirmed, financed, frozen, and one of a claim a bank financed
        # for a holder that is not its seller (transferred first)
        self.registered_again = [net.registration(seller, core, claim["face_amount"],
                                                  invoice_no=claim["invoices"][0]["number"])
                                 for seller, claim in ((tier1, confirmed), (tier2, financed), (tier1, frozen),
                                                       (tier1, recoursed))]
        self.fingerprint = invoice["fingerprint"]
        read = await net.ok(tier1, "GetDiscountOffer", d["id"], confirmed["id"], evaluate=True)
        self.as_read = json.loads(DiscountTerms.as_read(read))
        exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, bank.uscc, evaluate=True)
        self.exposure_version = str(exposure["version"])
        # well-formed documents of the other JSON arguments, for their fields to be spoilt one at a time
        self.party = {"uscc": credit_code(9000), "name": "New Party", "role": "supplier", "msp_id": SUPPLIER,
                      "client_ids": [client_identity(SUPPLIER, "new-party").id]}
        self.discount_offer = {"apr": "0.04", "expires_on": net.day(20), "receivable_ids": [confirmed["id"]]}
        fresh = net.registration(tier1, core, 2_000_00)["invoices"][0]
        self.attestation = attestation_request(tier1.uscc, fresh["number"], invoice=fresh)
        self.client_ids = [a.identity.id for a in net.actors.values()]
        self.registered_invoice = registered["invoices"][0]["number"]
        self.good_calls = self._good_calls(net, confirmed=confirmed["id"], registered=registered["id"],
                                           f=f["id"], o=o["id"], f2=f2["id"], o2=o2["id"],
                                           accepted=accepted["id"], notice=notice, d=d["id"], frozen=frozen["id"],
                                           extra_identity=extra_identity, short=short["id"])
        self.past_due_calls = self._encoded({
            "RecordOverdue": (core, [unpaid["id"]]),
            "DemandRecourse": (bank, [f3["id"], "the debtor did not pay"], WITH_RECOURSE),
            "ExerciseRecourse": (bank, [f3["id"], "the holder took the claim back"], WITH_RECOURSE),
        })
        # callers: every party's member, every org's admin, an unbound identity, an unknown MSP's member and admin
        self.callers = [*net.actors.values(), *net.admins.values(),
                        Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger")),
                        Actor("outsider", "EvilMSP", make_identity("EvilMSP", "tier1-user")),
                        Actor("outsider-admin", "EvilMSP", make_identity("EvilMSP", "admin", ou="admin"))]
        return net

    def _good_calls(self, net, *, confirmed, registered, f, o, f2, o2, accepted, notice, d, frozen,
                    extra_identity, short) -> dict:
        """For each transaction, a call the seeded ledger accepts (a caller, its arguments, its transient data):
        each spoilt in one place, it reaches the checks behind the caller's and the count's."""
        a, admin = net.actors, net.admins
        core, tier1, tier2, bank, bank2, regulator = (a[k] for k in ("core", "tier1", "tier2", "bank", "bank2",
                                                                     "regulator"))
        terms = transient_terms()
        page = ["10", ""]
        calls = {
            "RegisterParty": (admin[SUPPLIER], [self.party]),
            "RenameParty": (admin[SUPPLIER], [tier2.uscc, "Tier-2 Components Co."]),
            "BindPartyIdentity": (admin[SUPPLIER], [tier2.uscc, client_identity(SUPPLIER, "tier2-second").id]),
            "UnbindPartyIdentity": (admin[SUPPLIER], [tier1.uscc, extra_identity]),
            "GetParty": (tier1, [tier2.uscc]),
            "GetPartyHistory": (tier1, [tier1.uscc]),
            "WhoAmI": (tier1, []),
            "GetContractSettings": (tier1, []),
            "FindIdentityParty": (admin[SUPPLIER], [SUPPLIER, tier1.identity.id]),
            "RegisterReceivable": (tier1, [self.registration, "seed-new-claim"]),
            "ConfirmReceivable": (core, [registered]),
            "RejectReceivable": (core, [registered, "the goods were not delivered"]),
            "WithdrawReceivable": (tier1, [registered, "registered twice"]),
            "LinkPaperIdentity": (tier1, [registered, self.registered_invoice, "144031900111", "00012345"]),
            "TransferReceivable": (tier1, [confirmed, tier2.uscc, "1000000", "seed-second-transfer"]),
            "RequestFinancing": (tier1, [confirmed]),
            "WithdrawFinancing": (tier1, [f2]),
            "MakeFinancingOffer": (bank, [f2, self.exposure_version, "[]"], terms),
            "WithdrawFinancingOffer": (bank2, [o2, "priced again"]),
            "AcceptFinancingOffer": (tier1, [o2], terms),
            "RecordDisbursement": (bank, [accepted], terms),
            "AcknowledgeAssignment": (core, [notice]),
            "RecordRepayment": (bank, [f]),
            "CancelFinancing": (bank, [accepted, "not disbursed in time"]),
            "PublishDiscountOffer": (core, [self.discount_offer, "seed-discount"]),
            "AcceptDiscountOffer": (tier1, [d, confirmed, json.dumps(self.as_read), "seed-discount-acceptance"]),
            "WithdrawDiscountOffer": (core, [d]),
            "RecordPayment": (core, [confirmed, "100", "seed-payment"]),
            "AttestInvoiceVerification": (bank, [self.attestation, "seed-second-attestation"]),
            "GetInvoiceAttestations": (bank, [self.fingerprint, "object"]),
            "FreezeReceivable": (regulator, [confirmed, ORDERS[2]]),
            "UnfreezeReceivable": (regulator, [frozen, "LIFT-2026-001", ORDERS[1]]),
            "UpgradeLedger": (admin["RegulatorMSP"], page),
            "GetReceivable": (tier1, [confirmed]),
            "GetReceivableHistory": (tier1, [confirmed]),
            "GetProvenance": (tier1, [confirmed]),
            "GetReceivableEndorsers": (tier1, [confirmed]),
            "FindInvoice": (tier1, [self.fingerprint]),
            "ListReceivablesByHolder": (tier1, [tier1.uscc, *page]),
            "ListReceivablesByDebtor": (core, [core.uscc, *page]),
            "ListReceivablesByFinancier": (bank, [bank.uscc, core.uscc, *page]),
            "ListOffersByFinancier": (bank, [bank.uscc, core.uscc, *page]),
            "ListReceivablesByStatus": (regulator, ["CONFIRMED", *page]),
            "GetStatistics": (regulator, []),
            "GetDebtorPaymentRecord": (bank, [core.uscc, *page, net.today]),
            "GetFinancierExposure": (bank, [core.uscc, bank.uscc]),
            "GetFinancing": (tier2, [f]),
            "GetOfferTerms": (tier2, [o]),
            "GetDisbursement": (bank, [f]),
            "GetAssignmentNotice": (core, [notice]),
            "ListDiscountOffers": (tier1, [core.uscc, "", *page, "all"]),
            "GetRequest": (tier1, ["seed-transfer", ""]),
            "GetDiscountOffer": (tier1, [d, confirmed]),
            "ResealReceivable": (tier1, [short]),
            # refused on the seeded ledger by the transaction's own checks, past its caller's and arguments' (each
            # accepted PAST_DUE later: past_due_calls)
            "RecordOverdue": (core, [confirmed]),
            "DemandRecourse": (bank, [f, "the debtor did not pay"], terms),
            "ExerciseRecourse": (bank, [f, "the holder took the claim back"], terms),
        }
        return self._encoded(calls)

    @staticmethod
    def _encoded(calls: dict) -> dict:
        encoded = {}
        for fn, (caller, args, *transient) in calls.items():
            encoded[fn] = (caller, [(v if isinstance(v, str) else json.dumps(v)).encode() for v in args],
                           transient[0] if transient else None)
        return encoded

    def restore(self) -> None:
        for name, value in zip(LEDGER_DATA, copy.deepcopy(self.saved)):
            setattr(self.net.ledger, name, value)

    def everything(self) -> tuple:
        """All the ledger holds (LEDGER_DATA), a copy."""
        return copy.deepcopy(tuple(getattr(self.net.ledger, name) for name in LEDGER_DATA))


# what a MemoryLedger holds and a transaction can change: its state, private state, key-level policies of both,
# history, committed events, each key's version, its height and the ids of the transactions in its blocks. Every
# other attribute is configuration, set as it is made (test_the_state_compared_is_all_the_ledger_holds).
LEDGER_DATA = ("state", "private_state", "validation_parameters", "private_validation_parameters", "history",
               "events", "_versions", "_height", "_committed")
LEDGER_CONFIGURATION = {"router", "channel_id", "chaincode_name", "peer_options", "query_batch_size",
                        "total_query_limit", "collections", "_collection_policies", "_chaincode_policy",
                        "_commit"}  # the last: receivables/support.Net's hook recording each commit


_world: _World | None = None


def world() -> _World:
    global _world
    if _world is None:
        _world = _World()
    return _world


# ---------------------------------------------------------------- argument strategies

# the freeze orders the seeded frozen claim is under (in effect, queued), and one it is not
ORDERS = ["ORDER-2026-001", "ORDER-2026-002", "ORDER-2026-003"]
WITH_RECOURSE = transient_terms(recourse=True)
# how long after the seeding the past-due calls are made: a day past the due date of the claims due in 30 days
PAST_DUE = timedelta(days=31)
# text a caller could send to add lines to a refusal that echoes it
LINE_BREAKING = ["R-1\nRULE ok: forged second line", "Evil\r\nMSP", "x509::CN=a\nb::CN=ca", "\u2028line"]
# transient terms no JSON parser should be asked to take whole: deep nesting, a 4301-digit integer
HOSTILE_TERMS = [b"[" * 100_000, b'{"a":' * 2000, b'{"fees": 1' + b"0" * 4300 + b"}"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)

amount_texts = st.sampled_from([
    "0", "1", "-1", "-0", "1.5", "0.01", "1e3", "1e309", "NaN", "inf", "+5", " 5", "5 ", "١٢٣", "0x10",
    "99999999999999999999999999999999", str(10**17), str(10**17 + 1), "100000000", "10000000", "3000000",
    "true", "null", "[]", "{}",
])


def _document_variants(base: dict):
    """``base`` with one field given a hostile value (or, for "<missing>", its first field left out)."""
    def mutate(draw_key, value):
        doc = copy.deepcopy(base)
        if draw_key in doc:
            doc[draw_key] = value
        else:
            doc.pop(next(iter(doc)), None)
        return doc

    keys = st.sampled_from([*base, "<missing>"])
    return st.builds(mutate, keys, json_values | amount_texts | st.sampled_from(LINE_BREAKING))


def _documents(base: dict):
    """A JSON argument: whole, spoilt in one field, or with a line-breaking key added."""
    return st.one_of(st.just(base), _document_variants(base),
                     st.just({**base, "x\nRULE ok: forged": 1})).map(lambda v: json.dumps(v).encode())


def _texts(*values: str):
    return st.sampled_from(values).map(lambda s: s.encode("utf-8", "surrogatepass"))


def parameter_values(w: _World) -> dict:
    """For a parameter of this name, values that get a call past its first guards, to reach the checks
    behind them: the seeded network's documents (each also spoilt), order references, versions, dates."""
    dates = ("", w.net.today, w.net.day(-1), w.net.day(400), "2026-02-30", "2026-3-1", "00000-01-01")
    return {
        "receivable": st.one_of(_documents(w.registration), *map(_documents, w.registered_again)),
        "party": _documents(w.party) | _texts(*w.usccs, ""),
        "offer": _documents(w.discount_offer),
        "attestation_request": _documents(w.attestation),
        "as_read": _documents(w.as_read) | _texts(""),
        "lifts": _texts(*ORDERS, ORDERS[0].lower(), f" {ORDERS[1]} ", ""),
        "order_reference": _texts(*ORDERS, ORDERS[0].lower(), f" {ORDERS[1]} ", ""),
        "exposure_version": _texts(w.exposure_version, "", "0", "-1", "1.0", "99999999999999999999"),
        "uncounted_offers": st.lists(st.sampled_from([*w.ids, "", "x\ny"]) | json_values, max_size=3).map(
            lambda v: json.dumps(v).encode()) | _texts("", "[", "{}"),
        "scope": _texts("open", "all", "OPEN", ""),
        "as_of": _texts(*dates),
        "page_size": _texts("1", "2", "100", "0", "101", ""),
        "request_id": _texts("seed-transfer", "seed-attestation", "req-1", "", "a" * 200),
        "client_id": _texts(*w.client_ids, ""),
        "msp_id": _texts("SupplierMSP", "BankMSP", "RegulatorMSP", "EvilMSP", ""),
        "status": _texts("CONFIRMED", "FINANCED", "OVERDUE", "confirmed", ""),
        "answer": _texts("list", "object", "LIST", " object", ""),
        "reason": _texts("the debtor did not pay", "", "   ", "x" * 500, "x" * 501, *LINE_BREAKING),
    }


def arguments(w: _World):
    text = st.one_of(
        st.sampled_from(w.ids), st.sampled_from(w.usccs), amount_texts, st.just(""), st.text(max_size=40),
        st.sampled_from(["ACT/360", "OVERDUE", "FINANCED", w.fingerprint, "x" * 100_000, "\u202e\u0000\ud7ff",
                         "R-" + "f" * 16 + ".1.2.1", "receivables:WhoAmI", "req-1",
                         "\x00recfin.by-holder\x00", "\x00recfin.by-debtor\x00",  # forged bookmarks
                         *LINE_BREAKING]),
    )
    encoded = st.one_of(
        text.map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.binary(max_size=40),  # mostly not UTF-8
        json_values.map(lambda v: json.dumps(v).encode()),
        _document_variants(w.registration).map(lambda v: json.dumps(v).encode()),
        st.just(json.dumps(w.registration).encode()),
        st.just(json.dumps({**w.registration, "x\nRULE ok: forged": 1}).encode()),
        st.just(b"\xff\xfe" * 50_000),
    )
    return encoded


def transients():
    return st.one_of(
        st.none(),
        st.just(transient_terms()),  # the terms the seeded offers were made on
        st.just(WITH_RECOURSE),
        _documents(terms()).map(lambda raw: {"terms": raw}),
        st.dictionaries(st.sampled_from(["terms", "other"]), st.binary(max_size=30) | json_values.map(
            lambda v: json.dumps(v).encode()), max_size=2),
        st.sampled_from([{"terms": t} for t in HOSTILE_TERMS]),
    )


# ---------------------------------------------------------------- the property

def clean(message: str) -> list[str]:
    problems = []
    if "\n" in message or "\r" in message:
        problems.append("more than one line")
    problems += [f"contains {n!r}" for n in NOISE if n in message]
    if spelled := PYTHON_SPELLING.search(message):
        problems.append(f"spells a value as Python does: {spelled.group()!r}")
    return problems


class _Escaped(logging.Handler):
    """Records the runtime's 'this is a bug' logs (logger.exception) while an example runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def check_one_call(fn: str, caller: Actor, args: list[bytes], transient, evaluate: bool, *,
                   later: timedelta = timedelta(0), seeded: bool = True, contract: str = CONTRACT) -> None:
    """One call ``later`` than the seeding, on the seeded ledger (unless not ``seeded``: on the ledger the
    calls before it left)."""
    w = world()
    if seeded:
        w.restore()
    before = w.everything()
    handler = _Escaped()
    log = logging.getLogger("chaincode")
    log.addHandler(handler)
    try:
        endorsement = asyncio.run(w.net.ledger.endorse(caller.identity, f"{contract}:{fn}", *args,
                                                       transient=transient, timestamp=w.net.now + later))
    finally:
        log.removeHandler(handler)
    result = endorsement.result
    shown = f"{fn} by {caller.name} with {[a[:60] for a in args]!r}"
    assert not handler.records, f"{shown}: the runtime logged an error: {handler.records[0].getMessage()}"
    assert result.status in (200, 500), shown
    if fn in QUERIES or contract != CONTRACT:  # a client may submit a query: it must then commit nothing either
        assert not endorsement.writes and result.event is None, f"{shown}: a query wrote {endorsement.writes}"
    if result.status == 200:
        if not evaluate:
            w.net.ledger.commit(endorsement)
        json.loads(result.payload)  # an answer is a JSON document, whatever was sent
        return
    assert result.event is None, f"{shown}: a refusal emitted an event"
    assert w.everything() == before, f"{shown}: a refusal changed the ledger"
    message = result.message
    assert message, f"{shown}: a refusal without a message"
    assert not clean(message), f"{shown}: unclean message {message!r}: {clean(message)}"
    if message.startswith("RULE"):
        assert RULE_MESSAGE.match(message), f"{shown}: malformed rule message {message!r}"
    else:
        assert CONVERSION_MESSAGE.fullmatch(message), f"{shown}: not a rule and not a conversion refusal: {message!r}"


@pytest.mark.parametrize("fn,later", [(fn, timedelta(0)) for fn in TRANSACTIONS] +
                         [(fn, PAST_DUE) for fn in ("DemandRecourse", "ExerciseRecourse", "RecordOverdue")],
                         ids=[*TRANSACTIONS, "DemandRecourse-past-due", "ExerciseRecourse-past-due",
                              "RecordOverdue-past-due"])
def test_hostile_arguments_never_crash_and_refusals_change_nothing(fn, later):
    w = world()
    n = len(PARAMETERS[fn])

    @SETTINGS
    @given(data=st.data())
    def run(data):
        caller = data.draw(st.sampled_from(w.callers), label="caller")
        count = data.draw(st.integers(0, n + 2) | st.just(n), label="count")
        generic, named = arguments(w), parameter_values(w)
        args = [data.draw(named[PARAMETERS[fn][i]] | generic if i < n and PARAMETERS[fn][i] in named else generic,
                          label=f"arg {i}") for i in range(count)]
        transient = data.draw(transients(), label="transient")
        evaluate = data.draw(st.booleans(), label="evaluate")
        check_one_call(fn, caller, args, transient, evaluate, later=later)

    run()


def published_transactions() -> dict[str, set[str]]:
    """Each contract the chaincode image serves (the Dockerfile's --contract, loaded as the server loads it) and
    its transactions, as its GetMetadata through the runtime answers a client."""
    command = next(json.loads(line.removeprefix("CMD")) for line in (ROOT / "Dockerfile").read_text().splitlines()
                   if line.startswith("CMD"))
    served = load_contract(command[command.index("--contract") + 1])
    answer = asyncio.run(MemoryLedger(contracts=[served]).evaluate(make_identity("SupplierMSP", "reader"),
                                                                   "org.hyperledger.fabric:GetMetadata"))
    assert answer.status == 200, answer.message
    return {name: {t["name"] for t in contract["transactions"]}
            for name, contract in json.loads(answer.payload)["contracts"].items()}


def _parametrized(test) -> set[str]:
    """The transactions a parametrized test runs (the first value of each parameter set)."""
    values = next(mark for mark in test.pytestmark if mark.name == "parametrize").args[1]
    return {v[0] if isinstance(v, tuple) else v for v in values}


def test_every_transaction_the_chaincode_publishes_is_fuzzed():
    """The transactions each property runs are those the served chaincode publishes, read from its metadata: a
    transaction added to the contract (or a contract added to the image) is fuzzed, or this fails."""
    published = published_transactions()
    assert published == {CONTRACT: set(TRANSACTIONS), "org.hyperledger.fabric": {"GetMetadata"}}
    for test in (test_hostile_arguments_never_crash_and_refusals_change_nothing,
                 test_caller_text_with_line_breaks_is_never_echoed_as_a_second_line,
                 test_every_transaction_has_a_good_call_on_the_seeded_ledger,
                 test_a_good_call_spoilt_in_one_place_never_crashes_and_its_refusal_changes_nothing):
        assert _parametrized(test) == published[CONTRACT], test.__name__


def test_the_state_compared_is_all_the_ledger_holds():
    """A refusal is checked to change nothing by comparing LEDGER_DATA: an attribute the ledger gains is either
    data a transaction can change, and then compared, or configuration."""
    attributes = set(vars(world().net.ledger))
    assert attributes == set(LEDGER_DATA) | LEDGER_CONFIGURATION, attributes ^ (set(LEDGER_DATA) |
                                                                             LEDGER_CONFIGURATION)


@SETTINGS
@given(name=st.text(max_size=30), caller_index=st.integers(0, 30))
def test_unknown_transaction_names_are_refused_cleanly(name, caller_index):
    w = world()
    caller = w.callers[caller_index % len(w.callers)]
    w.restore()
    before = w.everything()
    result = asyncio.run(w.net.ledger.submit(caller.identity, f"{CONTRACT}:{name}" if name not in TRANSACTIONS else
                                             f"nosuch:{name}"))
    assert result.status == 500 and result.event is None and w.everything() == before
    assert not clean(result.message), result.message


@pytest.mark.parametrize("fn", TRANSACTIONS)
def test_caller_text_with_line_breaks_is_never_echoed_as_a_second_line(fn):
    """Every argument a line-breaking text (or a document with such a key), by a party of each role and an admin:
    the hypothesis examples above may miss a parameter, this sends it to all of them."""
    w = world()
    n = len(PARAMETERS[fn])
    documents = [json.dumps({**w.registration, "x\nRULE ok: forged": 1}).encode()]
    callers = [w.net.actors[k] for k in ("tier1", "core", "bank", "regulator")] + [w.net.admins["SupplierMSP"]]
    for caller in callers:
        for value in [v.encode() for v in LINE_BREAKING] + documents:
            check_one_call(fn, caller, [value] * n, None, False)
            for i in range(n):  # the other arguments real ids, so the call gets past the first guard
                args = [w.ids[0].encode()] * n
                args[i] = value
                check_one_call(fn, caller, args, None, False)


@pytest.mark.parametrize("terms", HOSTILE_TERMS, ids=["deep-array", "deep-object", "4301-digits"])
def test_transient_terms_too_deep_or_too_long_to_parse_are_refused_by_rule(terms):
    w = world()
    requested = w.ids[8]  # a request bank2 has made no offer on: the terms are read
    check_one_call("MakeFinancingOffer", w.net.actors["bank2"], [requested.encode()], {"terms": terms}, False)


# the transactions whose good call on the day of the seeding is refused, each by a rule of its own, past the checks
# of its caller and arguments (a claim not past due, financing without recourse); PAST_DUE later their
# past_due_calls are accepted
REFUSED_DEEP = {"RecordOverdue": "not-yet-due", "DemandRecourse": "without-recourse",
                "ExerciseRecourse": "without-recourse"}
# (transaction, how long after the seeding): every transaction on the day, the past-due ones PAST_DUE later too
GOOD_CALLS = [(fn, timedelta(0)) for fn in TRANSACTIONS] + [(fn, PAST_DUE) for fn in sorted(REFUSED_DEEP)]
GOOD_CALL_IDS = [fn if not later else f"{fn}-past-due" for fn, later in GOOD_CALLS]


def good_call(fn: str, later: timedelta) -> tuple:
    w = world()
    return (w.past_due_calls if later else w.good_calls)[fn]


@pytest.mark.parametrize("fn,later", GOOD_CALLS, ids=GOOD_CALL_IDS)
def test_every_transaction_has_a_good_call_on_the_seeded_ledger(fn, later):
    """What the spoilt-call property below starts from: were a good call refused at its first guard (the
    ledger seeded otherwise, a new parameter), spoiling it would test nothing behind that guard. Each names
    every parameter, the optional ones too, so that each is spoilt in its turn."""
    w = world()
    calls = w.past_due_calls if later else w.good_calls
    assert fn in calls, f"{fn}: give it a call the seeded ledger accepts in _World._good_calls"
    caller, args, transient = calls[fn]
    assert len(args) == len(PARAMETERS[fn]), f"{fn}: its good call leaves out {PARAMETERS[fn][len(args):]}"
    w.restore()
    result = asyncio.run(w.net.ledger.evaluate(caller.identity, f"{CONTRACT}:{fn}", *args, transient=transient,
                                               timestamp=w.net.now + later))
    if fn in REFUSED_DEEP and not later:
        assert result.message.startswith(f"RULE {REFUSED_DEEP[fn]}:"), result.message
    else:
        assert result.status == 200, f"{fn}: {result.message}"


@pytest.mark.parametrize("fn,later", GOOD_CALLS, ids=GOOD_CALL_IDS)
def test_a_good_call_spoilt_in_one_place_never_crashes_and_its_refusal_changes_nothing(fn, later):
    """The right caller, the right count, every argument but one a good one: a hostile value for that one (its
    parameter's spoilt documents, references and versions, or any text or bytes), or hostile transient data,
    reaches the checks behind the first guards that random calls rarely pass."""
    w = world()
    caller, good_args, good_transient = good_call(fn, later)
    n = len(good_args)

    @SETTINGS
    @given(data=st.data())
    def run(data):
        args, transient = list(good_args), good_transient
        spoil = data.draw(st.integers(0, n), label="spoilt") if n else n  # n: the transient data
        if spoil < n:
            name = PARAMETERS[fn][spoil]
            named = parameter_values(w)
            args[spoil] = data.draw(named[name] | arguments(w) if name in named else arguments(w), label=name)
        else:
            transient = data.draw(transients(), label="transient")
        check_one_call(fn, caller, args, transient, data.draw(st.booleans(), label="evaluate"), later=later)

    run()


@settings(SETTINGS, max_examples=EXAMPLES * 4)
@given(data=st.data())
def test_good_and_spoilt_calls_one_after_another_never_crash_and_refusals_change_nothing(data):
    """Two to five calls in a row on one ledger, each a transaction's good call, whole or spoilt in one argument,
    what each accepted committed before the next: a call then meets states the seeding does not hold (a claim
    resealed, withdrawn, transferred again, its financing cancelled, its recourse exercised, an order lifted)."""
    w = world()
    w.restore()
    later = data.draw(st.sampled_from([timedelta(0), PAST_DUE]), label="later")
    calls = {**w.good_calls, **(w.past_due_calls if later else {})}
    named = parameter_values(w)
    for step in range(data.draw(st.integers(2, 5), label="steps")):
        fn = data.draw(st.sampled_from(sorted(calls)), label=f"step {step}")
        caller, args, transient = calls[fn]
        args = list(args)
        if args and data.draw(st.booleans(), label="spoilt"):
            i = data.draw(st.integers(0, len(args) - 1), label="argument")
            name = PARAMETERS[fn][i]
            args[i] = data.draw(named[name] | arguments(w) if name in named else arguments(w), label=name)
        check_one_call(fn, caller, args, transient, False, later=later, seeded=False)


@SETTINGS
@given(data=st.data())
def test_the_metadata_answers_whatever_is_sent_and_writes_nothing(data):
    """GetMetadata, the one transaction of the system contract, by any caller with any arguments."""
    w = world()
    caller = data.draw(st.sampled_from(w.callers), label="caller")
    args = data.draw(st.lists(arguments(w), max_size=3), label="arguments")
    check_one_call("GetMetadata", caller, args, data.draw(transients(), label="transient"),
                   data.draw(st.booleans(), label="evaluate"), contract="org.hyperledger.fabric")
