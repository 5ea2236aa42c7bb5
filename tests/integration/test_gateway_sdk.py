"""The Gateway SDK (client.gateway), call by call, on the real network, against a chaincode it did not write.

The chaincode is the runtime's FeatureContract (chaincode/feature_contract.py), reached through each
org's own gateway peer as an integrator would: evaluate, submit and wait, submit and ask for the commit
later, the step-by-step flow signed outside the Gateway (offline signing), transient data, pinned
endorsing organisations, chaincode events resumed from a file checkpoint by a new client, block events,
each typed error with what an operator needs, the async twins, and retrying a read conflict.

A submit returns once the writer's own peer has committed it; another org's peer may commit that block a
little later. Before a step that reads through another org's peer, or that another org's peer endorses, the
test waits for it (``peers_caught_up``, or the reader's ``wait_for_block``): otherwise the step could fail
now and then, as a product bug would.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import proposal_pb2, transaction_pb2

from client.gateway import (
    CommitError,
    CommitStatusError,
    EndorseError,
    EvaluateError,
    FileCheckpointer,
    GatewayError,
    GrpcTransport,
    Identity,
    InMemoryCheckpointer,
    RetryPolicy,
    SubmitError,
    connect,
    private_key_signer,
    signer_from_pem,
    transaction_id_for,
)

from .conftest import EVENT_WAIT, as_json, connection_options, peers_caught_up, user_of

CORE, SUPPLIER, BANK, REGULATOR = "CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"

pytestmark = pytest.mark.usefixtures("every_peer")     # what peers_caught_up waits through


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def channel(fabric_network) -> str:
    return fabric_network.topology.channel


@pytest.fixture(scope="module")
def network_of(gateways, channel):
    """network(org, user) -> the channel through a new Gateway to that org's peer (a new client each call)."""
    return lambda org, user=None: gateways(org, user).get_network(channel)


# ---- waiting on streams that never end -------------------------------------------------------------


def take(events, until: Callable[[Any], bool], keep: Callable[[Any], bool] = lambda _: True,
         seconds: float = EVENT_WAIT) -> list:
    """The events ``keep`` selects, up to and including the first one ``until`` accepts; the stream is closed
    after, and closed from a watchdog thread (failing the test) if that one has not come within ``seconds``:
    a close from another thread ends the blocked read cleanly."""
    kept: list = []
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        events.close()

    watchdog = threading.Timer(seconds, expire)
    watchdog.start()
    try:
        for event in events:
            if keep(event):
                kept.append(event)
            if until(event):
                return kept
    finally:
        watchdog.cancel()
        events.close()
    if expired.is_set():
        pytest.fail(f"the awaited event did not come within {seconds:g} s; kept so far: {kept}")
    pytest.fail("the event stream ended, which a Fabric event stream never does on its own")


def first(events, seconds: float = EVENT_WAIT):
    return take(events, until=lambda _: True, seconds=seconds)[0]


# ---- reading blocks ------------------------------------------------------------------------------------


def transactions_of(block: common_pb2.Block) -> dict[str, common_pb2.Payload]:
    """The transactions of a block by tx id."""
    found = {}
    for raw in block.data.data:
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(raw).payload)
        found[common_pb2.ChannelHeader.FromString(payload.header.channel_header).tx_id] = payload
    return found


def endorsers_of(block: common_pb2.Block, tx_id: str) -> set[str]:
    """The MSP IDs of the peers that endorsed one transaction of the block."""
    transaction = transaction_pb2.Transaction.FromString(transactions_of(block)[tx_id].data)
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload).action
    return {identities_pb2.SerializedIdentity.FromString(e.endorser).mspid for e in action.endorsements}


def at_block(network, block_number: int):
    """``network`` once its peer has committed ``block_number``: another org's peer may be blocks behind the
    writer's, and a Deliver stream asked to start two or more blocks past its newest is refused."""
    network.wait_for_block(block_number)
    return network


def block_of(network, status) -> common_pb2.Block:
    """The block that committed ``status``'s transaction, read from the peer's Deliver service."""
    block = first(at_block(network, status.block_number).block_events(start_block=status.block_number))
    assert block.header.number == status.block_number
    return block


