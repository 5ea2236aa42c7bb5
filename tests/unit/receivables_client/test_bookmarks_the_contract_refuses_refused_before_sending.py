"""A page ``bookmark`` the contract would refuse (``bookmark-invalid``: one of another listing, of the same index
under another party, text that is no key, one past the list's range) is refused by the SDK before it is sent
(``RefusedBeforeSending``, naming the argument, what the bookmark is and what to pass instead), where it went to the
peers to come back refused; one holding a lone surrogate, which no UTF-8 argument carries, is refused alike rather
than failing to encode. What the contract takes goes out as given.

The SDK's verdict on each bookmark is checked against the real contract's on MemoryLedger: the same arguments,
sent to it unchecked, are refused there exactly where the SDK refuses them."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from chaincode.receivables import keys, upgrade
from chaincode.receivables.upgrade import SCANNED
from chaincode.shim import create_composite_key
from chaincode.testing import make_identity
from client.gateway.errors import EndorseError, EvaluateError
from client.receivables import (DiscountOfferRequest, FinancingTerms, ReceivablesClient, RefusedBeforeSending,
                                RuleViolation)

from ..ledger_contract import Channel
from . import fakes
from .fakes import FakeContract
from .test_contract_agreement import Lifecycle


def key(object_type: str, *attributes: str) -> str:
    return create_composite_key(object_type, list(attributes))


RID = "R-0123456789abcdef"


class Parties:
    """The contract on MemoryLedger (``Channel``), a debtor, two suppliers, a bank and the regulator registered."""

    def __init__(self) -> None:
        self.channel = Channel()
        life = Lifecycle()
        life.ledger, life.now = self.channel.ledger, self.channel.now
        self.life = life
        self.core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
        self.tier1 = life.party("SupplierMSP", "supplier", "Tier-1 Parts")
        self.tier2 = life.party("SupplierMSP", "supplier", "Tier-2 Castings")
        self.bank = life.party("BankMSP", "financier", "First Bank")
        self.regulator = life.party("RegulatorMSP", "regulator", "Regulator")
        self.core_code, self.tier1_code, self.tier2_code, self.bank_code = (
            p.uscc for p in (self.core, self.tier1, self.tier2, self.bank))

    def bookmarks(self) -> dict[str, str]:
        """Bookmarks of every kind a caller may hold: each list's own, another list's, another party's, none."""
        core, tier1, tier2, bank = self.core_code, self.tier1_code, self.tier2_code, self.bank_code
        return {
            "by-holder of tier1": key(keys.BY_HOLDER, tier1, RID),
            "by-holder of tier2": key(keys.BY_HOLDER, tier2, RID),
            "by-debtor of core": key(keys.BY_DEBTOR, core, RID),
            "by-status OVERDUE": key(keys.BY_STATUS, "OVERDUE", RID),
            "by-financier of bank, core": key(keys.BY_FINANCIER, bank, core, RID),
            "by-financier of bank, tier1": key(keys.BY_FINANCIER, bank, tier1, RID),
            "open-offer of bank, core": key(keys.OPEN_OFFER, bank, core, "O-0123456789abcdef"),
            "discount of core": key(keys.DISCOUNT_BY_DEBTOR, core, "2026-03-02", "D-0123456789abcdef"),
            "discount of tier1": key(keys.DISCOUNT_BY_DEBTOR, tier1, "2026-03-02", "D-0123456789abcdef"),
            "a receivable record": key(keys.RECEIVABLE, RID),
            "a by-holder list's end": key(keys.BY_HOLDER, tier1) + "\U0010ffff",
            "a CLI token": "AHJlY2Zpbi5ieS1ob2xkZXIA",
            "a word": "next",
        }

    def listings(self) -> dict:
        """Each listing the regulator may ask for: the SDK's call, and the contract's arguments, of a bookmark."""
        core, tier1, bank = self.core_code, self.tier1_code, self.bank_code
        return {
            "ListReceivablesByHolder": (lambda c, b: c.list_by_holder(tier1, bookmark=b), lambda b: [tier1, "20", b]),
            "ListReceivablesByDebtor": (lambda c, b: c.list_by_debtor(core, bookmark=b), lambda b: [core, "20", b]),
            "ListReceivablesByStatus": (lambda c, b: c.list_by_status("OVERDUE", bookmark=b),
                                        lambda b: ["OVERDUE", "20", b]),
            "ListReceivablesByFinancier": (lambda c, b: c.list_by_financier(bank, debtor=core, bookmark=b),
                                           lambda b: [bank, core, "20", b]),
            "ListReceivablesByFinancier every debtor": (lambda c, b: c.list_by_financier(bank, bookmark=b),
                                                        lambda b: [bank, "", "20", b]),
            "ListOffersByFinancier": (lambda c, b: c.list_offers_by_financier(bank, debtor=core, bookmark=b),
                                      lambda b: [bank, core, "20", b]),
            "ListOffersByFinancier every debtor": (lambda c, b: c.list_offers_by_financier(bank, bookmark=b),
                                                   lambda b: [bank, "", "20", b]),
            "GetDebtorPaymentRecord": (lambda c, b: c.debtor_payment_record(core, bookmark=b),
                                       lambda b: [core, "20", b, ""]),
            "ListDiscountOffers": (lambda c, b: c.list_discount_offers(core, bookmark=b),
                                   lambda b: [core, "", "20", b, "all"]),
        }


