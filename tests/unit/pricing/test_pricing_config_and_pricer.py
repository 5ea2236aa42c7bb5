"""Bank configuration (validated, errors name the field) and the bank-side pricer."""
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from client.money import MAX_FEN, money
from client.pricing import (PricingConfigError, ReceivableTerms, bank_config_path, load_bank_config, proportion_fen,
                            quote)
from client.pricing.pricer import _rate_within

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1))  # 90 days


@pytest.fixture
def config():
    return load_bank_config(bank_config_path("bank"))


def write(tmp_path, data):
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def example_data():
    return yaml.safe_load(bank_config_path("bank").read_text())


def test_shipped_example_loads(config):
    assert config.base_rate == Decimal("0.0310")
    assert config.grades["E"] is None
    assert config.grades["A"].advance_rate == Decimal("0.95")


def test_float_rate_is_refused_naming_the_field(tmp_path):
    data = example_data()
    data["grades"]["B"]["spread"] = 0.009
    with pytest.raises(PricingConfigError, match=r"grades\.B\.spread: .*strings"):
        load_bank_config(write(tmp_path, data))


def test_missing_grade_and_unknown_field_are_named(tmp_path):
    data = example_data()
    del data["grades"]["C"]
    with pytest.raises(PricingConfigError, match="grades: .*missing \\['C'\\]"):
        load_bank_config(write(tmp_path, data))
    data = example_data()
    data["limits"]["per_debtr"] = 5
    with pytest.raises(PricingConfigError, match=r"limits\.per_debtr"):
        load_bank_config(write(tmp_path, data))


def test_riskier_grade_cannot_be_cheaper(tmp_path):
    data = example_data()
    data["grades"]["C"]["spread"] = "0.0010"
    with pytest.raises(PricingConfigError, match=r"grades\.C"):
        load_bank_config(write(tmp_path, data))


@pytest.mark.parametrize("declined, financed", [("A", "B"), ("D", "E"), ("B", "C")])
def test_a_grade_declined_declines_every_riskier_one(tmp_path, declined, financed):
    # otherwise the bank would turn its safest debtors away and lend to riskier ones, up to a larger limit
    data = example_data()
    data["grades"]["E"] = dict(data["grades"]["D"])   # E financed on D's terms: a valid configuration
    load_bank_config(write(tmp_path, data))
    data["grades"][declined] = None
    with pytest.raises(PricingConfigError, match=rf"grades\.{financed}: grade {declined} is declined"):
        load_bank_config(write(tmp_path, data))
    for name in "ABCDE"[("ABCDE".index(declined)):]:
        data["grades"][name] = None
    assert load_bank_config(write(tmp_path, data)).grades[financed] is None


def test_a_riskier_grade_cannot_advance_more(tmp_path):
    data = example_data()
    data["grades"]["C"]["advance_rate"] = "0.99"
    named = r"grades\.C\.advance_rate 0\.99 is above grades\.B\.advance_rate 0\.90: "
    with pytest.raises(PricingConfigError, match=named + r".*advance rate at most"):
        load_bank_config(write(tmp_path, data))


def test_a_minimum_advance_above_the_limit_is_refused(tmp_path):
    data = example_data()
    data["limits"]["min_advance"] = data["limits"]["per_debtor"] + 1
    with pytest.raises(PricingConfigError, match=r"limits.*min_advance .* above per_debtor"):
        load_bank_config(write(tmp_path, data))
    data["limits"]["min_advance"] = data["limits"]["per_debtor"]
    # only grade A's limit (the whole per_debtor) reaches such a minimum: a riskier grade financed would be refused
    data["grades"].update(B=None, C=None, D=None)
    assert load_bank_config(write(tmp_path, data)).limits.min_advance == data["limits"]["per_debtor"]


