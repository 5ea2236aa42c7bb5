"""Ranking financing proposals: hand-computed amounts, both orders, eligibility and why."""
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pydantic import ValidationError

from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms, ScaleTier, rank_proposals
from client.pricing.money import percent_of
from client.pricing.proposals import price_bank_offer

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1))  # 90 days
# with a live financing request, as bank offers are open only on one: they can be taken now
FINANCED = TERMS.model_copy(update={"financing_id": "F-1"})


def bank(offer_id, advance="1", rate="0.04", fees=0, recourse=False, basis="ACT/365", expires=date(2026, 12, 31)):
    return BankOffer(offer_id=offer_id, financier=f"bank-{offer_id}", advance_rate=advance, discount_rate=rate,
                     fees=fees, recourse=recourse, day_count=basis, expires_on=expires)


def test_bank_offer_amounts_are_exact():
    [p] = rank_proposals(TERMS, ON, [bank("A", advance="0.90", rate="0.04", fees=50_000, basis="ACT/360")])
    assert (p.advance, p.interest, p.fees, p.net_cash) == (90_000_000, 900_000, 50_000, 89_050_000)
    assert p.remainder_at_maturity == 10_000_000
    assert p.apr == Decimal("0.043265")
    assert (p.rank_by_cost, p.rank_by_cash) == (1, 1)


def test_early_payment_flat_apr():
    offer = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    [p] = rank_proposals(TERMS, ON, [], [offer])
    # discount = 100,000,000 x 0.05 x 90 / 365 = 1,232,876.71 -> 1,232,877
    assert (p.interest, p.net_cash, p.fees, p.recourse) == (1_232_877, 98_767_123, 0, False)
    assert p.source == "early-payment"


def test_sliding_scale_uses_the_highest_tier_reached_or_is_ineligible():
    scale = [ScaleTier(min_days_early=30, apr="0.06"), ScaleTier(min_days_early=60, apr="0.05")]
    offer = EarlyPaymentOffer(offer_id="DD", debtor="core", scale=scale, expires_on=date(2027, 3, 1))
    assert offer.apr_for(90) == Decimal("0.05")
    assert offer.apr_for(45) == Decimal("0.06")
    late = rank_proposals(TERMS, date(2027, 2, 10), [], [offer])  # 19 days early
    assert not late[0].eligible and "starts at 30 days" in late[0].why


def test_a_scale_tier_applies_from_exactly_its_min_days_early():
    # as the contract settles it (settlement.discount_rate_for): a tier is reached at min_days_early days early
    scale = [ScaleTier(min_days_early=30, apr="0.03"), ScaleTier(min_days_early=90, apr="0.05")]
    offer = EarlyPaymentOffer(offer_id="DD", debtor="core", scale=scale, day_count="ACT/360",
                              expires_on=date(2027, 1, 1))
    assert (offer.apr_for(89), offer.apr_for(90)) == (Decimal("0.03"), Decimal("0.05"))
    [p] = rank_proposals(TERMS, ON, [], [offer])
    assert (p.days, p.annual_rate, p.interest) == (90, Decimal("0.05"), 1_250_000)   # 100,000,000 x 0.05 x 90/360


def test_a_scale_with_two_tiers_at_the_same_days_is_refused():
    # the first listed applied and the other was ignored: 2% was priced where the debtor may have meant 9%
    scale = [ScaleTier(min_days_early=30, apr="0.02"), ScaleTier(min_days_early=30, apr="0.09")]
    with pytest.raises(ValidationError, match="more than one tier at min_days_early 30.*discount-terms-invalid"):
        EarlyPaymentOffer(offer_id="DD", debtor="core", scale=scale, expires_on=date(2027, 3, 1))


def test_every_early_payment_offer_is_ranked_and_one_offer_alone_is_refused():
    flat = EarlyPaymentOffer(offer_id="FLAT", debtor="core", apr="0.05", day_count="ACT/365",
                             expires_on=date(2027, 1, 1))
    cheaper = EarlyPaymentOffer(offer_id="TIER", debtor="core", scale=[ScaleTier(min_days_early=60, apr="0.03")],
                                day_count="ACT/365", expires_on=date(2027, 1, 1))
    ranked = rank_proposals(TERMS, ON, [bank("A", rate="0.04")], [flat, cheaper])
    assert [p.offer_id for p in ranked] == ["TIER", "A", "FLAT"]
    with pytest.raises(TypeError, match="list of EarlyPaymentOffer"):
        rank_proposals(TERMS, ON, [], flat)