@pytest.fixture(scope="module")
def parties() -> Parties:
    return Parties()


def contract_refuses(client: ReceivablesClient, transaction: str, arguments: list[str], submit: bool = False) -> bool:
    """Whether the contract, sent ``arguments`` unchecked, answers ``bookmark-invalid``."""
    call = client.contract.submit if submit else client.contract.evaluate
    try:
        call(transaction, arguments=arguments)
    except (EvaluateError, EndorseError) as refused:
        assert "RULE bookmark-invalid" in str(refused.details[0].message), refused
        return True
    return False


def test_the_sdk_refuses_a_bookmark_where_the_contract_would_and_only_there(parties):
    regulator = parties.channel.client(parties.regulator)
    verdicts = {}
    for listing, (sdk_call, arguments) in parties.listings().items():
        transaction = listing.split()[0]
        for name, bookmark in parties.bookmarks().items():
            try:
                sdk_call(regulator, bookmark)
                sdk_refused = False
            except RefusedBeforeSending as refused:
                assert (refused.transaction, refused.rule) == (transaction, "bookmark-invalid")
                assert refused.detail.startswith("bookmark ") and 'pass "" for the first page' in refused.detail
                sdk_refused = True
            verdicts[listing, name] = (sdk_refused, contract_refuses(regulator, transaction, arguments(bookmark)))
    disagree = {case: verdict for case, verdict in verdicts.items() if verdict[0] != verdict[1]}
    assert not disagree
    # each listing takes a bookmark of its own and refuses others
    assert {refused for refused, _ in verdicts.values()} == {True, False}


def test_the_upgrade_refuses_only_bookmarks_no_contract_version_takes(parties):
    """Which kinds of record the upgrade pages through is the contract's to say (a newer version scans more): the
    SDK refuses unsent only what no version takes, text that is no key, one holding a lone surrogate, the end of a
    kind's range; a key of any kind goes to the contract, whose refusal of a kind it does not scan comes back as
    its rule."""
    admin = parties.channel.client(make_identity("RegulatorMSP", "regulator-admin", ou="admin"))
    candidates = {**parties.bookmarks(), "a party record": key(keys.PARTY, parties.core_code),
                  "past the receivables": key(keys.RECEIVABLE) + "\U0010ffff",
                  "past a kind no version scans": key("recfin.by-holder") + "\U0010ffff",
                  "a lone surrogate in a scanned kind": key(keys.RECEIVABLE) + "R-\ud800\x00",
                  "no kind": "\x00\x00recfin.receivable\x00",
                  "a kind holding the range end": "\x00recfin.receivable\U0010ffff\x00R-1\x00"}
    refused_unsent = {"a CLI token", "a word", "past the receivables",
                      "past a kind no version scans", "a lone surrogate in a scanned kind", "no kind",
                      "a kind holding the range end"}
    for name, bookmark in candidates.items():
        try:
            admin.upgrade_ledger(20, bookmark)
            verdict = "taken"
        except RefusedBeforeSending as refused:
            assert refused.rule == "bookmark-invalid" and 'pass "" for the first page' in refused.detail
            verdict = "refused unsent"
        except RuleViolation as refused:
            assert refused.rule == "bookmark-invalid", name
            verdict = "refused by the contract"
        assert (verdict == "refused unsent") == (name in refused_unsent), name
        if name not in refused_unsent:   # the contract of the channel says
            contract_refused = contract_refuses(admin, "UpgradeLedger", ["20", bookmark], submit=True)
            assert verdict == ("refused by the contract" if contract_refused else "taken"), name
        elif name != "a lone surrogate in a scanned kind":   # which no argument sent can carry
            # and no version takes it: this one refuses it too
            assert contract_refuses(admin, "UpgradeLedger", ["20", bookmark], submit=True), name


NEWER_KIND = "recfin.a-kind-of-a-later-version"


