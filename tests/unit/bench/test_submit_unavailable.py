"""A submit failing with gRPC's UNAVAILABLE counts the same in both clients, by whether anything was sent.

gRPC gives UNAVAILABLE both to a call it failed before the call went to any connection (no connection to the
Gateway peer could be made): nothing was sent, so no orderer took the transaction (``ordering``); and to a call
the Gateway peer answered so: every orderer refused it (``ordering``), or one failed after the send, so that it
may still commit (``ordering_unknown``). The Python SDK told the two apart; the Node script counted both
``ordering_unknown``. Here each client submits the same endorsed transaction, through its own gRPC stack, to a
stand-in peer that stopped after endorsing it, and to one that answers the submit UNAVAILABLE."""
import json

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from fabric_protos.gateway import gateway_pb2
from google.protobuf import any_pb2

from bench import outcomes
from bench.outcomes import classify
from client.gateway import Identity, SubmitError, connect, private_key_signer
from tests.unit.client.gateway_fakes import Servicer, make_key_and_cert, rpc_status, start_server

from .test_cross_org_waits import needs_node, run_node

CHANNEL, MSP_ID = "receivables", "Org1MSP"


class NoOrdererServicer(Servicer):
    """A Gateway peer that endorses, then answers every submit as Fabric's Gateway does when no orderer took it:
    UNAVAILABLE, with one detail per orderer whose broadcast failed (``broken``: one that failed after the send,
    so it may have taken the transaction) and none per orderer that refused it (the Raft cluster without a
    leader)."""

    def __init__(self, broken=()):
        super().__init__()
        self.broken = broken

    def Submit(self, request, context):
        message = "no orderers could successfully process transaction"
        details = []
        for words in self.broken:
            detail = any_pb2.Any()
            detail.Pack(gateway_pb2.ErrorDetail(address="orderer0:7050", msp_id="OrdererMSP", message=words))
            details.append(detail)
        status = rpc_status(grpc.StatusCode.UNAVAILABLE.value[0], message, details)
        context.set_trailing_metadata((("grpc-status-details-bin", status),))
        context.abort(grpc.StatusCode.UNAVAILABLE, message)


STAND_INS = {
    "not reached": Servicer,
    "orderer lost after the send": lambda: NoOrdererServicer(["rpc error: code = Unavailable desc = error reading "
                                                              "from server: EOF"]),
    "every orderer refused": NoOrdererServicer,
}


@pytest.fixture(params=list(STAND_INS))
def submitted(request):
    """(what the Gateway peer does, the client's key and identity, the bytes of a transaction it endorsed, its
    address), the peer stopped after endorsing where it is not reached."""
    key, certificate = make_key_and_cert("user1@org1")
    identity = Identity(MSP_ID, certificate)
    server, port = start_server(STAND_INS[request.param]())
    address = f"127.0.0.1:{port}"
    try:
        with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            transaction = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal(
                "ConfirmReceivable", arguments=["R-1"], endorsing_organizations=[MSP_ID]).endorse()
    finally:
        if request.param == "not reached":
            server.stop(None).wait()
    yield request.param, key, identity, transaction.bytes, address
    server.stop(None).wait()


EXPECTED = {"not reached": outcomes.ORDERING, "orderer lost after the send": outcomes.ORDERING_UNKNOWN,
            "every orderer refused": outcomes.ORDERING}


def python_cause(key, identity, transaction: bytes, address: str) -> list:
    with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        with pytest.raises(SubmitError) as raised:
            gateway.new_transaction(transaction).submit()
    outcome = classify(raised.value)
    return [outcome.cause, outcome.detail]


def node_cause(key, identity, transaction: bytes, address: str) -> list:
    given = {"address": address, "mspId": identity.msp_id, "certificate": identity.credentials.decode(),
             "key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()).decode(),
             "transaction": transaction.hex()}
    return run_node("""
        const crypto = require('node:crypto');
        const grpc = require('@grpc/grpc-js');
        const { connect, signers } = require('@hyperledger/fabric-gateway');
        const given = JSON.parse(process.argv[1]);
        const client = new grpc.Client(given.address, grpc.credentials.createInsecure());
        const gateway = connect({
            client,
            identity: { mspId: given.mspId, credentials: Buffer.from(given.certificate) },
            signer: signers.newPrivateKeySigner(crypto.createPrivateKey(given.key)),
        });
        gateway.newTransaction(Buffer.from(given.transaction, 'hex')).submit()
            .then(() => console.log(JSON.stringify(['submitted'])),
                  (err) => { const [cause, , detail] = workload.classify(err); console.log(JSON.stringify([cause, detail])); })
            .finally(() => { gateway.close(); client.close(); });
    """, json.dumps(given))


def test_the_python_client_counts_a_submit_by_whether_it_was_sent(submitted):
    kind, *call = submitted
    assert python_cause(*call) == [EXPECTED[kind], "UNAVAILABLE"]


@needs_node
def test_the_node_script_counts_a_submit_as_the_python_client_does(submitted):
    kind, *call = submitted
    assert node_cause(*call) == [EXPECTED[kind], "UNAVAILABLE"]