@pytest.mark.parametrize("per_debtor, min_advance, factor, limit", [
    (1000, 0, "0.0005", 1),                          # 0.5 fen, rounded half up as the pricer rounds it: room for 1 fen
    (20_000_000_000, 1_000_000, "0.00005", 1_000_000),   # exactly the minimum advance
])
def test_a_grade_whose_limit_just_reaches_the_minimum_loads_and_lends(tmp_path, per_debtor, min_advance, factor,
                                                                      limit):
    data = example_data()
    data["fees"]["flat"] = 0
    data["limits"].update(per_debtor=per_debtor, min_advance=min_advance)
    data["grades"]["D"]["limit_factor"] = factor
    q = quote(load_bank_config(write(tmp_path, data)), TERMS, grade="D", on=ON)
    assert q.debtor_limit == limit and q.declined is None
    assert q.priced.advance == limit   # the whole limit, the advance cut to fit it


def test_unreadable_file_is_reported(tmp_path):
    with pytest.raises(PricingConfigError, match="cannot read"):
        load_bank_config(tmp_path / "absent.yaml")


def test_rate_is_base_plus_grade_spread_and_amounts_are_exact(config):
    q = quote(config, TERMS, grade="B", on=ON)
    assert q.offer.discount_rate == Decimal("0.0400")                  # 3.10% + 0.90%
    assert q.offer.advance_rate == Decimal("0.90")
    p = q.priced
    assert p.advance == 90_000_000
    assert p.interest == 900_000                                       # 90,000,000 x 0.04 x 90/360
    assert p.fees == 50_000 + 45_000                                   # flat + 0.05% of the advance
    assert p.net_cash == 90_000_000 - 900_000 - 95_000
    assert q.offer.expires_on == date(2026, 12, 8)


def test_limit_shrinks_with_risk(config):
    limits = [quote(config, TERMS, grade=g, on=ON).debtor_limit for g in "ABCD"]
    assert limits == sorted(limits, reverse=True) and limits[0] > limits[-1]
    assert quote(config, TERMS, grade="A", on=ON).debtor_limit == config.limits.per_debtor


def test_limit_shrinks_with_exposure_and_caps_the_advance(config):
    limit = quote(config, TERMS, grade="B", on=ON).debtor_limit
    q = quote(config, TERMS, grade="B", on=ON, exposure=limit - 45_000_000)
    assert q.available == 45_000_000
    assert q.offer.advance_rate == Decimal("0.4500")
    assert q.priced.advance == 45_000_000 <= q.available
    full = quote(config, TERMS, grade="B", on=ON, exposure=limit)
    assert full.offer is None and "no room" in full.declined


def test_a_claim_in_another_currency_is_refused_naming_both(config, tmp_path):
    assert config.currency == "CNY"
    dollars = TERMS.model_copy(update={"currency": "USD"})
    with pytest.raises(ValueError, match="the claim is in USD, but bank's pricing is in CNY"):
        quote(config, dollars, grade="A", on=ON)
    data = example_data()
    data["currency"] = "USD"
    in_dollars = load_bank_config(write(tmp_path, data))
    q = quote(in_dollars, dollars, grade="A", on=ON)
    assert (q.currency, q.priced.advance) == ("USD", 95_000_000)
    del data["currency"]   # left out: CNY, as before currencies were named
    assert load_bank_config(write(tmp_path, data)).currency == "CNY"
    data["currency"] = "usd"
    with pytest.raises(PricingConfigError, match="currency"):
        load_bank_config(write(tmp_path, data))


def test_declines(config):
    assert "declined" in quote(config, TERMS, grade="E", on=ON).declined
    far = ReceivableTerms(receivable_id="R", face_amount=100_000_000, due_date=date(2028, 1, 1))
    assert "at most 360" in quote(config, far, grade="A", on=ON).declined
    tiny = ReceivableTerms(receivable_id="R", face_amount=1_000, due_date=date(2027, 3, 1))
    # money as the CLI shows it everywhere else, in the claim's currency: not "950 fen" next to yuan elsewhere
    assert quote(config, tiny, grade="A", on=ON).declined == "the advance CNY 9.50 is below the minimum CNY 10,000.00"
    assert quote(config, TERMS, grade="B", on=ON, exposure=10**12).declined == \
        f"no room under the debtor limit {money(quote(config, TERMS, grade='B', on=ON).debtor_limit)} " \
        "(exposure CNY 10,000,000,000.00)"