def test_a_bookmark_of_a_kind_only_a_newer_contract_scans_goes_to_it(monkeypatch):
    """The chaincode upgraded before the SDKs: its upgrade scans a kind of record this SDK has never heard of, and a
    page hands back a bookmark of it. The SDK sends it, and the upgrade goes on to its end, where it was refused
    unsent (``bookmark-invalid``) and the upgrade stopped there until every SDK was upgraded."""
    p = Parties()
    monkeypatch.setattr(upgrade, "SCANNED", (*SCANNED, NEWER_KIND))
    for n in (1, 2):
        p.channel.ledger.state[key(NEWER_KIND, f"N-{n}")] = b"{}"
    admin = p.channel.client(make_identity("RegulatorMSP", "regulator-admin", ou="admin"))
    bookmark, sent = "", []
    while True:
        page = admin.upgrade_ledger(1, bookmark)
        if page.done:
            break
        bookmark = page.bookmark
        sent.append(bookmark)
        assert len(sent) < 1000
    assert key(NEWER_KIND, "N-2") in sent


def test_the_bookmark_each_page_returned_is_taken_back(parties):
    registered = {parties.life.ok(parties.tier1, "RegisterReceivable", json.dumps(parties.life.registration(
        parties.tier1, parties.core, Decimal("100.00"), f"2631200000001234567{n}", 90).to_json()))["id"]
        for n in range(3)}
    supplier = parties.channel.client(parties.tier1)
    assert {r.id for r in supplier.iter_receivables("holder", parties.tier1_code, page_size=1)} == registered
    assert {r.id for r in supplier.iter_receivables("holder", parties.tier1_code, page_size=2)} == registered


# the last attributes of entries two orgs could write in any list's range, outside the contract: characters no id the
# contract makes holds (a control character, a line separator, the last code points before U+10FFFF, a byte order
# mark), and keys of other shapes (no closing NUL, attributes past the index's); each page ending before one returns
# it as its bookmark
UNUSUAL = ["R-\x01", "R-\u2028", "R-\U0010fffe", "\ufeff", "R- ", "\U0001f600", "\x7f", "\U0010fffe\U0010fffe"]


@pytest.fixture(scope="module")
def a_ledger_of_every_list() -> Parties:
    """Claims of two debtors, financed, offered and discounted, under every list the SDK pages, and entries
    and records of unusual keys planted in each list's range and each kind the upgrade scans."""
    p = Parties()
    life = p.life
    p.core2 = life.party("CoreEnterpriseMSP", "core_enterprise", "Second Core")
    terms = FinancingTerms(advance_rate=Decimal("0.9"), discount_rate=Decimal("0.036"), fees=Decimal("50.00"),
                           recourse=False, expires_on=life.today(30))
    p.claims = []
    for n, debtor in enumerate([p.core, p.core, p.core, p.core2, p.core2, p.core2]):
        claim = life.ok(p.tier1, "RegisterReceivable", json.dumps(life.registration(
            p.tier1, debtor, Decimal("100.00"), f"263120000000987654{n:02d}", 90).to_json()))["id"]
        life.ok(debtor, "ConfirmReceivable", claim)
        financing = life.ok(p.tier1, "RequestFinancing", claim)
        offer = life.ok(p.bank, "MakeFinancingOffer", financing["id"], transient=terms.transient())
        if n % 3:   # one open offer a debtor, the others accepted: financed
            life.ok(p.tier1, "AcceptFinancingOffer", offer["id"], transient=terms.transient())
        p.claims.append(claim)
    for debtor in (p.core, p.core2, p.core):
        life.ok(debtor, "PublishDiscountOffer", json.dumps(
            DiscountOfferRequest(apr=Decimal("0.05"), expires_on=life.today(20)).to_json()))
        life.now += timedelta(days=1)
    state = p.channel.ledger.state
    ranges = [(keys.BY_HOLDER, p.tier1_code), (keys.BY_DEBTOR, p.core_code), (keys.BY_STATUS, "FINANCED"),
              (keys.BY_FINANCIER, p.bank_code, p.core_code), (keys.OPEN_OFFER, p.bank_code, p.core_code),
              (keys.DISCOUNT_BY_DEBTOR, p.core_code, "2026-01-01"), *((kind,) for kind in SCANNED)]
    for index, *attributes in ranges:
        for last in UNUSUAL:
            start = key(index, *attributes) + last
            state[start + "\x00"] = state[start] = state[start + "\x00x\x00"] = b"{}"
    return p