def verify_signature(identity: Identity, signature: bytes, digest: bytes) -> None:
    """Raises InvalidSignature unless ``signature`` is the identity's ECDSA signature of ``digest``."""
    identity.certificate.public_key().verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))


# ---- evaluate and submit ---------------------------------------------------------------------------------


def test_evaluate_answers_from_one_peer_and_writes_nothing(contract_for):
    key = unique("evaluate")
    contract = contract_for("supplier")
    contract.submit_transaction("PutState", key, "stored")

    assert as_json(contract.evaluate_transaction("GetState", key)) == {"key": key, "value": "stored"}
    assert as_json(contract.evaluate("GetStates", arguments=[json.dumps([key, unique("absent")])])) == ["stored", None]

    # A writing function evaluated runs and answers, but nothing is ordered or committed.
    proposal = contract.new_proposal("PutState", arguments=[key, "only evaluated"])
    assert as_json(proposal.evaluate()) == {"key": key, "value": "only evaluated"}
    assert as_json(contract.evaluate_transaction("GetState", key))["value"] == "stored"


def test_submit_waits_for_the_commit_on_the_gateway_peer(contract_for):
    key = unique("submit")
    contract = contract_for("bank")
    assert as_json(contract.submit_transaction("PutState", key, "one")) == {"key": key, "value": "one"}
    assert as_json(contract.evaluate_transaction("GetState", key))["value"] == "one"  # committed on this peer

    assert as_json(contract.submit("PutState", arguments=[key, b"two"])) == {"key": key, "value": "two"}
    assert as_json(contract.evaluate_transaction("GetState", key))["value"] == "two"


def test_submit_async_answers_at_once_and_the_commit_status_comes_later(contract_for):
    key = unique("async")
    contract = contract_for("regulator")
    before = contract.submit_async("PutState", arguments=[key, "first"]).status()

    submitted = contract.submit_async("PutState", arguments=[key, "second"])
    assert as_json(submitted.result) == {"key": key, "value": "second"}   # the endorsed result, before the block
    assert len(submitted.transaction_id) == 64

    status = submitted.status()
    assert status.successful and status.code == transaction_pb2.VALID and status.code_name == "VALID"
    assert status.transaction_id == submitted.transaction_id
    assert status.block_number > before.block_number
    assert submitted.status() == status                                     # asking again gives the same answer
    assert as_json(contract.evaluate_transaction("GetState", key))["value"] == "second"


def test_the_step_by_step_flow_reports_block_and_validation_code(contract_for, network_of):
    key = unique("steps")
    contract = contract_for("coreenterprise")
    proposal = contract.new_proposal("PutState", arguments=[key, "stepwise"])
    tx_id = proposal.transaction_id                                         # known before anything is sent

    transaction = proposal.endorse()
    assert transaction.transaction_id == tx_id and as_json(transaction.result)["value"] == "stepwise"
    commit = transaction.submit()
    status = commit.status()
    assert (status.transaction_id, status.successful, status.code_name) == (tx_id, True, "VALID")

    assert tx_id in transactions_of(block_of(network_of("regulator"), status))


# ---- offline signing -------------------------------------------------------------------------------------


class RemoteSigner:
    """Stands for an HSM or a signing service: holds the private key the Gateway never sees, and keeps the
    digests it was asked to sign."""

    def __init__(self, key_file: Path) -> None:
        self._sign = signer_from_pem(Path(key_file).read_bytes())
        self.signed: list[bytes] = []

    def sign(self, digest: bytes) -> bytes:
        self.signed.append(digest)
        return self._sign(digest)


@pytest.fixture
def offline(fabric_network, feature_chaincode, channel):
    """(gateway without a signer, its contract, the remote signer, the identity), for supplier1."""
    profile, who = user_of(fabric_network.data_root, "supplier", "supplier1")
    address, options = connection_options(fabric_network.data_root, "supplier", "supplier1")
    del options["signer"]
    identity = Identity.from_certificate_file(profile.msp_id, who.cert)
    with connect(address, **options) as gateway:
        network = gateway.get_network(channel)
        yield gateway, network, network.get_contract(feature_chaincode), RemoteSigner(who.key), identity


