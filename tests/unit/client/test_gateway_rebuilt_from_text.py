"""The bytes given to a ``new_*`` rebuild (offline signing) passed on as text, hex or base64 as a JSON store or a
queue carries them, are refused naming what to decode, as a signature given as text is. They raised protobuf's bare
"expected bytes, str found", naming neither the argument nor the fix."""

import base64

import pytest

from client.gateway import connect, private_key_signer
from .gateway_fakes import FakeTransport

CHANNEL = "receivables-channel"


def _flow(credentials):
    """A gateway without a signer, one object of each kind it rebuilds with their bytes, and the signer."""
    key, identity = credentials
    gateway = connect(identity=identity, transport=FakeTransport())
    network = gateway.get_network(CHANNEL)
    sign = private_key_signer(key)
    proposal = network.get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    transaction = gateway.new_signed_proposal(proposal.bytes, sign(proposal.digest)).endorse()
    commit = gateway.new_signed_transaction(transaction.bytes, sign(transaction.digest)).submit()
    events = network.new_chaincode_events_request("receivables", start_block=1)
    blocks = network.new_block_events_request(start_block=1, kind="filtered")
    rebuilds = {
        "proposal": (proposal, gateway.new_proposal, gateway.new_signed_proposal),
        "transaction": (transaction, gateway.new_transaction, gateway.new_signed_transaction),
        "commit": (commit, gateway.new_commit, gateway.new_signed_commit),
        "chaincode events request": (events, gateway.new_chaincode_events_request,
                                     gateway.new_signed_chaincode_events_request),
        "block events request": (blocks, None, lambda data, signature: gateway.new_signed_block_events_request(
            data, signature, kind="filtered")),
    }
    return rebuilds, sign


@pytest.mark.parametrize("kind", ["proposal", "transaction", "commit", "chaincode events request",
                                  "block events request"])
@pytest.mark.parametrize("as_text", [bytes.hex, lambda data: base64.b64encode(data).decode()], ids=["hex", "base64"])
def test_bytes_given_as_text_are_refused_saying_to_decode_them(credentials, kind, as_text):
    rebuilds, sign = _flow(credentials)
    built, unsigned, signed = rebuilds[kind]
    message = (rf"^the bytes of a {kind} must be bytes \(its `bytes`\), not str: decode bytes passed on as text "
               r"first \(bytes\.fromhex\(\.\.\.\) for hex, base64\.b64decode\(\.\.\.\) for base64\)$")
    for rebuild in ([unsigned] if unsigned else []):
        with pytest.raises(TypeError, match=message):
            rebuild(as_text(built.bytes))
    with pytest.raises(TypeError, match=message):
        signed(as_text(built.bytes), sign(built.digest))
    # decoded, as the message says, they are taken
    decoded = bytes.fromhex(as_text(built.bytes)) if as_text is bytes.hex else base64.b64decode(as_text(built.bytes))
    assert signed(decoded, sign(built.digest)).bytes


def test_no_bytes_at_all_are_refused_naming_them(credentials):
    rebuilds, _ = _flow(credentials)
    _, unsigned, _ = rebuilds["proposal"]
    with pytest.raises(TypeError, match=r"^the bytes of a proposal must be bytes \(its `bytes`\), not NoneType"):
        unsigned(None)
    proposal = rebuilds["proposal"][0]
    assert unsigned(bytearray(proposal.bytes)).transaction_id == proposal.transaction_id
    assert unsigned(memoryview(proposal.bytes)).transaction_id == proposal.transaction_id
