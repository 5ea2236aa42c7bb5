"""The contract's queries: claims, their history and listings, financings, offers, statistics, request records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from client.gateway._twins import Steps

from chaincode.receivables.keys import BY_DEBTOR, BY_FINANCIER, BY_HOLDER, BY_STATUS, DISCOUNT_BY_DEBTOR, OPEN_OFFER

from ._arguments import (_REQUEST_ID_RULE, _bookmark, _date_text, _fingerprint, _id, _known_request_id, _one_of,
                         _optional_party_code, _optional_record_id, _page_size, _party_code, _present, _record_id)
from ._models import (STATUSES, AssignmentNotice, ContractSettingsView, Disbursement, DiscountOffer, DiscountOfferPage,
                      FinancierExposure, FinancingView, HistoryEntry, InvoiceLookup, OfferPage, OfferTerms,
                      Page, PaymentRecordPage, Provenance, Receivable, RequestRecord, Statistics)
from .errors import ArgumentRefused, ReceivablesError, RefusedBeforeSending, RuleViolation, while_reading


_HISTORY = TypeAdapter(list[HistoryEntry])
_MSP_IDS = TypeAdapter(list[str])


DISCOUNT_OFFER_SCOPES = ("open", "all")

_ASKED_REQUEST_ID = (f"{_REQUEST_ID_RULE}, so no call was sent with it: give the request id the call was sent with "
                     "(its error's request_id)")


class _QueryOperations:
    """The contract's queries, evaluated on one peer."""

    def get_receivable(self, receivable_id: str, *,
                       endorsing_organizations: Sequence[str] | None = None) -> Receivable:
        """A receivable by id; ``endorsing_organizations`` (MSP IDs): a peer of which orgs answers (an auditor
        names its own, ``client.receivables.audit``), else the Gateway chooses."""
        return self._evaluate("GetReceivable", _record_id(receivable_id, "receivable_id"), model=Receivable,
                              endorsing_organizations=endorsing_organizations)

    def history(self, receivable_id: str, *,
                endorsing_organizations: Sequence[str] | None = None) -> list[HistoryEntry]:
        """Every change of a receivable, oldest first (``endorsing_organizations`` as for :meth:`get_receivable`)."""
        return self._evaluate("GetReceivableHistory", _record_id(receivable_id, "receivable_id"),
                              model=_HISTORY, endorsing_organizations=endorsing_organizations)

    def provenance(self, receivable_id: str) -> Provenance:
        """Ancestors up to the registered root, and the tree of children; a child the caller may not read
        (``get_receivable`` would be refused) comes ``redacted``, with its id, parent and children only."""
        return self._evaluate("GetProvenance", _record_id(receivable_id, "receivable_id"), model=Provenance)

    def receivable_endorsers(self, receivable_id: str, *,
                             endorsing_organizations: Sequence[str] | None = None) -> list[str]:
        """The MSP IDs the key-level policy of the claim's key names, sorted ([] when none): the orgs whose
        endorsement any change of it needs. Stored when the claim's policy was last written, so they may differ
        from the regulator orgs of today (a claim frozen before an org joined does not name it).
        ``endorsing_organizations`` as for :meth:`get_receivable`."""
        return self._evaluate("GetReceivableEndorsers", _record_id(receivable_id, "receivable_id"), model=_MSP_IDS,
                              endorsing_organizations=endorsing_organizations)

    def find_invoice(self, fingerprint: str, *,
                     endorsing_organizations: Sequence[str] | None = None) -> InvoiceLookup:
        """Whether an invoice fingerprint already backs a receivable (any registered party may ask;
        ``endorsing_organizations`` as for :meth:`get_receivable`). A ``fingerprint`` that is not 64 lower-case hex
        digits is refused before it is sent (``RefusedBeforeSending``, rule ``fingerprint-invalid``)."""
        return self._evaluate("FindInvoice", _fingerprint(fingerprint, "FindInvoice"), model=InvoiceLookup,
                              endorsing_organizations=endorsing_organizations)

    def contract_settings(self) -> ContractSettingsView:
        """The contract's rules as the answering peer's chaincode server holds them: the maximum payment term (in
        words too), whether a registration needs an attestation, from which sources, how old and by which roles,
        each unset one with the value applied in its stead, and the configuration's digest, which the chaincode
        definition's version names. Any member of the channel may ask, a party or not."""
        return self._evaluate("GetContractSettings", model=ContractSettingsView)

    def list_by_holder(self, holder: str, *, page_size: int = 20, bookmark: str = "") -> Page:
        return self._page("ListReceivablesByHolder", BY_HOLDER, _party_code(holder, "holder"), "holder", page_size,
                          bookmark)

    def list_by_debtor(self, debtor: str, *, page_size: int = 20, bookmark: str = "") -> Page:
        return self._page("ListReceivablesByDebtor", BY_DEBTOR, _party_code(debtor, "debtor"), "debtor", page_size,
                          bookmark)

    def list_by_status(self, status: str, *, page_size: int = 20, bookmark: str = "") -> Page:
        return self._page("ListReceivablesByStatus", BY_STATUS,
                          _one_of(status, "status", STATUSES, "ListReceivablesByStatus"), "status", page_size, bookmark)

    def list_by_financier(self, financier: str, *, debtor: str | None = None, page_size: int = 20,
                          bookmark: str = "") -> Page:
        """A page of the claims a bank finances (from acceptance until repayment, cancellation or recourse), by
        debtor then id: every debtor's, or ``debtor``'s only. The bank itself or the regulator."""
        financier, debtor = _party_code(financier, "financier"), _optional_party_code(debtor, "debtor")
        return self._evaluate("ListReceivablesByFinancier", financier, debtor,
                              _page_size(page_size, "ListReceivablesByFinancier"),
                              _bookmark(bookmark, "ListReceivablesByFinancier", BY_FINANCIER,
                                        *_present(financier, debtor)),
                              model=Page)

    def list_offers_by_financier(self, financier: str, *, debtor: str | None = None, page_size: int = 20,
                                 bookmark: str = "") -> OfferPage:
        """A page of a bank's offers still OPEN (made, not yet accepted, lapsed or withdrawn), by debtor then offer
        id: every debtor's, or ``debtor``'s only; each the offer's public record and its claim's ``debtor``. The
        bank itself or the regulator. Expired offers are listed too (their expiry is private: ``get_offer_terms``);
        ``withdraw_offer`` takes any of them back."""
        financier, debtor = _party_code(financier, "financier"), _optional_party_code(debtor, "debtor")
        return self._evaluate("ListOffersByFinancier", financier, debtor,
                              _page_size(page_size, "ListOffersByFinancier"),
                              _bookmark(bookmark, "ListOffersByFinancier", OPEN_OFFER, *_present(financier, debtor)),
                              model=OfferPage)

    def _lister(self, by: str):
        lister = {"holder": self.list_by_holder, "debtor": self.list_by_debtor, "status": self.list_by_status,
                  "financier": self.list_by_financier}.get(by)
        if lister is None:
            raise ArgumentRefused(f"list by {by!r}: choose holder, debtor, status or financier")
        return lister

    def _page(self, name: str, index: str, value: str, what: str, page_size: int, bookmark: str) -> Page:
        """A page of the listing ``name``: the claims whose ``what`` (holder, debtor, status) is ``value``, which
        the contract's ``index`` lists under it."""
        value = _id(value, what)
        return self._evaluate(name, value, _page_size(page_size, name), _bookmark(bookmark, name, index, value),
                              model=Page)

    def statistics(self) -> Statistics:
        """The regulator's view: exposure, financed share and overdue amounts per debtor."""
        return self._evaluate("GetStatistics", model=Statistics)

    def get_financing(self, financing_id: str) -> FinancingView:
        return self._evaluate("GetFinancing", _record_id(financing_id, "financing_id"), model=FinancingView)

    def get_offer_terms(self, offer_id: str) -> OfferTerms:
        """An offer's private terms (holder, offering bank, regulator), from a peer of the collection."""
        return self._evaluate("GetOfferTerms", _record_id(offer_id, "offer_id"), model=OfferTerms)

    def get_disbursement(self, financing_id: str) -> Disbursement:
        """A disbursed financing's private record of the advance (outstanding, principal, interest, fees, net
        amount, days, dates), for its holder, its bank and the regulator, evaluated on a peer of the caller's
        org, a member of the collection as for :meth:`get_offer_terms`. Refused ``invalid-state`` before the
        bank disbursed, ``record-unreadable`` where the record does not hash to the financing's
        ``disbursement_hash``."""
        return self._evaluate("GetDisbursement", _record_id(financing_id, "financing_id"), model=Disbursement)

    def get_assignment_notice(self, notice_id: str) -> AssignmentNotice:
        return self._evaluate("GetAssignmentNotice", _record_id(notice_id, "notice_id"), model=AssignmentNotice)

    def get_discount_offer(self, offer_id: str, *, receivable_id: str | None = None) -> DiscountOffer:
        """A debtor's early-payment offer (the debtor, suppliers, the regulator).

        ``receivable_id``: a receivable you may read that the offer covers; the offer is then shown as
        :meth:`list_discount_offers` by that receivable shows it, so the holder of part ``R.1`` reads an offer
        listing ``R`` (refused without it: ``not-permitted-to-read``). An offer not covering it is refused
        (``discount-offer-not-for-receivable``). A supplier is refused an offer no member of its debtor's org (the org
        on the debtor's party record, which the offer's ``debtor_msp`` must name) is shown to have published, which no
        holder can take (``record-unreadable``, naming why); its debtor and the regulator read it.
        """
        # sent only when given: a contract before the argument takes the offer id alone
        receivable = _optional_record_id(receivable_id, "receivable_id")
        return self._evaluate("GetDiscountOffer", _record_id(offer_id, "offer_id"),
                              *([receivable] if receivable else []),
                              model=DiscountOffer)

    def list_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *, page_size: int = 20,
                             bookmark: str = "", scope: str = "open") -> DiscountOfferPage:
        """A page of a debtor's early-payment offers, oldest first (the debtor, suppliers, the regulator).

        Name the debtor, or a receivable you may read for only the offers that
        cover it. ``scope="open"``: not withdrawn and not expired today; ``"all"``: every one. A supplier's page
        leaves out an offer no holder can take as published by no member of its debtor's org (the org on the debtor's
        party record, which the offer's ``debtor_msp`` must name).
        """
        debtor = _optional_party_code(debtor, "debtor")
        receivable_id = _optional_record_id(receivable_id, "receivable_id")
        if not debtor and not receivable_id:
            raise RefusedBeforeSending("ListDiscountOffers", "argument-invalid", "debtor and receivable_id are both "
                                       "empty: name the debtor or a receivable")
        _one_of(scope, "scope", DISCOUNT_OFFER_SCOPES, "ListDiscountOffers")
        # a receivable alone names its debtor on the ledger: its bookmark is then held to the index only
        return self._evaluate("ListDiscountOffers", debtor, receivable_id, _page_size(page_size, "ListDiscountOffers"),
                              _bookmark(bookmark, "ListDiscountOffers", DISCOUNT_BY_DEBTOR, *_present(debtor)), scope,
                              model=DiscountOfferPage)

    def debtor_payment_record(self, debtor: str, *, page_size: int = 100, bookmark: str = "",
                              as_of: date | None = None) -> PaymentRecordPage:
        """A page of the debtor's claims as the ledger stood at the end of ``as_of`` (default: the contract's
        today), for risk scoring: banks (holders as opaque tokens), the debtor itself and the regulator."""
        debtor = _party_code(debtor, "debtor")
        return self._evaluate("GetDebtorPaymentRecord", debtor, _page_size(page_size, "GetDebtorPaymentRecord"),
                              _bookmark(bookmark, "GetDebtorPaymentRecord", BY_DEBTOR, debtor),
                              _date_text(as_of, "as_of"), model=PaymentRecordPage)

    def financier_exposure(self, debtor: str, financier: str | None = None) -> FinancierExposure:
        """A bank's outstanding financed principal on the debtor's claims: a bank's own (``financier``
        None), or as the regulator, the bank ``financier``'s."""
        return self._evaluate("GetFinancierExposure", _party_code(debtor, "debtor"),
                              _optional_party_code(financier, "financier"),
                              model=FinancierExposure)

    def request(self, request_id: str, party: str | None = None) -> RequestRecord:
        """What a business request id of yours (or, as an org admin or the regulator, of ``party``) was recorded
        with: the transaction that first applied it and its result. A request id no attempt of which committed
        raises RuleViolation ``not-found``: sending the call again with the same id applies it once.

        ``party`` left out (None or ``""``) is the caller's own, as the contract takes it: a ``not-found``
        then says so, for it is no answer about another party's call. The regulator, which sends no call
        with a request id, is told so of any id it asks about without ``party``, and an org admin, who acts
        for no party, is refused (``argument-invalid``)."""
        return self._run_steps(self._request_steps)(request_id, party)

    def _request_steps(self, request_id: str, party: str | None) -> Steps[RequestRecord]:
        """:meth:`request`, its ``not-found`` of the caller's own request ids saying whose ids were read."""
        party = _optional_party_code(party, "party")
        try:
            return (yield self._evaluate("GetRequest", _known_request_id(_id(request_id, "request_id"), "GetRequest",
                                                                         _ASKED_REQUEST_ID), party,
                                         model=RequestRecord))
        except RuleViolation as refusal:
            if party or refusal.rule != "not-found":
                raise
            # the contract's "no attempt of it committed, so sending it again applies it once" is true of the
            # caller's own ids alone: a regulator who meant another party's call must not act on it. Told as a
            # read the SDK makes is told: the detail, then the note in parentheses, every other field kept
            raise while_reading(refusal, "party left out, so these were the caller's own request ids: "
                                "another party's call is read with party=its credit code, as an admin of "
                                "its org or the regulator")

    # ------------------------------------------------------------ the pages of the iter_* methods

    def _receivable_pages(self, by: str, value: str, page_size: int) -> Callable[[str], Any]:
        """``fetch(bookmark)`` of :meth:`iter_receivables`: the page at ``bookmark`` of the listing ``by``."""
        lister = self._lister(by)
        return lambda bookmark: lister(value, page_size=page_size, bookmark=bookmark)

    def _offer_pages(self, financier: str, debtor: str | None, page_size: int) -> Callable[[str], Any]:
        """``fetch(bookmark)`` of :meth:`iter_offers_by_financier`."""
        return lambda bookmark: self.list_offers_by_financier(financier, debtor=debtor, page_size=page_size,
                                                              bookmark=bookmark)

    def _payment_record_pages(self, debtor: str, as_of: date | None, page_size: int) -> Callable[[str], Any]:
        """``fetch(bookmark)`` of :meth:`iter_payment_record`: every page as of the first page's date."""
        def fetch(bookmark: str) -> Steps[PaymentRecordPage]:
            nonlocal as_of
            page = yield self.debtor_payment_record(debtor, page_size=page_size, bookmark=bookmark, as_of=as_of)
            as_of = page.as_of  # later pages at the same date, even if the contract's day turns meanwhile
            return page
        return self._run_steps(fetch)

    def _discount_offer_pages(self, debtor: str | None, receivable_id: str | None, scope: str, page_size: int
                              ) -> Callable[[str], Any]:
        """``fetch(bookmark)`` of :meth:`iter_discount_offers`."""
        return lambda bookmark: self.list_discount_offers(debtor, receivable_id, page_size=page_size,
                                                          bookmark=bookmark, scope=scope)


def next_bookmark(page: Any, sent: set[str]) -> str:
    """The bookmark to ask for the page after ``page`` with, ``""`` where ``page`` is the last; ``sent``: the
    bookmarks a walk of a listing has asked with so far (``""`` for its first page), to which it is added.

    The contract's bookmark is the key the next page starts at, past every key of the pages before, so a walk
    never sends one twice. One already sent means the peer answered out of order: followed, it would read the
    same pages again without end, and taken for the end, it would cut the listing short without a word. Raised
    ``ReceivablesError``, after the records read so far."""
    if not page.bookmark:
        return ""
    if page.bookmark in sent:
        raise ReceivablesError(f"the peer answered a page with the bookmark {page.bookmark!r}, which this "
                               "listing already asked with: followed, it would read the same pages again "
                               "without end, so the listing stops unfinished here; list again, and if it "
                               "recurs report the peer to its org's operators")
    sent.add(page.bookmark)
    return page.bookmark
