"""A file of a hundred thousand BEGIN lines that no END line closes, as an identity's certificate and as TLS roots:
each BEGIN line was searched for its END line to the end of the file, in time growing with the square of their
number (5,000 took some twenty seconds, as many as here hours); the file is now refused as it was, at once."""
from __future__ import annotations

import pytest

from client.gateway import Identity, connect, private_key_signer
from .gateway_fakes import make_key_and_cert

KEY, CERT = make_key_and_cert("user1")
UNCLOSED = b"-----BEGIN CERTIFICATE-----\n" * 100_000


def test_an_identity_certificate_file_so_is_refused_for_its_text_outside_the_blocks(tmp_path):
    cert_file = tmp_path / "cert.pem"
    cert_file.write_bytes(CERT + UNCLOSED)
    with pytest.raises(ValueError, match=rf"^{cert_file} holds text outside its PEM blocks "):
        Identity.from_certificate_file("Org1MSP", cert_file)


def test_a_tls_roots_file_so_is_refused_for_the_begin_line_without_its_partner(tmp_path):
    _, ca_cert = make_key_and_cert("tlsca.org1.example.com")
    roots_file = tmp_path / "tlsca.pem"
    roots_file.write_bytes(ca_cert + UNCLOSED)
    first_unclosed_line = ca_cert.count(b"\n") + 1
    with pytest.raises(ValueError, match=rf"^tls_root_certificates file {roots_file} holds part of a PEM block "
                                         rf"outside its blocks \(line {first_unclosed_line}: a -----BEGIN"):
        connect(target="127.0.0.1:7051", identity=Identity("Org1MSP", CERT), signer=private_key_signer(KEY),
                tls_root_certificates=str(roots_file))
