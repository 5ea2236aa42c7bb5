"""Test support: a small network of parties on the MemoryLedger, and helpers that assert on outcomes.

``Net`` drives the contract the way clients would: each call names an actor
(a client identity), a transaction and its string arguments, at a transaction
timestamp the test controls. ``net.ok`` asserts success and returns the JSON
result; ``net.refused`` asserts the rule code and that nothing was written.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from chaincode.receivables import uscc
from chaincode.testing._policies import policy_orgs, signers_satisfy
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.receivables.model import DiscountTerms

CORE, SUPPLIER, BANK, REGULATOR = "CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"
START = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing on 2 March 2026



def credit_code(n: int, region: str = "310000") -> str:
    """A valid credit code (GB 32100-2015 check character) numbered ``n``."""
    body = f"91{region}{n:08d}X"
    return body + uscc.check_character(body)


def contract_hash(text: str = "trade contract") -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Actor:
    name: str
    msp: str
    identity: Any
    uscc: str | None = None
    role: str | None = None


def admin_identity(msp: str, name: str) -> Any:
    from chaincode.testing import make_identity

    return make_identity(msp, name, ou="admin")


def client_identity(msp: str, name: str) -> Any:
    from chaincode.testing import make_identity

    return make_identity(msp, name)


class Net:
    """The ledger, the actors, the clock."""

    def __init__(self, config: NetworkConfig = DEFAULT_CONFIG) -> None:
        from chaincode.receivables import ReceivablesContract
        from chaincode.receivables.collections import collections_config
        from chaincode.testing import MemoryLedger

        self.contract = ReceivablesContract(config)
        # the collections the deployment defines, so a private read or write the peer would refuse fails here
        self.ledger = MemoryLedger(contracts=[self.contract], collections=collections_config(config))
        self.now = START
        self.admins = {msp: Actor(f"admin@{msp}", msp, admin_identity(msp, f"admin-{msp}")) for msp in config.org_roles}
        self.actors: dict[str, Actor] = {}
        self.results: list[tuple[str, bytes]] = []  # (transaction, payload) of every successful call
        self._n = 0
        # the public keys the last committed transaction wrote, each with the key-level policy in force before it
        self.last_writes: list[tuple[str, bytes | None]] = []
        commit = self.ledger._commit

        def recording_commit(tx_id, timestamp, writes, event):
            self.last_writes = [(w.key, self.ledger.validation_parameters.get(w.key)) for w in writes
                                if not w.collection]
            return commit(tx_id, timestamp, writes, event)

        self.ledger._commit = recording_commit

    # -- the clock
    def advance(self, days: int = 0, **kw: float) -> None:
        self.now += timedelta(days=days, **kw)

    @property
    def today(self) -> str:
        return (self.now + timedelta(hours=8)).date().isoformat()

    def day(self, offset: int) -> str:
        return ((self.now + timedelta(hours=8)).date() + timedelta(days=offset)).isoformat()

    # -- calling
    async def call(self, actor: Actor, fn: str, *args: Any, transient: dict | None = None, evaluate: bool = False):
        strargs = [a if isinstance(a, str) else json.dumps(a) for a in args]
        if fn == "AcceptFinancingOffer" and transient is None:
            # as the SDK does: the holder reads the offer's private terms from its own peer and passes them
            read = await self.ledger.evaluate(actor.identity, "receivables:GetOfferTerms", *strargs[:1],
                                              transient={}, timestamp=self.now)
            transient = {"terms": read.payload} if read.status == 200 else {}
        if fn == "AcceptDiscountOffer" and len(strargs) == 2:
            # as the SDK does: the holder reads the offer with its claim from its peer and passes its terms
            read = await self.ledger.evaluate(actor.identity, "receivables:GetDiscountOffer", *strargs,
                                              transient={}, timestamp=self.now)
            strargs += [DiscountTerms.as_read(json.loads(read.payload))] if read.status == 200 else []
        run = self.ledger.evaluate if evaluate else self.ledger.submit
        result = await run(actor.identity, f"receivables:{fn}", *strargs, transient=transient or {}, timestamp=self.now)
        if result.status == 200:
            self.results.append((fn, result.payload))
        return result

    async def endorsed(self, actor: Actor, fn: str, *args: Any, transient: dict | None = None):
        """``actor``'s call endorsed on the ledger as it stands, not committed (``ledger.commit`` validates it as a
        peer would)."""
        sent = [a if isinstance(a, str) else json.dumps(a) for a in args]
        endorsement = await self.ledger.endorse(actor.identity, f"receivables:{fn}", *sent,
                                                transient=transient or {}, timestamp=self.now)
        assert endorsement.result.status == 200, endorsement.result.message
        return endorsement

    async def ok(self, actor: Actor, fn: str, *args: Any, **kw: Any) -> Any:
        result = await self.call(actor, fn, *args, **kw)
        assert result.status == 200, f"{fn} by {actor.name} failed: {result.message}"
        return json.loads(result.payload) if result.payload else None

    def snapshot(self) -> tuple:
        return (dict(self.ledger.state), copy.deepcopy(getattr(self.ledger, "private_state", None)),
                dict(self.ledger.validation_parameters))

    async def refused(self, actor: Actor, fn: str, *args: Any, rule: str, **kw: Any) -> str:
        before = self.snapshot()
        result = await self.call(actor, fn, *args, **kw)
        assert result.status != 200, f"{fn} by {actor.name} succeeded, expected RULE {rule}"
        marker = f"RULE {rule}:" if rule else "RULE "
        assert marker in result.message, f"expected {marker!r}, got: {result.message}"
        assert self.snapshot() == before, "a rejected call changed the ledger"
        assert result.event is None
        return result.message

    def writes_not_endorsed(self, *endorsers: str) -> list[tuple[str, list[str]]]:
        """The public keys the last committed transaction wrote (a value, a deletion or a key-level policy)
        whose key-level policy in force the peers of ``endorsers`` do not satisfy, each once with the orgs the
        policy names: Fabric's validator invalidates a transaction only they endorsed that writes any of them.
        Which orgs' peers must endorse, after the fact and key by key, by the ledger's evaluation; a test that
        wants the validator's verdict on every policy, private keys' and collections' too, commits an
        endorsement with ``net.ledger.commit(endorsement, endorsers=...)``."""
        refused: dict[str, list[str]] = {}
        for key, policy in self.last_writes:
            if policy is not None and key not in refused and not _peers_satisfy(policy, endorsers):
                refused[key] = policy_orgs(policy)
        return list(refused.items())

    # -- parties
    async def party(self, key: str, msp: str, role: str, name: str | None = None) -> Actor:
        self._n += 1
        ident = client_identity(msp, f"{key}-user")
        code = credit_code(self._n)
        actor = Actor(key, msp, ident, code, role)
        await self.ok(self.admins[msp], "RegisterParty",
                      {"uscc": code, "name": name or key, "role": role, "msp_id": msp, "client_ids": [ident.id]})
        self.actors[key] = actor
        return actor

    # -- receivables
    def registration(self, creditor: Actor, debtor: Actor, face: int = 100_000_00, *, due_in: int = 90,
                     invoice_no: str | None = None, **over: Any) -> dict:
        self._n += 1
        # a fully digitalised e-invoice number (20 digits), opening with its issue year's last two digits
        number = invoice_no or f"{self.today[2:4]}442{self._n:015d}"
        req = {
            "debtor": debtor.uscc, "face_amount": face, "currency": "CNY",
            "issue_date": self.today, "due_date": self.day(due_in),
            "invoices": [{"number": number, "date": self.today, "amount": face, "tax": face * 13 // 100,
                          "seller_tax_id": creditor.uscc, "buyer_tax_id": debtor.uscc}],
            "contract_hash": contract_hash(),
        }
        req.update(over)
        if req["currency"] != "CNY":  # a claim in another currency: its invoices say they are in it too
            req["invoices"] = [{**invoice, "currency": req["currency"]} for invoice in req["invoices"]]
        return req

    async def registered(self, creditor: Actor, debtor: Actor, face: int = 100_000_00, **kw: Any) -> dict:
        return await self.ok(creditor, "RegisterReceivable", self.registration(creditor, debtor, face, **kw))

    async def registered_in_year_9999(self, creditor: Actor, debtor: Actor, face: int, *, due_date: str) -> dict:
        """``creditor``'s claim on ``debtor``, issued 9999-03-01 and due ``due_date``, registered on 9999-06-01: a
        claim in the calendar's last year, which has no day a year (or a day) after some of its dates."""
        self.now = datetime(9999, 6, 1, 2, tzinfo=timezone.utc)
        req = self.registration(creditor, debtor, face, issue_date="9999-03-01", due_date=due_date)
        req["invoices"][0]["date"] = "9999-03-01"
        return await self.ok(creditor, "RegisterReceivable", req)

    async def confirmed(self, creditor: Actor, debtor: Actor, face: int = 100_000_00, **kw: Any) -> dict:
        r = await self.registered(creditor, debtor, face, **kw)
        return await self.ok(debtor, "ConfirmReceivable", r["id"])

    async def offered(self, holder: Actor, claim_id: str, bank: Actor | None = None, *,
                      terms: dict | None = None) -> tuple[dict, dict]:
        """``holder``'s financing request on ``claim_id`` and ``bank``'s (the bank actor unless given) open offer on
        it, on ``terms`` (:func:`transient_terms` unless given)."""
        f = await self.ok(holder, "RequestFinancing", claim_id)
        bank, terms = bank or self.actors["bank"], terms or transient_terms()
        return f, await self.ok(bank, "MakeFinancingOffer", f["id"], transient=terms)

    async def financed(self, holder: Actor, claim_id: str, bank: Actor | None = None, *, terms: dict | None = None,
                       disburse: bool = True) -> dict:
        """``claim_id`` financed for ``holder`` by ``bank`` (the bank actor unless given) on ``terms``
        (:func:`transient_terms` unless given): requested, offered, accepted and, unless told not, disbursed. The
        financing as the last step returned it."""
        bank, terms = bank or self.actors["bank"], terms or transient_terms()
        f, o = await self.offered(holder, claim_id, bank, terms=terms)
        accepted = await self.ok(holder, "AcceptFinancingOffer", o["id"])
        return await self.ok(bank, "RecordDisbursement", f["id"], transient=terms) if disburse else accepted

    async def claims_whose_financing_can_still_end(self, holder: Actor, debtor: Actor, *,
                                                   due_in: int) -> tuple[dict, dict]:
        """Two of ``holder``'s confirmed claims on ``debtor`` (1,000.00, due in ``due_in`` days) whose financing the
        holder can still end: one with a financing requested, one with a financing accepted but not disbursed."""
        requested = await self.confirmed(holder, debtor, 1000_00, due_in=due_in)
        await self.ok(holder, "RequestFinancing", requested["id"])
        accepted = await self.confirmed(holder, debtor, 1000_00, due_in=due_in)
        await self.financed(holder, accepted["id"], disburse=False)
        return requested, accepted

    def doc(self, receivable_id: str) -> dict:
        from chaincode.receivables import keys

        key = self._key(keys.RECEIVABLE, receivable_id)
        return json.loads(self.ledger.state[key])

    def registered_copy(self, receivable_id: str, **fields: Any) -> dict:
        """The claim's record as its creditor registered it, before confirmation and financing (REGISTERED, no
        goods receipts, no financing, financier or confirmation date), with ``fields`` over it: a copy to
        plant (``plant``)."""
        copied = {**self.doc(receivable_id), "status": "REGISTERED", "goods_receipts": [], **fields}
        for field in ("financing_id", "financier", "financier_msp", "confirmed_on"):
            copied.pop(field, None)
        return copied

    def plant(self, record: dict, object_type: str, *attrs: str) -> None:
        """Write ``record`` under a key nobody has written yet, as any two orgs running altered chaincode can
        under the chaincode-level policy alone: no transaction of this contract, no key-level policy."""
        self.ledger.state[self._key(object_type, *attrs)] = json.dumps(record, sort_keys=True).encode()

    def store_as_earlier(self, receivable_id: str, *fields: str) -> None:
        """The claim's stored values, in the state and every write of its history, as an earlier contract version
        left them: without ``fields``, which came after it, in the bytes the contract writes."""
        from chaincode.receivables import keys

        def as_earlier(value: bytes) -> bytes:
            stored = {k: v for k, v in json.loads(value).items() if k not in fields}
            return json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

        key = self._key(keys.RECEIVABLE, receivable_id)
        self.ledger.state[key] = as_earlier(self.ledger.state[key])
        self.ledger.history[key] = [dataclasses.replace(m, value=as_earlier(m.value)) for m in self.ledger.history[key]]

    def claim_policy_orgs(self, receivable_id: str) -> list[str]:
        """The orgs the receivable's key-level endorsement policy requires."""
        from chaincode.receivables import keys
        from chaincode.shim import KeyEndorsementPolicy

        policy = self.ledger.validation_parameters[self._key(keys.RECEIVABLE, receivable_id)]
        return sorted(KeyEndorsementPolicy(policy).list_orgs())

    async def every_page(self, actor: Actor, fn: str, *args: str, page_size: int = 100) -> list[dict]:
        """Every page of the paged query ``fn(*args, page_size, bookmark)``, evaluated, following bookmarks from the
        first page to the one with none; each page no larger than asked."""
        pages, bookmark = [], ""
        while True:
            page = await self.ok(actor, fn, *args, str(page_size), bookmark, evaluate=True)
            assert len(page["records"]) <= page_size, f"{fn} answered a page of {len(page['records'])} > {page_size}"
            pages.append(page)
            if not (bookmark := page["bookmark"]):
                return pages

    async def upgrade_pages(self, page_size: str = "100") -> list[dict]:
        """Every page of UpgradeLedger, from the first to done, run by the regulator's org admin."""
        pages, bookmark = [], ""
        while True:
            page = await self.ok(self.admins["RegulatorMSP"], "UpgradeLedger", page_size, bookmark)
            pages.append(page)
            if page["done"]:
                return pages
            bookmark = page["bookmark"]

    def financing_policy_orgs(self, financing_id: str) -> list[str] | None:
        """The orgs the financing's key-level endorsement policy requires; None while its key has none."""
        from chaincode.receivables import keys
        from chaincode.shim import KeyEndorsementPolicy

        policy = self.ledger.validation_parameters.get(self._key(keys.FINANCING, financing_id))
        return None if policy is None else sorted(KeyEndorsementPolicy(policy).list_orgs())

    def _key(self, object_type: str, *attrs: str) -> str:
        return "\x00" + object_type + "\x00" + "".join(a + "\x00" for a in attrs)


