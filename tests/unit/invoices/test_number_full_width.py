"""An invoice number typed in full-width digits (２６４４…, as a Chinese input method gives them) failed
number.format saying to "give the number exactly as printed, digits only": a person looking at the digits sees
digits, and could not tell what to change. The finding names the full-width digits and gives the number to write."""

from client.invoices import check_invoice

from ._samples import invoice

NUMBER = "26442000000012345678"


def test_a_number_in_full_width_digits_fails_naming_the_number_in_half_width_ones():
    full_width = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    finding = check_invoice(invoice(number=full_width)).finding("number.format")
    assert finding.status == "fail"
    assert finding.message.endswith(f"its digits are full-width: give it in half-width digits, {NUMBER}")


def test_a_number_in_half_width_digits_passes_and_one_otherwise_wrong_is_not_said_to_be_full_width():
    assert check_invoice(invoice(number=NUMBER)).finding("number.format").status == "pass"
    wrong = check_invoice(invoice(number="２６４４")).finding("number.format")
    assert wrong.status == "fail" and "full-width" not in wrong.message
