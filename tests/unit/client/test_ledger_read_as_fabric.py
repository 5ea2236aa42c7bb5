"""Ledger bytes read as Fabric reads them: a header type this SDK's protos do not name is a LedgerReadError naming
its number, not a bare ValueError; an ECDSA signature with bytes after its DER SEQUENCE, which Fabric's bccsp
verifies on that SEQUENCE alone (asn1.Unmarshal ignores the rest), verifies here too, endorsements and config
update signatures alike."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509.oid import NameOID
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from client.gateway._signer import VERIFIED_CURVE_ORDERS, to_low_s
from client.ledger import config_policies
from client.ledger.endorsements import committed_transaction, signature_problem
from client.ledger.qscc import LedgerReadError, config_of

UNKNOWN = 99      # no common.HeaderType


def _envelope(header_type: int) -> common_pb2.Envelope:
    header = common_pb2.ChannelHeader(type=header_type, tx_id="t1", channel_id="ch").SerializeToString()
    return common_pb2.Envelope(payload=common_pb2.Payload(
        header=common_pb2.Header(channel_header=header)).SerializeToString())


def test_a_transaction_of_an_unknown_header_type_is_a_ledger_read_error_naming_it():
    processed = transaction_pb2.ProcessedTransaction(transactionEnvelope=_envelope(UNKNOWN), validationCode=0)
    with pytest.raises(LedgerReadError, match="transaction t1 is of type 99, not an endorser transaction"):
        committed_transaction(processed)


def test_a_block_of_an_unknown_header_type_is_a_ledger_read_error_naming_it():
    block = common_pb2.Block(data=common_pb2.BlockData(data=[_envelope(UNKNOWN).SerializeToString()]))
    with pytest.raises(LedgerReadError, match=r"is not a config block \(its transaction is of type 99\)"):
        config_of(block)


def _low_s(key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    return to_low_s(key.sign(message, ec.ECDSA(hashes.SHA256())), VERIFIED_CURVE_ORDERS["secp256r1"])


def test_an_endorsement_signature_with_bytes_after_its_der_sequence_verifies():
    key, message = ec.generate_private_key(ec.SECP256R1()), b"proposal response payload" + b"endorser"
    signature = _low_s(key, message)
    assert signature_problem(key.public_key(), signature + b"\x00\x00", message) is None
    r, s = utils.decode_dss_signature(signature)
    high = utils.encode_dss_signature(r, VERIFIED_CURVE_ORDERS["secp256r1"] - s) + b"\x00"
    assert "upper half of the curve order" in signature_problem(key.public_key(), high, message)
    assert "does not verify" in signature_problem(key.public_key(), b"\x00" + signature, message)


def test_a_config_signature_with_bytes_after_its_der_sequence_verifies():
    key, message = ec.generate_private_key(ec.SECP256R1()), b"signature header and config update"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "admin1")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    signature = _low_s(key, message)
    assert config_policies.signature_problem(cert, signature + b"\x00", message) == ""
    assert "does not verify" in config_policies.signature_problem(cert, signature[:-1], message)