def attestation_request(seller_tax_id: str, number: str, *, code: str = "", outcome: str = "pass",
                        sources: tuple[str, ...] = ("reference-tax", "reference-registry"),
                        invoice: dict | None = None, **over: Any) -> dict:
    """An AttestInvoiceVerification argument for one invoice, with its fingerprint computed as the client does.

    The values verified (buyer, date, amount + tax) are those of ``invoice``, an invoice of a registration
    (``Net.registration(...)["invoices"][0]``); without one, made-up values of no registration."""
    from client.invoices.fingerprint import fingerprint_of

    invoice = invoice or {"buyer_tax_id": credit_code(9999), "date": START.date().isoformat(), "amount": 100_000_00,
                          "tax": 13_000_00}
    req = {"seller_tax_id": seller_tax_id, "code": code, "number": number,
           "fingerprint": fingerprint_of(seller_tax_id, code, number), "buyer_tax_id": invoice["buyer_tax_id"],
           "issue_date": invoice["date"], "total_with_tax": invoice["amount"] + invoice["tax"],
           "sources": list(sources), "outcome": outcome,
           "evidence_digest": hashlib.sha256(f"evidence of {number} {outcome}".encode()).hexdigest()}
    req.update(over)
    return req


BANK2 = "Bank2MSP"
TWO_BANK_ORGS = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, BANK2: ("financier",)},
                              require_attestation=True)


