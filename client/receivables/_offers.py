"""A bank's offers on a financing request (their terms private, sent as transient data) and the holder's acceptance
of one."""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Sequence
from typing import Any

from chaincode.receivables.arguments import UNCOUNTED_OFFERS_MAX, uncounted_offers_problem
from chaincode.receivables.errors import rule
from client.gateway._twins import Steps
from client.gateway.errors import EndorseError, EvaluateError, GatewayError, SubmitError

from ._arguments import _as_the_contract_checks, _int, _read_as_the_contract_reads, _record_id, _said
from .errors import ArgumentRefused, ArgumentTypeRefused
from ._models import Financing, FinancingTerms, Offer, OfferTerms, fen_sent
from ._read_refusals import _unless_refused_the_read_steps
from ..money import MAX_FEN


OFFER_SALTS_KEPT = 10_000
"""How many of its offers' salts a client keeps, the most recent, to refuse one sent again on another financing
(about 100 bytes each: 1 MB). Salts are drawn afresh for each FinancingTerms, so a salt reused by mistake (one
terms object offered on two financings) is one from a recent offer; an older one goes out unchecked."""


class _OfferOperations:
    """A bank's offer (made, withdrawn) and the holder's acceptance of one."""

    def make_offer(self, financing_id: str, terms: FinancingTerms,
                   endorsing_organizations: Sequence[str] | None = None, *,
                   exposure_version: int | None = None, uncounted_offers: Sequence[str] | None = None) -> Offer:
        """A bank offers terms on a financing request. The terms travel as transient data (``terms``).

        Endorsement is pinned to the holder's org and the bank's own org (the collection's policy), so no other org's
        peer receives the terms: unpinned, the gateway would simulate first on a peer of its own org, member of the
        collection or not. By default both are looked up (``get_financing``, ``get_receivable`` and ``who_am_i``): the
        holder's org is the claim's, not the request record's copy (the contract refuses a request naming another,
        ``invalid-state``). The offer's record and index entries are new keys, which answer to the chaincode's
        endorsement policy: it is read from the chaincode's committed definition (through a peer of the bank's org),
        and where the two orgs do not meet it, the fewest other members of the collection are named too; where no
        members do, ValueError naming the policy and the collection's members, nothing sent (a definition that
        cannot be read leaves the two orgs). Where the claim's holder is a party of the bank's own org, the collection
        needs a regulator org to endorse with it: that org and the first in name order of the collection's other
        members, read from the chaincode's committed definition (``_lifecycle``, through a peer of that org), and, where
        they do not meet the chaincode's endorsement policy read from it, which the offer's new keys answer to, the
        fewest other members of the collection that do; where no members do, ValueError naming the policy and the
        collection's members, nothing sent (sent, the offer would be invalid in its block). Where the client has no
        Network, the definition cannot be read or names no such collection: ValueError, nothing sent, unless
        ``endorsing_organizations`` names them. Pass ``endorsing_organizations`` to skip the look-ups; the orgs given
        are sent as they are. A caller the contract does not let read the financing or its claim cannot offer on it
        either, nor can one whose party is no financier: the offer then goes to the caller's own org alone, and the
        contract's own refusal comes back (``role-not-permitted``, ``invalid-state``...), not the read's. Any other
        refusal of the read (``not-found`` from a peer a block behind) is raised, and nothing is sent.

        ``exposure_version``: the ``version`` of the :meth:`financier_exposure` read the offer was priced on (the bank's
        exposure on the claim's debtor). The contract refuses the offer (``exposure-changed``) if the version has moved
        since (another offer of the bank on the debtor: the change that can raise the exposure), so an offer priced
        within the bank's limit on that read keeps the bank within it, whichever host made the other offer; read the
        exposure again and price again. ``exposure-version-ahead``: the endorsing peer has not caught up with the one
        the exposure was read from yet; send it again shortly. Without a version the offer is made as before (and moves
        the version all the same); a contract before the version takes no second argument, and the SDK sends none then.
        One that is no int (``"7"``, ``7.0``, ``True``) raises TypeError, one below 0 or above the
        contract's 15 digits (:data:`EXPOSURE_VERSION_MAX`) :class:`RefusedBeforeSending` (a ValueError)
        ``argument-invalid``, the contract's rule for it, before any look-up, nothing sent.

        ``uncounted_offers``: the ``uncounted_offers`` of that same read, the bank's offers on the debtor its figures
        left out (lapsed, or their record rewritten by other orgs; not an offer whose own terms have expired,
        which the contract refuses to accept by those terms). The contract drops the bank's entries of
        those offers, so that none of them can be accepted afterwards (``offer-not-listed``), even one written back OPEN
        after the read, which moves no version, nor disbursed if accepted before the offer committed
        (``offer-uncounted``): send them whenever the offer is priced on the read. Offer ids as the read gave them
        (otherwise :class:`RefusedBeforeSending`, a ValueError, ``argument-invalid`` as the contract would answer,
        before any look-up, nothing sent); none or empty sends nothing, as a contract before them takes.
        """
        return self._run_steps(self._make_offer_steps)(financing_id, terms, endorsing_organizations, exposure_version,
                                                        uncounted_offers)

    def _make_offer_steps(self, financing_id: str, terms: FinancingTerms, endorsing_organizations: Sequence[str] | None,
                          exposure_version: int | None, uncounted_offers: Sequence[str] | None) -> Steps[Offer]:
        """The offer, to the orgs :meth:`_offer_orgs` names where ``endorsing_organizations`` are not given."""
        _check_terms(terms, "make_offer")
        # refused before any look-up, as the terms are
        if exposure_version is not None:
            _exposure_version(exposure_version)
        _uncounted_offers(uncounted_offers)
        if endorsing_organizations is None:
            financing = yield from self._readable_financing(financing_id)
            claim = yield from self._readable_claim(financing)
            caller = yield self.who_am_i()
            # one that is no bank is refused any offer (role-not-permitted): sent to its own org alone, that refusal
            # comes back, not what a bank of the holder's org would need to endorse
            endorsing_organizations = ([caller.msp_id] if caller.role != "financier" else
                                       (yield from self._offer_orgs(financing_id, claim, caller.msp_id)))
        return (yield self._offer(financing_id, terms, endorsing_organizations, exposure_version, uncounted_offers))

    def _offer(self, financing_id: str, terms: FinancingTerms, endorsing_organizations: Sequence[str],
               exposure_version: int | None, uncounted_offers: Sequence[str] | None):
        # sent only when given: a contract before the version takes the financing id alone, and one before the
        # uncounted offers no third argument
        version = [] if exposure_version is None else [_exposure_version(exposure_version)]
        if uncounted := _uncounted_offers(uncounted_offers):
            version = [*(version or [""]), uncounted]
        transient = terms.transient()     # checked as sent: the salt below is the one that goes out
        # an offer sent again on the same financing (after a lost answer, or withdrawn and made again) sends the
        # same bytes; the same salt on another financing is refused. It is held from before the send, so that two
        # offers under way at once cannot both take it, and kept as sent unless the call failed before anything
        # could be ordered (a failed transaction's public write, terms_hash included, is in its block all the same)
        financing_id = _record_id(financing_id, "financing_id")
        earlier = self._offer_salts.get(terms.salt)
        if earlier is not None and earlier != financing_id:
            raise ArgumentRefused(f"these terms carry the salt of this client's offer on financing {earlier}: each "
                                  "offer needs its own, or a holder reading its terms could find the other's from the "
                                  "public terms_hash; build FinancingTerms anew, or copy them with "
                                  "model_copy(update={'salt': secrets.token_hex(16)}); nothing was sent")
        self._keep_salt(terms.salt, financing_id)
        held = earlier is None     # this call's to let go of if nothing went out
        try:
            answer = self._submit("MakeFinancingOffer", financing_id, *version, transient=transient,
                                  endorsing_organizations=endorsing_organizations, model=Offer)
        except BaseException as error:
            self._unless_ordered(error, terms.salt, held)
            raise
        if inspect.isawaitable(answer):
            return self._awaited_offer(answer, terms.salt, financing_id, held)
        self._keep_salt(terms.salt, financing_id)    # sent: kept, whatever another call let go of meanwhile
        return answer

    async def _awaited_offer(self, answer: Awaitable[Offer], salt: str, financing_id: str, held: bool) -> Offer:
        """The async client's offer, its salt let go of as :meth:`_unless_ordered` says."""
        try:
            offer = await answer
        except BaseException as error:
            self._unless_ordered(error, salt, held)
            raise
        self._keep_salt(salt, financing_id)
        return offer

    def _keep_salt(self, salt: str, financing_id: str) -> None:
        """Notes ``salt`` as this client's offer's on ``financing_id``, keeping the most recent
        :data:`OFFER_SALTS_KEPT`."""
        self._offer_salts[salt] = financing_id
        self._offer_salts.move_to_end(salt)
        while len(self._offer_salts) > OFFER_SALTS_KEPT:
            self._offer_salts.popitem(last=False)

    def _unless_ordered(self, error: BaseException, salt: str, held: bool) -> None:
        """Lets go of the salt ``_offer`` held for an offer that failed with ``error`` before anything could reach
        a block: a refused endorsement (a mistyped financing id, say) or a submit no orderer took. Any other
        failure (a lost answer, a transaction invalidated in its block) may have published its terms_hash."""
        gateway_error = error if isinstance(error, GatewayError) else error.__cause__
        unsent = isinstance(gateway_error, (EndorseError, EvaluateError)) or (
            isinstance(gateway_error, SubmitError) and not gateway_error.may_have_been_ordered)
        if held and unsent:
            self._offer_salts.pop(salt, None)

    def withdraw_offer(self, offer_id: str, reason: str) -> Offer:
        """The bank that made an open offer takes it back: no holder can accept it afterwards, and it leaves the
        bank's open offers on the debtor (``financier_exposure``). The bank may then offer on the request again.

        Refused for an offer accepted (``invalid-state``: ``cancel_financing`` ends its financing before
        disbursement), lapsed or already withdrawn, and for any other caller; a freeze of the claim does not stop
        it. ``reason`` is on the public record: it should name no limit or exposure.
        """
        return self._submit("WithdrawFinancingOffer", _record_id(offer_id, "offer_id"),
                            _said(reason, "reason", "WithdrawFinancingOffer"), model=Offer)

    def accept_offer(self, offer_id: str) -> Financing:
        """The holder accepts one offer; the others lapse; the claim becomes FINANCED.

        The offer's terms (its expiry among them) are private: they are read from the caller's own peer
        (``get_offer_terms``) and passed again as transient ``terms``, for the contract to check them against the
        offer's hash and refuse an expired offer (``offer-expired``). A caller the contract does not let read them (not
        the holder) is sent to the contract without them, so its own refusal comes back (``not-the-holder``...). Any
        other refusal of the read is raised, and nothing is sent.
        """
        return self._run_steps(self._accept_offer_steps)(offer_id)

    def _accept_offer_steps(self, offer_id: str) -> Steps[Financing]:
        """The acceptance, with the offer's terms read from the caller's peer where the contract lets it read them."""
        terms = yield from _unless_refused_the_read_steps(lambda: self.get_offer_terms(offer_id))
        return (yield self._acceptance(offer_id, terms))

    def _acceptance(self, offer_id: str, terms: OfferTerms | None):
        # no terms only where the contract refuses the caller their read (not the claim's holder): the contract
        # then says why it refuses the acceptance
        return self._submit("AcceptFinancingOffer", _record_id(offer_id, "offer_id"),
                            transient=None if terms is None else terms.as_request().transient(), model=Financing)


