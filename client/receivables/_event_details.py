"""The details of each event of the receivables contract, one model per event name, field for field as
the contract's transactions (``chaincode/receivables/tx_*.py``) emit them (``ReceivablesEvent.typed()`` gives
them).

Amounts are integer fen with the claim's ``currency`` beside them, business dates ``datetime.date``, rates
``Decimal``, as in the documents (``client.receivables._models``). Like every document, a model refuses fields
it does not know: see :class:`EventDetails` for why.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, StrictBool, StrictInt, model_validator

from ._models import Allocation, BusinessDate, DayCount, Document, Fen, LedgerUpgrade, Outcome, RateValue, Role, Status

# The currency of an event that carries an amount: None in an older contract's event, which named it only in
# ReceivableRegistered; those events stay in the blocks for good and must still read (unknown, not CNY).
OlderEventCurrency = str | None


class EventDetails(Document):
    """The fields of an event's payload other than ``event``, ``receivable_id`` and ``tx_id``.

    Unknown fields are refused, as in every document of this client (``_Operations._answer`` gives the reasons):
    an event a newer contract emits with a field added could mean something these models cannot say (a claim
    moved under a condition, a partial freeze), and a listener acting on the fields it knows would act on half
    the change without knowing it. Only ``typed()`` refuses: the event stream itself goes on, and
    ``ReceivablesEvent.details`` still holds every field as sent.
    """

    def to_json(self) -> dict[str, Any]:
        """The details as the contract's JSON (``from`` spelt as the payload spells it; a field the payload left
        out, an older contract's ``currency``, left out again)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class PartyRegistered(EventDetails):
    party: str
    role: Role
    msp_id: str


class PartyRenamed(EventDetails):
    """RenameParty: the party's new ``name`` and the one it had until then."""

    party: str
    name: str
    former_name: str


class PartyIdentityBound(EventDetails):
    party: str
    client_id: str


class PartyIdentityUnbound(EventDetails):
    party: str
    client_id: str


class ReceivableRegistered(EventDetails):
    debtor: str
    holder: str
    face_amount: Fen
    currency: str
    due_date: BusinessDate


class ReceivableConfirmed(EventDetails):
    debtor: str
    holder: str
    face_amount: Fen
    currency: OlderEventCurrency = None


class ReceivableRejected(EventDetails):
    reason: str


class ReceivableWithdrawn(EventDetails):
    """Its creditor withdrew the claim before its debtor confirmed it: the invoices behind it are released."""

    reason: str


class _HolderChange(EventDetails):
    # not the base of a public model: a listener asking isinstance(d, ReceivableTransferred) means whole claims
    model_config = ConfigDict(populate_by_name=True)   # built in Python as from_=..., read from JSON as "from"
    from_: str = Field(alias="from")
    to: str
    amount: Fen
    currency: OlderEventCurrency = None


class ReceivableTransferred(_HolderChange):
    """The whole claim changed holder: ``from_`` (``from`` in the payload) to ``to``."""


class ReceivableSplit(_HolderChange):
    """Part of the claim, ``amount``, went from ``from_`` to ``to``, and ``from_`` kept the rest, ``kept``: the
    claim split into ``children`` (the part sent, ``<id>.1``, then the part kept, ``<id>.2``), which hold those
    amounts. ``kept`` is None in an older contract's event, which named the part sent only."""

    kept: Fen | None = None
    children: list[str]


class PaperIdentityLinked(EventDetails):
    """Party ``by`` (its credit code: the claim's creditor, the invoice's seller, before or after the debtor
    confirmed the claim) linked the paper form's identity (数电纸质发票: ``paper_code``, ``paper_number``,
    fingerprint ``paper_fingerprint``) to the invoice numbered ``invoice_number`` of the claim, the lineage's
    root: the invoice registry holds the invoice under it too."""

    invoice_number: str
    paper_code: str
    paper_number: str
    paper_fingerprint: str
    by: str