def test_a_transaction_signed_outside_the_gateway_commits(offline, contract_for):
    gateway, _, contract, signer, identity = offline
    key = unique("offline")

    unsigned = contract.new_proposal("PutState", arguments=[key, "signed elsewhere"])
    with pytest.raises(GatewayError, match="no signer"):
        unsigned.endorse()                                                  # nothing to sign with: refused locally

    # bytes out: the digest is the hash of the proposal bytes, and the tx id is Fabric's from nonce and creator
    proposed = gateway_pb2.ProposedTransaction.FromString(unsigned.bytes)
    assert unsigned.digest == hashlib.sha256(proposed.proposal.proposal_bytes).digest()
    header = common_pb2.Header.FromString(proposal_pb2.Proposal.FromString(proposed.proposal.proposal_bytes).header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    assert signature_header.creator == identity.serialize() == gateway.identity.serialize()
    assert transaction_id_for(signature_header.nonce, signature_header.creator) == unsigned.transaction_id
    stored = gateway.new_proposal(unsigned.bytes)                           # the bytes travel and come back
    assert (stored.transaction_id, stored.digest) == (unsigned.transaction_id, unsigned.digest)

    # signature in, at each of the three steps
    signature = signer.sign(unsigned.digest)
    verify_signature(identity, signature, unsigned.digest)
    proposal = gateway.new_signed_proposal(unsigned.bytes, signature)
    assert proposal.signature == signature

    unsigned_transaction = proposal.endorse()
    assert as_json(unsigned_transaction.result) == {"key": key, "value": "signed elsewhere"}
    stored = gateway.new_transaction(unsigned_transaction.bytes)
    assert (stored.transaction_id, stored.digest) == (unsigned.transaction_id, unsigned_transaction.digest)
    signature = signer.sign(unsigned_transaction.digest)
    verify_signature(identity, signature, unsigned_transaction.digest)
    transaction = gateway.new_signed_transaction(unsigned_transaction.bytes, signature)

    unsigned_commit = transaction.submit()
    stored = gateway.new_commit(unsigned_commit.bytes)
    assert (stored.transaction_id, stored.digest) == (unsigned.transaction_id, unsigned_commit.digest)
    signature = signer.sign(unsigned_commit.digest)
    verify_signature(identity, signature, unsigned_commit.digest)
    status = gateway.new_signed_commit(unsigned_commit.bytes, signature).status()

    assert status.successful and status.transaction_id == unsigned.transaction_id
    assert signer.signed == [unsigned.digest, unsigned_transaction.digest, unsigned_commit.digest]
    assert as_json(contract_for("supplier").evaluate_transaction("GetState", key))["value"] == "signed elsewhere"


def test_event_requests_signed_outside_the_gateway_open_their_streams(offline, contract_for, feature_chaincode):
    gateway, network, _, signer, identity = offline
    name = unique("OfflineEvent")
    submitted = contract_for("supplier").submit_async("EmitEvent", arguments=[name, "payload"])
    status = submitted.status()

    unsigned = network.new_chaincode_events_request(feature_chaincode, start_block=status.block_number)
    signature = signer.sign(unsigned.digest)
    verify_signature(identity, signature, unsigned.digest)
    events = gateway.new_signed_chaincode_events_request(unsigned.bytes, signature).events()
    ours = take(events, until=lambda e: e.transaction_id == submitted.transaction_id,
                keep=lambda e: e.transaction_id == submitted.transaction_id)
    assert (ours[0].event_name, ours[0].payload, ours[0].block_number) == (name, b"payload", status.block_number)

    for kind in ("block", "filtered"):
        unsigned = network.new_block_events_request(start_block=status.block_number, kind=kind)
        signature = signer.sign(unsigned.digest)
        block = first(gateway.new_signed_block_events_request(unsigned.bytes, signature, kind=kind).events())
        number = block.header.number if kind == "block" else block.number
        assert number == status.block_number


def test_a_transaction_signed_with_another_key_is_refused_by_the_orderer(offline, contract_for):
    gateway, _, contract, signer, _ = offline
    key = unique("forged")
    unsigned = contract.new_proposal("PutState", arguments=[key, "forged"])
    unsigned_transaction = gateway.new_signed_proposal(unsigned.bytes, signer.sign(unsigned.digest)).endorse()

    someone_else = private_key_signer(ec.generate_private_key(ec.SECP256R1()))
    forged_signature = someone_else(unsigned_transaction.digest)
    # The SDK refuses a signature the identity the transaction carries does not verify, before sending anything
    with pytest.raises(ValueError, match="does not verify with the key of the identity"):
        gateway.new_signed_transaction(unsigned_transaction.bytes, forged_signature)
    # ... so the orderer's own check is reached by putting it in place of a good one, as a client that does not
    # check (or an altered one) would send it.
    forged = gateway.new_signed_transaction(unsigned_transaction.bytes, signer.sign(unsigned_transaction.digest))
    forged._signed_part().signature = forged_signature
    # The orderer checks the envelope's signature against the channel's Writers policy and answers FORBIDDEN;
    # the Gateway returns that as a failed Submit (ABORTED), before anything reaches a block.
    with pytest.raises(SubmitError) as refused:
        forged.submit()
    assert refused.value.transaction_id == unsigned.transaction_id
    assert refused.value.code is not None and refused.value.code != grpc.StatusCode.OK
    assert unsigned.transaction_id in str(refused.value)
    assert as_json(contract_for("supplier").evaluate_transaction("GetState", key))["value"] is None


# ---- transient data and endorsing organisations ------------------------------------------------------------


def test_transient_data_reaches_the_chaincode_and_never_the_block(contract_for, network_of):
    echoed = contract_for("bank").evaluate("EchoTransient", transient={"price": b"101", "currency": "CNY"})
    assert as_json(echoed) == {"currency": "CNY", "price": "101"}

    key, secret = unique("private"), unique("secret terms").encode()
    submitted = contract_for("supplier").submit_async(
        "PutPrivate", arguments=[key], transient={"value": secret}, endorsing_organizations=[SUPPLIER, CORE])
    status = submitted.status()
    assert status.successful

    block = block_of(network_of("regulator"), status)
    assert submitted.transaction_id in transactions_of(block)
    assert secret not in block.SerializeToString()                          # only its hash is on the ledger
    assert as_json(contract_for("supplier").evaluate_transaction("GetPrivate", key))["value"] == secret.decode()

    # Blocks with private data carry the value to a member of the collection, not to anyone else.
    member = first(network_of("supplier").block_and_private_data_events(start_block=status.block_number))
    assert member.block.header.number == status.block_number
    assert any(secret in data.SerializeToString() for data in member.private_data_map.values())
    outsider = first(at_block(network_of("bank"), status.block_number).block_and_private_data_events(
        start_block=status.block_number))
    assert not any(secret in data.SerializeToString() for data in outsider.private_data_map.values())


@pytest.mark.parametrize("chosen", [(BANK, REGULATOR), (CORE, SUPPLIER)])
def test_endorsing_organizations_pin_who_endorses(contract_for, network_of, chosen):
    submitted = contract_for("supplier").submit_async(
        "PutState", arguments=[unique("pinned"), "v"], endorsing_organizations=list(chosen))
    status = submitted.status()
    assert status.successful
    assert endorsers_of(block_of(network_of("regulator"), status), submitted.transaction_id) == set(chosen)


# ---- events ----------------------------------------------------------------------------------------------


def test_chaincode_events_resume_after_a_restart_from_a_file_checkpoint(contract_for, network_of, feature_chaincode,
                                                                        channel, tmp_path):
    prefix = unique("Resume")
    ours = lambda e: e.event_name.startswith(prefix)
    emitter = contract_for("supplier")
    # Two sent together may share a block (resuming must then skip inside it), in either order: each
    # submit goes to an orderer of the gateway's choosing.
    pair = [emitter.submit_async("EmitEvent", arguments=[f"{prefix}-{n}", n]) for n in ("A", "B")]
    statuses = [submitted.status() for submitted in pair]
    assert all(status.successful for status in statuses)

    checkpoint_file = tmp_path / "events.json"
    checkpointer = FileCheckpointer(checkpoint_file)
    assert checkpointer.block_number is None
    start = min(status.block_number for status in statuses)
    bank = at_block(network_of("bank"), max(status.block_number for status in statuses))
    handled = take(bank.chaincode_events(feature_chaincode, start_block=start, checkpoint=checkpointer),
                   until=ours, keep=ours)                            # the first of the pair, in ledger order
    checkpointer.checkpoint_chaincode_event(handled[0])              # handled; then the client stops
    # the file names the listener its stream opened for too: resumed for another, its position means nothing
    assert json.loads(checkpoint_file.read_text()) == {"blockNumber": handled[0].block_number,
                                                      "transactionId": handled[0].transaction_id,
                                                      "channel": channel, "chaincode": feature_chaincode}
    unhandled = next(submitted for submitted in pair if submitted.transaction_id != handled[0].transaction_id)

    c = emitter.submit_async("EmitEvent", arguments=[f"{prefix}-C", "C"])   # while no one listens
    assert c.status().successful

    # A new process would start here: a new client, the checkpoint read back from the file.
    checkpointer.close()  # as the first process ending would: it holds the file until then
    resumed = FileCheckpointer(checkpoint_file)
    assert (resumed.block_number, resumed.transaction_id) == (handled[0].block_number, handled[0].transaction_id)
    after = take(network_of("bank").chaincode_events(feature_chaincode, start_block=0, checkpoint=resumed),
                 until=lambda e: e.transaction_id == c.transaction_id, keep=ours)
    assert [e.transaction_id for e in after] == [unhandled.transaction_id, c.transaction_id]
    assert [e.payload for e in after][-1] == b"C" and all(e.chaincode_name == feature_chaincode for e in after)


def test_block_events_deliver_each_committed_block(contract_for, network_of):
    contract = contract_for("bank")
    first_tx = contract.submit_async("PutState", arguments=[unique("blocks"), "1"])
    status = first_tx.status()
    network = network_of("regulator")

    block = block_of(network, status)
    assert first_tx.transaction_id in transactions_of(block)
    filtered = first(network.filtered_block_events(start_block=status.block_number))
    assert filtered.number == status.block_number
    codes = {t.txid: t.tx_validation_code for t in filtered.filtered_transactions}
    assert codes[first_tx.transaction_id] == transaction_pb2.VALID

    # A block checkpoint resumes at the next block.
    second_tx = contract.submit_async("PutState", arguments=[unique("blocks"), "2"])
    later = second_tx.status()
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_block(status.block_number)
    next_block = first(network.block_events(checkpoint=checkpointer))
    assert next_block.header.number == status.block_number + 1 <= later.block_number


# ---- typed errors ------------------------------------------------------------------------------------------


def test_an_endorsement_failure_names_the_transaction_the_grpc_status_and_each_peer(contract_for):
    contract = contract_for("supplier")
    absent = unique("absent")
    proposal = contract.new_proposal("DeleteState", arguments=[absent], endorsing_organizations=[BANK, REGULATOR])
    with pytest.raises(EndorseError) as failed:
        proposal.endorse()
    error = failed.value
    assert error.transaction_id == proposal.transaction_id
    assert error.code == grpc.StatusCode.ABORTED
    assert {d.msp_id for d in error.details} == {BANK, REGULATOR}          # one detail per endorsing peer
    for detail in error.details:
        assert detail.address and "no value to delete" in detail.message
        assert str(detail) in str(error)
    assert str(error).startswith(f"[tx {proposal.transaction_id}] ABORTED: ")

    # The convenience call raises the same, and nothing reached the orderer.
    with pytest.raises(EndorseError) as again:
        contract.submit_transaction("DeleteState", absent)
    assert again.value.details and all("no value to delete" in d.message for d in again.value.details)


def test_a_failed_evaluation_is_an_evaluate_error_with_the_peers_message(contract_for):
    with pytest.raises(EvaluateError) as failed:
        contract_for("bank").evaluate("DeleteState", arguments=[unique("absent")])
    error = failed.value
    assert len(error.transaction_id) == 64
    assert error.code in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.ABORTED)
    assert "no value to delete" in str(error)