def _uncounted_offers(value: Sequence[str] | None) -> str:
    """``make_offer``'s ``uncounted_offers`` as sent: the JSON list of the offer ids ``financier_exposure`` answered
    in ``uncounted_offers``; "" for none. Checked by the contract's own rule (``uncounted_offers_problem``), and what
    it refuses is :class:`RefusedBeforeSending` ``argument-invalid``, as MakeFinancingOffer would answer."""
    if value is None:
        return ""
    ids = list(value) if isinstance(value, Sequence) and not isinstance(value, (str, bytes)) else None
    with _as_the_contract_checks("MakeFinancingOffer"):
        if problem := uncounted_offers_problem(ids, f"uncounted_offers is {value!r}",
                                               "give the uncounted_offers financier_exposure answered with the "
                                               f"version, a sequence of at most {UNCOUNTED_OFFERS_MAX} offer ids"):
            raise rule("argument-invalid", problem)
    return json.dumps(ids) if ids else ""


EXPOSURE_VERSION_MAX = 10 ** 15 - 1
"""The largest ``exposure_version`` the contract takes: MakeFinancingOffer refuses one of more than 15 digits
(``argument-invalid``), as no count of offers reaches it, so a larger one is no version it answered."""


def _exposure_version(value: int) -> str:
    """``make_offer``'s ``exposure_version`` as sent: a version ``financier_exposure`` answered (an int
    from 0 to :data:`EXPOSURE_VERSION_MAX`). One of another type is a TypeError; one out of that range is
    :class:`RefusedBeforeSending` ``argument-invalid``, as MakeFinancingOffer would answer its text."""
    advice = (f"give the version financier_exposure answered, an int from 0 to {EXPOSURE_VERSION_MAX:_} "
              "(15 digits)")
    with _as_the_contract_checks("MakeFinancingOffer"):
        if _int(value, "exposure_version", advice) < 0:
            raise rule("argument-invalid", f"exposure_version is negative: {advice}")
        if value > EXPOSURE_VERSION_MAX:
            # not echoed: the text of an int of some 4,300 digits or more is itself refused by Python
            raise rule("argument-invalid", f"exposure_version is above {EXPOSURE_VERSION_MAX:_}, the contract's 15 "
                       f"digits: {advice}")
    return str(value)


