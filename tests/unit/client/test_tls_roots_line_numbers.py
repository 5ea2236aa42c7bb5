"""The line a TLS roots file's block stands on, named when the block is refused, is counted reading the file once:
each block's line was counted from the start of the file, in time growing with the square of the certificates'
number (a file of 20,000 took over a minute and a half before it was handed to gRPC). So is the file handed on with
its TRUSTED CERTIFICATE blocks as plain ones: it was copied whole for each."""
from __future__ import annotations

import pytest

from client.gateway import _gateway
from client.gateway._gateway import _tls_roots
from .gateway_fakes import make_key_and_cert
from .trusted_blocks import SERVER_AUTH, trust_settings, trusted_block

_, CA = make_key_and_cert("tlsca.org1.example.com")


class _CountedPem(bytes):
    """PEM bytes that write down how many of their bytes each count() reads."""

    read: list[int]

    def count(self, sub, start=0, end=None):
        end = len(self) if end is None else end
        self.read.append(end - start)
        return super().count(sub, start, end)


def test_the_lines_of_many_certificates_are_counted_in_one_reading_of_the_file():
    pem = _CountedPem(CA * 200)
    pem.read = []
    assert _tls_roots(pem) == pem
    assert sum(pem.read) <= len(pem)


def test_a_refused_block_is_still_named_by_its_line():
    crl_line = 3 * CA.count(b"\n") + 1      # after three certificates, each ending in a newline
    pem = CA * 3 + b"-----BEGIN X509 CRL-----\nZm9v\n-----END X509 CRL-----\n"
    with pytest.raises(ValueError, match=rf"\('X509 CRL', block 4, line {crl_line}\)"):
        _tls_roots(pem)


class _CountedCopy(bytes):
    """A certificate block that writes down how many bytes each concatenation with it copies."""

    copied: list[int]

    def __add__(self, other):
        self.copied.append(len(self) + len(other))
        return bytes(self) + bytes(other)

    def __radd__(self, other):
        self.copied.append(len(other) + len(self))
        return bytes(other) + bytes(self)


def test_many_trusted_certificate_blocks_are_handed_on_in_one_copy_of_the_file(monkeypatch):
    # each TRUSTED CERTIFICATE block is handed to gRPC as its CERTIFICATE block: the file was copied whole for each
    copied: list[int] = []
    server_root = _gateway._server_root

    def counted(block, where, at):
        certificate = _CountedCopy(server_root(block, where, at))
        certificate.copied = copied
        return certificate

    monkeypatch.setattr(_gateway, "_server_root", counted)
    pem = b"# a CA\n" + trusted_block(CA, trust_settings([SERVER_AUTH])) * 200
    assert _gateway._tls_roots(pem) == b"# a CA\n" + CA * 200
    assert sum(copied) <= len(pem)
