"""The operations that settle a claim or say it is unpaid: a debtor's early-payment offers, payments, overdue."""

from __future__ import annotations

from chaincode.receivables.model import DiscountTerms
from client.gateway._twins import Steps
from client.gateway.errors import GatewayError

from ._arguments import _json, _part_of_a_claim, _record_id, _request_id, _request_of
from ._contract_calls import CALL_GIVEN_UP
from ._models import DiscountOffer, DiscountOfferRequest, PaymentResult, Receivable
from ._read_refusals import _unless_refused_the_read_steps
from ..money import Amount
from .errors import ArgumentRefused, ArgumentTypeRefused, RuleViolation


class _SettlementOperations:
    """Discount offers, payments and overdue marking."""

    def publish_discount_offer(self, offer: DiscountOfferRequest, *, request_id: str | None = None) -> DiscountOffer:
        """The debtor offers early payment on its confirmed payables (a flat APR or a sliding scale).

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first offer.
        """
        _request_of(offer, DiscountOfferRequest, "publish_discount_offer",
                    "DiscountOfferRequest(apr=... or scale=[...], expires_on=...)")
        return self._submit("PublishDiscountOffer", _json(offer), _request_id(request_id, "PublishDiscountOffer"),
                            model=DiscountOffer)

    def accept_discount_offer(self, offer_id: str, receivable_id: str, *, as_read: DiscountOffer | None = None,
                              request_id: str | None = None) -> Receivable:
        """The holder takes early payment at the discounted amount; the claim settles.

        The acceptance carries the offer's terms (``apr`` or ``scale``, ``day_count``, ``expires_on``), and
        the contract settles only on those: if the offer's differ, it refuses (``discount-offer-changed``,
        naming each term) and nothing is settled. ``as_read``: the offer as you read it and decided on
        (``get_discount_offer``, ``list_discount_offers``), whose terms are sent. Without it, the offer is
        read now from the caller's own peer, with the claim (``get_discount_offer(offer_id,
        receivable_id=...)``), and its terms are sent: that binds the acceptance to what the offer says as it
        is sent, not to what you read before. A caller the contract does not let read it is sent without
        terms, for the contract's own refusal (``not-the-holder``...); any other refusal of the read is
        raised, and nothing is sent. An ``as_read`` of another offer raises ValueError, one that is no
        DiscountOffer TypeError, before anything is sent.

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call, with the same offer, claim and
        terms, return the claim the first acceptance settled; the same id for another acceptance is refused
        ``request-id-reused``.
        """
        return self._run_steps(self._accept_discount_offer_steps)(offer_id, receivable_id, as_read, request_id)

    def _accept_discount_offer_steps(self, offer_id: str, receivable_id: str, as_read: DiscountOffer | None,
                                     request_id: str | None) -> Steps[Receivable]:
        """The acceptance, with the terms of the offer as read: given, or read now from the caller's peer."""
        args = (_record_id(offer_id, "offer_id"), _record_id(receivable_id, "receivable_id"))
        request_id = _request_id(request_id, "AcceptDiscountOffer")   # checked, or made, before anything is read
        if as_read is None:
            as_read = yield from _unless_refused_the_read_steps(
                lambda: self.get_discount_offer(offer_id, receivable_id=receivable_id))
        elif not isinstance(as_read, DiscountOffer):
            raise ArgumentTypeRefused("accept_discount_offer's as_read takes the DiscountOffer you read")
        elif as_read.id != offer_id:
            raise ArgumentRefused(f"as_read is discount offer {as_read.id}, not {offer_id}: give the offer you "
                             "read under the id you accept")
        # "" only where the contract refuses the caller the read: it then says why it refuses the acceptance
        terms = "" if as_read is None else DiscountTerms.as_read(as_read.to_json())
        return (yield self._submit("AcceptDiscountOffer", *args, terms, request_id, model=Receivable))

    def withdraw_discount_offer(self, offer_id: str) -> DiscountOffer:
        """The debtor withdraws an open early-payment offer it published; no holder can accept it afterwards.

        Claims already settled under it stay settled. A second withdrawal is refused (``discount-offer-withdrawn``,
        naming the transaction the first one committed in), so a retry after a lost answer learns that it committed.
        """
        return self._submit("WithdrawDiscountOffer", _record_id(offer_id, "offer_id"), model=DiscountOffer)

    def record_payment(self, receivable_id: str, amount: Amount, *, request_id: str | None = None) -> PaymentResult:
        """The debtor records a payment (spread pro rata over the leaves of a split claim).

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first result. The result's
        ``tx_id`` is the payment's transaction: for a split claim, whose own last change stays the split, it is read
        from the request record (one more evaluate), so a retry answered from the record names the first payment's too.
        A negative ``amount``, or 0 (``amount-not-positive``), raises ValueError before anything is sent.
        """
        return self._run_steps(self._payment_steps)(receivable_id, amount, request_id)

    settle = record_payment

    def _payment_steps(self, receivable_id: str, amount: Amount, request_id: str | None) -> Steps[PaymentResult]:
        """The payment, and its transaction (:attr:`PaymentResult.tx_id`): a split claim is paid through its
        leaves and keeps the split as its own last change, so the transaction that recorded the payment is read
        from the request record, which names it on a retry answered from the record too."""
        args = (_record_id(receivable_id, "receivable_id"), _part_of_a_claim(amount, "RecordPayment"),
                _request_id(request_id, "RecordPayment"))
        paid = yield self._submit("RecordPayment", *args, model=PaymentResult)
        if paid.status == "SPLIT":
            try:
                paid.recorded_in((yield self.request(args[-1])).tx_id)
            # the payment committed all the same, whatever the read met (a record that does not parse is a
            # ValueError): its tx_id stays None, never an error that would have the caller pay again
            except (RuleViolation, GatewayError, ValueError) as exc:
                paid.tx_id_unread(f"{type(exc).__name__}: {exc}".splitlines()[0])
            # the payment committed: a caller that gave up on the read has no result, and must not pay again
            except CALL_GIVEN_UP as given_up:
                self._name_committed_request_id(given_up, "RecordPayment", args[-1])
                raise
        return paid

    def record_overdue(self, receivable_id: str) -> Receivable:
        """Mark a claim unpaid after its due date (its debtor, holder or financier)."""
        return self._submit("RecordOverdue", _record_id(receivable_id, "receivable_id"), model=Receivable)

    mark_overdue = record_overdue
