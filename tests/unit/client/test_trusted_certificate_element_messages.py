"""What read_trusted_certificate says of an element whose tag or length cannot be read, in the certificate or in
the trust settings after it: a header cut short and a multi-byte tag each in words of their own, an indefinite
length and length octets cut short in one message for both; none shows the block."""
from __future__ import annotations

import base64

import pytest

from client.gateway._trusted_certificate import read_trusted_certificate
from .gateway_fakes import make_key_and_cert
from .trusted_blocks import trusted_block

_, CA = make_key_and_cert("tlsca.org1.example.com")
NOT_DER = "has a length cut short or not in DER form"


def _block_of(der: bytes) -> bytes:
    """A TRUSTED CERTIFICATE block of ``der``, BEGIN line to END line, as the TLS roots' reading hands it over."""
    return b"-----BEGIN TRUSTED CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END TRUSTED CERTIFICATE-----"


def _settings_block(aux: bytes) -> bytes:
    """The CA's TRUSTED CERTIFICATE block with ``aux`` after the certificate, BEGIN line to END line."""
    return trusted_block(CA, aux).rstrip(b"\n")


@pytest.mark.parametrize("block, says", [
    (_block_of(b"\x30"), "it ends before the tag and length of an element of the certificate"),
    (_settings_block(b"\x30"), "it ends before the tag and length of an element of what follows the certificate"),
    (_settings_block(b"\x30\x03\x30\x01\x06"),     # the trust list's content, one octet: no room for an element
     "it ends before the tag and length of an element of the trust list of OpenSSL's trust settings"),
    (_settings_block(b"\x3f\x81\x01\x00"),         # tag number 31 and up: its number in the octets after
     "an element of what follows the certificate has a multi-byte tag, which neither a certificate nor its trust "
     "settings use"),
    (_block_of(b"\x30\x80" + b"\x00" * 8), f"an element of the certificate {NOT_DER}"),     # BER's indefinite length
    (_settings_block(b"\x30\x80\x00\x00"), f"an element of what follows the certificate {NOT_DER}"),
    # two length octets announced, one there; four announced, two there
    (_settings_block(b"\x30\x82\x01"), f"an element of what follows the certificate {NOT_DER}"),
    (_block_of(b"\x30\x84\x00\x00"), f"an element of the certificate {NOT_DER}"),
], ids=["header cut short: the certificate", "header cut short: the settings", "header cut short: a list",
        "multi-byte tag", "indefinite length: the certificate", "indefinite length: the settings",
        "length cut short: the settings", "length cut short: the certificate"])
def test_an_element_whose_tag_or_length_cannot_be_read_is_refused_saying_why(block, says):
    with pytest.raises(ValueError) as refused:
        read_trusted_certificate(block)
    assert str(refused.value) == says
