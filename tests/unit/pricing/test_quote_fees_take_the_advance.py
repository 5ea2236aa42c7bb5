"""A quote whose fees take all of its advance is declined in the rule the contract refuses such an offer
by when it is made (fees-not-below-advance), not as interest and fees consuming the advance
(financing-not-positive), the rule of a disbursement: interest falls day by day to the due date, the fees
do not, so no later disbursement date would make the offer one the contract takes."""
from datetime import date, timedelta

import pytest
import yaml

from chaincode.receivables import financing
from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.model import OfferTerms
from client.pricing import BankPricing, ReceivableTerms, bank_config_path, quote

ON = date(2026, 12, 1)


def no_minimum_advance(**settings) -> BankPricing:
    """The shipped terms (CNY 500.00 flat fees) with no minimum advance, as limits.min_advance defaults to."""
    data = yaml.safe_load(bank_config_path("bank").read_text())
    del data["limits"]["min_advance"]
    return BankPricing.model_validate({**data, **settings})


@pytest.mark.parametrize("days", [1, 90])
def test_fees_taking_the_advance_are_declined_in_the_rule_refusing_the_offer(days):
    config = no_minimum_advance()
    terms = ReceivableTerms(receivable_id="R", face_amount=400, due_date=ON + timedelta(days=days))
    declined = quote(config, terms, grade="A", on=ON)
    assert declined.offer is None
    assert declined.declined == ("fees of CNY 500.00 take all of the CNY 3.80 advanced on CNY 4.00 "
                                 "outstanding, and the contract refuses such an offer when it is made "
                                 "(rule fees-not-below-advance): no later disbursement date leaves cash")
    # the terms the quote would have offered, as the contract checks them when the offer is made
    grade = config.grades["A"]
    offered = OfferTerms(advance_rate=str(grade.advance_rate),
                         discount_rate=str(config.base_rate + grade.spread), fees=50_000, recourse=True,
                         day_count=config.day_count,
                         expires_on=str(ON + timedelta(days=config.offer_valid_days)), salt="s" * 16)
    with pytest.raises(RuleViolation) as refused:
        financing.ensure_disbursable(offered, terms.face_amount, currency="CNY")
    assert refused.value.code == "fees-not-below-advance"


def test_interest_and_fees_consuming_the_advance_still_name_the_disbursements_rule():
    # 90.4% a year for 360 days on the CNY 570.00 advanced: more than the fees leave
    config = no_minimum_advance(base_rate="0.9")
    terms = ReceivableTerms(receivable_id="R", face_amount=60_000, due_date=ON + timedelta(days=360))
    declined = quote(config, terms, grade="A", on=ON).declined
    assert declined.startswith("interest and fees consume the advance")
    assert "(rule financing-not-positive)" in declined