def test_a_claim_due_max_days_off_is_priced_and_one_day_further_is_declined(config):
    assert config.limits.max_days == 360
    at = TERMS.model_copy(update={"due_date": ON + timedelta(days=360)})
    past = TERMS.model_copy(update={"due_date": ON + timedelta(days=361)})
    assert quote(config, at, grade="A", on=ON).offer is not None
    assert quote(config, past, grade="A", on=ON).declined == "361 days to the due date; bank finances at most 360"


def test_an_advance_of_min_advance_is_offered_and_one_fen_less_is_declined(config):
    assert config.limits.min_advance == 1_000_000
    # grade A advances 95%, half up: 1,052,632 x 0.95 = 1,000,000.4 -> 1,000,000; 1,052,631 x 0.95 = 999,999.45
    at = TERMS.model_copy(update={"face_amount": 1_052_632})
    below = TERMS.model_copy(update={"face_amount": 1_052_631})
    assert quote(config, at, grade="A", on=ON).priced.advance == 1_000_000
    assert quote(config, below, grade="A", on=ON).declined == \
        "the advance CNY 9,999.99 is below the minimum CNY 10,000.00"


@pytest.mark.parametrize("min_advance", [0, 1_000_000])
def test_an_advance_that_rounds_to_nothing_is_declined_as_nothing_to_finance(tmp_path, min_advance):
    # 40% of one fen is 0.4 fen, 0 half up: "the advance CNY 0.00 is below the minimum CNY 0.00" contradicted itself
    data = example_data()
    data["limits"]["min_advance"] = min_advance
    data["grades"]["D"]["advance_rate"] = "0.40"
    config = load_bank_config(write(tmp_path, data))
    one_fen = TERMS.model_copy(update={"face_amount": 1})
    assert quote(config, one_fen, grade="D", on=ON).declined == \
        "the advance on CNY 0.01 outstanding rounds to CNY 0.00: nothing to finance (rule " \
        "advance-rounds-to-zero)"


def test_a_limit_cut_to_an_advance_of_nothing_is_declined_as_nothing_to_finance(tmp_path):
    # 0.50 left under the limit on 10,000,000,000.00 outstanding: the contract's smallest rate above 0, 10^-10,
    # advances 1.00, so the largest advance within the limit is none
    data = example_data()
    data["limits"]["min_advance"] = 0
    config = load_bank_config(write(tmp_path, data))
    huge = TERMS.model_copy(update={"face_amount": 10**12})
    q = quote(config, huge, grade="A", on=ON, exposure=config.limits.per_debtor - 50)
    assert q.available == 50 and q.offer is None
    assert q.declined.endswith("the largest advance rate within it that the contract takes (10 decimal places) "
                               "advances CNY 0.00, nothing to finance")


def test_the_offer_carries_the_banks_recourse_setting(config, tmp_path):
    # recourse says who bears the debtor's default; the holder reads it off the offer and its proposal
    q = quote(config, TERMS, grade="A", on=ON)
    assert config.recourse is True and q.offer.recourse is True and q.priced.recourse is True
    data = example_data()
    data["recourse"] = False
    q = quote(load_bank_config(write(tmp_path, data)), TERMS, grade="A", on=ON)
    assert q.offer.recourse is False and q.priced.recourse is False


def test_the_limit_cut_keeps_the_contracts_ten_decimal_places(config):
    # a face of 10^17 fen against 200,000,000.00 yuan of room: the advance rate is 0.0000002 (4 places would give 0)
    huge = ReceivableTerms(receivable_id="R", face_amount=10**17, due_date=date(2027, 3, 1))
    q = quote(config, huge, grade="A", on=ON)
    assert q.offer.advance_rate == Decimal("0.0000002") and q.priced.advance == q.available == 20_000_000_000
    odd = ReceivableTerms(receivable_id="R", face_amount=3 * 10**16, due_date=date(2027, 3, 1))
    q = quote(config, odd, grade="A", on=ON)
    assert q.offer.advance_rate == Decimal("0.0000006666")   # rounded down: the advance never passes the room
    assert q.priced.advance == 19_998_000_000 <= q.available


