"""A page pass that reads a field malformed, and a crop pass held to its characters reading it otherwise."""

from client.invoices._ocr import Reading
from client.invoices._scan_fields import KINDS, Found, reconcile


def test_a_letter_read_again_as_another_digit_is_a_doubt():
    # the page pass's B is an 8 or a 3; the crop, held to digits, chose 3: the number is flagged, not trusted
    got = reconcile(Found("2644200000001234567B", 0.95), Reading("26442000000012345673", 0.93),
                    KINDS["number"])
    assert got.value == "26442000000012345673"
    assert got.doubt is not None and "2644200000001234567B" in got.doubt


def test_a_date_read_again_with_another_digit_is_a_doubt():
    got = reconcile(Found("2026年O9月01日", 0.95), Reading("2026年08月01日", 0.93), KINDS["date"])
    assert got.doubt is not None


def test_letters_read_again_as_the_digits_they_look_like_are_no_doubt():
    got = reconcile(Found("26442000000O1234567B", 0.95), Reading("26442000000012345678", 0.93),
                    KINDS["number"])
    assert (got.value, got.doubt) == ("26442000000012345678", None)