def test_ranks_by_cost_and_by_cash_differ_and_say_why():
    cheap_small = bank("CHEAP", advance="0.80", rate="0.03")
    dear_full = bank("FULL", advance="1", rate="0.05")
    by_cost = rank_proposals(TERMS, ON, [dear_full, cheap_small], by="cost")
    assert [p.offer_id for p in by_cost] == ["CHEAP", "FULL"]
    assert (by_cost[0].rank_by_cost, by_cost[0].rank_by_cash) == (1, 2)
    assert "cheapest" in by_cost[0].why and "less now than FULL" in by_cost[0].why
    assert "most cash now" in by_cost[1].why and "above CHEAP" in by_cost[1].why
    by_cash = rank_proposals(TERMS, ON, [dear_full, cheap_small], by="cash")
    assert [p.offer_id for p in by_cash] == ["FULL", "CHEAP"]


def test_offers_at_the_same_apr_rank_by_cost_with_more_cash_first():
    # 4% ACT/360 for 90 days is 1% of any advance, so half an advance costs exactly the same APR; the offer ids
    # alone would put HALF first
    half, whole = bank("HALF", advance="0.5", basis="ACT/360"), bank("WHOLE", advance="1", basis="ACT/360")
    ranked = rank_proposals(FINANCED, ON, [half, whole], by="cost")
    assert ranked[0].exact_apr == ranked[1].exact_apr
    assert [(p.offer_id, p.rank_by_cost) for p in ranked] == [("WHOLE", 1), ("HALF", 2)]


def test_act_360_costs_more_than_act_365_at_the_same_quoted_rate():
    ranked = rank_proposals(TERMS, ON, [bank("360", basis="ACT/360"), bank("365", basis="ACT/365")])
    assert [p.offer_id for p in ranked] == ["365", "360"]
    assert ranked[0].apr < ranked[1].apr


def test_ties_prefer_no_recourse():
    ranked = rank_proposals(TERMS, ON, [bank("R", recourse=True), bank("N", recourse=False)])
    assert [p.offer_id for p in ranked] == ["N", "R"]


def test_expired_and_consuming_offers_are_listed_last_as_ineligible():
    ranked = rank_proposals(TERMS, ON, [bank("OLD", expires=date(2026, 11, 30)), bank("OK"),
                                        bank("GREEDY", advance="0.01", fees=1_000_000)])
    assert [p.offer_id for p in ranked] == ["OK", "OLD", "GREEDY"]
    assert "expired" in ranked[1].why and ranked[1].rank_by_cost is None
    assert "consume" in ranked[2].why


@pytest.mark.parametrize("advance, fees", [("0.0000000001", 0), ("0.0000000001", 50_000)])
def test_an_advance_that_rounds_to_nothing_is_said_so_not_consumed(advance, fees):
    # 0.0000000001 of CNY 1,000,000.00 is a hundredth of a fen, 0 once rounded: "interest and fees consume the advance
    # (CNY 0.00 left)" blamed the interest and fees; the contract refuses such terms (advance-rounds-to-zero)
    [p] = rank_proposals(FINANCED, ON, [bank("TINY", advance=advance, fees=fees)])
    assert (p.eligible, p.advance, p.rank_by_cost) == (False, 0, None)
    assert p.why == ("not eligible: the advance on CNY 1,000,000.00 outstanding rounds to CNY 0.00: nothing "
                     "to finance (rule advance-rounds-to-zero)")


def test_a_bank_offer_can_be_taken_on_its_expiry_day():
    # AcceptFinancingOffer refuses an offer only once its expiry is before today
    [p] = rank_proposals(FINANCED, ON, [bank("A", expires=ON)])
    assert (p.eligible, p.takeable_now, p.rank_by_cost) == (True, True, 1)


def test_an_early_payment_offer_can_be_taken_on_its_expiry_day():
    # AcceptDiscountOffer takes an offer while its expiry is today or later (queries.is_open)
    offer = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", expires_on=ON)
    [p] = rank_proposals(TERMS, ON, [], [offer])
    assert (p.eligible, p.takeable_now, p.rank_by_cost) == (True, True, 1)


