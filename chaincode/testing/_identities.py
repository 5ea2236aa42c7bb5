"""make_identity: serialized identities holding real certificates, issued by one test CA per MSP."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Mapping

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from chaincode.shim._identity import ATTRIBUTES_OID, ClientIdentity

_NOT_BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
_NOT_AFTER = datetime.datetime(2099, 12, 31, tzinfo=datetime.timezone.utc)


class _TestCA:
    def __init__(self, msp_id: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, msp_id),
                x509.NameAttribute(NameOID.COMMON_NAME, f"ca.{msp_id.lower()}"),
            ]
        )
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_NOT_BEFORE)
            .not_valid_after(_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )


@functools.cache
def _ca_for(msp_id: str) -> _TestCA:
    return _TestCA(msp_id)


def ca_certificate(msp_id: str) -> x509.Certificate:
    """The certificate of the test CA that issues ``msp_id``'s identities (``make_identity``)."""
    return _ca_for(msp_id).certificate


class TestIdentity(bytes):
    """msp.SerializedIdentity bytes (pass it as the submitter) that also knows its parts.

    ``id`` is the identity's id as ``ClientIdentity.id`` reports it.
    """

    __test__ = False  # not a pytest test class
    msp_id: str
    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey
    ca_certificate: x509.Certificate

    def __new__(
        cls,
        serialized: bytes,
        *,
        msp_id: str,
        certificate: x509.Certificate,
        private_key: ec.EllipticCurvePrivateKey,
        ca_certificate: x509.Certificate,
    ) -> TestIdentity:
        identity = super().__new__(cls, serialized)
        identity.msp_id = msp_id
        identity.certificate = certificate
        identity.private_key = private_key
        identity.ca_certificate = ca_certificate
        return identity

    @property
    def id(self) -> str:
        return ClientIdentity(self.msp_id, self.certificate).id

    @property
    def common_name(self) -> str:
        return str(self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def make_identity(
    msp_id: str, common_name: str, attrs: Mapping[str, str] | None = None, *, ou: str = "client"
) -> TestIdentity:
    """A client of ``msp_id`` named ``common_name``, with Fabric CA ``attrs`` and NodeOU ``ou``
    (``client``, ``admin``, ``peer``), its certificate signed by the MSP's test CA."""
    ca = _ca_for(msp_id)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, msp_id),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if attrs:
        value = json.dumps({"attrs": dict(attrs)}, separators=(",", ":")).encode()
        builder = builder.add_extension(x509.UnrecognizedExtension(ATTRIBUTES_OID, value), critical=False)
    certificate = builder.sign(ca.key, hashes.SHA256())
    serialized = identities_pb2.SerializedIdentity(
        mspid=msp_id, id_bytes=certificate.public_bytes(serialization.Encoding.PEM)
    ).SerializeToString()
    return TestIdentity(
        serialized, msp_id=msp_id, certificate=certificate, private_key=key, ca_certificate=ca.certificate
    )
