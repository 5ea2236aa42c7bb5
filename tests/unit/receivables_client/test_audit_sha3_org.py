"""An org whose channel MSP sets its signature hash family to SHA3 has its peers sign SHA3-256 digests, which
Fabric verifies as such: the audit verifies its endorsements in that family, not always in SHA-256."""
import pytest
from cryptography.hazmat.primitives import hashes
from fabric_protos.common import common_pb2
from fabric_protos.msp import msp_config_pb2
from fabric_protos.peer import transaction_pb2

from client.gateway import private_key_signer

from . import audit_ledger
from .test_audit import BANK, CORE, REGULATOR, SUPPLIER, Ledger


@pytest.fixture
def ledger() -> Ledger:
    return Ledger({msp_id: audit_ledger.Org(msp_id) for msp_id in (CORE, SUPPLIER, BANK, REGULATOR)})


def digest(algorithm, data: bytes) -> bytes:
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize()


@pytest.fixture
def core_msp_in_sha3(monkeypatch):
    original = audit_ledger.Org.msp_config

    def msp_config(self):
        outer = original(self)
        if self.msp_id != CORE:
            return outer
        fabric = msp_config_pb2.FabricMSPConfig.FromString(outer.config)
        fabric.crypto_config.signature_hash_family = "SHA3"
        fabric.crypto_config.identity_identifier_hash_function = "SHA256"
        return msp_config_pb2.MSPConfig(type=0, config=fabric.SerializeToString())
    monkeypatch.setattr(audit_ledger.Org, "msp_config", msp_config)


def core_endorsement_signed_over(ledger, algorithm) -> None:
    """The confirmation's endorsement by the debtor's org signed again over a digest in ``algorithm``."""
    processed = ledger.transactions["t-confirm"]
    payload = common_pb2.Payload.FromString(processed.transactionEnvelope.payload)
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    sign = private_key_signer(ledger.orgs[CORE].peer_key)
    for endorsement in action.action.endorsements:
        if CORE.encode() in endorsement.endorser:
            endorsement.signature = sign(digest(algorithm, action.action.proposal_response_payload
                                                + endorsement.endorser))
    transaction.actions[0].payload = action.SerializeToString()
    payload.data = transaction.SerializeToString()
    processed.transactionEnvelope.payload = payload.SerializeToString()


def test_a_sha3_orgs_endorsement_verifies_in_sha3(ledger, core_msp_in_sha3):
    core_endorsement_signed_over(ledger, hashes.SHA3_256())
    report, _ = ledger.audit()
    confirmation = report.checks[0]
    assert confirmation.passed, confirmation.reason
    assert confirmation.reason.startswith(f"endorsed by {CORE}")


def test_a_sha3_orgs_endorsement_signed_over_sha256_does_not_verify(ledger, core_msp_in_sha3):
    core_endorsement_signed_over(ledger, hashes.SHA256())
    report, _ = ledger.audit()
    confirmation = report.checks[0]
    assert not confirmation.passed and "does not verify" in confirmation.reason, confirmation.reason