def test_a_transaction_that_fails_validation_is_a_commit_error(contract_for, network_of):
    key = unique("sbe")
    contract_for("bank").submit_transaction("PutState", key, "owned by the bank")
    contract_for("bank").submit("SetKeyEndorsers", arguments=[key, json.dumps([BANK])],
                                endorsing_organizations=[BANK, REGULATOR])

    # Core and supplier satisfy the chaincode's 2-of-4 policy, not the key's: endorsed, ordered, invalid.
    with pytest.raises(CommitError) as invalid:
        contract_for("supplier").submit("PutState", arguments=[key, "rewritten"],
                                        endorsing_organizations=[CORE, SUPPLIER])
    error = invalid.value
    assert error.validation_code == transaction_pb2.ENDORSEMENT_POLICY_FAILURE
    assert error.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    assert error.code is None and error.block_number > 0 and len(error.transaction_id) == 64
    assert f"block {error.block_number}" in str(error) and error.transaction_id in str(error)

    regulator = at_block(network_of("regulator"), error.block_number)
    filtered = first(regulator.filtered_block_events(start_block=error.block_number))
    codes = {t.txid: t.tx_validation_code for t in filtered.filtered_transactions}
    assert codes[error.transaction_id] == transaction_pb2.ENDORSEMENT_POLICY_FAILURE
    assert as_json(contract_for("bank").evaluate_transaction("GetState", key))["value"] == "owned by the bank"