@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_every_bookmark_a_page_of_the_contract_returns_is_sent_back(a_ledger_of_every_list, page_size):
    p = a_ledger_of_every_list
    regulator, bank, core, tier1 = (p.channel.client(who) for who in (p.regulator, p.bank, p.core, p.tier1))
    admin = p.channel.client(make_identity("RegulatorMSP", "regulator-admin", ou="admin"))
    size = {"page_size": page_size}
    walks = {
        "by holder": lambda b: regulator.list_by_holder(p.tier1_code, bookmark=b, **size),
        "by debtor": lambda b: regulator.list_by_debtor(p.core_code, bookmark=b, **size),
        "by status": lambda b: regulator.list_by_status("FINANCED", bookmark=b, **size),
        "financed, every debtor": lambda b: bank.list_by_financier(p.bank_code, bookmark=b, **size),
        "financed, one debtor": lambda b: bank.list_by_financier(p.bank_code, debtor=p.core_code, bookmark=b, **size),
        "offers, every debtor": lambda b: bank.list_offers_by_financier(p.bank_code, bookmark=b, **size),
        "offers, one debtor": lambda b: bank.list_offers_by_financier(p.bank_code, debtor=p.core_code, bookmark=b,
                                                                      **size),
        "payment record": lambda b: bank.debtor_payment_record(p.core_code, bookmark=b, **size),
        "discount offers": lambda b: core.list_discount_offers(p.core_code, bookmark=b, scope="all", **size),
        "discount offers of a claim": lambda b: tier1.list_discount_offers(receivable_id=p.claims[0], bookmark=b,
                                                                          scope="all", **size),
        "ledger upgrade": lambda b: admin.upgrade_ledger(page_size, b),
    }
    for walk, page_from in walks.items():
        bookmark, sent = "", []
        while True:
            sent.append(bookmark)
            # a refusal of the SDK's (RefusedBeforeSending) would stop the walk: raised, it fails the test
            if not (bookmark := page_from(bookmark).bookmark):
                break
            assert bookmark not in sent and len(sent) < 1000, walk
        # the walk went through the planted keys (each a page's bookmark at page size 1)
        assert page_size > 1 or any(b.endswith(("\U0010fffe\U0010fffe\x00", "\ufeff")) for b in sent), walk


TIER1, TIER2 = fakes.TIER1, fakes.TIER2


@pytest.mark.parametrize("bookmark, said", [
    (key(keys.BY_STATUS, "OVERDUE", RID), "is a page of recfin.by-status, not of recfin.by-holder"),
    (key(keys.BY_HOLDER, TIER2, RID), f"is a page of recfin.by-holder under {TIER2}, not under {TIER1}"),
    ("AHJlY2Zpbi5ieS1ob2xkZXIA", "is no key of the ledger"),
    (key(keys.BY_HOLDER, TIER1) + "\U0010ffff", f"is past the end of recfin.by-holder under {TIER1}"),
    (key(keys.BY_HOLDER, TIER1) + "R-\ud800\x00", "holds '\\ud800', a lone surrogate"),
    # NUL bytes alone split as a key of no kind: no key of the ledger, not "a page of , not of recfin.by-holder"
    ("\x00" * 5, "is no key of the ledger"),
    # the index's own start, of no holder: not "under , not under ..."
    (key(keys.BY_HOLDER), f"is the start of recfin.by-holder, not a page under {TIER1}"),
])
def test_the_refusal_says_what_the_bookmark_is_and_nothing_is_sent(bookmark, said):
    contract = FakeContract()
    with pytest.raises(RefusedBeforeSending, match="ListReceivablesByHolder would be refused: RULE bookmark-invalid: "
                                                   "bookmark ") as refused:
        ReceivablesClient(contract).list_by_holder(fakes.TIER1, bookmark=bookmark)
    assert said in refused.value.detail
    assert contract.calls == []


@pytest.mark.parametrize("bookmark, said", [
    ("\x00" * 5, "is no key of the ledger"),
    ("AHJlY2Zpbi5yZWNlaXZhYmxlAA", "is no key of the ledger"),
    (key(keys.RECEIVABLE) + "\U0010ffff", "is past the end of recfin.receivable"),
    (key(keys.RECEIVABLE) + "R-\udfff\x00", "holds '\\udfff', a lone surrogate"),
    # no kind of record holds U+10FFFF (the shim refuses it in a composite key's type): no key of any version
    ("\x00recfin.receivable\U0010ffff\x00R-1\x00", "is no key of the ledger"),
    ("\x00\U0010ffff\x00", "is no key of the ledger"),
])
def test_the_upgrades_refusal_says_what_the_bookmark_is(bookmark, said):
    contract = FakeContract()
    with pytest.raises(RefusedBeforeSending, match="UpgradeLedger would be refused: RULE bookmark-invalid") as refused:
        ReceivablesClient(contract).upgrade_ledger(20, bookmark)
    assert said in refused.value.detail
    assert contract.calls == []