def test_duplicate_offer_ids_are_refused_naming_each_once():
    early = EarlyPaymentOffer(offer_id="Y", debtor="core", apr="0.05", expires_on=date(2027, 1, 1))
    with pytest.raises(ValueError) as refused:
        rank_proposals(TERMS, ON, [bank("X"), bank("Y"), bank("X"), bank("Z"), bank("X")], [early])
    assert str(refused.value) == "offer ids must be unique: X, Y used more than once; give each offer its own offer_id"


def test_rates_must_be_exact_strings_between_0_and_1():
    with pytest.raises(ValidationError, match="discount_rate"):
        bank("F", rate=0.04)
    with pytest.raises(ValidationError, match="advance_rate"):
        bank("F", advance="1.5")
    with pytest.raises(ValidationError, match="either apr or scale"):
        EarlyPaymentOffer(offer_id="DD", debtor="core", expires_on=date(2027, 1, 1))


def test_an_early_payment_whose_discount_takes_the_whole_face_is_ineligible_with_the_reason():
    # 100% a year, ACT/360, 365 days early: a discount of 365/360 of the face, which the contract refuses
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 12, 1),
                            financing_id="F-1")
    greedy = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="1", expires_on=date(2027, 1, 1))
    ranked = rank_proposals(terms, ON, [bank("A")], [greedy])
    assert [(p.offer_id, p.eligible, p.rank_by_cost) for p in ranked] == [("A", True, 1), ("DD", False, None)]
    assert "discount of CNY 1,013,888.89 on CNY 1,000,000.00 outstanding, leaving nothing to pay" in ranked[1].why
    assert ranked[0].why.startswith("cheapest of 1")


def test_early_payment_is_ranked_beside_the_bank_but_not_takeable_while_the_receivable_has_a_financing_request():
    """How a holder picks between a bank and the debtor's own discount: both ranked, with the step each needs."""
    financed = TERMS.model_copy(update={"financing_id": "F-1"})
    cheap = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.01", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    ranked = rank_proposals(financed, ON, [bank("A", rate="0.05")], [cheap])
    assert [(p.offer_id, p.rank_by_cost, p.rank_by_cash, p.takeable_now, p.first_step) for p in ranked] == [
        ("DD", 1, 1, False, "withdraw the financing request"), ("A", 2, 2, True, None)]
    early, offered = ranked
    assert (early.net_cash, early.apr) == (99_753_425, Decimal("0.010025"))   # what it would pay, once takeable
    assert early.why.startswith("not takeable now: RCV-1 has a live financing request F-1")
    assert ("withdraw the request first (recfin finance withdraw F-1), and the bank offers on it lapse then; taken "
            "then: cheapest of 2 at 1.0025% a year all-in; most cash now (CNY 997,534.25)") in early.why
    # the bank's offer is behind one that needs a step first: the best the holder can take today
    assert offered.why.startswith("#2 by cost, the cheapest takeable now: 5.0624% a year, 4.0599 points above DD; "
                                  "#2 by cash, the most cash takeable now: CNY 9,863.02 less now than DD; without "
                                  "recourse")
    by_cash = rank_proposals(financed, ON, [bank("A", rate="0.05")], [cheap], by="cash")
    assert [p.offer_id for p in by_cash] == ["DD", "A"]
    # without a request: the discount can be taken now, the bank's offer once financing is requested
    free = rank_proposals(TERMS, ON, [bank("A", rate="0.05")], [cheap])
    assert [(p.offer_id, p.rank_by_cost, p.takeable_now, p.first_step) for p in free] == [
        ("DD", 1, True, None), ("A", 2, False, "request financing")]
    assert free[1].why.startswith("not takeable now: RCV-1 has no financing request, and a bank's offer is accepted "
                                  "only on one; request financing first (recfin finance request RCV-1) for bank-A to "
                                  "make its offer on, and the debtor's early payment waits while the request is open; "
                                  "taken then: #2 by cost")


