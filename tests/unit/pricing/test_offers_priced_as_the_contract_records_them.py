"""The same inputs give the same fen off the ledger and on it: a bank's offer priced by ``price_bank_offer`` against
the disbursement the contract records (``financing.disbursement``), and the debtor's early payment priced by
``price_early_payment`` against the settlement the contract records (``settlement.early_payment``), on a table of
the cases where two reckonings of discount interest part most easily: a tenor across 29 February, due dates on a
weekend, one day and none, a rate of 0 and the highest rate, a discount of the whole amount and more, half a fen
to round, fractions of a fen each day that only round away when rounded per day, and amounts at the ledger's cap.
Each figure is compared, and each refusal of one side is a refusal of the other; then on any days of the years
around two leap years, any amount the ledger holds and any rate of the contract's 10 places, drawn from a fixed seed
(``derandomize``) so that a run repeats the last one and a failure, printed with its case, is found again.
The contract's side is the contract's own code (its disbursement, its early payment, the days it counts), not a
second reckoning of it, so that either side drifting from the other fails here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from chaincode.receivables import financing, settlement
from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.model import DiscountTerms, OfferTerms
from chaincode.receivables.tx_financing_loan import _days_to_maturity
from client.money import LEDGER_MAX_FEN
from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms
from client.pricing.proposals import READ_FROM_THE_LEDGER, price_bank_offer, price_early_payment

D = date.fromisoformat

# (case, outstanding fen, rate, basis, taken on, due date)
CASES = [
    ("across 29 February 2028, ACT/365", 1_000_000_00, "0.0435", "ACT/365", D("2028-02-01"), D("2028-03-01")),
    ("across 29 February 2028, ACT/360", 1_000_000_00, "0.0435", "ACT/360", D("2028-02-01"), D("2028-03-01")),
    ("due on 29 February 2028", 123_456_78, "0.05", "ACT/365", D("2027-12-31"), D("2028-02-29")),
    ("a whole leap year", 10_000_00, "0.06", "ACT/365", D("2028-01-01"), D("2029-01-01")),
    ("due on a Saturday", 500_000_00, "0.04", "ACT/360", D("2027-01-04"), D("2027-02-06")),
    ("due on a public holiday, National Day 2026", 500_000_00, "0.04", "ACT/360", D("2026-08-03"),
     D("2026-10-01")),
    ("one day", 1_000_000_00, "0.0365", "ACT/365", D("2026-12-01"), D("2026-12-02")),
    ("no day: due the day the cash is taken", 1_000_000_00, "0.0365", "ACT/365", D("2026-12-01"), D("2026-12-01")),
    ("after the due date", 1_000_000_00, "0.0365", "ACT/365", D("2026-12-03"), D("2026-12-01")),
    ("a rate of 0", 1_000_000_00, "0", "ACT/360", D("2026-12-01"), D("2027-03-01")),
    ("the highest rate, well short of the whole", 1_000_000_00, "1", "ACT/360", D("2026-12-01"), D("2027-03-01")),
    ("a discount of the whole amount: 100% for 360 days", 1_000_000_00, "1", "ACT/360", D("2026-12-01"),
     D("2027-11-26")),
    ("a discount of more than the whole amount", 1_000_000_00, "1", "ACT/360", D("2026-12-01"), D("2027-12-31")),
    ("a discount one fen short of the whole", 3, "0.9", "ACT/360", D("2026-12-01"), D("2027-07-29")),
    ("half a fen, rounded up", 72_000, "0.0025", "ACT/360", D("2026-12-01"), D("2026-12-02")),
    ("just under half a fen, rounded down", 71_999, "0.0025", "ACT/360", D("2026-12-01"), D("2026-12-02")),
    ("two and a half fen: half up, not to even", 360_000, "0.0025", "ACT/360", D("2026-12-01"), D("2026-12-02")),
    ("a fraction of a fen a day, rounded once", 1_000, "0.1", "ACT/360", D("2026-12-01"), D("2026-12-11")),
    ("one fen at half a fen of discount", 1, "1", "ACT/360", D("2026-12-01"), D("2027-05-30")),
    ("the ledger's cap", LEDGER_MAX_FEN, "0.0999999999", "ACT/365", D("2026-12-01"), D("2027-11-30")),
    ("the cap for new records", 2**53 - 1, "0.0000000001", "ACT/360", D("2026-12-01"), D("2026-12-02")),
]

IDS = [case[0] for case in CASES]


def _contract_early_payment(outstanding: int, rate: str, basis: str, on: date, due: date):
    """(paid, discount), or the rule the contract refuses it by. AcceptDiscountOffer refuses a claim on or past its
    due date before it prices anything (rule past-maturity, by ``lifecycle.ensure_actionable_but_for_financing``)."""
    days = settlement.days_early(on, due)
    if days <= 0:
        return "past-maturity"
    try:
        return settlement.early_payment(outstanding, Decimal(rate), days, basis, currency="CNY")
    except RuleViolation as refusal:
        return refusal.code


@pytest.mark.parametrize("case, outstanding, rate, basis, on, due", CASES, ids=IDS)
def test_an_early_payment_is_priced_as_the_contract_settles_it(case, outstanding, rate, basis, on, due):
    terms = ReceivableTerms(receivable_id="R", face_amount=outstanding, due_date=due)
    offer = EarlyPaymentOffer(offer_id="E", debtor="core", apr=rate, day_count=basis, expires_on=on)
    priced = price_early_payment(offer, terms, on)
    contract = _contract_early_payment(outstanding, rate, basis, on, due)
    if isinstance(contract, str):
        assert not priced.eligible and f"(rule {contract})" in priced.why
        return
    paid, discount = contract
    assert priced.eligible, priced.why
    assert (priced.days, priced.net_cash, priced.interest, priced.fees) == ((due - on).days, paid, discount, 0)
    assert priced.net_cash + priced.interest == outstanding


# a bank's terms on top of each case: (advance rate, fees fen)
BANK_TERMS = [("1", 0), ("0.8", 500_00), ("0.9999999999", 1)]


def _refused_by(check) -> str | None:
    try:
        check()
    except RuleViolation as refusal:
        return refusal.code
    return None


def _contract_disbursement(outstanding: int, terms: OfferTerms, on: date, due: date):
    """The disbursement the contract records, or each rule it refuses it by: that of the disbursement, and that of
    making the offer (an offer an earlier contract made may be on the ledger though it could not be made now).
    Of several faults the contract may name one first and the pricing another: what is compared is that both
    refuse, the pricing by a rule the contract refuses by."""
    def disburse():
        return financing.disbursement(financing_id="F", receivable_id="R", outstanding=outstanding, currency="CNY",
                                      terms=terms, disbursed_on=on.isoformat(), due_date=due.isoformat(),
                                      days=_days_to_maturity(SimpleNamespace(due_date=due.isoformat()), on))
    refusals = {_refused_by(disburse), _refused_by(lambda: financing.ensure_disbursable(terms, outstanding,
                                                                                          currency="CNY"))} - {None}
    return refusals or disburse()


@pytest.mark.parametrize("accepting", [False, True], ids=["made", "accepted"])
@pytest.mark.parametrize("advance_rate, fees", BANK_TERMS)
@pytest.mark.parametrize("case, outstanding, rate, basis, on, due", CASES, ids=IDS)
def test_a_bank_offer_is_priced_as_the_contract_disburses_it(case, outstanding, rate, basis, on, due,
                                                               advance_rate, fees, accepting):
    terms = ReceivableTerms(receivable_id="R", face_amount=outstanding, due_date=due, financing_id="F")
    offer = BankOffer(offer_id="O", financier="bank", advance_rate=advance_rate, discount_rate=rate, fees=fees,
                      recourse=False, day_count=basis, expires_on=on)
    priced = price_bank_offer(offer, terms, on, accepting=accepting)
    offered = OfferTerms(advance_rate=advance_rate, discount_rate=rate, fees=fees, recourse=False, day_count=basis,
                         expires_on=on.isoformat(), salt="s" * 16)
    contract = _contract_disbursement(outstanding, offered, on, due)
    if isinstance(contract, set):
        assert not priced.eligible and any(f"(rule {rule})" in priced.why for rule in contract), (priced.why, contract)
        return
    assert priced.eligible, priced.why
    assert (priced.days, priced.advance, priced.interest, priced.fees, priced.net_cash) == (
        contract.days, contract.principal, contract.interest, contract.fees, contract.net_amount)
    assert priced.remainder_at_maturity == contract.outstanding - contract.principal


# tiers as a debtor may publish them, out of order, and as an offer published before the contract refused two tiers
# at one min_days_early holds them (read from the ledger, where the first listed applies)
SCALES = [
    [{"min_days_early": 30, "apr": "0.03"}, {"min_days_early": 10, "apr": "0.02"},
     {"min_days_early": 60, "apr": "0.04"}],
    [{"min_days_early": 1, "apr": "0"}, {"min_days_early": 45, "apr": "1"}],
    [{"min_days_early": 20, "apr": "0.05"}, {"min_days_early": 20, "apr": "0.06"},
     {"min_days_early": 5, "apr": "0.01"}],
]


@pytest.mark.parametrize("scale", SCALES)
def test_a_scale_applies_the_tier_the_contract_applies_on_every_day(scale):
    ours = EarlyPaymentOffer.model_validate({"offer_id": "E", "debtor": "core", "scale": scale,
                                             "expires_on": "2027-01-01"}, context=READ_FROM_THE_LEDGER)
    contract = DiscountTerms.model_validate({"scale": scale, "expires_on": "2027-01-01"})
    for days in range(1, 100):
        assert ours.apr_for(days) == settlement.discount_rate_for(contract, days), days


# any day of the years around two leap years, any amount the ledger holds, any rate of the contract's 10 places
days_around_leap_years = st.dates(min_value=date(2027, 1, 1), max_value=date(2033, 12, 31))
contract_rates = st.integers(min_value=0, max_value=10**10).map(lambda n: format(Decimal(n).scaleb(-10), "f"))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(outstanding=st.integers(min_value=1, max_value=LEDGER_MAX_FEN), rate=contract_rates,
       basis=st.sampled_from(["ACT/360", "ACT/365"]), on=days_around_leap_years, due=days_around_leap_years)
def test_any_early_payment_is_priced_as_the_contract_settles_it(outstanding, rate, basis, on, due):
    test_an_early_payment_is_priced_as_the_contract_settles_it("any", outstanding, rate, basis, on, due)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(outstanding=st.integers(min_value=1, max_value=LEDGER_MAX_FEN), rate=contract_rates,
       advance_rate=contract_rates.filter(lambda r: Decimal(r) > 0), fees=st.integers(min_value=0, max_value=10**9),
       basis=st.sampled_from(["ACT/360", "ACT/365"]), on=days_around_leap_years, due=days_around_leap_years,
       accepting=st.booleans())
def test_any_bank_offer_is_priced_as_the_contract_disburses_it(outstanding, rate, advance_rate, fees, basis, on, due,
                                                              accepting):
    test_a_bank_offer_is_priced_as_the_contract_disburses_it("any", outstanding, rate, basis, on, due, advance_rate,
                                                              fees, accepting)
