"""ReceivablesClient: the receivables contract's business operations, typed, each call blocking until done."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from client.gateway._twins import blocking
from client.gateway.errors import GatewayError

from ._arguments import _text
from ._claims import CONFIRM_DOC, RESEAL_DOC
from ._endorsers import _deal_orgs, _Endorsers
from ._financing import CANCEL_DOC, DEMAND_RECOURSE_DOC, DISBURSEMENT_DOC, RECOURSE_DOC, _accepted_offer
from ._models import (DiscountOffer, Financing, FinancingTerms, FinancingView, ListedOffer, Offer, Party, PaymentRecord,
                      PaymentRecordPage, PaymentResult, Receivable, Reseal, Role)
from ._offers import ACCEPT_OFFER_DOC, MAKE_OFFER_DOC, _check_terms, _uncounted_offers
from ._operations import _Operations
from ._parties import REGISTER_PARTY_DOC
from ._read_refusals import unless_refused_the_read
from ._settlement import RECORD_PAYMENT_DOC
from ..money import LEDGER_MAX_FEN, Amount


class ReceivablesClient(_Operations):
    """The receivables contract as Python methods (blocking).

    Build it on a ``client.gateway`` Contract of the ``receivables`` chaincode
    (``network.get_contract("receivables", "receivables")``), and the Network for
    events and cross-org waits (``catch_up``). Changes are submitted (endorsed, ordered, committed before the method
    returns); queries are evaluated on one peer. Every method returns the document
    the contract returned, as a model (one not of the model's shape raises
    :class:`~client.receivables.errors.UnreadableAnswer`, which for a submit says that it committed). A refusal
    raises :class:`~client.receivables.errors.RuleViolation` with the rule's code.

    The identity of the gateway connection is the caller: the contract decides
    from it what the caller may do (see the authorization matrix in
    docs/receivables.md). Submits leave the choice of endorsers to the Gateway, which
    plans it from the key-level policies of the keys the transaction writes; ``register_party``
    and ``confirm`` (the orgs an audit looks for), ``make_offer`` and ``record_disbursement``
    (terms as transient data), ``demand_recourse``, ``exercise_recourse``, ``cancel_financing`` and ``reseal_receivable``
    (the orgs the claim's key names) name their orgs: see
    "Who endorses" in docs/sdk-receivables.md.
    """

    def _call(self, kind, name, args, model, *, transient=None, endorsing_organizations=None):
        options = self._options(kind, name, args, transient, endorsing_organizations)
        try:
            payload = self.contract.submit(name, **options) if kind == "submit" else self.contract.evaluate(name, **options)
        except GatewayError as error:
            refusal = self._refusal(error, name)
            if refusal is error:
                raise
            raise refusal from error
        return self._answer(kind, name, model, payload)

    def _readable_financing(self, financing_id: str) -> FinancingView | None:
        """The financing, for choosing who endorses an action on it; None when the contract refuses the caller
        the read (:data:`READ_REFUSALS`), and any other refusal raised.

        Whoever may offer on, disburse or cancel a financing may read it (a bank while it is requested, its
        holder, its bank), so a caller refused the read is refused the action too: the action is then sent to
        the caller's own org, for the contract to say which of its rules refuses it (``not-the-financier``
        rather than the read's ``not-permitted-to-read``). A ``not-found`` (a peer a block behind) is raised:
        sent to the caller's org alone, the action would miss the orgs the claim's policy needs."""
        return unless_refused_the_read(lambda: self.get_financing(financing_id))

    def _readable_claim(self, financing: FinancingView | None) -> Receivable | None:
        """The claim of ``financing`` (None for none), None where the caller may not read it, as
        :meth:`_readable_financing` reads the financing."""
        return None if financing is None else unless_refused_the_read(
            lambda: self.get_receivable(financing.receivable_id))

    def register_party(self, uscc: str, name: str, role: Role, msp_id: str, client_ids: Iterable[str], *,
                       endorsing_organizations: Sequence[str] | None = None) -> Party:
        request = self._party_request(uscc, name, role, msp_id, client_ids)
        if endorsing_organizations is None:
            return blocking(self._register_party_steps)(request)
        return self._party_registration(request, endorsing_organizations)

    register_party.__doc__ = REGISTER_PARTY_DOC

    def confirm(self, receivable_id: str, *, endorsing_organizations: Sequence[str] | None = None) -> Receivable:
        if endorsing_organizations is None:
            claim = unless_refused_the_read(lambda: self.get_receivable(_text(receivable_id, "receivable_id")))
            return blocking(self._confirm_steps)(receivable_id, claim)
        return self._confirmation(receivable_id, endorsing_organizations)

    confirm.__doc__ = CONFIRM_DOC

    def record_payment(self, receivable_id: str, amount: Amount, *, request_id: str | None = None) -> PaymentResult:
        return blocking(self._payment_steps)(receivable_id, amount, request_id)

    record_payment.__doc__ = RECORD_PAYMENT_DOC
    settle = record_payment

    def make_offer(self, financing_id: str, terms: FinancingTerms,
                   endorsing_organizations: Sequence[str] | None = None, *,
                   exposure_version: int | None = None, uncounted_offers: Sequence[str] | None = None) -> Offer:
        _check_terms(terms, "make_offer")
        _uncounted_offers(uncounted_offers)   # refused before any look-up, as the terms are
        if endorsing_organizations is None:
            financing = self._readable_financing(financing_id)
            claim = self._readable_claim(financing)
            endorsing_organizations = blocking(self._offer_orgs)(financing_id, claim, self.who_am_i().msp_id)
        return self._offer(financing_id, terms, endorsing_organizations, exposure_version, uncounted_offers)

    make_offer.__doc__ = MAKE_OFFER_DOC

    def wait_for_block(self, block_number: int, *, timeout: float | None = None) -> int:
        """Return once this client's gateway peer has committed ``block_number`` (see :meth:`catch_up`).

        Returns the block the peer delivered (its newest, if it had ``block_number`` already). Raises
        ``client.gateway.BlockWaitTimeoutError`` after ``timeout`` seconds (default: the gateway's
        ``Timeouts.wait_for_block``), and ValueError for a client built without its Network.
        """
        return self._network_to_wait_on().wait_for_block(block_number, timeout=timeout)

    def catch_up(self, *others: "ReceivablesClient", timeout: float | None = None) -> int | None:
        """Wait until this client's peer has every change the ``others`` submitted; the block waited for, or None.

        Use it when the next step is another org's: the supplier registers through its own peer, then
        ``core.catch_up(supplier)`` before ``core.confirm(...)`` makes sure the core enterprise's peer has
        the claim (each peer commits blocks on its own; without the wait the confirmation may be refused
        ``not-found``). Nothing is waited for when the others committed nothing through a Network.
        """
        block = self._latest_block_of(others)
        if block is not None:
            self.wait_for_block(block, timeout=timeout)
        return block

    def accept_offer(self, offer_id: str) -> Financing:
        return self._acceptance(offer_id, unless_refused_the_read(lambda: self.get_offer_terms(offer_id)))

    accept_offer.__doc__ = ACCEPT_OFFER_DOC

    def _accepted_terms_and_orgs(self, financing_id: str, terms: FinancingTerms | None,
                                 endorsing_organizations: Sequence[str] | None, what: str, *,
                                 claim_changes: bool = True, writes_terms_collection: bool = False):
        """The accepted terms (read back from the bank's peer unless given) and the orgs that endorse (unless
        given: the debtor's, holder's and bank's where the action changes the claim; where it changes the
        financing record alone, the holder's and bank's) of a bank's action on an accepted financing, as
        :class:`_Endorsers`. ``writes_terms_collection``: the action writes to the terms' collection, whose policy a
        regulator org must meet with the holder's where it is the bank's org too (:meth:`_terms_endorsers`)."""
        if terms is not None:
            _check_terms(terms, what, cap=LEDGER_MAX_FEN)
        financing = None
        if terms is None or endorsing_organizations is None:
            financing = self._readable_financing(financing_id)
        if terms is None and (offer_id := _accepted_offer(financing)) is not None:
            terms = self.get_offer_terms(offer_id).as_request()
        if endorsing_organizations is not None:
            return terms, _Endorsers(endorsing_organizations)
        deal = _deal_orgs(financing) if not claim_changes else []
        if len(deal) > 1:
            return terms, _Endorsers(deal)
        # the claim changes, or one org holds and finances: the three
        return terms, self._orgs_of_financing(financing, caller_as_bank=True, what=what,
                                              writes_terms=writes_terms_collection, carries_terms=terms is not None)

    def _orgs_of_financing(self, financing: FinancingView | None, *, caller_as_bank: bool, what: str,
                           writes_terms: bool = False, carries_terms: bool = False) -> _Endorsers:
        """Who endorses ``what``, a change to the claim of ``financing``: its debtor's, holder's and bank's orgs
        (with ``caller_as_bank``, the caller's standing for a bank not named yet). Where the caller may not read the
        financing, or its claim (a bank that has left it), the caller's own org: the change is sent all the
        same, for the contract to refuse it by its own rule, not the read's. Where the debtor's, holder's and
        bank's orgs are one, the orgs :meth:`_one_org_endorsers` names; ``writes_terms``: the change writes to the
        terms' collection, which may need a regulator org too, ``carries_terms``: it carries the accepted terms
        (:meth:`_claim_orgs`)."""
        claim = self._readable_claim(financing)
        if claim is None:
            return _Endorsers([self.who_am_i().msp_id])
        caller = caller_as_bank and not financing.financier_msp
        return blocking(self._claim_orgs)(financing, claim, self.who_am_i().msp_id if caller else None, what,
                                          writes_terms, carries_terms)

    def record_disbursement(self, financing_id: str, terms: FinancingTerms | None = None,
                            endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                         "record_disbursement", writes_terms_collection=True)
        return blocking(self._sent_to)(endorsers, lambda orgs: self._disbursement(financing_id, terms, orgs))

    record_disbursement.__doc__ = DISBURSEMENT_DOC

    def exercise_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                          endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                         "exercise_recourse")
        return blocking(self._sent_to)(
            endorsers, lambda orgs: self._recourse("ExerciseRecourse", financing_id, reason, terms, orgs))

    exercise_recourse.__doc__ = RECOURSE_DOC

    def demand_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                        endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                         "demand_recourse", claim_changes=False)
        return blocking(self._sent_to)(
            endorsers, lambda orgs: self._recourse("DemandRecourse", financing_id, reason, terms, orgs))

    demand_recourse.__doc__ = DEMAND_RECOURSE_DOC

    def cancel_financing(self, financing_id: str, reason: str,
                         endorsing_organizations: Sequence[str] | None = None) -> Financing:
        endorsers = _Endorsers(endorsing_organizations)
        if endorsing_organizations is None:
            endorsers = self._orgs_of_financing(self._readable_financing(financing_id), caller_as_bank=False,
                                                what="cancel_financing")
        return blocking(self._sent_to)(endorsers, lambda orgs: self._cancellation(financing_id, reason, orgs))

    cancel_financing.__doc__ = CANCEL_DOC

    def reseal_receivable(self, receivable_id: str, *,
                          endorsing_organizations: Sequence[str] | None = None) -> Reseal:
        return blocking(self._reseal_steps)(receivable_id, endorsing_organizations)

    reseal_receivable.__doc__ = RESEAL_DOC

    @staticmethod
    def _walk(fetch: Callable[[str], Any]) -> Iterator[Any]:
        """The records of every page ``fetch(bookmark)`` returns, following bookmarks to the end."""
        bookmark = ""
        while True:
            page = fetch(bookmark)
            yield from page.records
            if not page.bookmark or page.bookmark == bookmark:
                return
            bookmark = page.bookmark

    def iter_receivables(self, by: str, value: str, *, page_size: int = 50) -> Iterator[Receivable]:
        """Every receivable of a listing (``by`` = ``holder``, ``debtor``, ``status`` or ``financier``: every
        debtor's), page after page."""
        lister = self._lister(by)
        return self._walk(lambda bookmark: lister(value, page_size=page_size, bookmark=bookmark))

    def iter_offers_by_financier(self, financier: str, debtor: str | None = None, *,
                                 page_size: int = 50) -> Iterator[ListedOffer]:
        """Every offer of a bank's list of open offers (see :meth:`list_offers_by_financier`), page after page."""
        return self._walk(lambda bookmark: self.list_offers_by_financier(
            financier, debtor=debtor, page_size=page_size, bookmark=bookmark))

    def iter_payment_record(self, debtor: str, *, as_of: date | None = None,
                            page_size: int = 100) -> Iterator[PaymentRecord]:
        """Every claim of the debtor's payment record, page after page, all as of the first page's date."""
        def fetch(bookmark: str) -> PaymentRecordPage:
            nonlocal as_of
            page = self.debtor_payment_record(debtor, page_size=page_size, bookmark=bookmark, as_of=as_of)
            as_of = page.as_of  # later pages at the same date, even if the contract's day turns meanwhile
            return page
        return self._walk(fetch)

    def iter_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *,
                             scope: str = "open", page_size: int = 50) -> Iterator[DiscountOffer]:
        """Every discount offer of a listing (see :meth:`list_discount_offers`), page after page."""
        return self._walk(lambda bookmark: self.list_discount_offers(
            debtor, receivable_id, page_size=page_size, bookmark=bookmark, scope=scope))
