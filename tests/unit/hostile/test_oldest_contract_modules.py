"""Hostile checks of the contract's composition (``contract``, ``store``) and its day-count arithmetic
(``daycount``): no transaction group or record class shadows another's member, every rate spelling that is no
rate is refused by its rule naming what to send, and interest and advances are whole fen, rounded half up
exactly, never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chaincode.contract import Contract
from chaincode.receivables import ReceivablesContract, daycount
from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.money import MAX_AMOUNT
from chaincode.receivables.store import Store

from ..receivables.support import standard_net, transient_terms


@pytest.mark.parametrize("composed, outside", [(ReceivablesContract, (Contract, object)), (Store, (object,))],
                         ids=["contract", "store"])
def test_no_part_of_the_contract_or_the_store_shadows_another_parts_member(composed, outside):
    # the groups and record classes are mixed in one class: a member two of them define is silently the first's
    # in the MRO, so one group's helper (a transaction, a check, a key's reader) would run another's code
    defined_by: dict[str, list[str]] = {}
    for part in composed.__mro__:
        if part not in outside:
            for member in vars(part):
                if not (member.startswith("__") and member.endswith("__")):
                    defined_by.setdefault(member, []).append(part.__name__)
    assert {m: parts for m, parts in defined_by.items() if len(parts) > 1} == {}


NO_RATES = [0.045, True, None, b"0.045", ["0.045"], "", " 0.045", "0.045\n", "+0.045", "-0.045", "4.5E-2",
            "NaN", "Infinity", ".045", "0.", "0,045", "0.0_45", "٠.٠٤٥", "０.０４５", "4.5%"]


@pytest.mark.parametrize("value", NO_RATES)
def test_a_spelling_that_is_no_rate_is_refused_by_its_rule_showing_a_rate(value):
    with pytest.raises(RuleViolation) as refused:
        daycount.parse_rate(value, "discount_rate")
    assert refused.value.code == "rate-invalid"
    assert 'e.g. "0.045" for 4.5%' in refused.value.detail


@pytest.mark.parametrize("value, said", [
    ("0.04500000001", "it has 11 decimal places, a rate at most 10: round it to 10"),
    ("0." + "5" * 5000, "it has 5000 decimal places, a rate at most 10"),
    ("0000.5", "it has 4 digits before its point, a rate at most 3"),
])
def test_a_decimal_of_too_many_digits_is_told_how_many_a_rate_has(value, said):
    with pytest.raises(RuleViolation) as refused:
        daycount.parse_rate(value, "discount_rate")
    assert refused.value.code == "rate-invalid" and said in refused.value.detail, refused.value.detail


def test_a_rate_written_as_a_percentage_is_told_to_send_a_fraction():
    with pytest.raises(RuleViolation) as refused:
        daycount.parse_rate("4.5", "discount_rate")
    assert "must be at least 0 and at most 1" in refused.value.detail
    assert 'a rate is a decimal fraction: "0.045" for 4.5%' in refused.value.detail


async def test_an_offer_whose_rate_has_too_many_places_is_refused_saying_so_and_changes_nothing():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 1_000_000)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    message = await net.refused(net.actors["bank"], "MakeFinancingOffer", request["id"],
                                transient=transient_terms(discount_rate="0.03600000001"), rule="rate-invalid")
    assert "discount_rate" in message and "11 decimal places, a rate at most 10" in message, message


RATES = st.builds(lambda whole, places: Decimal(whole) if not places else Decimal(f"{whole}.{places}"),
                  st.sampled_from(["0", "1"]), st.text("0123456789", max_size=daycount.RATE_PLACES)).filter(
    lambda rate: rate <= 1)


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(st.integers(0, MAX_AMOUNT), RATES, st.integers(0, 3660), st.sampled_from(sorted(daycount.BASES)))
def test_interest_is_whole_fen_half_up_as_decimal_arithmetic_gives_it(principal, rate, days, basis):
    # an independent account in Decimal, of 100 digits: a quotient with a denominator of basis x 10^10 is a
    # half exactly (and then exact in Decimal) or at least 10^-14 from one, far above the digits lost
    with localcontext() as context:
        context.prec = 100
        expected = _half_up(Decimal(principal) * rate * days / daycount.BASES[basis])
    interest = daycount.interest_fen(principal, rate, days, basis)
    assert type(interest) is int and interest == expected


@given(st.integers(0, MAX_AMOUNT), RATES)
def test_an_advance_is_whole_fen_half_up_and_never_more_than_the_amount(amount, rate):
    advanced = daycount.proportion_fen(amount, rate)
    with localcontext() as context:
        context.prec = 100
        expected = _half_up(Decimal(amount) * rate)
    assert type(advanced) is int and advanced == expected and 0 <= advanced <= amount
