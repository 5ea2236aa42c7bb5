"""A transaction submitted with submit_async whose gateway was then closed: its own status() says the gateway was
closed, with the transaction ID and nothing sent, and a gateway connected again finds its commit status by that
ID (docs/sdk-gateway.md, "After a failed submit"). Over a real in-process gRPC server."""

from __future__ import annotations

import grpc
from fabric_protos.gateway import gateway_pb2

from client.gateway import CommitStatusError, connect, private_key_signer

from .gateway_fakes import Servicer, start_server

CHANNEL = "receivables-channel"


class Peer(Servicer):
    def CommitStatus(self, request, context):
        asked = gateway_pb2.CommitStatusRequest.FromString(request.request)
        self.seen.append(("commit_status", asked.transaction_id, asked.channel_id, None))
        return gateway_pb2.CommitStatusResponse(block_number=9)


def test_the_commit_status_of_a_transaction_is_asked_again_through_a_gateway_connected_again(credentials):
    key, identity = credentials
    peer = Peer()
    server, port = start_server(peer)
    address = f"127.0.0.1:{port}"
    try:
        with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            submitted = gateway.get_network(CHANNEL).get_contract("receivables").submit_async(
                "Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])
        transaction_id = submitted.transaction_id
        try:
            submitted.status()
        except CommitStatusError as closed:
            assert (closed.transaction_id, closed.code, closed.sent) == (
                transaction_id, grpc.StatusCode.CANCELLED, False)
            assert closed.message == "the gateway was closed; connect again to make calls"
        else:
            raise AssertionError("status() of a closed gateway was asked")
        with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as again:
            status = again.get_network(CHANNEL).new_commit(transaction_id).status()
    finally:
        server.stop(None)
    assert (status.transaction_id, status.block_number, status.successful) == (transaction_id, 9, True)
    assert [seen[:3] for seen in peer.seen if seen[0] == "commit_status"] == [
        ("commit_status", transaction_id, CHANNEL)]
