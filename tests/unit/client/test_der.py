"""The one reader of a DER element's tag and length (client.der): what it returns for every length form, and the
reason it gives for each way an element is not whole DER."""

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from client.der import DerElement, DerError, DerProblem, der_element
from .gateway_fakes import make_key_and_cert


@pytest.mark.parametrize("size", [0, 1, 127, 128, 255, 256, 65535, 65536])
def test_an_element_in_each_length_form_is_read_to_its_end_and_nothing_after_it(size):
    element = core.OctetString(b"x" * size).dump()         # encoded by another library
    header = len(element) - size

    assert der_element(element + b"\x00\n") == DerElement(0x04, header, header + size)


def test_an_element_is_read_at_its_offset_and_within_its_limit():
    data = b"\x30\x06" + b"\x02\x01\x05" + b"\x02\x01\x07" + b"\x02\x01\x09"

    assert der_element(data, 5, 8) == DerElement(0x02, 7, 8)
    with pytest.raises(DerError) as cut:
        der_element(data, 2, 4)             # the limit falls inside the content
    assert (cut.value.reason, cut.value.length, cut.value.available) == (DerProblem.PAST_THE_END, 1, 0)


def test_a_certificate_is_one_element_whose_content_ends_where_its_der_ends():
    cert = x509.load_pem_x509_certificate(make_key_and_cert("der-reader")[1])
    der = cert.public_bytes(serialization.Encoding.DER)

    element = der_element(der + b"trailing")
    assert (element.tag, element.end) == (0x30, len(der))
    assert x509.load_der_x509_certificate(der[:element.end]) == cert


MALFORMED = {
    "nothing": (b"", DerProblem.HEADER_CUT_SHORT),
    "a tag alone": (b"\x30", DerProblem.HEADER_CUT_SHORT),
    "a multi-byte tag": (b"\x9f\x20\x01\x00", DerProblem.MULTI_BYTE_TAG),
    "an indefinite length": (b"\x30\x80\x02\x01\x05\x00\x00", DerProblem.INDEFINITE_LENGTH),
    "five length octets": (b"\x30\x85\x00\x00\x00\x00\x01\x00", DerProblem.LENGTH_TOO_LONG),
    "the reserved length octet 0xff": (b"\x30\xff" + b"\x00" * 127, DerProblem.LENGTH_TOO_LONG),
    "length octets cut short": (b"\x30\x82\x01", DerProblem.LENGTH_CUT_SHORT),
    "a long form for a short length": (b"\x30\x81\x03abc", DerProblem.NON_MINIMAL_LENGTH),
    "a long form padded with a zero octet": (b"\x30\x82\x00\x80" + b"x" * 128, DerProblem.NON_MINIMAL_LENGTH),
    "content past the end": (b"\x30\x05abc", DerProblem.PAST_THE_END),
    "a long length past the end": (b"\x30\x84\x7f\xff\xff\xff" + b"x" * 9, DerProblem.PAST_THE_END),
}


@pytest.mark.parametrize("data, reason", MALFORMED.values(), ids=MALFORMED.keys())
def test_what_is_not_a_whole_der_element_is_refused_saying_why(data, reason):
    with pytest.raises(DerError) as refused:
        der_element(data)
    assert refused.value.reason is reason
    assert isinstance(refused.value, ValueError)
    assert str(refused.value).startswith(f"the DER element at octet 0: {reason.value}")


def test_the_refusal_of_a_cut_element_says_where_and_by_how_much():
    with pytest.raises(DerError, match=r"^the DER element at octet 3: its content runs past the end "
                                       r"\(300 octets announced, 5 left\)$"):
        der_element(b"\x05\x00\x00\x04\x82\x01\x2c" + b"x" * 5, 3)


@pytest.mark.parametrize("data, content", [(b"\x30\x81\x03abc", (3, 6)), (b"\x30\x82\x00\x03abc", (4, 7))])
def test_a_non_minimal_length_is_read_when_the_caller_takes_one(data, content):
    assert der_element(data, minimal_length=False) == DerElement(0x30, *content)


def test_taking_non_minimal_lengths_still_refuses_an_indefinite_one():
    with pytest.raises(DerError) as refused:
        der_element(b"\x30\x80\x00\x00", minimal_length=False)
    assert refused.value.reason is DerProblem.INDEFINITE_LENGTH
