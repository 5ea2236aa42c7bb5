"""The files of an MSP folder's subfolders as configtxgen reads them into the org's FabricMSPConfig
(network.org_definition.fabric_msp_config; Fabric's getPemMaterialFromDir): every regular file holding PEM, whatever
its name, a folder and a file of another name holding no PEM passed over, a file of any name whose first PEM block is
of another kind and a ``*.pem`` file holding no PEM block refused rather than written or passed over."""
from __future__ import annotations

import base64
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID

from client.ledger import revocation
from client.ledger.msp import ChannelMsp
from network.errors import NetworkError
from network.org_definition import fabric_msp_config

NOW = datetime.now(timezone.utc)
NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca")])


@pytest.fixture
def msp(tmp_path):
    """An MSP folder: its CA in cacerts/ca.pem, and a PEM CRL of that CA revoking serial 7 in crls/ca.crl."""
    key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(NAME).issuer_name(NAME).public_key(key.public_key())
          .serial_number(1).not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=365))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
          .sign(key, hashes.SHA256()))
    listing = (x509.CertificateRevocationListBuilder().issuer_name(NAME).last_update(NOW)
               .next_update(NOW + timedelta(days=7))
               .add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(7).revocation_date(NOW).build())
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
               .sign(key, hashes.SHA256()))
    (tmp_path / "cacerts").mkdir()
    (tmp_path / "cacerts" / "ca.pem").write_bytes(ca.public_bytes(Encoding.PEM))
    (tmp_path / "crls").mkdir()
    (tmp_path / "crls" / "ca.crl").write_bytes(listing.public_bytes(Encoding.PEM))
    return tmp_path, key, ca, listing


def test_a_pem_crl_of_any_name_is_read_and_other_files_and_folders_are_passed_over(msp):
    folder, _, ca, listing = msp
    (folder / "cacerts" / "old.pem").mkdir()
    (folder / "cacerts" / "README").write_text("the org's root CA\n")
    (folder / "crls" / "crl.der").write_bytes(listing.public_bytes(Encoding.DER))   # no PEM: configtxgen skips it
    conf = fabric_msp_config("BankMSP", folder)
    assert list(conf.root_certs) == [ca.public_bytes(Encoding.PEM)]
    assert list(conf.revocation_list) == [listing.public_bytes(Encoding.PEM)]


@pytest.mark.parametrize("where, content, held", [
    ("crls", "der", "holds no PEM block, not the PEM X509 CRL a .pem file of crls/ must hold"),
    ("cacerts", "key", "holds a PEM PRIVATE KEY, not the PEM CERTIFICATE a file of cacerts/ must hold"),
])
def test_a_pem_file_without_pem_of_its_kind_is_refused_naming_it(msp, where, content, held):
    folder, key, _, listing = msp
    data = listing.public_bytes(Encoding.DER) if content == "der" else key.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    (folder / where / "extra.pem").write_bytes(data)
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", folder)
    assert str(refused.value).startswith(f"{folder / where / 'extra.pem'} {held}")


@pytest.mark.parametrize("where, name, content", [
    ("cacerts", "key", "key"), ("tlscacerts", "notes.txt", "key"), ("cacerts", "ca.crt", "crl"),
    ("crls", "ca.crl", "certificate"),
])
def test_a_file_of_any_name_whose_first_pem_block_is_of_another_kind_is_refused_naming_it(msp, where, name, content):
    # getPemMaterialFromDir keeps every file holding a PEM block, whatever its kind and name: configtxgen would write
    # a key into the channel config, or a CRL among the CA certificates, where Fabric's MSP fails on it
    folder, key, ca, listing = msp
    data = {"key": key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()),
            "crl": listing.public_bytes(Encoding.PEM), "certificate": ca.public_bytes(Encoding.PEM)}[content]
    (folder / where).mkdir(exist_ok=True)
    (folder / where / name).write_bytes(data)
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", folder)
    kinds = {"key": "PRIVATE KEY", "crl": "X509 CRL", "certificate": "CERTIFICATE"}
    wanted = "X509 CRL" if where == "crls" else "CERTIFICATE"
    assert str(refused.value).startswith(f"{folder / where / name} holds a PEM {kinds[content]}, not the PEM "
                                         f"{wanted} a file of {where}/ must hold")
    assert ("a private key there would reach every org of the channel" in str(refused.value)) == (content == "key")