def test_a_commit_status_not_known_in_time_is_a_commit_status_error_and_can_be_asked_again(contract_for):
    submitted = contract_for("coreenterprise").submit_async("PutState", arguments=[unique("late"), "v"])
    # The orderer cuts a block after up to the batch timeout (250 ms): a 1 ms deadline passes before that.
    with pytest.raises(CommitStatusError) as unknown:
        submitted.status(timeout=0.001)
    assert unknown.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert unknown.value.transaction_id == submitted.transaction_id
    assert submitted.status().successful                                    # it committed after all


# ---- read conflicts and the retry policy --------------------------------------------------------------------


def test_a_read_conflict_fails_validation_as_mvcc_read_conflict(contract_for):
    key = unique("mvcc")
    contract_for("supplier").submit_transaction("PutState", key, "original")
    peers_caught_up()   # the delete reads the key on the supplier's peer and on the other endorser's
    endorsed = contract_for("supplier").new_proposal("DeleteState", arguments=[key]).endorse()  # read "original"
    contract_for("bank").submit_transaction("PutState", key, "changed meanwhile")               # committed first

    status = endorsed.submit().status()
    assert not status.successful and status.code_name == "MVCC_READ_CONFLICT"
    assert as_json(contract_for("supplier").evaluate_transaction("GetState", key))["value"] == "changed meanwhile"