def _terms_advice(terms: Any, cap: int | None) -> str:
    """What to pass instead of ``terms`` that are no FinancingTerms: the OfferTerms ``get_offer_terms`` reads are the
    likeliest, and are sent again as ``as_request()`` gives them (a new offer draws its own salt instead)."""
    if cap is None:
        return ": build FinancingTerms(advance_rate=..., discount_rate=..., recourse=..., expires_on=...)"
    read = "the OfferTerms get_offer_terms reads: pass terms.as_request()" if isinstance(terms, OfferTerms) else \
        "pass get_offer_terms(offer_id).as_request()"
    return f" ({read}, or leave terms out: the accepted offer's terms are read back)"


def _check_terms(terms: Any, what: str, *, cap: int | None = None) -> None:
    """``terms`` are FinancingTerms with fees within ``cap``: a new offer's within the cap on amounts sent (None), terms
    repeated at disbursement within the cap they may have been stored under (``OfferTerms.as_request()`` reads
    them so, and its result must not pass as a new offer's)."""
    if not isinstance(terms, FinancingTerms):
        raise ArgumentTypeRefused(f"{what} takes FinancingTerms, not {type(terms).__name__}{_terms_advice(terms, cap)}")
    fen_sent(terms.fees, "fees", cap=MAX_FEN if cap is None else cap)   # raises, before anything is read or sent
    terms.checked()     # and so does any other term changed since they were built (model_copy validates nothing)
    if cap is None:
        # a new offer's terms as the contract reads them (a rate above 1, a salt too short): refused before the
        # financing, the claim and the caller are read, not after
        _read_as_the_contract_reads(terms, cap=MAX_FEN)