def test_the_limit_cut_takes_the_rate_whose_rounded_advance_fits_not_the_rate_cut_down(config):
    # face 80,000,000.00 yuan, 10,000,000.03 yuan of room: 1000000003 / 8000000000 cut down to 10 places is
    # 0.1250000003, which advances 1000000002.4 -> 1000000002 fen; 0.1250000004 advances 1000000003.2 -> all the room
    face = ReceivableTerms(receivable_id="R", face_amount=8_000_000_000, due_date=date(2027, 3, 1))
    q = quote(config, face, grade="A", on=ON, exposure=config.limits.per_debtor - 1_000_000_003)
    assert q.offer.advance_rate == Decimal("0.1250000004")
    assert q.priced.advance == q.available == 1_000_000_003


def largest_fitting_advance(face: int, available: int) -> int:
    """By bisection over every rate of 10 places: the advance only grows with the rate."""
    low, high = 0, 10**10   # proportion_fen(face, low) fits; find the largest n that does
    while low < high:
        middle = (low + high + 1) // 2
        if proportion_fen(face, Decimal(middle).scaleb(-10)) <= available:
            low = middle
        else:
            high = middle - 1
    return proportion_fen(face, Decimal(low).scaleb(-10))


@settings(max_examples=300, deadline=None)
@given(face=st.integers(min_value=1, max_value=MAX_FEN), share=st.fractions(min_value=0, max_value=1))
def test_the_cut_rate_gives_the_largest_advance_that_fits_in_the_fewest_places(face, share):
    available = min(face - 1, int(face * share)) if face > 1 else 0
    rate = _rate_within(available, face)
    advance = proportion_fen(face, rate)
    assert advance == largest_fitting_advance(face, available) <= available
    assert -rate.as_tuple().exponent <= 10 and 0 <= rate < 1
    shorter = rate.quantize(Decimal(1).scaleb(rate.as_tuple().exponent + 1), rounding=ROUND_FLOOR)
    if shorter != rate:   # a rate with one place fewer, on either side, advances differently
        assert proportion_fen(face, shorter) != advance
        assert proportion_fen(face, shorter + Decimal(1).scaleb(rate.as_tuple().exponent + 1)) != advance


def test_a_cut_advance_below_the_minimum_says_what_the_limit_leaves(config):
    limit = quote(config, TERMS, grade="D", on=ON).debtor_limit
    q = quote(config, TERMS, grade="D", on=ON, exposure=limit - 500_000)
    assert q.offer is None
    assert q.declined == (f"the debtor limit {money(limit)} leaves only CNY 5,000.00 (exposure "
                          f"{money(limit - 500_000)}), below the minimum advance CNY 10,000.00")
    huge = ReceivableTerms(receivable_id="R", face_amount=10**17, due_date=date(2027, 3, 1))
    q = quote(config, huge, grade="A", on=ON, exposure=config.limits.per_debtor - 1_000_000)
    assert "leaves only CNY 10,000.00" in q.declined and "(10 decimal places) advances CNY 0.00" in q.declined


def test_open_offers_count_against_the_limit_beside_exposure(config):
    limit = quote(config, TERMS, grade="B", on=ON).debtor_limit
    q = quote(config, TERMS, grade="B", on=ON, exposure=limit - 75_000_000, open_offers=30_000_000)
    assert (q.open_offers, q.available, q.priced.advance) == (30_000_000, 45_000_000, 45_000_000)
    # priced as the bank makes it, on the request it is for: no "request financing" step for the bank itself
    assert q.priced.takeable_now and q.priced.first_step is None
    full = quote(config, TERMS, grade="B", on=ON, exposure=limit - 30_000_000, open_offers=30_000_000)
    assert full.declined == (f"no room under the debtor limit {money(limit)} (exposure {money(limit - 30_000_000)}, "
                             f"open offers CNY 300,000.00)")
    with pytest.raises(ValueError, match="cannot be negative"):
        quote(config, TERMS, grade="B", on=ON, open_offers=-1)


@pytest.mark.parametrize("argument", ["exposure", "open_offers"])
def test_a_negative_exposure_or_open_offers_is_named_with_what_to_give(config, argument):
    with pytest.raises(ValueError) as refused:
        quote(config, TERMS, grade="B", on=ON, **{argument: -5})
    said = str(refused.value)
    assert said.startswith(f"{argument} -5 fen cannot be negative: give ") and said.endswith("0 or more")