class ChangeBeforeFirstSubmit:
    """A transport over a real one that, before passing on the first Submit, runs ``meanwhile`` (another
    client committing a change): the first attempt then always loses its read, the next ones do not."""

    def __init__(self, inner: GrpcTransport, meanwhile: Callable[[], None]) -> None:
        self._inner = inner
        self._meanwhile: Callable[[], None] | None = meanwhile
        self.submitted: list[str] = []

    def submit(self, request, timeout):
        if self._meanwhile is not None:
            meanwhile, self._meanwhile = self._meanwhile, None
            meanwhile()
        self.submitted.append(request.transaction_id)
        return self._inner.submit(request, timeout)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


@pytest.fixture
def conflicted(fabric_network, feature_chaincode, contract_for, channel):
    """conflicted(key) -> (contract, transport): supplier1's contract whose first submit finds ``key``
    changed by the bank since it was read."""
    made = []

    def change(key: str) -> None:
        contract_for("bank").submit_transaction("PutState", key, "changed by another client")
        peers_caught_up()   # a retry's endorsement, on any org's peer, reads the change

    def make(key: str):
        address, options = connection_options(fabric_network.data_root, "supplier", "supplier1")
        root_certificates = Path(options.pop("tls_root_certificates")).read_bytes()
        credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
        host = options.pop("server_name_override")
        grpc_channel = grpc.secure_channel(address, credentials, options=[("grpc.ssl_target_name_override", host)])
        transport = ChangeBeforeFirstSubmit(GrpcTransport(grpc_channel, owns_channel=True), lambda: change(key))
        gateway = connect(transport=transport, **options)
        made.append(gateway)
        return gateway.get_network(channel).get_contract(feature_chaincode), transport

    yield make
    for gateway in made:
        gateway.close()