class FinancingRequested(EventDetails):
    """``outstanding``: what the claim's debtor still owes, the amount a bank's advance is on."""

    financing_id: str
    outstanding: Fen
    currency: OlderEventCurrency = None
    due_date: BusinessDate

    @model_validator(mode="before")
    @classmethod
    def _outstanding_under_its_earlier_name(cls, data: Any) -> Any:
        # the earliest contract versions (before fc0b0ee) named the same figure face_amount (they emitted
        # r.outstanding): their events stay in the blocks for good and read under today's name. An event naming
        # both is no contract's: face_amount is refused then, as any field a model does not know
        if isinstance(data, dict) and "face_amount" in data and "outstanding" not in data:
            data = {("outstanding" if name == "face_amount" else name): value for name, value in data.items()}
        return data


class FinancingWithdrawn(EventDetails):
    financing_id: str


class FinancingOffered(EventDetails):
    financing_id: str
    offer_id: str
    financier: str
    terms_hash: str
    # private since: only an event of an earlier contract version carries it
    expires_on: BusinessDate | None = None


class FinancingOfferAccepted(EventDetails):
    financing_id: str
    offer_id: str
    financier: str


class FinancingOfferWithdrawn(EventDetails):
    """The bank took its open offer back: no holder can accept it."""

    financing_id: str
    offer_id: str
    financier: str
    reason: str


class FinancingDisbursed(EventDetails):
    financing_id: str
    notice_id: str
    financier: str


class AssignmentNoticeAcknowledged(EventDetails):
    notice_id: str
    financier: str


class FinancingRepaid(EventDetails):
    """The bank recorded its repayment and the claim is settled: ``paid`` is what the claim still owed, recorded as
    the debtor's payment to the bank (0 where the debtor's own payments had settled it); None, with ``currency``,
    in an earlier contract's event, which named neither."""

    financing_id: str
    financier: str
    paid: Fen | None = None
    currency: OlderEventCurrency = None


class FinancingCancelled(EventDetails):
    """``by`` (the holder or the bank) cancelled; ``status`` is the claim's afterwards."""

    financing_id: str
    financier: str
    by: str
    reason: str
    status: Status


class RecourseDemanded(EventDetails):
    """The bank called on ``holder`` to take the claim back under recourse terms; the debtor still owes
    ``outstanding``, and the financing is still the bank's."""

    financing_id: str
    financier: str
    holder: str
    outstanding: Fen
    currency: str
    reason: str


class RecourseExercised(EventDetails):
    """The bank took the claim back to ``holder`` under recourse terms: the debtor owes the holder ``outstanding``."""

    financing_id: str
    financier: str
    holder: str
    notice_id: str
    outstanding: Fen
    currency: str
    reason: str


class _DiscountOfferChange(EventDetails):
    offer_id: str
    debtor: str
    receivable_ids: list[str]


class DiscountOfferPublished(_DiscountOfferChange):
    """The debtor offered early payment on ``receivable_ids``."""


class DiscountOfferAccepted(EventDetails):
    """The holder took early payment: ``paid`` to it, ``discount`` off the claim, ``days_early`` at ``apr`` on the
    ``day_count`` basis (None in an earlier contract's event, which did not name it: the offer's, GetDiscountOffer)."""

    offer_id: str
    paid: Fen
    discount: Fen
    currency: OlderEventCurrency = None
    days_early: StrictInt
    apr: RateValue
    day_count: DayCount | None = None


class DiscountOfferWithdrawn(_DiscountOfferChange):
    """The debtor withdrew its offer: no holder can take it any more."""


class WithdrawnRequest(Document):
    """A financing request a payment ended: the part paid and its financing, now WITHDRAWN."""

    receivable_id: str
    financing_id: str


class CancelledFinancing(Document):
    """A financing a bank accepted and never disbursed that a payment from the due date on ended: the part paid, its
    financing, now CANCELLED, and the bank that accepted it, which has left the part."""

    receivable_id: str
    financing_id: str
    financier: str


