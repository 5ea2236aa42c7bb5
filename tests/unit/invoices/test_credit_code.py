import pytest
from hypothesis import given, settings, strategies as st

from client.invoices.credit_code import (
    CREDIT_CODE_CHARSET,
    check_tax_id,
    credit_code_check_digit,
    credit_code_problem,
    is_valid_credit_code,
    is_valid_organization_code,
    is_valid_resident_id,
    organization_code_check_digit,
)

# The first is the worked example of GB 32100-2015; the others are codes in the
# published format, taken from public material rather than computed here (the
# chaincode's independent implementation agrees, see the last test).
PUBLISHED = ["91350100M000100Y43", "911100001000080343", "91110000100017643K", "91440300708461136T",
             "91110108551385082Q"]

codes = st.tuples(
    st.sampled_from("159Y"), st.sampled_from("123"),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(CREDIT_CODE_CHARSET, min_size=9, max_size=9),
).map(lambda t: "".join(t))


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_pass(code):
    assert is_valid_credit_code(code)
    assert check_tax_id(code).valid and check_tax_id(code).kind == "credit-code"


@pytest.mark.parametrize("code", PUBLISHED)
def test_every_other_check_character_fails(code):
    for c in CREDIT_CODE_CHARSET:
        if c != code[17]:
            assert not is_valid_credit_code(code[:17] + c)


@settings(deadline=None)
@given(codes)
def test_a_code_with_its_computed_check_digit_passes_and_single_changes_fail(first17):
    code = first17 + credit_code_check_digit(first17)
    assert is_valid_credit_code(code)
    # changing any one of the first 17 characters changes the check digit (31 is prime, weights non-zero)
    for i in range(17):
        if i in range(2, 8):
            continue
        for c in "0A":
            if c != code[i]:
                assert not is_valid_credit_code(code[:i] + c + code[i + 1:])


@pytest.mark.parametrize("code,why", [
    ("91350100M000100Y4", "17 characters"),
    ("91350100M000100Y433", "19 characters"),
    ("91350100m000100y43", "lower case"),
    ("91350100M0001O0Y43", "letter O"),
    ("913501I0M000100Y43", "letter I"),
    ("91A50100M000100Y43", "region not digits"),
])
def test_malformed_codes_fail_with_a_reason(code, why):
    assert not is_valid_credit_code(code), why
    assert credit_code_problem(code)


def test_check_digit_rejects_a_bad_body():
    with pytest.raises(ValueError):
        credit_code_check_digit("9135010")


def test_organization_code_and_resident_id():
    assert is_valid_organization_code("M000100Y4")
    assert is_valid_organization_code("M000100Y-4")  # printed with a hyphen
    assert not is_valid_organization_code("M000100Y")
    assert not is_valid_organization_code("M000100Y5")
    assert is_valid_resident_id("11010519491231002X")  # GB 11643-1999 example
    assert not is_valid_resident_id("110105194912310021")


def test_legacy_tax_ids():
    assert check_tax_id("350100M000100Y4").kind == "legacy-15"
    assert check_tax_id("350100M000100Y4").valid
    assert not check_tax_id("350100M000100Y5").valid
    assert check_tax_id("11010519491231002X01").valid
    assert check_tax_id("11010519491231002X01").kind == "legacy-20"
    assert not check_tax_id("11010519491231002101").valid
    assert check_tax_id("12345").kind == "unknown" and not check_tax_id("12345").valid


CROSS = PUBLISHED + [
    "91350100M000100Y44", "91350100m000100y43", "91A50100M000100Y43", "91350100M0001O0Y43", "", "9135",
    "91440300MA5F7KQ3XU", "91440300MA5F7KQ3X0", "Y1110108MA01C3D5E0", "913101157109385962",
]


def test_agrees_with_the_chaincode():
    uscc = pytest.importorskip("chaincode.receivables.uscc",
                              reason="the receivables chaincode (chaincode/receivables/uscc.py) is not there yet")
    for code in CROSS:
        assert is_valid_credit_code(code) == uscc.is_valid(code), code
    for code in PUBLISHED:
        assert credit_code_check_digit(code[:17]) == uscc.check_character(code[:17])


# '²' and full-width digits are digits to str.isdigit: int('²') fails, and int('４') is 4, so a full-width tax id
# would pass its check digit while the ledger, which hashes the characters, sees another id
NOT_ASCII = ["1101051949123100²X01", "１１０１０５１９４９１２３１００２X01", "44030²MA5F7KQ32", "４４０３００MA5F7KQ32",
             "91440300MA5F7KQ3X²", "９1440300MA5F7KQ3XU"]


@pytest.mark.parametrize("tax_id", NOT_ASCII)
def test_a_tax_id_with_digits_outside_ascii_fails_saying_so_never_crashes(tax_id):
    checked = check_tax_id(tax_id)
    assert not checked.valid and "not ASCII" in checked.reason
    assert checked.kind == {15: "legacy-15", 18: "credit-code", 20: "legacy-20"}[len(tax_id)]
    assert check_tax_id(tax_id.translate(str.maketrans("０１２３４５６７８９", "0123456789"))).kind == checked.kind


def test_the_check_digit_helpers_take_ascii_digits_only():
    assert not is_valid_resident_id("1101051949123100²X") and not is_valid_resident_id("１１０１０５１９４９１２３１００２X")
    assert not is_valid_organization_code("M00010²Y4")
    with pytest.raises(ValueError, match="not 8 digits or capitals"):
        organization_code_check_digit("M00010²Y")
    assert not credit_code_problem("91440300MA5F7KQ3XU") and credit_code_problem("914403０0MA5F7KQ3XU")
