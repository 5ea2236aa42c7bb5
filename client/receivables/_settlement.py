"""The operations that settle a claim or say it is unpaid: a debtor's early-payment offers, payments, overdue."""

from __future__ import annotations

from client.gateway._twins import Steps
from client.gateway.errors import GatewayError

from ._arguments import _json, _request_id, _text
from ._models import DiscountOffer, DiscountOfferRequest, PaymentResult, Receivable, fen_sent
from ..money import LEDGER_MAX_FEN, Amount
from .errors import RuleViolation


class _SettlementOperations:
    """Discount offers, payments and overdue marking."""

    def publish_discount_offer(self, offer: DiscountOfferRequest, *, request_id: str | None = None) -> DiscountOffer:
        """The debtor offers early payment on its confirmed payables (a flat APR or a sliding scale).

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first offer.
        """
        if not isinstance(offer, DiscountOfferRequest):
            raise TypeError("publish_discount_offer takes a DiscountOfferRequest")
        return self._submit("PublishDiscountOffer", _json(offer), _request_id(request_id), model=DiscountOffer)

    def accept_discount_offer(self, offer_id: str, receivable_id: str) -> Receivable:
        """The holder takes early payment at the discounted amount; the claim settles."""
        return self._submit("AcceptDiscountOffer", _text(offer_id, "offer_id"),
                                                    _text(receivable_id, "receivable_id"), model=Receivable)

    def withdraw_discount_offer(self, offer_id: str) -> DiscountOffer:
        """The debtor withdraws an open early-payment offer it published; no holder can accept it afterwards.

        Claims already settled under it stay settled. A second withdrawal is refused (``discount-offer-withdrawn``),
        so a retry after a lost answer learns that the first one committed.
        """
        return self._submit("WithdrawDiscountOffer", _text(offer_id, "offer_id"), model=DiscountOffer)

    def record_payment(self, receivable_id: str, amount: Amount, *, request_id: str | None = None) -> PaymentResult:
        """The debtor records a payment (spread pro rata over the leaves of a split claim).

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first result. The result's
        ``tx_id`` is the payment's transaction: for a split claim, whose own last change stays the split, it is read
        from the request record (one more evaluate), so a retry answered from the record names the first payment's too.
        A negative ``amount`` raises ValueError before anything is sent.
        """
        return self._run_steps(self._payment_steps)(receivable_id, amount, request_id)

    settle = record_payment

    def _payment_steps(self, receivable_id: str, amount: Amount, request_id: str | None) -> Steps[PaymentResult]:
        """The payment, and its transaction (:attr:`PaymentResult.tx_id`): a split claim is paid through its
        leaves and keeps the split as its own last change, so the transaction that recorded the payment is read
        from the request record, which names it on a retry answered from the record too."""
        # as for transfer: a payment is a part of a claim already on the ledger
        args = (_text(receivable_id, "receivable_id"), str(fen_sent(amount, "amount", cap=LEDGER_MAX_FEN)),
                _request_id(request_id))
        paid = yield self._submit("RecordPayment", *args, model=PaymentResult)
        if paid.status == "SPLIT":
            try:
                paid.recorded_in((yield self.request(args[-1])).tx_id)
            # the payment committed all the same, whatever the read met (a record that does not parse is a
            # ValueError): its tx_id stays None, never an error that would have the caller pay again
            except (RuleViolation, GatewayError, ValueError) as exc:
                paid.tx_id_unread(f"{type(exc).__name__}: {exc}".splitlines()[0])
        return paid

    def record_overdue(self, receivable_id: str) -> Receivable:
        """Mark a claim unpaid after its due date (its debtor, holder or financier)."""
        return self._submit("RecordOverdue", _text(receivable_id, "receivable_id"), model=Receivable)

    mark_overdue = record_overdue