class PaymentRecorded(EventDetails):
    amount: Fen
    currency: OlderEventCurrency = None
    allocations: list[Allocation]
    # from the due date on, a payment on a part whose financing is only requested ends the request (its open
    # offers lapse), and one on a part whose financing a bank accepted and never disbursed ends that (it could no
    # longer be disbursed): each named here; each field is left out when the payment ended none of its kind
    financings_withdrawn: list[WithdrawnRequest] = Field(default_factory=list)
    financings_cancelled: list[CancelledFinancing] = Field(default_factory=list)


class ReceivableOverdue(EventDetails):
    outstanding: Fen
    currency: OlderEventCurrency = None
    due_date: BusinessDate


class ReceivableFrozen(EventDetails):
    """Order ``order_reference`` froze the claim; ``queued``: another order froze it already, and this one takes
    effect when the orders before it are lifted (an older contract's event, which queued none, lacks it)."""

    order_reference: str
    queued: StrictBool = False


class ReceivableUnfrozen(EventDetails):
    """``order_reference`` lifted the freeze that order ``lifted`` had put on; ``frozen_by`` is the order that
    freezes the claim after it (one that was queued), None when none does (an older contract's event lacks it:
    its lifting freed the claim)."""

    order_reference: str
    lifted: str
    frozen_by: str | None = None


class ReceivableResealed(EventDetails):
    """Party ``by`` (its credit code) resealed the claim: its key's policy named ``orgs_before`` and names
    ``orgs_after``, the orgs due (the same orgs where only the form earlier contract versions wrote was
    rewritten), each org's peers; ``member_form_resealed``, whether it was in that form (MSP role MEMBER),
    absent from a contract before ResealReceivable rewrote it; ``entries_resealed``, how many entries the
    reseal covers beside the key (its live loan's, its registry entries) had their policy
    rewritten, where the key may have needed nothing, absent (0) from a contract before it counted them. The
    claim's value, its ``last`` included, is not written."""

    by: str
    orgs_before: list[str]
    orgs_after: list[str]
    member_form_resealed: StrictBool = False
    entries_resealed: StrictInt = 0


class InvoiceVerificationAttested(EventDetails):
    """``sources_skipped``: the sources the attester asked that held nothing of the invoice, which a pass naming
    every source the network requires clears its attester's failure on; left out of the event where none (and by
    a contract before the field), read as empty."""

    attestation_id: str
    fingerprint: str
    outcome: Outcome
    sources: list[str]
    attester: str
    sources_skipped: list[str] = Field(default_factory=list)


class LedgerUpgraded(EventDetails, LedgerUpgrade):
    """One page of ``UpgradeLedger`` (the fields of :class:`LedgerUpgrade`) and who ran it."""

    by: str


EVENT_DETAILS: dict[str, type[EventDetails]] = {model.__name__: model for model in (
    PartyRegistered, PartyRenamed, PartyIdentityBound, PartyIdentityUnbound, ReceivableRegistered, ReceivableConfirmed,
    ReceivableRejected, ReceivableWithdrawn, ReceivableTransferred, ReceivableSplit, PaperIdentityLinked,
    FinancingRequested,
    FinancingWithdrawn, FinancingOffered, FinancingOfferAccepted, FinancingOfferWithdrawn, FinancingDisbursed,
    AssignmentNoticeAcknowledged, FinancingRepaid, FinancingCancelled, RecourseDemanded, RecourseExercised,
    DiscountOfferPublished, DiscountOfferAccepted, DiscountOfferWithdrawn, PaymentRecorded, ReceivableOverdue,
    ReceivableFrozen, ReceivableUnfrozen,
    ReceivableResealed, InvoiceVerificationAttested, LedgerUpgraded,
)}
"""Each event name the contract emits, and the model of its details (named as the event is)."""