@pytest.mark.parametrize("where, name, encoding, key_first", [
    ("cacerts", "ca.pem", Encoding.PEM, False), ("tlscacerts", "tlsca.crt", Encoding.DER, False),
    ("crls", "ca.crl", Encoding.PEM, False),
    # pem.Decode skips what lies before the first BEGIN line: the certificate is still the file's first PEM block
    ("cacerts", "ca.pem", Encoding.DER, True),
])
def test_a_file_holding_a_private_key_besides_its_pem_blocks_is_refused_naming_it(msp, where, name, encoding,
                                                                                   key_first):
    # configtxgen writes the whole file into the channel config, not its first block alone: the CA's key saved with
    # its certificate would reach every org
    folder, key, ca, listing = msp
    first = listing if where == "crls" else ca
    (folder / where).mkdir(exist_ok=True)
    planted = folder / where / name
    blocks = [first.public_bytes(Encoding.PEM), key.private_bytes(encoding, PrivateFormat.PKCS8, NoEncryption())]
    planted.write_bytes(b"\n".join(reversed(blocks)) if key_first else b"".join(blocks))
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", folder)
    kind = "X509 CRL" if where == "crls" else "CERTIFICATE"
    assert str(refused.value).startswith(f"{planted} holds a private key besides its {kind}: ")
    assert str(refused.value).endswith(f"Keep only the {kind} blocks in {name} and the key in a file of its own, "
                                       f"outside {folder / where}")


@pytest.mark.parametrize("where, name", [("cacerts", "ca.pem"), ("crls", "ca.crl")])
def test_a_private_key_inside_a_block_of_the_files_kind_is_refused_naming_that_block(msp, where, name):
    # a key's base64 pasted between CERTIFICATE (or X509 CRL) lines of a chain: keeping only the file's blocks of
    # that kind would keep the key, so the message says the key lies in one of them and to take it out
    folder, key, ca, listing = msp
    kind = "X509 CRL" if where == "crls" else "CERTIFICATE"
    (folder / where).mkdir(exist_ok=True)
    planted = folder / where / name
    planted.write_bytes((listing if where == "crls" else ca).public_bytes(Encoding.PEM) + (
        f"-----BEGIN {kind}-----\n".encode() + base64.encodebytes(key.private_bytes(
            Encoding.DER, PrivateFormat.PKCS8, NoEncryption())) + f"-----END {kind}-----\n".encode()))
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", folder)
    assert str(refused.value).startswith(f"{planted} holds a private key inside its PEM {kind} block 2: ")
    assert str(refused.value).endswith(f"Keep only the {kind} in that block of {name} (or take the block out where "
                                       f"it holds none) and the key in a file of its own, outside {folder / where}")


def test_the_block_named_as_holding_the_key_is_counted_among_the_blocks_of_its_kind(msp):
    # a CRL between two certificates: the certificate holding the key is the file's second CERTIFICATE block, where
    # counting every block called it the third, which the file does not have
    folder, key, ca, listing = msp
    planted = folder / "cacerts" / "ca.pem"
    planted.write_bytes(ca.public_bytes(Encoding.PEM) + listing.public_bytes(Encoding.PEM) + (
        b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(key.private_bytes(
            Encoding.DER, PrivateFormat.PKCS8, NoEncryption())) + b"-----END CERTIFICATE-----\n"))
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", folder)
    assert str(refused.value).startswith(f"{planted} holds a private key inside its PEM CERTIFICATE block 2: ")


@pytest.mark.parametrize("edit", [
    lambda pem: pem.replace(b"-----BEGIN CERTIFICATE-----", b"-----BEGIN CERTIFICATE----- \t", 1),
    lambda pem: pem.replace(b"-----END CERTIFICATE-----", b"-----END CERTIFICATE-----\t ", 1),
    lambda pem: pem.replace(b"\n", b"\r\n"),
], ids=["begin-line-trailing-blanks", "end-line-trailing-blanks", "crlf-lines"])
def test_a_pem_line_ending_in_spaces_or_tabs_is_read_as_go_reads_it(msp, edit):
    # Go's pem.Decode trims trailing spaces and tabs off the BEGIN and END lines (getLine)
    folder, _, ca, _ = msp
    data = edit(ca.public_bytes(Encoding.PEM))
    (folder / "cacerts" / "ca.pem").write_bytes(data)
    assert list(fabric_msp_config("BankMSP", folder).root_certs) == [data]


@pytest.mark.parametrize("edit", [
    lambda pem: b"junk " + pem,
    lambda pem: pem.replace(b"\n-----END", b"-----END", 1),
    lambda pem: pem.replace(b"-----END CERTIFICATE-----", b"-----END CERTIFICATE----- junk", 1),
], ids=["begin-mid-line", "end-mid-line", "end-line-with-text-after"])
def test_a_pem_block_go_would_not_find_is_refused(msp, edit):
    # Go's pem.Decode takes a BEGIN line only at the start of the data or after a newline, an END line only at the
    # start of a line and followed by nothing but blanks; configtxgen passes such a file over
    folder, _, ca, _ = msp
    (folder / "cacerts" / "ca.pem").write_bytes(edit(ca.public_bytes(Encoding.PEM)))
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", folder)
    assert str(refused.value).startswith(f"{folder / 'cacerts' / 'ca.pem'} holds no PEM block")