def two_bank_net() -> Net:
    """A network of ``TWO_BANK_ORGS`` under the chaincode-level policy recfin deploys (two orgs' peers)."""
    from chaincode.receivables.collections import endorsement_policy

    net = Net(TWO_BANK_ORGS)
    net.ledger.chaincode_policy = endorsement_policy(TWO_BANK_ORGS, principal="peer")
    return net


@dataclass
class ForgeableAttestation:
    """The bank's attestation of tier1's invoice, and the record altered chaincode on the bank's peer would
    write in its place: the other bank's failure of the invoice."""
    tier1: Actor
    bank: Actor
    other_bank: Actor
    registration: dict
    request: dict
    attested: dict
    record_key: str
    forged_record: bytes


async def forgeable_attestation(net: Net) -> ForgeableAttestation:
    """On ``net`` (of ``TWO_BANK_ORGS``): its parties, the bank's attestation of tier1's invoice to core, and
    that record rewritten in the other bank's (BANK2) name as a failure."""
    from chaincode.receivables import keys

    core = await net.party("core", CORE, "core_enterprise", "Core Manufacturing")
    tier1 = await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    bank = await net.party("bank", BANK, "financier", "First Bank")
    other_bank = await net.party("other-bank", BANK2, "financier", "Other Bank")
    registration = net.registration(tier1, core)
    invoice = registration["invoices"][0]
    request = attestation_request(tier1.uscc, invoice["number"], invoice=invoice)
    attested = await net.ok(bank, "AttestInvoiceVerification", request)
    record_key = net._key(keys.ATTESTATION, attested["fingerprint"], attested["id"])
    record = json.loads(net.ledger.state[record_key])
    forged_record = json.dumps({**record, "attester": other_bank.uscc, "outcome": "fail",
                                "attested": {**record["attested"], "msp_id": BANK2}}, sort_keys=True).encode()
    return ForgeableAttestation(tier1, bank, other_bank, registration, request, attested, record_key,
                                forged_record)


