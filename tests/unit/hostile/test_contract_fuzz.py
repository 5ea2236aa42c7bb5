"""Hostile input against every transaction of the receivables contract (property-based, reproducible).

The transactions come from GetMetadata, so a new one is fuzzed without a test
change. Each example restores a realistic ledger (parties, a confirmed claim, a
split, a financed and notified claim, a discount offer), then one random caller
(a member or admin of each org, an identity bound to no party, an identity of an
MSP the network does not know) sends a random argument list: wrong counts, huge
strings, bytes that are not UTF-8, JSON of the wrong shape, negative, float and
overflowing amounts, unicode, empty strings, and the real ids mixed in so some
calls get past the first guards. Properties:

- the call answers (no exception escapes the router or the runtime);
- a refusal (status 500) changes nothing: state, private state, key-level
  policies, history and committed events are equal before and after, and no event;
- every message is clean: one line, no traceback text, no module paths, no
  Python repr noise; a contract refusal starts ``RULE <code>: ``, and the only
  other refusals are the runtime's argument-conversion messages. Caller text
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

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaincode.contract import ContractRouter
from chaincode.receivables import ReceivablesContract
from chaincode.testing import make_identity

from ..receivables.support import SUPPLIER, Actor, client_identity, standard_net, transient_terms

CONTRACT = "receivables"
METADATA = ContractRouter([ReceivablesContract()]).metadata()["contracts"][CONTRACT]["transactions"]
TRANSACTIONS = sorted(t["name"] for t in METADATA)
PARAMETERS = {t["name"]: [p["name"] for p in t["parameters"]] for t in METADATA}

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


class _World:
    """The seeded network, built once; every example starts from a copy of its ledger."""

    def __init__(self) -> None:
        self.net = asyncio.run(self._seed())
        ledger = self.net.ledger
        self.saved = copy.deepcopy((ledger.state, ledger.private_state, ledger.validation_parameters,
                                    ledger.private_validation_parameters, ledger.history, ledger.events))

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
        d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
        self.ids = [confirmed["id"], registered["id"], split["id"], f"{split['id']}.1", f"{split['id']}.2",
                    financed["id"], requested["id"], f["id"], f2["id"], o["id"], notice, d["id"]]
        self.usccs = [a.uscc for a in net.actors.values() if a.uscc]
        self.registration = net.registration(tier1, core, 1_000_00)
        self.fingerprint = confirmed["invoices"][0]["fingerprint"]
        # callers: every party's member, every org's admin, an unbound identity, an unknown MSP's member and admin
        self.callers = [*net.actors.values(), *net.admins.values(),
                        Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger")),
                        Actor("outsider", "EvilMSP", make_identity("EvilMSP", "tier1-user")),
                        Actor("outsider-admin", "EvilMSP", make_identity("EvilMSP", "admin", ou="admin"))]
        return net

    def restore(self) -> None:
        ledger = self.net.ledger
        (ledger.state, ledger.private_state, ledger.validation_parameters, ledger.private_validation_parameters,
         ledger.history, ledger.events) = copy.deepcopy(self.saved)

    def everything(self) -> tuple:
        ledger = self.net.ledger
        return copy.deepcopy((ledger.state, ledger.private_state, ledger.validation_parameters,
                              ledger.private_validation_parameters, ledger.history, ledger.events))


_world: _World | None = None


def world() -> _World:
    global _world
    if _world is None:
        _world = _World()
    return _world


# ---------------------------------------------------------------- argument strategies

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


def _registration_variants(base: dict):
    def mutate(draw_key, value):
        doc = copy.deepcopy(base)
        if draw_key in doc:
            doc[draw_key] = value
        else:
            doc.pop(next(iter(doc)), None)
        return doc

    keys = st.sampled_from([*base, "invoices", "face_amount", "<missing>"])
    return st.builds(mutate, keys, json_values | amount_texts)


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
        _registration_variants(w.registration).map(lambda v: json.dumps(v).encode()),
        st.just(json.dumps(w.registration).encode()),
        st.just(json.dumps({**w.registration, "x\nRULE ok: forged": 1}).encode()),
        st.just(b"\xff\xfe" * 50_000),
    )
    return encoded


def transients():
    return st.one_of(
        st.none(),
        st.just({"terms": json.dumps({"advance_rate": "0.9", "discount_rate": "0.036", "fees": 0,
                                      "recourse": False, "day_count": "ACT/360", "expires_on": "2026-12-31",
                                      "salt": "s" * 16}).encode()}),
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
    return problems


class _Escaped(logging.Handler):
    """Records the runtime's 'this is a bug' logs (logger.exception) while an example runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def check_one_call(fn: str, caller: Actor, args: list[bytes], transient, evaluate: bool) -> None:
    w = world()
    w.restore()
    before = w.everything()
    handler = _Escaped()
    log = logging.getLogger("chaincode")
    log.addHandler(handler)
    try:
        run = w.net.ledger.evaluate if evaluate else w.net.ledger.submit
        result = asyncio.run(run(caller.identity, f"{CONTRACT}:{fn}", *args, transient=transient,
                                 timestamp=w.net.now))
    finally:
        log.removeHandler(handler)
    shown = f"{fn} by {caller.name} with {[a[:60] for a in args]!r}"
    assert not handler.records, f"{shown}: the runtime logged an error: {handler.records[0].getMessage()}"
    assert result.status in (200, 500), shown
    if result.status == 200:
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


@pytest.mark.parametrize("fn", TRANSACTIONS)
def test_hostile_arguments_never_crash_and_refusals_change_nothing(fn):
    w = world()
    n = len(PARAMETERS[fn])

    @SETTINGS
    @given(data=st.data())
    def run(data):
        caller = data.draw(st.sampled_from(w.callers), label="caller")
        count = data.draw(st.integers(0, n + 2) | st.just(n), label="count")
        args = data.draw(st.lists(arguments(w), min_size=count, max_size=count), label="args")
        transient = data.draw(transients(), label="transient")
        evaluate = data.draw(st.booleans(), label="evaluate")
        check_one_call(fn, caller, args, transient, evaluate)

    run()


def test_every_transaction_of_the_metadata_is_fuzzed():
    assert len(TRANSACTIONS) >= 30 and "TransferReceivable" in TRANSACTIONS
    assert {"GetMetadata"} & set(TRANSACTIONS) == set()


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
