"""Pure domain modules: credit codes, money, day count, fingerprints, allocation."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from chaincode.receivables import daycount, dates, fingerprint, money, settlement, uscc
from chaincode.receivables.errors import RuleViolation


# ------------------------------------------------------------------ credit codes

@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"])
def test_published_credit_codes_pass(code):
    assert uscc.is_valid(code)


@pytest.mark.parametrize("code, why", [
    ("91350100M000100Y44", "check character"),
    ("91350100M000100Y4", "17 characters"),
    ("91350100M000100I43", "outside"),
    ("91350100m000100Y43", "outside"),
    ("91A50100M000100Y43", "region"),
])
def test_bad_credit_codes_say_why(code, why):
    problem = uscc.problem(code)
    assert problem is not None and why in problem


def test_an_answer_given_for_one_code_is_not_given_for_another_that_compares_equal():
    bad = "91350100M000100Y44"

    class Shown(str):
        def __repr__(self) -> str:
            return "<shown>"

    class Quoted(str):
        def __repr__(self) -> str:
            return "<quoted>"

    for code, named in ((bad, repr(bad)), (Shown(bad), "<shown>"), (Quoted(bad), "<quoted>"), (bad, repr(bad))):
        assert uscc.problem(code) == f"{named}: check character is '4', GB 32100-2015 gives '3'"


def test_a_long_text_given_as_a_credit_code_is_quoted_cut_short():
    problem = uscc.problem("9" * 3000)
    assert problem.endswith("has 3000 characters, a credit code has 18") and len(problem) < 120


def test_check_character_is_the_gb32100_formula():
    # 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 with weights 3**i mod 31, M=21, Y=30
    values = [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(v * w for v, w in zip(values, weights))
    assert uscc.CHARSET[(31 - total % 31) % 31] == "3" == uscc.check_character("91350100M000100Y4")


@given(st.text(alphabet=uscc.CHARSET, min_size=9, max_size=9), st.integers(0, 999999))
def test_any_single_character_change_is_caught(org, region):
    body = f"91{region:06d}{org}"
    code = body + uscc.check_character(body)
    assert uscc.is_valid(code)
    for i in range(18):
        for c in uscc.CHARSET[:3]:
            if c != code[i]:
                changed = code[:i] + c + code[i + 1:]
                assert not uscc.is_valid(changed)


# ------------------------------------------------------------------ money

@pytest.mark.parametrize("value, expected", [(1, 1), (123456, 123456), ("789", 789)])
def test_amounts_in_fen(value, expected):
    assert money.parse_amount(value, "x") == expected


@pytest.mark.parametrize("value, code", [
    (1.5, "amount-not-integer-fen"), (100.0, "amount-not-integer-fen"), ("1.50", "amount-not-integer-fen"),
    ("1e3", "amount-not-integer-fen"), (True, "amount-not-integer-fen"), (None, "amount-not-integer-fen"),
    (-1, "amount-negative"), ("-5", "amount-negative"), (0, "amount-not-positive"),
    (10**17 + 1, "amount-too-large"), (2**53, "amount-too-large"), ("+5", "amount-not-integer-fen"),
    (" 5", "amount-not-integer-fen"),
])
def test_bad_amounts_are_refused_with_their_rule(value, code):
    with pytest.raises(RuleViolation) as err:
        money.parse_amount(value, "face_amount")
    assert err.value.code == code
    assert "face_amount" in str(err.value)


@pytest.mark.parametrize("value, code", [
    ("1000000000000000000", "amount-too-large"), (str(10**17 + 1), "amount-too-large"), ("9" * 5000, "amount-too-large"),
    (str(2**53), "amount-too-large"), ("9999999999999999", "amount-too-large"),
])
def test_digit_strings_of_any_length_get_the_rule_they_break(value, code):
    """All digits is an integer however long; above the cap it is too large, not "not digits"."""
    with pytest.raises(RuleViolation) as err:
        money.parse_amount(value, "face_amount")
    assert err.value.code == code
    assert len(str(err.value)) < 200     # a long string is cut short in the message


def test_leading_zeros_do_not_make_an_amount_too_large():
    assert money.parse_amount("0000000000000000001", "x") == 1
    assert money.parse_amount("0" * 30 + str(money.MAX_AMOUNT), "x") == money.MAX_AMOUNT


def test_the_cap_is_the_largest_integer_javascript_reads_exactly():
    """JSON.parse reads a number into a double: 2**53 + 1 comes back as 2**53. Every amount a caller sends is one
    it reads exactly; the earlier cap (STORED_AMOUNT_LIMIT) still bounds what a stored record may hold."""
    assert money.MAX_AMOUNT == 2**53 - 1 and float(money.MAX_AMOUNT) == money.MAX_AMOUNT
    assert money.parse_amount(str(money.MAX_AMOUNT), "x") == money.MAX_AMOUNT
    with pytest.raises(RuleViolation, match=r"capped at 9007199254740991 fen \(90071992547409\.91 yuan\)"):
        money.parse_amount(money.MAX_AMOUNT + 1, "x")
    assert money.parse_amount(10**17, "x", cap=money.STORED_AMOUNT_LIMIT) == 10**17


def test_leading_zeros_beyond_what_int_reads_still_parse_to_the_amount():
    """int() refuses strings over 4300 digits: the zeros are stripped before it reads them."""
    assert money.parse_amount("0" * 5000 + "1", "x") == 1
    with pytest.raises(RuleViolation) as err:
        money.parse_amount("0" * 5000, "amount")
    assert err.value.code == "amount-not-positive"
    with pytest.raises(RuleViolation) as err:
        money.parse_amount("0" * 5000 + "1" * 18, "amount")
    assert err.value.code == "amount-too-large"


def test_zero_allowed_only_where_asked():
    assert money.parse_amount(0, "tax", allow_zero=True) == 0


@pytest.mark.parametrize("value", ["cny", "CN", "RMB1", 156, None])
def test_bad_currency(value):
    with pytest.raises(RuleViolation) as err:
        money.parse_currency(value)
    assert err.value.code == "currency-invalid"


# ------------------------------------------------------------------ day count (hand-computed)

@pytest.mark.parametrize("principal, rate, days, basis, expected", [
    # 1,000,000.00 yuan at 3.6% for 90 days ACT/360 = 9,000.00 yuan
    (100_000_000, "0.036", 90, "ACT/360", 900_000),
    # same on ACT/365: 100,000,000 x 0.036 x 90 / 365 = 887,671.23... -> 887,671
    (100_000_000, "0.036", 90, "ACT/365", 887_671),
    # 10,000.00 yuan at 4.5% for 1 day ACT/360: 1,000,000 x 0.045 / 360 = 125 fen exactly
    (1_000_000, "0.045", 1, "ACT/360", 125),
    # half a fen rounds up: 100 x 0.18 x 1 / 360 = 0.05; 1000 x 0.18 / 360 = 0.5 -> 1
    (1_000, "0.18", 1, "ACT/360", 1),
    # 0.4999.. rounds down: 999 x 0.18 / 360 = 0.4995 -> 0
    (999, "0.18", 1, "ACT/360", 0),
    # 2.5 rounds up to 3 (not banker's 2): 5000 x 0.18 / 360 = 2.5
    (5_000, "0.18", 1, "ACT/360", 3),
    # zero days, zero interest
    (123_456_789, "0.05", 0, "ACT/360", 0),
    # 1 fen... x 0.05 x 365/365 = 0.05 -> 0
    (1, "0.05", 365, "ACT/365", 0),
    # a large claim stays exact: 98,765,432,109.87 yuan at 4.35% for 181 days ACT/360
    # 9876543210987 x 435 x 181 / (10000 x 360) = 216,008,230,476.96... -> 216008230477
    (9_876_543_210_987, "0.0435", 181, "ACT/360", 216_008_230_477),
])
def test_interest_against_hand_computed_cases(principal, rate, days, basis, expected):
    assert daycount.interest_fen(principal, Decimal(rate), days, basis) == expected


@given(st.integers(0, 10**15), st.integers(0, 10**6), st.integers(0, 3650), st.sampled_from(["ACT/360", "ACT/365"]))
def test_interest_is_the_exact_product_rounded_half_up(principal, rate_millionths, days, basis):
    rate = Decimal(rate_millionths) / Decimal(10**6)
    got = daycount.interest_fen(principal, rate, days, basis)
    exact = Fraction(principal) * Fraction(rate_millionths, 10**6) * days / daycount.BASES[basis]
    assert got - Fraction(1, 2) <= exact < got + Fraction(1, 2)


def test_days_are_actual_calendar_days():
    assert daycount.days_between(date(2028, 2, 1), date(2028, 3, 1)) == 29  # leap year
    assert daycount.days_between(date(2027, 2, 1), date(2027, 3, 1)) == 28


@pytest.mark.parametrize("value", [0.05, "5%", "-0.1", "1.5", "abc", None, "0.12345678901"])
def test_rates_are_decimal_strings_within_bounds(value):
    with pytest.raises(RuleViolation) as err:
        daycount.parse_rate(value, "discount_rate")
    assert err.value.code == "rate-invalid"


def test_unknown_basis_refused():
    with pytest.raises(RuleViolation) as err:
        daycount.parse_basis("30/360")
    assert err.value.code == "day-count-basis-unknown"


# ------------------------------------------------------------------ dates

def test_business_date_is_china_standard_time():
    assert dates.business_date(datetime(2026, 2, 28, 17, 0, tzinfo=timezone.utc)) == date(2026, 3, 1)
    assert dates.business_date(datetime(2026, 2, 28, 15, 59, tzinfo=timezone.utc)) == date(2026, 2, 28)


@pytest.mark.parametrize("value", ["2026-02-30", "2026-2-1", "20260201", 20260201, None])
def test_bad_dates(value):
    with pytest.raises(RuleViolation) as err:
        dates.parse_date(value, "due_date")
    assert err.value.code == "date-invalid"


# ------------------------------------------------------------------ fingerprint

def test_fingerprint_is_sha256_of_the_documented_canonical_form():
    text = "recfin-invoice-v2|91350100M000100Y43||24312000000012345678"
    assert fingerprint.canonical_form(" 91350100m000100y43 ", "", " 24312000000012345678 ") == text
    assert fingerprint.invoice_fingerprint("91350100M000100Y43", "", "24312000000012345678") == \
        hashlib.sha256(text.encode()).hexdigest()
    # the worked example of docs/receivables.md
    assert fingerprint.invoice_fingerprint("91350100M000100Y43", "", "24312000000012345678") == \
        "b6b419d613541ff16e83dfdfecf30cdc7003539bb7f1be45124498722acadea8"
    legacy = "recfin-invoice-v2|91350100M000100Y43|3100204130|00123456"
    assert fingerprint.canonical_form("91350100M000100Y43", " 3100204130 ", "00123456") == legacy
    assert fingerprint.invoice_fingerprint("91350100M000100Y43", "3100204130", "00123456") == \
        "0717ac1766b4626fe4df8b5e559b0485035bc2616eea900f4928af3c2de3f435"


def test_fingerprint_changes_with_each_identity_field_and_only_those():
    base = ("91350100M000100Y43", "3100204130", "00000001")
    fp = fingerprint.invoice_fingerprint(*base)
    for i, other in enumerate(["91110000600037341L", "310020413000", "00000002"]):
        changed = list(base)
        changed[i] = other
        assert fingerprint.invoice_fingerprint(*changed) != fp
    # spelling that is not identity: case of the tax id, surrounding whitespace
    assert fingerprint.invoice_fingerprint(" 91350100m000100y43", "3100204130 ", " 00000001 ") == fp
    # moving digits between code and number is another invoice, not a collision
    assert fingerprint.invoice_fingerprint("91350100M000100Y43", "", "310020413000000001") != fp


def test_fingerprint_refuses_separators_and_missing_fields():
    for args in [("9135|", "", "1"), ("91350100M000100Y43", "31|0", "1"), ("91350100M000100Y43", "", "1|2"),
                 ("  ", "", "1"), ("91350100M000100Y43", "", " ")]:
        with pytest.raises(ValueError):
            fingerprint.canonical_form(*args)


def test_is_fingerprint_accepts_only_64_lower_case_hex_digits():
    fp = fingerprint.invoice_fingerprint("91350100M000100Y43", "", "24312000000012345678")
    assert fingerprint.is_fingerprint(fp)
    for bad in ["", fp.upper(), fp[:-1], fp + "0", " " + fp, fp[:-1] + "g", fp + "\n"]:
        assert not fingerprint.is_fingerprint(bad), bad


@pytest.mark.parametrize("code, number, ok", [
    ("", "24312000000012345678", True),             # fully digitalised: no code
    ("3100204130", "00123456", True),               # paper VAT invoice: 10-digit code
    ("031002400111", "00123456", True),             # electronic ordinary invoice: 12-digit code
    ("", "INV-0001", False),                        # not an invoice number at all
    ("", "2644-2000000012345678", False),           # a fully digitalised number rewritten with a dash
    ("3100204130", "24312000000012345678", False),  # a code added to a fully digitalised number
    ("", "00123456", False),                        # an 8-digit number without its code
    ("31002041", "00123456", False),                # a code of the wrong length
    ("003100204130", "00123456", False),            # a 10-digit code padded with zeros to 12
    ("0003100204130", "00123456", False),           # ... or to 13
    ("144031909110", "00123456", True),             # 12 digits: 1, then Shenzhen's bureau 4403
    ("4403171130", "00123456", True),               # 10 digits: Shenzhen
    ("3201204130", "00123456", True),               # 3201: a city of Jiangsu (province 32)
    ("9900204130", "00123456", False),              # 99 is no province
    ("331002400111", "00123456", False),            # a 12-digit code starts with 0, 1 or 2
    ("000001800105", "00123456", True),             # 12 digits: region 0000, the national administration's
    ("0000018001", "00123456", False),              # ... which no 10-digit code has
])
def test_code_and_number_must_fit_together(code, number, ok):
    assert (fingerprint.identity_problem(code, number) is None) is ok


def test_every_province_gives_one_code_spelling():
    assert len(fingerprint.PROVINCE_CODES) == 31
    for province in fingerprint.PROVINCE_CODES:
        region = province + "00"
        ten = region + "204130"
        assert fingerprint.code_problem(ten) is None and fingerprint.code_problem("0" + region + "2400111") is None
        # zeros in front make no other code of the same invoice
        assert fingerprint.code_problem("00" + ten) is not None
    assert "without added zeros" in fingerprint.code_problem("003100204130")


@pytest.mark.parametrize("number, ok", [
    ("26442000000012345678", True),     # fully digitalised e-invoice: 20 digits
    ("00123456", True),                 # invoice with a code: 8 digits, leading zeros as printed
    ("2644-2000000012345678", False),   # the same digits as the first, rewritten: one invoice, one spelling
    ("026442000000012345678", False),   # a leading zero added
    ("-26442000000012345678", False),   # a sign added
    ("26442000000012345678\n", False),  # a trailing newline
    (" 26442000000012345678", False),   # surrounding spaces (the request carries the number as printed)
    ("２６４４２０００００００１２３４５６７８", False),  # full-width digits
    ("0012345", False), ("123456789", False), ("INV-0001", False), ("", False),
])
def test_an_invoice_number_has_one_of_the_two_real_forms(number, ok):
    assert (fingerprint.number_problem(number) is None) is ok


def test_a_request_refuses_a_rewritten_number_but_a_stored_invoice_still_reads():
    from chaincode.receivables.model import Invoice, InvoiceInput

    fields = {"date": "2026-09-01", "amount": 100, "tax": 13,
              "seller_tax_id": "91350100M000100Y43", "buyer_tax_id": "91110000600037341L"}
    assert InvoiceInput.model_validate({**fields, "number": "26442000000012345678"}).number == "26442000000012345678"
    with pytest.raises(RuleViolation) as refused:
        InvoiceInput.model_validate({**fields, "number": "2644-2000000012345678"})
    assert refused.value.code == "invoice-number-invalid" and "20 digits" in refused.value.detail
    # a record written before numbers had to have a real form is read back, not refused
    stored = Invoice.model_validate({**fields, "number": "INV-0001", "fingerprint": "0" * 64})
    assert stored.number == "INV-0001"


# ------------------------------------------------------------------ pro rata

@given(st.lists(st.integers(1, 10**12), min_size=1, max_size=30), st.data())
def test_pro_rata_adds_up_exactly_and_stays_within_each_leaf(amounts, data):
    leaves = [(f"R-{i:03d}", a) for i, a in enumerate(amounts)]
    total = sum(amounts)
    payment = data.draw(st.integers(0, total))
    shares = settlement.allocate_pro_rata(payment, leaves, currency="CNY", receivable_id="R")
    assert sum(shares.values()) == payment
    for key, outstanding in leaves:
        assert 0 <= shares[key] <= outstanding
        # each share within one fen of the exact proportion
        assert abs(Fraction(shares[key]) - Fraction(payment * outstanding, total)) < 1


def test_pro_rata_hand_case():
    # 100 fen over three equal leaves: 33.33 each, the extra fen to the first by id
    assert settlement.allocate_pro_rata(100, [("a", 100), ("b", 100), ("c", 100)], currency="CNY",
                                        receivable_id="R") == {"a": 34, "b": 33, "c": 33}
    # 2 fen over three 1-fen leaves: ties broken in id order
    assert settlement.allocate_pro_rata(2, [("c", 1), ("a", 1), ("b", 1)], currency="CNY",
                                        receivable_id="R") == {"a": 1, "b": 1, "c": 0}
    # 10 over 3 and 7 is exact
    assert settlement.allocate_pro_rata(10, [("a", 300), ("b", 700)], currency="CNY",
                                        receivable_id="R") == {"a": 3, "b": 7}


def test_pro_rata_refuses_overpayment_in_the_claims_currency():
    with pytest.raises(RuleViolation) as err:
        settlement.allocate_pro_rata(123_456_78, [("a", 56_500_00), ("b", 56_500_00)], currency="USD",
                                     receivable_id="R")
    assert err.value.code == "payment-exceeds-outstanding"
    assert str(err.value).startswith("RULE payment-exceeds-outstanding: payment of 123456.78 USD exceeds the "
                                     "113000.00 USD outstanding on the unpaid parts of R: nothing is recorded")


def test_early_payment_hand_case():
    # 1,000,000.00 yuan, 6% APR, 30 days early, ACT/360: discount 5,000.00 yuan
    assert settlement.early_payment(100_000_000, Decimal("0.06"), 30, "ACT/360", currency="CNY") == \
        (99_500_000, 500_000)
