"""A proposal and the transaction endorsed from it name the same transaction ID and channel, read from their own
messages: built by the flow, or rebuilt from their bytes for offline signing."""

from fabric_protos.common import common_pb2
from fabric_protos.peer import proposal_pb2

CHANNEL = "receivables-channel"


def test_proposal_and_its_transaction_name_their_transaction_id_and_channel(gateway, contract, transport):
    proposal = contract.new_proposal("Confirm", arguments=["R-1"])
    transaction = proposal.endorse()
    (request,) = transport.requests("endorse")
    header = common_pb2.Header.FromString(
        proposal_pb2.Proposal.FromString(request.proposed_transaction.proposal_bytes).header)
    written = common_pb2.ChannelHeader.FromString(header.channel_header)

    rebuilt_proposal = gateway.new_signed_proposal(proposal.bytes, proposal.signature)
    rebuilt_transaction = gateway.new_transaction(transaction.bytes)
    for each in (proposal, transaction, rebuilt_proposal, rebuilt_transaction):
        assert (each.transaction_id, each.channel) == (written.tx_id, CHANNEL)
