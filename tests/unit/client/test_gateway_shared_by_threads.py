"""One Gateway shared by threads submitting at once, over a real in-process gRPC server: each call has its own
nonce and transaction ID, every signature verifies, each caller gets its own result, and the channel's
last_committed_block is the highest block any of them committed in (docs/sdk-gateway.md, "Connect")."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2

from client.gateway import connect, private_key_signer

from .gateway_fakes import Servicer, prepared_envelope, start_server, verify

CHANNEL = "receivables-channel"
THREADS = 8
SUBMITS = 80


def _argument(proposal: proposal_pb2.Proposal) -> bytes:
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    return chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec.input.args[1]


def _block_of(transaction_id: str) -> int:
    return int(transaction_id[:4], 16) + 1


class CheckingPeer(Servicer):
    """Verifies each signature with the client's key, records nonces and submitted transaction IDs, and endorses
    each proposal with its own argument as the result."""

    def __init__(self, public_key):
        super().__init__()
        self.public_key = public_key
        self.lock = threading.Lock()
        self.nonces = Counter()
        self.submitted = Counter()
        self.refused = []

    def _verified(self, call, signature, message):
        try:
            verify(self.public_key, signature, message)
        except Exception as error:  # noqa: BLE001 - reported by the test
            with self.lock:
                self.refused.append((call, error))

    def Endorse(self, request, context):
        signed = request.proposed_transaction
        self._verified("endorse", signed.signature, signed.proposal_bytes)
        proposal = proposal_pb2.Proposal.FromString(signed.proposal_bytes)
        header = common_pb2.Header.FromString(proposal.header)
        with self.lock:
            self.nonces[common_pb2.SignatureHeader.FromString(header.signature_header).nonce] += 1
        envelope = prepared_envelope(signed.proposal_bytes, b"done " + _argument(proposal))
        return gateway_pb2.EndorseResponse(prepared_transaction=envelope)

    def Submit(self, request, context):
        self._verified("submit", request.prepared_transaction.signature, request.prepared_transaction.payload)
        with self.lock:
            self.submitted[request.transaction_id] += 1
        return gateway_pb2.SubmitResponse()

    def CommitStatus(self, request, context):
        self._verified("commit status", request.signature, request.request)
        asked = gateway_pb2.CommitStatusRequest.FromString(request.request)
        return gateway_pb2.CommitStatusResponse(block_number=_block_of(asked.transaction_id))


def test_threads_submitting_at_once_through_one_gateway_each_get_their_own_transaction(credentials):
    key, identity = credentials
    peer = CheckingPeer(key.public_key())
    server, port = start_server(peer)
    try:
        with connect(f"127.0.0.1:{port}", identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            network = gateway.get_network(CHANNEL)
            contract = network.get_contract("receivables")

            def submit(number):
                result = contract.submit("Confirm", arguments=[f"R-{number}"], endorsing_organizations=["Org1MSP"])
                return bytes(result), result.transaction_id

            with ThreadPoolExecutor(THREADS) as threads:
                outcomes = list(threads.map(submit, range(SUBMITS)))
            last_committed = network.last_committed_block
    finally:
        server.stop(None)

    assert peer.refused == []
    assert [result for result, _ in outcomes] == [f"done R-{number}".encode() for number in range(SUBMITS)]
    transaction_ids = [transaction_id for _, transaction_id in outcomes]
    assert len(set(transaction_ids)) == SUBMITS
    assert peer.submitted == Counter(transaction_ids)  # each submitted once, none lost or sent twice
    assert len(peer.nonces) == SUBMITS and set(peer.nonces.values()) == {1}
    assert last_committed == max(_block_of(transaction_id) for transaction_id in transaction_ids)