def test_a_file_of_a_hundred_thousand_begin_lines_no_end_line_closes_is_refused_at_once(msp):
    # each BEGIN line was searched for its END line to the end of the file: 5,000 such lines took some twenty seconds,
    # and as many as here, grown with the square of their number, hours
    folder = msp[0]
    (folder / "cacerts" / "ca.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\n" * 100_000)
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", folder)
    assert str(refused.value).startswith(f"{folder / 'cacerts' / 'ca.pem'} holds no PEM block, not the PEM "
                                         "CERTIFICATE a .pem file of cacerts/ must hold")


def _certificate_file(msp, make) -> tuple[bytes, bytes]:
    """cacerts/ca.pem written as ``make`` makes it of the CA's PEM: (what it holds, the CA's PEM)."""
    folder, _, ca, _ = msp
    pem = ca.public_bytes(Encoding.PEM)
    data = make(pem)
    (folder / "cacerts" / "ca.pem").write_bytes(data)
    return data, pem


@pytest.mark.parametrize("make", [
    lambda pem: b"-----BEGIN CERTIFICATE-----\n" + pem,
    lambda pem: b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n" + pem,
    lambda pem: b"-----BEGIN CERTIFICATE-----\nQUJD\n-----END X509 CRL-----\n" + pem,
    lambda pem: b"-----BEGIN CERTIFICATE-----\nQQ==QQ==\n-----END CERTIFICATE-----\n" + pem,
    lambda pem: b"-----BEGIN CERTIFICATE-----\r\n" * 100_000 + pem,
], ids=["a-stray-begin-line", "a-block-whose-body-is-not-base64", "a-block-closed-by-another-label",
        "a-block-padded-mid-body", "a-hundred-thousand-stray-begin-lines"])
def test_a_certificate_after_a_begin_line_go_passes_over_is_read_as_fabric_reads_it(msp, make):
    # Go's pem.Decode pairs the first END line with the last BEGIN line before it and, that END line of another label
    # or the body no base64, reads on at the next END line: getPemMaterialFromDir keeps the file, whole, and the
    # MSP reads the certificate that follows (getCertFromPem)
    data, _ = _certificate_file(msp, make)
    conf = fabric_msp_config("BankMSP", msp[0])
    assert list(conf.root_certs) == [data]
    assert ChannelMsp.of(conf).roots == (msp[2],)


@pytest.mark.parametrize("make", [
    lambda pem: b"\n".join(pem.split(b"\n")[:2] + [b"Comment: a line of the body"] + pem.split(b"\n")[2:]),
    lambda pem: b"-----BEGIN CERTIFICATE-----\nProc-Type: 4,CRL\n-----END CERTIFICATE-----\n",
    lambda pem: pem.replace(b"\n", b"\n\x0c", 2),
    lambda pem: b"-----BEGIN CERTIFICATE-----\nQUJD==\n-----END CERTIFICATE-----\n",
], ids=["a-colon-line-within-the-body", "headers-right-before-the-end-line", "a-form-feed-in-the-body",
        "padding-after-a-whole-quantum"])
def test_a_block_go_cannot_decode_is_refused(msp, make):
    # Go's pem.Decode takes the Key: value lines right after the BEGIN line alone as headers, wants a newline between
    # them and the END line, drops spaces, tabs and line ends from the body and nothing else, and decodes it as padded
    # standard base64: getPemMaterialFromDir passes such a file over
    data, pem = _certificate_file(msp, make)
    assert data != pem
    with pytest.raises(NetworkError) as refused:
        fabric_msp_config("BankMSP", msp[0])
    assert str(refused.value).startswith(f"{msp[0] / 'cacerts' / 'ca.pem'} holds no PEM block, not the PEM "
                                         "CERTIFICATE a .pem file of cacerts/ must hold")


def test_a_crl_after_a_stray_begin_line_is_read_as_fabric_reads_it(msp):
    # Go's x509.ParseCRL (setupCRLs) takes the block pem.Decode finds first in bytes that start with a CRL's BEGIN line
    folder, _, _, listing = msp
    data = b"-----BEGIN X509 CRL-----\n" + listing.public_bytes(Encoding.PEM)
    (folder / "crls" / "ca.crl").write_bytes(data)
    conf = fabric_msp_config("BankMSP", folder)
    assert list(conf.revocation_list) == [data]
    assert revocation.load(data).public_bytes(Encoding.DER) == listing.public_bytes(Encoding.DER)
    assert replace(ChannelMsp.of(conf), admins=None).definition_problem is None     # its admins aside