def terms(**over: Any) -> dict:
    t = {"advance_rate": "0.9", "discount_rate": "0.036", "fees": 0, "recourse": False,
         "day_count": "ACT/360", "expires_on": "2026-12-31", "salt": "s" * 16}
    t.update(over)
    return t


def transient_terms(**over: Any) -> dict:
    return {"terms": json.dumps(terms(**over)).encode()}


async def assert_told_to_request_again(net: Net, holder: Actor, claim_id: str, financing_id: str,
                                      offer_id: str) -> None:
    """``holder`` accepting ``offer_id`` on ``financing_id``, a request that ended before any deal (withdrawn, or
    its financing cancelled before disbursement), is refused naming a new request as the way on; and that new
    request on ``claim_id`` is taken."""
    message = await net.refused(holder, "AcceptFinancingOffer", offer_id, transient=transient_terms(),
                                rule="invalid-state")
    assert message.endswith(f"request {financing_id} has ended, so no offer on it can be accepted: ask banks "
                            "again with a new request (RequestFinancing) once the claim has no live "
                            "financing"), message
    await net.ok(holder, "RequestFinancing", claim_id)


def _peers_satisfy(policy: bytes, endorsers: tuple[str, ...]) -> bool:
    """Whether one endorsing peer of each of ``endorsers`` satisfies the policy, as the memory ledger's
    validation evaluates it (``MemoryLedger.commit(..., endorsers=...)``): a peer's signature meets MEMBER and
    PEER principals of its MSP (not ADMIN or CLIENT), each signature is used for at most one principal, and an
    n-out-of rule needs n of its parts."""
    return signers_satisfy(policy, endorsers)


