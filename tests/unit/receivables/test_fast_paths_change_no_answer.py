"""The contract's caches and fast paths change no answer: random sequences of transactions are endorsed twice on
the same ledger, once as shipped and once with every cache and fast path replaced by the plain reading it stands
for, and the two endorsements must agree in everything a peer would see of them: status, message, payload,
event, read set, range reads and writes (values and key-level policies alike). The shipped one is committed
and the sequence goes on from it, so the process-wide caches stay warm over records that change, are tampered
with by two orgs outside the contract, or copied under another key.

The fast paths replaced (each by the code it shortens):

- ``store_offers._kept_offer_status``, the status kept for an offer's stored value and id;
- ``StoreBase.read_ahead``, a claim read ahead handed to the transaction's next read of its key;
- ``store_base._own_key_field``, the field a record names its key by, kept per model;
- ``keys.can_be_attribute`` and the shim's key check (``_stub._require``), which take ASCII text as having a
  UTF-8 form without encoding it.

On every step it also holds what every transaction promises (docs/receivables.md): a refused call emits no
event, a call that changes the ledger sets one event (never one over another) naming the receivable it was
called on, a read writes nothing, and the regulator changes nothing but freeze state."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import random
import types

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaincode.receivables import keys, store_base, store_offers
from chaincode.receivables.model import DiscountTerms
from chaincode.receivables.store_base import readable_record
from chaincode.shim import _composite as composite
from chaincode.shim import _stub
from chaincode.testing import _proposals
from chaincode.testing._ledger import VALID

from .support import START, Actor, Net, standard_net, terms


def _plain_require(value: str, what: str) -> None:
    composite.require_str(value, what)
    if not value:
        raise _stub.InvalidValue(f"{what} must not be an empty string")
    composite.validate_utf8(value, what)


def _plain_can_be_attribute(value: str) -> bool:
    if any(delimiter in value for delimiter in keys.KEY_DELIMITERS):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def _plain_read_ahead(self, model, object_type, attributes):
    if (key := self.key_or_none(object_type, *attributes)) is None:
        return None
    return readable_record(model, await self.stub.get_state(key), object_type, attributes)


_PLAIN = ((store_offers, "_kept_offer_status", store_offers._read_offer_status),
          (store_base.StoreBase, "read_ahead", _plain_read_ahead),
          (store_base, "_own_key_field", store_base._own_key_field.__wrapped__),
          (keys, "can_be_attribute", _plain_can_be_attribute),
          (_stub, "_require", _plain_require))


@contextlib.contextmanager
def _plain_paths():
    kept = [(owner, name, getattr(owner, name)) for owner, name, _ in _PLAIN]
    for owner, name, plain in _PLAIN:
        setattr(owner, name, plain)
    try:
        yield
    finally:
        for owner, name, shipped in kept:
            setattr(owner, name, shipped)


@contextlib.contextmanager
def _nonce(seed: bytes):
    """Both endorsements of a step get the same transaction id (ids the contract derives from it agree)."""
    kept = _proposals.os
    _proposals.os = types.SimpleNamespace(urandom=lambda n: hashlib.sha256(seed).digest()[:n])
    try:
        yield
    finally:
        _proposals.os = kept


@contextlib.contextmanager
def _events_set():
    """The names of the events a transaction sets, in order."""
    named: list[str] = []
    shipped = _stub.ChaincodeStub.set_event

    def set_event(stub, name, payload):
        named.append(name)
        return shipped(stub, name, payload)

    _stub.ChaincodeStub.set_event = set_event
    try:
        yield named
    finally:
        _stub.ChaincodeStub.set_event = shipped


def _seen(endorsement) -> tuple:
    return (endorsement.result, endorsement.timestamp, endorsement.writes, endorsement.reads,
            [(r.start, r.end, list(r.rows), getattr(r, "exhausted", None)) for r in endorsement.range_reads])


class Differential:
    def __init__(self, net: Net) -> None:
        self.net = net
        self.calls = 0
        self.steps: list[str] = []
        self.financings: list[tuple[str, str]] = []   # (financing id, claim id)
        self.offers: list[tuple[str, str]] = []       # (offer id, financing id)
        self.discounts: list[str] = []
        # the claims in the order they came to be (their ids derive from random transaction ids, so no order of
        # the ids would draw the same claims from one run of a sequence to the next)
        self.order: list[str] = []

    async def endorse_both(self, actor: Actor, fn: str, args: list[str], transient: dict | None):
        self.calls += 1
        seed = f"{self.calls}".encode()
        ledger, when = self.net.ledger, self.net.now
        with _nonce(seed), _events_set() as events:
            shipped = await ledger.endorse(actor.identity, f"receivables:{fn}", *args, transient=transient or {},
                                           timestamp=when)
        with _nonce(seed), _plain_paths():
            plain = await ledger.endorse(actor.identity, f"receivables:{fn}", *args, transient=transient or {},
                                         timestamp=when)
        assert _seen(shipped) == _seen(plain), f"{fn}{tuple(args)} by {actor.name}: a fast path changed the answer"
        # Fabric keeps a transaction's last event only: one set over another would be lost without a word
        assert len(events) <= 1, f"{fn} set {len(events)} events: {events}"
        return shipped

    async def call(self, who: str, fn: str, *args, transient: dict | None = None, query: bool = False):
        actor = self.net.actors[who]
        strargs = [a if isinstance(a, str) else json.dumps(a) for a in args]
        if fn == "AcceptFinancingOffer":
            read = (await self.endorse_both(actor, "GetOfferTerms", strargs[:1], None)).result
            transient = {"terms": read.payload} if read.status == 200 else {}
        if fn == "AcceptDiscountOffer":
            read = (await self.endorse_both(actor, "GetDiscountOffer", strargs, None)).result
            if read.status == 200:
                strargs.append(DiscountTerms.as_read(json.loads(read.payload)))
        endorsement = await self.endorse_both(actor, fn, strargs, transient)
        result = endorsement.result
        self.steps.append(f"{self.net.today} {who} {fn}{tuple(strargs)} -> {result.status} {result.message[:120]}")
        if result.status != 200:
            assert result.event is None, f"refused {fn} emitted {result.event}"
            return None
        if query:
            assert not endorsement.writes, f"the read {fn} wrote {endorsement.writes}"
        else:
            # the regulator reads everything and changes only freeze state
            assert who != "regulator" or fn in ("FreezeReceivable", "UnfreezeReceivable"), f"the regulator ran {fn}"
            if any(not w.collection for w in endorsement.writes):
                assert result.event is not None, f"{fn} changed the ledger without an event"
                if (claim_id := self.claim_called_on(fn, strargs)) is not None:
                    named = json.loads(result.event[1])["receivable_id"]
                    assert named == claim_id, f"{fn}'s event names {named}, not {claim_id}"
            assert self.net.ledger.commit(endorsement) == VALID
        return json.loads(result.payload) if result.payload else {}

    def claim_called_on(self, fn: str, args: list[str]) -> str | None:
        """The claim a transaction changes, named by its first argument: the claim, its financing or an offer."""
        financed = dict(self.financings)
        if fn in _ON_A_CLAIM:
            return args[0]
        if fn in _ON_A_FINANCING:
            return financed.get(args[0])
        if fn in _ON_AN_OFFER:
            return financed.get(dict(self.offers).get(args[0], ""))
        return None

    # -- what the sequence draws from
    def claims(self) -> list[dict]:
        docs, known = [], set(self.order)
        for claim_id in self.order:   # grows while read: each split's parts follow their parent, in its order
            try:
                docs.append(self.net.doc(claim_id))
            except ValueError:   # two orgs wrote no record there ("tamper-claim")
                continue
            for child in docs[-1]["children"]:
                if child not in known:
                    known.add(child)
                    self.order.append(child)
        return docs

    def name_of(self, uscc: str) -> str:
        return next(name for name, a in self.net.actors.items() if a.uscc == uscc)


# transactions whose first argument is the claim they change, which their event must name
_ON_A_CLAIM = {"ConfirmReceivable", "RejectReceivable", "TransferReceivable", "RecordPayment", "RecordOverdue",
               "FreezeReceivable", "UnfreezeReceivable", "RequestFinancing"}
_ON_A_FINANCING = {"MakeFinancingOffer", "RecordDisbursement", "RecordRepayment", "CancelFinancing",
                   "WithdrawFinancing"}
_ON_AN_OFFER = {"AcceptFinancingOffer", "WithdrawFinancingOffer"}

# the steps drawn, weighted by repetition: financing most, as the kept offer statuses and the claim read ahead
# serve it
OPERATIONS = ("burst", "burst", "accept", "accept", "disburse", "disburse", "register", "register", "request",
              "request", "request", "request", "confirm", "reject", "split", "transfer", "offer", "offer",
              "withdraw-offer", "pay", "repay", "freeze", "unfreeze", "overdue", "advance", "discount",
              "accept-discount", "tamper-offer", "tamper-claim", "cancel", "withdraw-request", "acknowledge",
              "odd-id", "query", "query", "page")
WHO = ("core", "core2", "tier1", "tier2", "bank", "bank2", "regulator")


async def _step(d: Differential, rnd: random.Random) -> None:
    op = rnd.choice(OPERATIONS)
    net, claims = d.net, d.claims()
    # the party a step belongs to, or now and then another one (each refusal is compared too)
    def caller(rightful: str) -> str:
        return rnd.choice((rightful,) * 12 + WHO)
    if op == "burst":
        # claims on one debtor financed at once: each bank's next offer there reads all its offers open there,
        # which the steps between change (accepted, withdrawn, lapsed, rewritten by two orgs)
        debtor = rnd.choice(("core", "core2"))
        for _ in range(rnd.randint(1, 3)):
            r = await d.call("tier1", "RegisterReceivable",
                             net.registration(net.actors["tier1"], net.actors[debtor], 1000_00, due_in=60))
            d.order.append(r["id"])
            await d.call(debtor, "ConfirmReceivable", r["id"])
            f = await d.call("tier1", "RequestFinancing", r["id"])
            d.financings.append((f["id"], r["id"]))
            for bank in rnd.choice((("bank",), ("bank", "bank2"), ("bank2",))):
                offered = terms(salt=f"{d.calls:016d}", expires_on=net.day(rnd.choice((2, 30))))
                o = await d.call(bank, "MakeFinancingOffer", f["id"], transient={"terms": json.dumps(offered).encode()})
                if o:
                    d.offers.append((o["id"], f["id"]))
        return
    if op == "register" or not claims:
        creditor, debtor = rnd.choice(("tier1", "tier2")), rnd.choice(("core", "core2"))
        face = rnd.choice((1, 7, 999, 100_00, 1_000_000_00))
        req = net.registration(net.actors[creditor], net.actors[debtor], face,
                               due_in=rnd.choice((10, 30, 90, 90)))
        if (r := await d.call(creditor, "RegisterReceivable", req)) is not None:
            d.order.append(r["id"])
            if rnd.randint(0, 9) < 8:
                await d.call(debtor, "ConfirmReceivable", r["id"])
        return
    if op == "request":   # mostly a claim that can be financed, so that banks gather offers on a debtor
        open_to_it = [c for c in claims if c["status"] == "CONFIRMED" and not c["financing_id"] and not c["frozen"]]
        claims = open_to_it if open_to_it and rnd.randint(0, 3) < 3 else claims
    c = rnd.choice(claims)
    holder, debtor = d.name_of(c["holder"]), d.name_of(c["debtor"])
    other = "tier2" if holder == "tier1" else "tier1"
    if op == "confirm":
        await d.call(caller(debtor), "ConfirmReceivable", c["id"])
    elif op == "reject":
        await d.call(caller(debtor), "RejectReceivable", c["id"], "not delivered")
    elif op in ("split", "transfer"):
        owed = c["outstanding"]
        amount = owed if op == "transfer" else rnd.choice((1, owed // 3, owed - 1, owed + 1))
        await d.call(caller(holder), "TransferReceivable", c["id"], net.actors[other].uscc, str(amount))
    elif op == "request":
        f = await d.call(caller(holder), "RequestFinancing", c["id"])
        if f:
            d.financings.append((f["id"], c["id"]))
            # a bank's offers on a debtor read each of its open offers there: the kept statuses' use
            for bank in rnd.choice((("bank",), ("bank", "bank2"), ())):
                offered = terms(salt=f"{d.calls:016d}", expires_on=net.day(30))
                o = await d.call(bank, "MakeFinancingOffer", f["id"], transient={"terms": json.dumps(offered).encode()})
                if o:
                    d.offers.append((o["id"], f["id"]))
    elif op == "offer" and d.financings:
        financing_id, _ = rnd.choice(d.financings)
        bank = rnd.choice(("bank", "bank2", "bank", "tier1"))
        offered = terms(discount_rate=rnd.choice(("0.036", "0.05", "0.1")),
                        salt=f"{d.calls:016d}", expires_on=net.day(rnd.choice((0, 5, 60))))
        o = await d.call(bank, "MakeFinancingOffer", financing_id,
                         transient={"terms": json.dumps(offered).encode()})
        if o:
            d.offers.append((o["id"], financing_id))
    elif op == "accept" and d.offers:
        still_open = [(o, f) for o, f in d.offers
                      if json.loads(net.ledger.state.get(net._key(keys.OFFER, o), b"{}")).get("status") == "OPEN"]
        offer_id, financing_id = rnd.choice(still_open if still_open and rnd.random() < 0.8 else d.offers)
        claim_id = dict(d.financings)[financing_id]
        await d.call(caller(d.name_of(json.loads(net.ledger.state[net._key(keys.RECEIVABLE, claim_id)])["holder"])),
                     "AcceptFinancingOffer", offer_id)
    elif op == "withdraw-offer" and d.offers:
        offer_id, _ = rnd.choice(d.offers)
        await d.call(rnd.choice(("bank", "bank2")), "WithdrawFinancingOffer", offer_id, "rates moved")
    elif op in ("disburse", "repay") and d.financings:
        financing_id, _ = rnd.choice(d.financings)
        bank = rnd.choice(("bank", "bank2"))
        if op == "disburse":
            accepted = [doc for o, f in d.offers if f == financing_id
                        and (doc := json.loads(net.ledger.state.get(net._key(keys.OFFER, o), b"{}"))).get("status")
                        == "ACCEPTED"]
            if not accepted:
                return
            # the accepted offer's own terms, as its bank holds them
            bank = d.name_of(accepted[0]["financier"])
            read = await d.call(bank, "GetOfferTerms", accepted[0]["id"], query=True)
            transient = {"terms": json.dumps(read).encode()} if read else {}
            await d.call(bank, "RecordDisbursement", financing_id, transient=transient)
        else:
            await d.call(bank, "RecordRepayment", financing_id)
    elif op == "cancel" and d.financings:
        financing_id, claim_id = rnd.choice(d.financings)
        holder_now = d.name_of(net.doc(claim_id)["holder"])
        await d.call(rnd.choice(("bank", "bank2", holder_now)), "CancelFinancing", financing_id,
                     "terms no longer needed")
    elif op == "withdraw-request" and d.financings:
        financing_id, claim_id = rnd.choice(d.financings)
        await d.call(caller(d.name_of(net.doc(claim_id)["holder"])), "WithdrawFinancing", financing_id)
    elif op == "acknowledge" and c["notice_id"]:
        await d.call(caller(debtor), "AcknowledgeAssignment", c["notice_id"])
    elif op == "pay":
        owed = c["outstanding"]
        amount = rnd.choice((1, max(owed // 3, 1), owed, owed + 1))
        await d.call(caller(debtor), "RecordPayment", c["id"], str(amount))
    elif op == "freeze":
        await d.call(caller("regulator"), "FreezeReceivable", c["id"], "(2026) Hu 01 Zhi Bao 7")
    elif op == "unfreeze" and c.get("frozen"):
        await d.call(caller("regulator"), "UnfreezeReceivable", c["id"], "(2026) Hu 01 Zhi Jie 3",
                     c["frozen"]["order_reference"])
    elif op == "overdue":
        await d.call(rnd.choice((debtor, holder, "bank")), "RecordOverdue", c["id"])
    elif op == "advance":
        net.advance(days=rnd.choice((1, 3, 7, 20, 45)), hours=rnd.choice((0, 15.9, 16.1)))
        d.steps.append(f"advance to {net.now}")
    elif op == "discount":
        offer = {"apr": rnd.choice(("0.05", "0.12")), "expires_on": net.day(20)}
        published = await d.call(caller(debtor), "PublishDiscountOffer", offer)
        if published:
            d.discounts.append(published["id"])
    elif op == "accept-discount" and d.discounts:
        await d.call(caller(holder), "AcceptDiscountOffer", rnd.choice(d.discounts), c["id"])
    elif op == "tamper-offer" and d.offers:
        # two orgs rewrite an offer outside the contract: the same record spelt otherwise, another status, or
        # another offer's value copied over it; the status kept for the old value must not answer for the new
        offer_id, _ = rnd.choice(d.offers)
        key = net._key(keys.OFFER, offer_id)
        if key in net.ledger.validation_parameters or key not in net.ledger.state:
            return
        doc = json.loads(net.ledger.state[key])
        how = rnd.choice(("respelt", "lapsed", "opened", "copied"))
        if how == "copied":
            source, _ = rnd.choice(d.offers)
            value = net.ledger.state.get(net._key(keys.OFFER, source), net.ledger.state[key])
        else:
            status = {"lapsed": "LAPSED", "opened": "OPEN"}.get(how, doc["status"])
            value = json.dumps({**doc, "status": status}, indent=1).encode()
        net.ledger.state[key] = value
        d.steps.append(f"tamper {offer_id} {how}")
    elif op == "tamper-claim":
        # the debtor's and the holder's orgs, whose key-level policy guards a claim no bank finances, rewrite it
        # outside the contract: the same record spelt otherwise, another claim's value copied over it, an amount
        # changed, or no record at all; a claim read ahead must be refused or read as its own read would
        key = net._key(keys.RECEIVABLE, c["id"])
        if c["financing_id"]:
            return
        how = rnd.choice(("respelt", "copied", "garbage", "outstanding"))
        if how == "copied":
            value = json.dumps(rnd.choice(claims)).encode()
        elif how == "garbage":
            value = b'{"doc_type": "receivable"'
        elif how == "outstanding":
            value = json.dumps({**c, "outstanding": c["outstanding"] + 1}).encode()
        else:
            value = json.dumps(c, indent=2).encode()
        net.ledger.state[key] = value
        d.steps.append(f"tamper {c['id']} {how}")
    elif op == "odd-id":
        # ids no key is formed of, or of text beyond ASCII, where the key checks' ASCII fast paths end
        odd = rnd.choice(("", "\x00", "R-\x00x", "R-x\U0010ffff", "R-é", c["id"] + ".é", "é" * 3, c["id"] + "\t"))
        fn = rnd.choice(("GetReceivable", "GetReceivableHistory", "GetProvenance", "ConfirmReceivable",
                         "RequestFinancing", "GetFinancing", "GetOfferTerms", "RecordPayment"))
        await d.call(rnd.choice(WHO), fn, odd, *(["1"] if fn == "RecordPayment" else []),
                     query=fn.startswith("Get"))
    elif op == "query":
        fn = rnd.choice(("GetReceivable", "GetReceivableHistory", "GetProvenance", "GetReceivableEndorsers"))
        await d.call(rnd.choice(WHO), fn, c["id"], query=True)
        await d.call("regulator", "GetStatistics", query=True)
        await d.call("bank", "GetFinancierExposure", c["debtor"], query=True)
    elif op == "page":
        which = rnd.choice(("holder", "debtor", "status"))
        fn, value = {"holder": ("ListReceivablesByHolder", c["holder"]),
                     "debtor": ("ListReceivablesByDebtor", c["debtor"]),
                     "status": ("ListReceivablesByStatus", c["status"])}[which]
        who = {"holder": holder, "debtor": debtor, "status": "regulator"}[which]
        page = await d.call(who, fn, value, "1", "", query=True)
        bookmark = (page or {}).get("bookmark") or ""
        # the bookmark as given, tampered with, and handed to another list
        for sent in (bookmark, bookmark[:-1] + ("A" if bookmark[-1:] != "A" else "B"), bookmark[::-1]):
            await d.call(who, fn, value, "2", sent, query=True)
        await d.call(who, "ListReceivablesByStatus", "CONFIRMED", "2", bookmark, query=True)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, 2**32 - 1))
def test_caches_and_fast_paths_change_no_answer_over_random_sequences(seed):
    async def run() -> None:
        d = Differential(await standard_net())
        d.net.now = START
        try:
            # the sequence drawn by a seeded generator, which reaches the financing paths (hypothesis's own
            # draws lean to their first choices, and seldom gather several offers of a bank on a debtor)
            rnd = random.Random(seed)
            for _ in range(rnd.randint(25, 50)):
                await _step(d, rnd)
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}: {exc}\nsteps:\n" + "\n".join(d.steps)) from None

    asyncio.run(run())
