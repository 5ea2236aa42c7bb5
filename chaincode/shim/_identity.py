"""ClientIdentity: who submitted the transaction, read from the creator's X.509 certificate."""

from __future__ import annotations

import base64
import functools
import json
import logging
import re

from cryptography import x509
from fabric_protos.msp import identities_pb2

from chaincode.client_ids import x509_client_id

from ._errors import InvalidValue

logger = logging.getLogger(__name__)

# Fabric CA writes enrolment attributes as JSON {"attrs": {...}} into this extension.
ATTRIBUTES_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")


def _attributes_of(certificate: x509.Certificate) -> dict[str, str]:
    try:
        extension = certificate.extensions.get_extension_for_oid(ATTRIBUTES_OID)
    except x509.ExtensionNotFound:
        return {}
    raw = extension.value.value if isinstance(extension.value, x509.UnrecognizedExtension) else b""
    try:
        attrs = json.loads(raw).get("attrs", {})
    except (ValueError, AttributeError):
        logger.warning("ignoring a malformed Fabric CA attribute extension")
        return {}
    return {str(name): str(value) for name, value in attrs.items()} if isinstance(attrs, dict) else {}


class ClientIdentity:
    """The creator of the proposal: MSP ID, certificate, a stable id and Fabric CA attributes.

    Build it with :meth:`from_serialized` from ``stub.get_creator()``. It is read-only, so
    transactions of the same creator can share one.
    """

    def __init__(self, msp_id: str, certificate: x509.Certificate) -> None:
        self._msp_id = msp_id
        self._certificate = certificate
        self._attributes = _attributes_of(certificate)

    @classmethod
    def from_serialized(cls, creator: bytes) -> ClientIdentity:
        """The identity in ``creator`` (msp.SerializedIdentity bytes), decoded once per distinct creator:
        a network has few clients, and decoding the certificate and forming its id took about a
        quarter of a register's or transfer's CPU in the chaincode server (docs/benchmark.md)."""
        return _decoded(cls, bytes(creator))

    @property
    def msp_id(self) -> str:
        return self._msp_id

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @functools.cached_property
    def id(self) -> str:
        """``x509::<subject DN>::<issuer DN>`` (:func:`x509_client_id`)."""
        return x509_client_id(self._certificate)

    @property
    def attributes(self) -> dict[str, str]:
        return dict(self._attributes)

    def get_attribute(self, name: str) -> str | None:
        return self._attributes.get(name)

    def assert_attribute_value(self, name: str, value: str) -> bool:
        """True when the attribute exists and equals ``value`` exactly."""
        return self._attributes.get(name) == value

    def __repr__(self) -> str:
        return f"ClientIdentity(msp_id={self.msp_id!r}, id={self.id!r})"


@functools.lru_cache(maxsize=1024)
def _decoded(cls: type[ClientIdentity], creator: bytes) -> ClientIdentity:
    identity = identities_pb2.SerializedIdentity.FromString(creator)
    if not identity.mspid:
        raise InvalidValue("the creator identity has no MSP ID")
    der = _first_pem_block(identity.mspid, identity.id_bytes)
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise InvalidValue(f"the creator identity of {identity.mspid} is not a PEM X.509 certificate: its first "
                           "PEM block holds no certificate") from exc
    return cls(identity.mspid, certificate)


# A PEM block as Go's encoding/pem reads one: at the start of a line, a BEGIN line ending in five dashes (spaces and
# tabs after them dropped), the body, and the END line of the same label with nothing after it on its line but
# spaces and tabs.
_PEM_BLOCK = re.compile(rb"(?:^|(?<=\n))-----BEGIN ([^\r\n]*?)-----[ \t]*\r?\n"
                        rb"(.*?)\n-----END \1-----[ \t]*(?:\r?\n|\Z)",
                        re.DOTALL)
# The body as Go decodes it: spaces, tabs, CRs and LFs dropped, then padded standard base64 (nothing after '=').
_BASE64_BODY = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _first_pem_block(msp_id: str, id_bytes: bytes) -> bytes:
    """The DER bytes of the first PEM block of ``id_bytes``, whatever its label: what the peer authenticated.

    Fabric's MSP reads the creator's certificate from the first block ``pem.Decode`` finds, without looking at
    its label, checks the signature against it, and ignores everything after it; so does Go's ``cid`` library. A
    reader that picked another block (``load_pem_x509_certificate`` passes over blocks of other labels to the
    next CERTIFICATE one) would act for an identity the peer never authenticated: a client labelling its own
    certificate's block otherwise and appending another identity's (certificates are public, on the ledger).
    Where ``pem.Decode`` would pass over a malformed first block to a later one, or take PEM headers, or where
    dashes before the block could make it choose another, this refuses instead: a different reading must never be
    a more generous one."""
    begin = 0 if id_bytes.startswith(b"-----BEGIN ") else id_bytes.find(b"\n-----BEGIN ") + 1
    # Go's pem.Decode (since Go 1.24.8 and 1.25.2) takes the last BEGIN before the first "\n-----END ", and after a
    # block it cannot read goes on right after that END, where a BEGIN on the same line counts: with no dashes
    # before the BEGIN chosen here, every version of it chooses this one too. Matched there alone, never searched
    # for: a search would scan from every BEGIN line to the end, in time growing with the square of their number
    block = _PEM_BLOCK.match(id_bytes, begin) if b"-----" not in id_bytes[:begin] else None
    body = re.sub(rb"[ \t\r\n]", b"", block.group(2)) if block is not None else b""
    if block is None or not _BASE64_BODY.fullmatch(body):
        raise InvalidValue(f"the creator identity of {msp_id} is not a PEM X.509 certificate: send the signer's "
                           "certificate as a PEM block labelled CERTIFICATE")
    return base64.b64decode(body, validate=True)