def _clients_satisfy(policy: bytes, signers: tuple[str, ...]) -> bool:
    """Whether one client certificate of each of ``signers``, signing a transaction it built itself as its own
    "endorsement" (no peer running the contract), satisfies the policy, as Fabric evaluates it with NodeOUs
    on: a client's signature meets MEMBER and CLIENT principals of its MSP, never PEER ones."""
    from fabric_protos.msp import msp_principal_pb2

    role = msp_principal_pb2.MSPRole
    return signers_satisfy(policy, signers, (role.MEMBER, role.CLIENT))


async def standard_net(config: NetworkConfig = DEFAULT_CONFIG) -> Net:
    net = Net(config)
    await net.party("core", CORE, "core_enterprise", "Core Manufacturing")
    await net.party("core2", CORE, "core_enterprise", "Second Core")
    await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    await net.party("tier2", SUPPLIER, "supplier", "Tier-2 Castings")
    await net.party("bank", BANK, "financier", "First Bank")
    await net.party("bank2", BANK, "financier", "Second Bank")
    await net.party("regulator", REGULATOR, "regulator", "Regulator")
    return net


async def split_into(net: Net, parts: int) -> str:
    """tier1's confirmed claim split into ``parts`` parts, tier1 and tier2 each splitting what it holds (half to
    the other), breadth first; the claim's id. For the contract's bounds on a wide lineage."""
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = (await net.confirmed(tier1, core, 100_000_00))["id"]
    other = {tier1.uscc: tier2, tier2.uscc: tier1}
    leaves = [(claim, tier1, 100_000_00)]
    while len(leaves) < parts:
        part, holder, amount = leaves.pop(0)
        split = await net.ok(holder, "TransferReceivable", part, other[holder.uscc].uscc, str(amount // 2))
        transferred, kept = split["children"]
        leaves += [(transferred, other[holder.uscc], amount // 2), (kept, holder, amount - amount // 2)]
    return claim