def test_an_offer_takeable_now_wins_a_tie_with_one_that_needs_a_step_first():
    financed = TERMS.model_copy(update={"financing_id": "F-1"})
    # 4% ACT/365 on all of it: the bank's offer and the discount cost and pay exactly the same
    early = EarlyPaymentOffer(offer_id="A-DD", debtor="core", apr="0.04", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    ranked = rank_proposals(financed, ON, [bank("B", rate="0.04")], [early])
    assert (ranked[0].apr, ranked[0].net_cash) == (ranked[1].apr, ranked[1].net_cash)
    assert [(p.offer_id, p.rank_by_cost, p.rank_by_cash) for p in ranked] == [("B", 1, 1), ("A-DD", 2, 2)]


def test_an_accepted_financing_says_the_holder_or_the_bank_can_cancel_it_before_disbursement():
    accepted = TERMS.model_copy(update={"financing_id": "F-1", "financing_status": "ACCEPTED"})
    offer = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.01", expires_on=date(2027, 1, 1))
    [p] = rank_proposals(accepted, ON, [], [offer])
    assert not p.takeable_now and p.why.startswith("not takeable now: RCV-1 is financed (F-1, accepted, not yet ")
    assert ("possible once that financing ends: the holder or the bank cancels it first (CancelFinancing), "
            "as it is not yet disbursed (recfin finance cancel F-1 --reason TEXT); taken then: cheapest of 1"
            ) in p.why
    assert (p.first_step, p.rank_by_cost) == ("cancel the accepted financing", 1)
    with pytest.raises(ValidationError, match="financing_status: give it with the financing_id"):
        ReceivableTerms(receivable_id="R", face_amount=1, due_date=date(2027, 3, 1), financing_status="ACCEPTED")


def test_a_disbursed_financing_says_early_payment_will_not_be_possible():
    # the contract cannot cancel a disbursed financing; it ends by RecordRepayment, which settles the claim
    disbursed = TERMS.model_copy(update={"financing_id": "F-1", "financing_status": "DISBURSED"})
    offer = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.01", expires_on=date(2027, 1, 1))
    [p] = rank_proposals(disbursed, ON, [], [offer])
    assert (p.eligible, p.takeable_now, p.rank_by_cost, p.first_step) == (True, False, None, None)   # not a choice
    assert p.why == ("not takeable: RCV-1 is financed (F-1, disbursed), so the bank, not the holder, is "
                     "paid (rule receivable-financed); the bank has disbursed it, and the debtor pays the "
                     "bank: the bank's record of that repayment settles the claim, so early payment will "
                     "not be possible on it")


def test_no_offer_on_a_frozen_receivable_is_takeable_and_the_order_says_why():
    frozen = TERMS.model_copy(update={"frozen_by": "ORDER-1", "financing_id": "F-1"})
    cheap = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.01", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    ranked = rank_proposals(frozen, ON, [bank("A"), bank("B", rate="0.05", expires=date(2026, 11, 1))], [cheap])
    assert [(p.offer_id, p.eligible, p.takeable_now, p.rank_by_cost) for p in ranked] == \
        [("DD", True, False, 1), ("A", True, False, 2), ("B", False, False, None)]   # B expired: not eligible
    for p in ranked[:2]:
        assert p.why.startswith("not takeable now: RCV-1 is frozen by order ORDER-1, and the contract takes no offer "
                                "on it until the regulator unfreezes it")
    assert ranked[0].net_cash == 99_753_425 and ranked[1].net_cash == 99_013_699   # still priced
    # the freeze first, then what is left once it is lifted: the request stands in the discount's way
    early = ranked[0]
    assert "by order ORDER-1" in early.why and "; and RCV-1 has a live financing request F-1" in early.why
    assert early.first_step == "the regulator lifts the freeze, then withdraw the financing request"
    assert ranked[1].first_step == "the regulator lifts the freeze"
    assert "taken then: #2 by cost" in ranked[1].why


def test_orders_queued_behind_the_freeze_are_named_and_one_lifting_is_not_the_step():
    """A claim orders are queued on stays frozen after the order in effect is lifted: the step is every lifting."""
    frozen = TERMS.model_copy(update={"frozen_by": "ORDER-1", "queued_freezes": ["ORDER-2", "ORDER-3"]})
    (p,) = rank_proposals(frozen, ON, [bank("A")], [])
    assert p.why.startswith("not takeable now: RCV-1 is frozen by order ORDER-1, with 2 more queued behind it "
                            "(ORDER-2, ORDER-3), each binding it in turn: lifting one does not free it, and the "
                            "contract takes no offer on it until the regulator lifts all 3"), p.why
    assert p.first_step == "the regulator lifts all 3 freeze orders, then request financing"
    with pytest.raises(ValueError, match="queued_freezes: give them with the frozen_by order"):
        ReceivableTerms.model_validate({**TERMS.model_dump(), "queued_freezes": ["ORDER-2"]})


def test_no_offer_on_a_claim_that_is_not_confirmed_is_takeable_citing_the_contracts_rule():
    cheap = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.01", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    registered = TERMS.model_copy(update={"status": "REGISTERED"})
    [p] = rank_proposals(registered, ON, [], [cheap])
    assert (p.eligible, p.takeable_now, p.rank_by_cost, p.net_cash) == (True, False, 1, 99_753_425)
    assert p.first_step == "the debtor confirms the claim"
    assert p.why.startswith("not takeable now: RCV-1 is REGISTERED, not yet confirmed by its debtor, and the contract "
                            "takes an offer only on a CONFIRMED claim (rule invalid-state); it can be taken once the "
                            "debtor confirms it (recfin receivable confirm RCV-1); taken then: cheapest of 1")
    [bank_offer] = rank_proposals(registered, ON, [bank("A")])   # confirmed first, then a request to offer on
    assert bank_offer.first_step == "the debtor confirms the claim, then request financing"
    rejected, never = rank_proposals(TERMS.model_copy(update={"status": "REJECTED"}), ON, [bank("A")], [cheap])
    assert rejected.why == ("not takeable: RCV-1 is REJECTED, and the contract takes an offer only on a CONFIRMED "
                            "claim (rule invalid-state)")
    assert never.why == rejected.why and (never.first_step, never.rank_by_cost) == (None, None)
    [confirmed] = rank_proposals(TERMS, ON, [], [cheap])
    assert (confirmed.takeable_now, confirmed.rank_by_cost) == (True, 1)


def test_the_gap_to_the_cheapest_is_the_exact_gap_rounded_once():
    # fees of 10.68 put B's APR at 4.0448% against A's 4.0398% to 6 places, 0.005 points apart, which would round to
    # 0.01; the exact APRs, 4.0442658...% and 4.0398477...%, are 0.0044 points apart
    ranked = rank_proposals(FINANCED, ON, [bank("A", advance="0.9"), bank("B", advance="0.9", fees=1068)])
    assert (ranked[0].apr, ranked[1].apr) == (Decimal("0.040398"), Decimal("0.040448"))
    assert ranked[1].exact_apr - ranked[0].exact_apr < Fraction(5, 100_000)
    # said as the exact gap rounded once, 0.0049 points, not as the 0.0050 between the two rates shown
    assert ranked[1].why.startswith("#2 by cost: 4.0448% a year, 0.0049 points above A;")
    # 4.33% and 5.06% shown, 0.7359 points apart exactly: 0.74, not the 0.73 between the two rounded figures
    early = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    cheap, dear = rank_proposals(FINANCED, ON, [bank("A", advance="0.90", fees=50_000, basis="ACT/360")], [early])
    assert cheap.why.startswith("cheapest of 2 at 4.3265% a year all-in")
    assert "taken then: #2 by cost: 5.0624% a year, 0.7359 points above A;" in dear.why


def test_offers_whose_aprs_differ_past_the_6th_place_rank_on_the_exact_apr():
    # both 0.091065 to 6 places: on that figure the tie went to B's larger net cash, and A, the cheaper, read
    # "0.00 points above B"
    a = bank("A", advance="0.7774", fees=929_864, recourse=True, basis="ACT/360")
    b = bank("B", advance="0.9529", fees=1_139_793, recourse=True, basis="ACT/360")
    ranked = rank_proposals(FINANCED, ON, [b, a], by="cost")
    assert ranked[0].apr == ranked[1].apr == Decimal("0.091065")
    assert [(p.offer_id, p.rank_by_cost) for p in ranked] == [("A", 1), ("B", 2)]
    assert ranked[0].exact_apr < ranked[1].exact_apr and ranked[0].net_cash < ranked[1].net_cash
    # both 9.1065% to the 4 places a comparison shows: said to the 5 that part them, as its APR column shows them
    assert ranked[0].why.startswith("cheapest of 2 at 9.10648% a year all-in")
    assert ranked[1].why.startswith("#2 by cost: 9.10652% a year, 0.00004 points above A;")


def test_the_apr_shown_is_rounded_once_from_the_exact_value():
    # 901,844 / 89,098,156 x 365 / 90 = 4.1049990...%: 0.041050 to 6 places, but 4.10% shown, not 4.11%
    offer = bank("A", advance="0.90", fees=1_844, basis="ACT/360")
    [p] = rank_proposals(FINANCED, ON, [offer])
    assert (p.interest + p.fees, p.net_cash, p.days) == (901_844, 89_098_156, 90)
    assert p.apr == Decimal("0.041050") and p.exact_apr == Fraction(901_844, 89_098_156) * 365 / 90
    assert p.why.startswith("cheapest of 1 at 4.1050% a year all-in")
    # priced as the bank quotes it, on a frozen claim: the reason's figure is rounded once too
    held = price_bank_offer(offer, FINANCED.model_copy(update={"frozen_by": "ORDER-1"}), ON)
    assert held.why.endswith("taken then, it would pay CNY 890,981.56 now at 4.1050% a year all-in")


def test_amounts_in_the_reasons_carry_the_claims_currency():
    usd = TERMS.model_copy(update={"currency": "USD", "financing_id": "F-1"})
    early = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    offered, discount = rank_proposals(usd, ON, [bank("A", advance="0.90", fees=50_000)], [early])
    assert ("advances USD 900,000.00 of USD 1,000,000.00 outstanding; the rest comes at maturity; fees USD 500.00 add "
            "to the cost") in offered.why
    assert "most cash now (USD 987,671.23); the debtor pays USD 987,671.23 now instead of the USD 1,000,000.00" in \
        discount.why
    assert "CNY" not in offered.why + discount.why


@pytest.mark.parametrize("rate", ["0.03100000000001", "1e-7", "1E-300000000", "-0", " 0.04", "0x1", "1.5", "2",
                                  Decimal("1E-300000000"), Decimal("0.90000000000"), Decimal("NaN"), 2, 10**50])
def test_rates_are_held_to_what_the_contract_takes(rate):
    with pytest.raises(ValidationError, match="(?s)discount_rate.*(at most 10 decimal places|between 0 and 1)"):
        bank("A", rate=rate)


@pytest.mark.parametrize("rate,json_text", [("0.0000001", "0.0000001"), ("1", "1"), (0, "0"), (1, "1"),
                                            (Decimal("0.0000002"), "0.0000002"), ("0.1234567891", "0.1234567891")])
def test_rates_the_contract_takes_are_kept_and_written_as_plain_decimals(rate, json_text):
    offer = bank("A", rate=rate)
    assert offer.discount_rate == Decimal(rate) and offer.model_dump(mode="json")["discount_rate"] == json_text


def test_the_documented_apr_is_on_the_net_cash_and_above_the_quoted_rate_on_either_basis():
    """docs/risk-and-pricing.md says what the APR of an offer without fees is: its figures are these."""
    cheaper, dearer = rank_proposals(FINANCED, ON, [bank("A360", basis="ACT/360"), bank("B365", basis="ACT/365")])
    assert (cheaper.offer_id, cheaper.apr, dearer.offer_id, dearer.apr) == (
        "B365", Decimal("0.040398"), "A360", Decimal("0.040965"))
    for p, basis in ((cheaper, 365), (dearer, 360)):   # quoted x 365/basis / (1 - quoted x days/basis), fen aside
        quoted = Fraction(4, 100)
        assert round(quoted * Fraction(365, basis) / (1 - quoted * Fraction(p.days, basis)), 6) == p.apr > quoted
    docs = (Path(__file__).parents[3] / "docs" / "risk-and-pricing.md").read_text(encoding="utf-8")
    flat = " ".join(docs.split())
    assert (f"{percent_of(cheaper.exact_apr, 4)} on ACT/365, {percent_of(dearer.exact_apr, 4)} on ACT/360 "
            f"(not 365/360 of 4%, {percent_of(Fraction(4, 100) * Fraction(365, 360), 4)})") in flat
    assert "quoted rate x 365/basis / (1 - quoted rate x days/basis)" in flat


def test_a_claim_in_any_status_the_contract_gives_loads_and_a_withdrawn_one_is_not_takeable():
    # the proposals read the claim from the ledger: a status the SDK knows but the terms refused would be a
    # validation error where the holder needs the reason nothing can be taken
    from typing import get_args

    from client.pricing.proposals import ClaimStatus
    from client.receivables._models import STATUSES
    assert set(get_args(ClaimStatus)) == set(STATUSES)
    withdrawn = FINANCED.model_copy(update={"status": "WITHDRAWN"})
    [proposal] = rank_proposals(withdrawn, ON, [bank("B-1")])
    assert not proposal.takeable_now
    assert "RCV-1 is WITHDRAWN, and the contract takes an offer only on a CONFIRMED claim" in proposal.why
