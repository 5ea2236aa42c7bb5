"""`recfin discount accept` on an offer its debtor withdrew: said so before anything is asked or sent, naming the
contract's rule, rather than shown with what it would pay and agreed to, for the contract to refuse it."""

from __future__ import annotations

from datetime import date

from chaincode.receivables import keys
from client.pricing.ledger import early_payment_offer
from client.pricing.proposals import EarlyPaymentOffer, ReceivableTerms, price_early_payment
from client.receivables import DiscountOffer

from . import test_cli_discount_accept_agreed as agreed
from .test_cli_discount_accept_agreed import _accept, _sent
from .test_cli_party_commands import ok

# the fixtures: a confirmed claim of supplier1's and the core enterprise's 5% offer on it, priced on the channel's day
offered, on_the_channels_day = agreed.offered, agreed.on_the_channels_day


def test_a_withdrawn_offer_is_said_so_with_its_rule_and_not_asked(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    withdrawn = ok("discount", "withdraw", offer_id, "--as", "coreenterprise")
    answered = _accept(offer_id, claim, typed=b"y\n")
    assert answered.exit_code == 1, answered.output
    said = " ".join(answered.output.split())
    assert (f"not sent: not eligible: withdrawn by its debtor {withdrawn['debtor']} on {withdrawn['withdrawn_on']}, "
            f"and the contract pays no withdrawn offer (rule discount-offer-withdrawn)") in said, said
    assert "[y/N]" not in answered.output and "paid CNY" not in said
    assert _sent(channel) == []
    assert channel.document(keys.RECEIVABLE, claim)["status"] == "CONFIRMED"


def test_a_withdrawn_offer_read_from_the_ledger_or_a_file_is_priced_as_not_eligible(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    ok("discount", "withdraw", offer_id, "--as", "coreenterprise")
    read = ok("discount", "get", offer_id, "--as", "supplier/supplier1")
    offer = early_payment_offer(DiscountOffer.model_validate(read))
    terms = ReceivableTerms(receivable_id=claim, face_amount=113000, due_date=date(2026, 5, 31))
    priced = price_early_payment(offer, terms, date(2026, 3, 2))
    assert (priced.eligible, priced.takeable_now, priced.net_cash) == (False, False, 0)
    assert "(rule discount-offer-withdrawn)" in priced.why
    # an offers file may say so too; one that says nothing is open, as before
    as_filed = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", expires_on=date(2026, 4, 1),
                                 status="WITHDRAWN")
    assert price_early_payment(as_filed, terms, date(2026, 3, 2)).why == (
        "not eligible: withdrawn by its debtor core, and the contract pays no withdrawn offer (rule "
        "discount-offer-withdrawn): ask the debtor for a new offer")
    assert price_early_payment(as_filed.model_copy(update={"status": "OPEN"}), terms, date(2026, 3, 2)).eligible
