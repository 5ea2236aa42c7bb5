"""A claim's financing, from the holder's request to its end: the disbursement, the debtor's acknowledgment of the
assignment, repayment, cancellation before disbursement, the bank's recourse."""

from __future__ import annotations

from collections.abc import Sequence

from ._arguments import _text
from ._models import AssignmentNotice, Financing, FinancingTerms, FinancingView


class _FinancingOperations:
    """A financing's request and withdrawal, disbursement, acknowledgment, repayment, cancellation and recourse."""

    def request_financing(self, receivable_id: str) -> Financing:
        """The holder asks banks to finance a confirmed claim."""
        return self._submit("RequestFinancing", _text(receivable_id, "receivable_id"), model=Financing)

    def withdraw_financing(self, financing_id: str) -> Financing:
        return self._submit("WithdrawFinancing", _text(financing_id, "financing_id"), model=Financing)

    def _disbursement(self, financing_id: str, terms: FinancingTerms | None, endorsing_organizations: Sequence[str]):
        # no terms only where none could be read back (no accepted offer, or a financing the caller may not read):
        # the contract refuses such a disbursement before it reads them
        return self._submit("RecordDisbursement", _text(financing_id, "financing_id"),
                            transient=None if terms is None else terms.transient(),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    def acknowledge_assignment(self, notice_id: str) -> AssignmentNotice:
        """The debtor acknowledges the assignment notice: it will pay the financier. Only while the financing is
        DISBURSED: once it is repaid the contract refuses it (``invalid-state``)."""
        return self._submit("AcknowledgeAssignment", _text(notice_id, "notice_id"), model=AssignmentNotice)

    def record_repayment(self, financing_id: str) -> Financing:
        """The financier records that it was repaid; the financing closes and the claim is settled."""
        return self._submit("RecordRepayment", _text(financing_id, "financing_id"), model=Financing)

    def _cancellation(self, financing_id: str, reason: str, endorsing_organizations: Sequence[str]):
        return self._submit("CancelFinancing", _text(financing_id, "financing_id"), _text(reason, "reason"),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    def _recourse(self, transaction: str, financing_id: str, reason: str, terms: FinancingTerms | None,
                  endorsing_organizations: Sequence[str]):
        """DemandRecourse or ExerciseRecourse: the same arguments, terms and orgs."""
        # no terms only where none could be read back, as for a disbursement: the contract says why it refuses
        return self._submit(transaction, _text(financing_id, "financing_id"), _text(reason, "reason"),
                            transient=None if terms is None else terms.transient(),
                            endorsing_organizations=endorsing_organizations, model=Financing)


DISBURSEMENT_DOC = """The financing bank records the advance, passing the accepted terms again (transient ``terms``).

Without ``terms`` they are read back from the private data (``get_offer_terms`` of the
accepted offer). Endorsement is pinned to the debtor's, holder's and bank's orgs: the
claim's key-level policy needs all three, and the gateway refuses to plan a proposal
with transient data beyond the collection's members (the debtor's org is not one). Where the
holder and the bank are parties of one org (and the debtor of another), the collection needs a
regulator org as well, found as :meth:`make_offer` finds it (ValueError, nothing sent, where it
cannot be, unless ``endorsing_organizations`` names the debtor's org, that org and a regulator org).
Where the debtor is a party of that org too, the orgs the claim's key names (that org and the regulator's,
:meth:`receivable_endorsers`), those the collection needs and any the chaincode's endorsement policy asks besides
are named, as for a :meth:`confirm` of such a claim (every org of the channel where those are no plan, which sends
the terms to orgs outside the collection; a read of the definition that fails is raised, nothing sent). Without the
Network, which the definition is read through, that org and the orgs the claim's key names: members of the
collection, so the terms reach no other org, though a chaincode policy they do not meet would make the transaction
invalid (where they cannot be read, or leave that org alone, ValueError, nothing sent: pass
``endorsing_organizations``).
A caller the contract does not let read the financing (not its bank) or its claim (a bank that
has left it), or a financing with no accepted offer (no terms to read back), is sent to the
contract all the same (to the caller's own org, and without terms where there are none), so its
own refusal comes back:
``not-the-financier``, ``invalid-state``... Any other refusal of the read (``not-found`` from a
peer a block behind) is raised, and nothing is sent.
"""


DEMAND_RECOURSE_DOC = """The financing bank, unpaid by the debtor past the due date, calls on the holder to take the
claim back (回购通知), on the ledger.

For a financing accepted on terms with recourse (``recourse: true``): the financing stays DISBURSED, the demand
is appended to ``recourse_demands`` (with what the debtor still owed then; ``latest_recourse_demand`` is its
last); the claim is unchanged and the debtor may still pay the bank. The
bank may demand again on a later day; a second demand the same day is refused (``recourse-already-demanded``), as
:meth:`exercise_recourse` is (``without-recourse``, ``not-yet-due``...). The accepted terms are read back as for
:meth:`exercise_recourse`; the financing record it writes alone carries the holder's and the bank's orgs' policy
from acceptance, so those two endorse, members of the terms' collection: the terms reach no org outside it (where
one org both holds and finances, the financing has no policy of its own and the debtor's is added, as the
chaincode policy needs two; where the debtor is a party of that org too, the orgs the claim's key names, that org
and the regulator's, and any the chaincode's endorsement policy asks besides, as for a :meth:`confirm` of such a
claim; without the Network, that org and the orgs the claim's key names, as for :meth:`record_disbursement`, not
the Gateway's plan, which could send the terms to another org).
"""


RECOURSE_DOC = """The financing bank, unpaid by the debtor past the due date, takes the claim back to its holder.

For a financing accepted on terms with recourse (``recourse: true``), once the holder has paid the bank back
as their agreement says (it cannot be undone; a demand before it, :meth:`demand_recourse`, is not required): the
financing ends RECOURSED, the claim is the holder's again (OVERDUE), its assignment notice is RELEASED and the
debtor pays the holder from then on; the financing keeps its demands. Terms without recourse are refused
(``without-recourse``), as is a claim not yet past its due date (``not-yet-due``). The accepted terms
and the orgs that endorse are found as for :meth:`record_disbursement` (the claim's policy in force still
names the bank's org), but no terms' collection is written, so none of its orgs is added; a client without its
Network names that org and the orgs the claim's key names for a claim of one org's parties, as
:meth:`record_disbursement` does, not the Gateway's plan, which could send the terms to another org.
"""


CANCEL_DOC = """The holder, or the bank whose offer was accepted, ends an accepted financing not yet disbursed.

The bank leaves the claim: a FINANCED claim is CONFIRMED again (it can be paid, and before its due
date financed anew or transferred), an OVERDUE one stays OVERDUE (only payment is left for it). A
disbursed financing is refused (``financing-disbursed``: repayment ends it).
Endorsement is pinned to the debtor's, holder's and bank's orgs: the claim's key-level
policy in force names all three until this transaction drops the bank (the gateway would
plan the same orgs). They are looked up (``get_financing`` and ``get_receivable``) unless
``endorsing_organizations`` is given; where they are one org, the orgs the claim's key names
and any the chaincode's endorsement policy asks besides are named, as for a :meth:`confirm` of
such a claim (the Gateway plans them for a client without its Network). A caller the contract does not let read
the financing (neither its holder nor its bank), or its claim (a bank that has left it), is sent to the contract all
the same, to its own org, so its refusal comes back (``not-the-holder``, ``not-the-financier``,
``invalid-state``...), not the read's. Any other
refusal of the read (``not-found`` from a peer a block behind) is raised, and nothing is sent.
"""


def _accepted_offer(financing: FinancingView | None) -> str | None:
    """The accepted offer whose terms a disbursement passes again; None when there are none to read (the
    financing unreadable to the caller, or no offer accepted), and the contract then says why it refuses."""
    return None if financing is None else financing.accepted_offer_id
