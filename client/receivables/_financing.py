"""A claim's financing, from the holder's request to its end: the disbursement, the debtor's acknowledgment of the
assignment, repayment, cancellation before disbursement, the bank's recourse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from client.gateway._twins import Steps

from ._arguments import _record_id, _said, _text
from ._endorsers import _deal_orgs, _Endorsers
from ._models import AssignmentNotice, Financing, FinancingTerms, FinancingView, Receivable
from ._offers import _check_terms
from ._read_refusals import _unless_refused_the_read_steps
from ..money import LEDGER_MAX_FEN


class _FinancingOperations:
    """A financing's request and withdrawal, disbursement, acknowledgment, repayment, cancellation and recourse."""

    def request_financing(self, receivable_id: str) -> Financing:
        """The holder asks banks to finance a confirmed claim."""
        return self._submit("RequestFinancing", _record_id(receivable_id, "receivable_id"), model=Financing)

    def withdraw_financing(self, financing_id: str) -> Financing:
        return self._submit("WithdrawFinancing", _record_id(financing_id, "financing_id"), model=Financing)

    def record_disbursement(self, financing_id: str, terms: FinancingTerms | None = None,
                            endorsing_organizations: Sequence[str] | None = None) -> Financing:
        """The financing bank records the advance, passing the accepted terms again (transient ``terms``).

        Without ``terms`` they are read back from the private data (``get_offer_terms`` of the accepted offer).
        Endorsement is pinned to the debtor's, holder's and bank's orgs: the claim's key-level policy needs all three,
        and the gateway refuses to plan a proposal with transient data beyond the collection's members (the debtor's org
        is not one). Where the holder and the bank are parties of one org (and the debtor of another), the collection
        needs a regulator org as well, found as :meth:`make_offer` finds it (ValueError, nothing sent, where it cannot
        be, unless ``endorsing_organizations`` names the debtor's org, that org and a regulator org). Where the debtor
        is a party of that org too, the orgs the claim's key names (that org and the regulator's,
        :meth:`receivable_endorsers`), those the collection needs and any the chaincode's endorsement policy asks
        besides, members of the collection only, are named, as for a :meth:`confirm` of such a claim (every org of the
        channel where those are no plan and every one is a member; a read of the definition that fails is raised,
        nothing sent). Where only orgs outside the collection would meet the chaincode's policy, or every org would be
        asked and one of them is none, ValueError, nothing sent, naming them: the terms may reach none of them. Without
        the Network, which the definition is read through, that org and the orgs the claim's key names: members of the
        collection, so the terms reach no other org, though a chaincode policy they do not meet would make the
        transaction invalid (where they cannot be read, or leave that org alone, ValueError, nothing sent: pass
        ``endorsing_organizations``). A caller the contract does not let read the financing (not its bank), its claim (a
        bank that has left it) or the accepted terms (the debtor), or a financing with no accepted offer (no terms to
        read back), is sent to the contract all the same (to the caller's own org, and without terms where there are
        none), so its own refusal comes back: ``not-the-financier``, ``invalid-state``... Any other refusal of the read
        (``not-found`` from a peer a block behind) is raised, and nothing is sent.
        """
        return self._run_steps(self._sent_with_accepted_terms)(
            lambda accepted, orgs: self._disbursement(financing_id, accepted, orgs), financing_id, terms,
            endorsing_organizations, "record_disbursement", writes_terms_collection=True)

    def _disbursement(self, financing_id: str, terms: FinancingTerms | None, endorsing_organizations: Sequence[str]):
        # no terms only where none could be read back (no accepted offer, or a financing or accepted terms the caller
        # may not read): the contract refuses such a disbursement before it reads them
        return self._submit("RecordDisbursement", _record_id(financing_id, "financing_id"),
                            transient=None if terms is None else terms.transient(),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    def acknowledge_assignment(self, notice_id: str) -> AssignmentNotice:
        """The debtor acknowledges the assignment notice: it will pay the financier. Only while the financing is
        DISBURSED: once it is repaid the contract refuses it (``invalid-state``)."""
        return self._submit("AcknowledgeAssignment", _record_id(notice_id, "notice_id"), model=AssignmentNotice)

    def record_repayment(self, financing_id: str) -> Financing:
        """The financier records that it was repaid; the financing closes and the claim is settled.

        Whatever the claim still owes is recorded as the debtor's payment to the bank that day, and the bank's recourse
        ends with the claim settled, for good: a bank paid only part records nothing yet (the debtor records what it
        paid, :meth:`record_payment`)."""
        return self._submit("RecordRepayment", _record_id(financing_id, "financing_id"), model=Financing)

    def cancel_financing(self, financing_id: str, reason: str,
                         endorsing_organizations: Sequence[str] | None = None) -> Financing:
        """The holder, or the bank whose offer was accepted, ends an accepted financing not yet disbursed.

        The bank leaves the claim: a FINANCED claim is CONFIRMED again (it can be paid, and before its due date financed
        anew or transferred), an OVERDUE one stays OVERDUE (only payment is left for it). A disbursed financing is
        refused (``financing-disbursed``: repayment ends it). Endorsement is pinned to the debtor's, holder's and bank's
        orgs: the claim's key-level policy in force names all three until this transaction drops the bank (the gateway
        would plan the same orgs). They are looked up (``get_financing`` and ``get_receivable``) unless
        ``endorsing_organizations`` is given; where they are one org, the orgs the claim's key names and any the
        chaincode's endorsement policy asks besides are named, as for a :meth:`confirm` of such a claim (the Gateway
        plans them for a client without its Network). A caller the contract does not let read the financing (neither its
        holder nor its bank), or its claim (a bank that has left it), is sent to the contract all the same, to its own
        org, so its refusal comes back (``not-the-holder``, ``not-the-financier``, ``invalid-state``...), not the
        read's. Any other refusal of the read (``not-found`` from a peer a block behind) is raised, and nothing is sent.
        """
        _said(reason, "reason", "CancelFinancing")     # before the financing and its claim are read
        return self._run_steps(self._cancel_financing_steps)(financing_id, reason, endorsing_organizations)

    def _cancel_financing_steps(self, financing_id: str, reason: str, endorsing_organizations: Sequence[str] | None
                                ) -> Steps[Financing]:
        """The cancellation, to the orgs of the financing's claim (:meth:`_orgs_of_financing`) where
        ``endorsing_organizations`` are not given."""
        endorsers = _Endorsers(endorsing_organizations)
        if endorsing_organizations is None:
            financing = yield from self._readable_financing(financing_id)
            endorsers = yield from self._orgs_of_financing(financing, caller_as_bank=False, what="cancel_financing")
        return (yield from self._sent_to(endorsers, lambda orgs: self._cancellation(financing_id, reason, orgs)))

    def _cancellation(self, financing_id: str, reason: str, endorsing_organizations: Sequence[str]):
        return self._submit("CancelFinancing", _record_id(financing_id, "financing_id"), _text(reason, "reason"),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    def demand_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                        endorsing_organizations: Sequence[str] | None = None) -> Financing:
        """The financing bank, unpaid by the debtor past the due date, calls on the holder to take the claim back
        (回购通知), on the ledger.

        For a financing accepted on terms with recourse (``recourse: true``): the financing stays DISBURSED, the demand
        is appended to ``recourse_demands`` (with what the debtor still owed then; ``latest_recourse_demand`` is its
        last); the claim is unchanged and the debtor may still pay the bank. The bank may demand again on a later day; a
        second demand the same day is refused (``recourse-already-demanded``), as :meth:`exercise_recourse` is
        (``without-recourse``, ``not-yet-due``...). The accepted terms are read back as for :meth:`exercise_recourse`;
        the financing record it writes alone carries the holder's and the bank's orgs' policy from acceptance, so those
        two endorse, members of the terms' collection: the terms reach no org outside it (where one org both holds and
        finances, the financing's key names that org and every regulator org, and those are named, read from the
        chaincode's committed definition: ValueError, nothing sent, where they cannot be, naming the orgs to pass;
        so too where the debtor is a party of that org as well: no org the chaincode's endorsement policy names besides
        is asked, as the demand writes no key that policy guards; without the Network, that org and the orgs the
        claim's key names, as for :meth:`record_disbursement`, not the Gateway's plan, which could send the terms to
        another org).
        """
        _said(reason, "reason", "DemandRecourse")      # before the financing, its claim and terms are read
        return self._run_steps(self._sent_with_accepted_terms)(
            lambda accepted, orgs: self._recourse("DemandRecourse", financing_id, reason, accepted, orgs),
            financing_id, terms, endorsing_organizations, "demand_recourse", claim_changes=False)

    def exercise_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                          endorsing_organizations: Sequence[str] | None = None) -> Financing:
        """The financing bank, unpaid by the debtor past the due date, takes the claim back to its holder.

        For a financing accepted on terms with recourse (``recourse: true``), once the holder has paid the bank back as
        their agreement says (it cannot be undone; a demand before it, :meth:`demand_recourse`, is not required): the
        financing ends RECOURSED, the claim is the holder's again (OVERDUE), its assignment notice is RELEASED and the
        debtor pays the holder from then on; the financing keeps its demands. Terms without recourse are refused
        (``without-recourse``), as is a claim not yet past its due date (``not-yet-due``). The accepted terms and the
        orgs that endorse are found as for :meth:`record_disbursement` (the claim's policy in force still names the
        bank's org), but no terms' collection is written, so none of its orgs is added; a client without its Network
        names that org and the orgs the claim's key names for a claim of one org's parties, as
        :meth:`record_disbursement` does, not the Gateway's plan, which could send the terms to another org.
        """
        _said(reason, "reason", "ExerciseRecourse")    # before the financing, its claim and terms are read
        return self._run_steps(self._sent_with_accepted_terms)(
            lambda accepted, orgs: self._recourse("ExerciseRecourse", financing_id, reason, accepted, orgs),
            financing_id, terms, endorsing_organizations, "exercise_recourse", writes_notice=True)

    def _recourse(self, transaction: str, financing_id: str, reason: str, terms: FinancingTerms | None,
                  endorsing_organizations: Sequence[str]):
        """DemandRecourse or ExerciseRecourse: the same arguments, terms and orgs."""
        # no terms only where none could be read back, as for a disbursement: the contract says why it refuses
        return self._submit(transaction, _record_id(financing_id, "financing_id"), _text(reason, "reason"),
                            transient=None if terms is None else terms.transient(),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    def _sent_with_accepted_terms(self, send: Callable[[FinancingTerms | None, Sequence[str] | None], Any],
                                  financing_id: str, terms: FinancingTerms | None,
                                  endorsing_organizations: Sequence[str] | None, what: str, *,
                                  claim_changes: bool = True, writes_terms_collection: bool = False,
                                  writes_notice: bool = False) -> Steps[Financing]:
        """``send(terms, orgs)``, a bank's action on an accepted financing, with the accepted terms and to the orgs
        :meth:`_accepted_terms_and_orgs` gives (``claim_changes``, ``writes_terms_collection`` and ``writes_notice``
        as it takes them); an EndorseError said again as :meth:`_sent_to` says it."""
        terms, endorsers = yield from self._accepted_terms_and_orgs(
            financing_id, terms, endorsing_organizations, what, claim_changes=claim_changes,
            writes_terms_collection=writes_terms_collection, writes_notice=writes_notice)
        return (yield from self._sent_to(endorsers, lambda orgs: send(terms, orgs)))

    def _accepted_terms_and_orgs(self, financing_id: str, terms: FinancingTerms | None,
                                 endorsing_organizations: Sequence[str] | None, what: str, *,
                                 claim_changes: bool = True, writes_terms_collection: bool = False,
                                 writes_notice: bool = False) -> Steps[tuple[FinancingTerms | None, _Endorsers]]:
        """The accepted terms (read back from the bank's peer unless given) and the orgs that endorse (unless
        given: the debtor's, holder's and bank's where the action changes the claim; where it changes the
        financing record alone, the holder's and bank's) of a bank's action on an accepted financing, as
        :class:`_Endorsers`. ``writes_terms_collection``: the action writes to the terms' collection, whose policy a
        regulator org must meet with the holder's where it is the bank's org too (:meth:`_terms_endorsers`).
        Where the holder's org is the bank's, the financing's key names that org and every regulator org, which
        are named (:meth:`_deal_regulators`): for a change of the financing record alone, those orgs only, members
        of the terms' collection; ``writes_notice``: the action changes the assignment notice too, whose key names
        the regulator orgs as well where the debtor's org is the bank's."""
        if terms is not None:
            _check_terms(terms, what, cap=LEDGER_MAX_FEN)
        financing = None
        if terms is None or endorsing_organizations is None:
            financing = yield from self._readable_financing(financing_id)
        if terms is None and (offer_id := _accepted_offer(financing)) is not None:
            accepted = yield from _unless_refused_the_read_steps(lambda: self.get_offer_terms(offer_id))
            if accepted is None:
                # a caller the terms are not for (the debtor) may read the financing but is no bank of it: sent
                # without terms, to its own org, the action's own refusal comes back, not the read's
                if endorsing_organizations is None:
                    endorsing_organizations = [(yield self.who_am_i()).msp_id]
                return None, _Endorsers(endorsing_organizations)
            terms = accepted.as_request()
        if endorsing_organizations is not None:
            return terms, _Endorsers(endorsing_organizations)
        deal = _deal_orgs(financing) if not claim_changes else []
        if len(deal) > 1:
            return terms, _Endorsers(deal)
        if deal:
            # one org holds and finances: the financing's key names that org and every regulator org, members of the
            # terms' collection, and the change writes no other key, so no other org is named, not even one the
            # chaincode's endorsement policy names, which would be sent the terms. Where the debtor is of that org
            # too and the client has no Network, the orgs the claim's key names are the same and read from it
            # (below), where the definition holding the regulator orgs cannot be read
            claim = yield from self._readable_claim(financing)
            if claim is not None and (claim.debtor_msp not in deal or self.network is not None):
                regulators = yield from self._deal_regulators(financing, claim, f"{what} on {financing.id}", False,
                                                              terms is not None, claim_changes=False)
                return terms, _Endorsers(None if regulators is None else [*deal, *regulators])
        # the claim changes: the three
        return terms, (yield from self._orgs_of_financing(financing, caller_as_bank=True, what=what,
                                                          writes_terms=writes_terms_collection,
                                                          carries_terms=terms is not None,
                                                          writes_notice=writes_notice))

    def _orgs_of_financing(self, financing: FinancingView | None, *, caller_as_bank: bool, what: str,
                           writes_terms: bool = False, carries_terms: bool = False, writes_notice: bool = False
                           ) -> Steps[_Endorsers]:
        """Who endorses ``what``, a change to the claim of ``financing``: its debtor's, holder's and bank's orgs
        (with ``caller_as_bank``, the caller's standing for a bank not named yet). Where the caller may not read the
        financing, or its claim (a bank that has left it), the caller's own org: the change is sent all the
        same, for the contract to refuse it by its own rule, not the read's. Where the debtor's, holder's and
        bank's orgs are one, the orgs :meth:`_one_org_endorsers` names; ``writes_terms``: the change writes to the
        terms' collection, which may need a regulator org too, ``carries_terms``: it carries the accepted terms
        (:meth:`_claim_orgs`); ``writes_notice``: it changes the assignment notice too (:meth:`_claim_orgs`)."""
        claim = yield from self._readable_claim(financing)
        if claim is None:
            return _Endorsers([(yield self.who_am_i()).msp_id])
        caller = caller_as_bank and not financing.financier_msp
        return (yield from self._claim_orgs(financing, claim, (yield self.who_am_i()).msp_id if caller else None,
                                            what, writes_terms, carries_terms, writes_notice))

    def _readable_financing(self, financing_id: str) -> Steps[FinancingView | None]:
        """The financing, for choosing who endorses an action on it; None when the contract refuses the caller
        the read (:data:`READ_REFUSALS`), and any other refusal raised.

        Whoever may offer on, disburse or cancel a financing may read it (a bank while it is requested, its
        holder, its bank), so a caller refused the read is refused the action too: the action is then sent to
        the caller's own org, for the contract to say which of its rules refuses it (``not-the-financier``
        rather than the read's ``not-permitted-to-read``). A ``not-found`` (a peer a block behind) is raised:
        sent to the caller's org alone, the action would miss the orgs the claim's policy needs."""
        return (yield from _unless_refused_the_read_steps(lambda: self.get_financing(financing_id)))

    def _readable_claim(self, financing: FinancingView | None) -> Steps[Receivable | None]:
        """The claim of ``financing`` (None for none), None where the caller may not read it, as
        :meth:`_readable_financing` reads the financing."""
        if financing is None:
            return None
        return (yield from _unless_refused_the_read_steps(lambda: self.get_receivable(financing.receivable_id)))


def _accepted_offer(financing: FinancingView | None) -> str | None:
    """The accepted offer whose terms a disbursement passes again; None when there are none to read (the
    financing unreadable to the caller, or no offer accepted), and the contract then says why it refuses."""
    return None if financing is None else financing.accepted_offer_id