def test_without_a_retry_policy_a_lost_read_is_a_commit_error(contract_for, conflicted):
    key = unique("noretry")
    contract_for("supplier").submit_transaction("PutState", key, "original")
    peers_caught_up()   # the delete reads the key on the supplier's peer and on the other endorser's
    contract, transport = conflicted(key)
    with pytest.raises(CommitError) as lost:
        contract.submit("DeleteState", arguments=[key])
    assert lost.value.validation_code_name == "MVCC_READ_CONFLICT"
    assert transport.submitted == [lost.value.transaction_id]
    value = as_json(contract_for("supplier").evaluate_transaction("GetState", key))["value"]
    assert value == "changed by another client"


def test_with_a_retry_policy_a_lost_read_is_endorsed_again_and_commits(contract_for, conflicted):
    key = unique("retry")
    contract_for("supplier").submit_transaction("PutState", key, "original")
    peers_caught_up()   # the delete reads the key on the supplier's peer and on the other endorser's
    contract, transport = conflicted(key)
    result = contract.submit("DeleteState", arguments=[key], retry=RetryPolicy(max_attempts=3, backoff=0.1))
    assert as_json(result) == {"key": key, "deleted": True}
    assert len(transport.submitted) == len(set(transport.submitted)) == 2  # a new transaction for the retry
    assert as_json(contract_for("supplier").evaluate_transaction("GetState", key))["value"] is None


# ---- the async client ----------------------------------------------------------------------------------------


def test_the_async_client_evaluates_submits_and_follows_events(async_gateways, channel, feature_chaincode):
    key, name = unique("aio"), unique("AsyncEvent")

    async def scenario():
        async with async_gateways("supplier", "supplier2") as gateway:
            network = gateway.get_network(channel)
            contract = network.get_contract(feature_chaincode)
            await contract.submit_transaction("PutState", key, "async one")
            assert as_json(await contract.evaluate_transaction("GetState", key))["value"] == "async one"

            transaction = await contract.new_proposal("PutState", arguments=[key, "async two"]).endorse()
            status = await (await transaction.submit()).status()
            assert status.successful and status.code_name == "VALID"

            submitted = await contract.submit_async("EmitEvent", arguments=[name, "from asyncio"])
            status = await submitted.status()
            async with network.chaincode_events(feature_chaincode, start_block=status.block_number) as events:
                event = await asyncio.wait_for(_first_of_transaction(events, submitted.transaction_id), EVENT_WAIT)
            assert (event.event_name, event.payload, event.block_number) == (name, b"from asyncio", status.block_number)

            async with network.block_events(start_block=status.block_number) as blocks:
                block = await asyncio.wait_for(anext(blocks), EVENT_WAIT)
            assert submitted.transaction_id in transactions_of(block)
            assert as_json(await contract.evaluate_transaction("GetState", key))["value"] == "async two"

    asyncio.run(scenario())


async def _first_of_transaction(events, tx_id: str):
    async for event in events:
        if event.transaction_id == tx_id:
            return event


def test_the_async_client_raises_the_same_typed_errors(async_gateways, contract_for, channel, feature_chaincode):
    key = unique("aio-sbe")
    contract_for("bank").submit_transaction("PutState", key, "owned by the bank")
    contract_for("bank").submit("SetKeyEndorsers", arguments=[key, json.dumps([BANK])],
                                endorsing_organizations=[BANK, REGULATOR])

    async def scenario():
        async with async_gateways("supplier") as gateway:
            contract = gateway.get_network(channel).get_contract(feature_chaincode)
            with pytest.raises(EndorseError) as refused:
                await contract.submit_transaction("DeleteState", unique("absent"))
            assert refused.value.code == grpc.StatusCode.ABORTED and refused.value.details
            with pytest.raises(CommitError) as invalid:
                await contract.submit("PutState", arguments=[key, "rewritten"],
                                      endorsing_organizations=[CORE, SUPPLIER])
            assert invalid.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"

    asyncio.run(scenario())
    peers_caught_up()
    assert as_json(contract_for("regulator").evaluate_transaction("GetState", key))["value"] == "owned by the bank"
