"""recfin's shim against the official Node shim (fabric-shim 2.5.8), message by message.

The same operations run on two chaincode-as-a-service servers: ``AgreementContract`` here on
recfin's ChaincodeServer, and ``node_shim/chaincode.js`` on fabric-shim's ``shim.server``, the shim
known to work with a real Fabric 3.1 peer. ``LoopbackPeer`` dials each as the peer does (REGISTER,
REGISTERED, READY, then TRANSACTION messages with signed proposals), answers every request from an
in-memory ledger and keeps every message the chaincode sent. The two conversations must be equal:
message types, tx and channel ids, every decoded request, and each COMPLETED message's response and
event. Only what must differ is normalised: tx ids are random per proposal (each message's id is
checked against its transaction's, then left out), and a QUERY_STATE_CLOSE the Node shim sends for an
iterator the peer has already released is dropped (see ``_released_iterator_closes``). The proposal
binding, which differs with each proposal's random nonce, is asked for after the script and checked on
each side against the proposal that side was sent.

The peer offers no Fabric 3.1 write batching or multi-key reads in READY: fabric-shim 2.5.8 has
neither, so with them on, recfin's shim would (rightly) send WRITE_BATCH_STATE where Node sends
PUT_STATE. test_stream_protocol.py tests that path on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from fabric_protos.common import common_pb2, policies_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2 as shim_pb2, proposal_pb2, proposal_response_pb2
from google.protobuf.json_format import MessageToDict

from bench.loopback_peer import CHANNEL, LoopbackPeer
from chaincode.contract import Context, Contract, ContractError, transaction
from chaincode.shim import KeyEndorsementPolicy, PeerOptions
from chaincode.shim._types import ERROR_THRESHOLD
from chaincode.testing import MemoryLedger, make_identity

from .peer_double import PACKAGE_ID, running_server

Msg = shim_pb2.ChaincodeMessage
NODE = shutil.which("node")
NODE_DIR = Path(__file__).parent / "node_shim"
CONTRACT = "agreement"
COLLECTION = "agreement_private"
TRANSIENT_VALUE_KEY = "value"
CALLER_ATTRIBUTE = "recfin.party"
CALLER = make_identity("SupplierMSP", "alice", attrs={CALLER_ATTRIBUTE: "91310000X"})
QUERY_BATCH_SIZE = 2  # small, so range and history queries need QUERY_STATE_NEXT

# skipped without Node.js; failed where node_shim has no node_modules (tests/unit/node_packages.py)
pytestmark = pytest.mark.usefixtures("official_node_shim")


def _json(value) -> bytes:
    """Compact JSON, byte for byte what JSON.stringify writes for these values."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _text(value: bytes | None) -> str | None:
    return value.decode() if value else None


class AgreementContract(Contract):
    """The operations of node_shim/chaincode.js, each touching one protocol feature."""

    name = CONTRACT

    @transaction
    async def PutState(self, ctx: Context, key: str, value: str) -> bytes:
        await ctx.stub.put_state(key, value.encode())
        return _json({"put": key})

    @transaction(evaluate=True)
    async def GetState(self, ctx: Context, key: str) -> bytes:
        return _json({"key": key, "value": _text(await ctx.stub.get_state(key))})

    @transaction
    async def DeleteState(self, ctx: Context, key: str) -> bytes:
        await ctx.stub.del_state(key)
        return _json({"deleted": key})

    @transaction(evaluate=True)
    async def GetRange(self, ctx: Context, start: str, end: str) -> bytes:
        rows = [[kv.key, _text(kv.value)] async for kv in ctx.stub.get_state_by_range(start, end)]
        return _json({"rows": rows})

    @transaction(evaluate=True)
    async def GetFirstInRange(self, ctx: Context, start: str, end: str) -> bytes:
        async with ctx.stub.get_state_by_range(start, end) as rows:
            async for kv in rows:
                return _json({"first": [kv.key, _text(kv.value)]})
        return _json({"first": None})

    @transaction(evaluate=True)
    async def GetRangePage(self, ctx: Context, start: str, end: str, page_size: int, bookmark: str) -> bytes:
        rows, metadata = await ctx.stub.get_state_by_range_with_pagination(start, end, page_size, bookmark)
        return _json({
            "rows": [[kv.key, _text(kv.value)] for kv in rows],
            "fetched_records_count": metadata.fetched_records_count,
            "bookmark": metadata.bookmark,
        })

    @transaction
    async def PutComposite(self, ctx: Context, object_type: str, attributes: list[str], value: str) -> bytes:
        await ctx.stub.put_state(ctx.stub.create_composite_key(object_type, attributes), value.encode())
        return _json({"object_type": object_type, "attributes": attributes})

    @transaction(evaluate=True)
    async def GetByPartialKey(self, ctx: Context, object_type: str, attributes: list[str]) -> bytes:
        found = []
        async for kv in ctx.stub.get_state_by_partial_composite_key(object_type, attributes):
            kind, parts = ctx.stub.split_composite_key(kv.key)
            found.append([kind, parts, _text(kv.value)])
        return _json({"found": found})

    @transaction(evaluate=True)
    async def GetHistory(self, ctx: Context, key: str) -> bytes:
        changes = [{"value": _text(m.value), "is_delete": m.is_delete} async for m in ctx.stub.get_history_for_key(key)]
        return _json({"changes": changes})

    @transaction
    async def PutPrivate(self, ctx: Context, key: str) -> bytes:
        value = ctx.stub.get_transient().get(TRANSIENT_VALUE_KEY)
        if not value:
            raise ContractError(f"send the private value as transient data under '{TRANSIENT_VALUE_KEY}'")
        await ctx.stub.put_private_data(COLLECTION, key, value)
        return _json({"collection": COLLECTION, "key": key})

    @transaction(evaluate=True)
    async def GetPrivate(self, ctx: Context, key: str) -> bytes:
        return _json({"key": key, "value": _text(await ctx.stub.get_private_data(COLLECTION, key))})

    @transaction(evaluate=True)
    async def GetPrivateHash(self, ctx: Context, key: str) -> bytes:
        digest = await ctx.stub.get_private_data_hash(COLLECTION, key)
        return _json({"key": key, "sha256": digest.hex() if digest else None})

    @transaction
    async def DeletePrivate(self, ctx: Context, key: str) -> bytes:
        await ctx.stub.del_private_data(COLLECTION, key)
        return _json({"deleted": key})

    @transaction
    async def PurgePrivate(self, ctx: Context, key: str) -> bytes:
        await ctx.stub.purge_private_data(COLLECTION, key)
        return _json({"purged": key})

    @transaction
    async def SetKeyEndorsers(self, ctx: Context, key: str, msp_ids: list[str]) -> bytes:
        policy = KeyEndorsementPolicy()
        policy.add_orgs("MEMBER", *msp_ids)
        await ctx.stub.set_state_validation_parameter(key, policy.policy())
        return _json({"orgs": policy.list_orgs()})

    @transaction(evaluate=True)
    async def GetKeyEndorsers(self, ctx: Context, key: str) -> bytes:
        policy = await ctx.stub.get_state_validation_parameter(key)
        return _json({"orgs": KeyEndorsementPolicy(policy).list_orgs() if policy else []})

    @transaction
    async def EmitEvent(self, ctx: Context, name: str, payload: str) -> bytes:
        ctx.stub.set_event(name, payload.encode())
        return _json({"event": name})

    @transaction
    async def Fail(self, ctx: Context, message: str) -> bytes:
        raise ContractError(message)

    @transaction
    async def EmitThenFail(self, ctx: Context, name: str, message: str) -> bytes:
        ctx.stub.set_event(name, message.encode())
        raise ContractError(message)

    @transaction(evaluate=True)
    async def WhoAmI(self, ctx: Context) -> bytes:
        creator = identities_pb2.SerializedIdentity.FromString(ctx.stub.get_creator())
        return _json({
            "mspid": creator.mspid,
            "certificate": creator.id_bytes.decode(),
            "party": ctx.client_identity.get_attribute(CALLER_ATTRIBUTE),
        })

    @transaction(evaluate=True)
    async def GetBinding(self, ctx: Context) -> bytes:
        return _json({"binding": ctx.stub.get_binding().hex()})


# (function, arguments, transient data): run in this order on a fresh ledger by each chaincode.
SCRIPT: list[tuple[str, list[str], dict[str, bytes] | None]] = [
    ("PutState", ["a1", "one"], None),
    ("PutState", ["a2", "two"], None),
    ("PutState", ["a3", "three"], None),
    ("PutState", ["a4", "four"], None),
    ("PutState", ["b1", "bee"], None),
    ("PutState", ["a1", "uno"], None),
    ("GetState", ["a1"], None),
    ("GetState", ["missing"], None),
    ("DeleteState", ["a3"], None),
    ("GetRange", ["", ""], None),
    ("GetRange", ["a2", "b1"], None),
    ("GetFirstInRange", ["a", "z"], None),
    ("GetRangePage", ["a", "", "3", ""], None),
    ("GetRangePage", ["a", "", "3", "b1"], None),
    ("PutComposite", ["invoice", '["supplierA", "001"]', "100"], None),
    ("PutComposite", ["invoice", '["supplierA", "002"]', "200"], None),
    ("PutComposite", ["invoice", '["supplierB", "001"]', "300"], None),
    ("PutComposite", ["invoicex", '["supplierA", "009"]', "other type"], None),
    ("GetByPartialKey", ["invoice", '["supplierA"]'], None),
    ("GetByPartialKey", ["invoice", "[]"], None),
    ("GetHistory", ["a1"], None),
    ("GetHistory", ["a3"], None),
    ("PutPrivate", ["p1"], {TRANSIENT_VALUE_KEY: b"secret-1"}),
    ("PutPrivate", ["p2"], {TRANSIENT_VALUE_KEY: b"secret-2"}),
    ("PutPrivate", ["p3"], None),
    ("GetPrivate", ["p1"], None),
    ("GetPrivateHash", ["p1"], None),
    ("GetPrivateHash", ["nothing"], None),
    ("DeletePrivate", ["p1"], None),
    ("PurgePrivate", ["p2"], None),
    ("GetPrivate", ["p1"], None),
    # MSP IDs in sorted order: fabric-shim writes the principals in the order they were added, recfin
    # sorts them as fabric-chaincode-go's statebased package does. Either envelope names the same
    # orgs and validates the same; sorted input makes the bytes comparable.
    ("SetKeyEndorsers", ["a1", '["CoreEnterpriseMSP", "SupplierMSP"]'], None),
    ("GetKeyEndorsers", ["a1"], None),
    ("GetKeyEndorsers", ["a2"], None),
    ("EmitEvent", ["ReceivableRegistered", '{"id": "r-1"}'], None),
    ("Fail", ["receivable r-1 is frozen by the regulator"], None),
    ("EmitThenFail", ["ReceivableRegistered", "receivable r-2 is already financed"], None),
    ("WhoAmI", [], None),
]
# Run after SCRIPT, outside the comparison: its answer differs with each proposal's nonce.
BINDING_STEP: tuple[str, list[str], dict[str, bytes] | None] = ("GetBinding", [], None)

# What the script must make each chaincode send, so that an equal pair of empty conversations cannot pass.
EXPECTED_REQUEST_TYPES = {
    Msg.GET_STATE, Msg.PUT_STATE, Msg.DEL_STATE, Msg.GET_STATE_BY_RANGE, Msg.QUERY_STATE_NEXT,
    Msg.QUERY_STATE_CLOSE, Msg.GET_HISTORY_FOR_KEY, Msg.GET_PRIVATE_DATA_HASH, Msg.PURGE_PRIVATE_DATA,
    Msg.GET_STATE_METADATA, Msg.PUT_STATE_METADATA,
}

# The request type of each message the chaincode sends, to decode its payload.
REQUEST_PAYLOADS = {
    Msg.GET_STATE: shim_pb2.GetState,
    Msg.GET_PRIVATE_DATA_HASH: shim_pb2.GetState,
    Msg.PUT_STATE: shim_pb2.PutState,
    Msg.DEL_STATE: shim_pb2.DelState,
    # fabric-shim sends PurgePrivateState, recfin DelState: the peer reads either as DelState
    # (core/chaincode/handler.go HandlePurgePrivateData), and both put key in field 1, collection in 2.
    Msg.PURGE_PRIVATE_DATA: shim_pb2.DelState,
    Msg.GET_STATE_BY_RANGE: shim_pb2.GetStateByRange,
    Msg.QUERY_STATE_NEXT: shim_pb2.QueryStateNext,
    Msg.QUERY_STATE_CLOSE: shim_pb2.QueryStateClose,
    Msg.GET_HISTORY_FOR_KEY: shim_pb2.GetHistoryForKey,
    Msg.GET_STATE_METADATA: shim_pb2.GetStateMetadata,
    Msg.PUT_STATE_METADATA: shim_pb2.PutStateMetadata,
}


def _decoded_request(message) -> dict:
    payload_type = REQUEST_PAYLOADS.get(message.type)
    if payload_type is None:
        raise AssertionError(f"the chaincode sent {Msg.Type.Name(message.type)}, which this test does not expect")
    request = payload_type.FromString(message.payload)
    decoded = MessageToDict(request, preserving_proto_field_name=True)
    if message.type == Msg.GET_STATE_BY_RANGE:
        decoded["metadata"] = MessageToDict(shim_pb2.QueryMetadata.FromString(request.metadata),
                                            preserving_proto_field_name=True)
    if message.type == Msg.PUT_STATE_METADATA:
        # The policy as raw bytes: every endorser must write byte-identical metadata.
        decoded["metadata"] = {"metakey": request.metadata.metakey, "value": request.metadata.value}
    return decoded


def _released_iterator_closes(executed) -> set[int]:
    """Indices of QUERY_STATE_CLOSE requests for an iterator the peer had already released.

    fabric-shim closes every iterator it has read to the end. recfin's shim sends nothing once the
    peer's last reply for the iterator said has_more false: the peer released it then, with its
    last batch or with the one reply of a page (core/chaincode/query_response_generator.go). The
    peer answers a close of such an iterator with an empty QueryResponse and changes nothing
    (core/chaincode/handler.go HandleQueryStateClose), and drops every iterator of a transaction
    when it completes (Notify), so the extra message has no effect on a real peer.
    """
    released: set[str] = set()
    redundant = set()
    for index, (request, reply) in enumerate(zip(executed.requests, executed.replies)):
        if request.type in (Msg.GET_STATE_BY_RANGE, Msg.GET_HISTORY_FOR_KEY, Msg.QUERY_STATE_NEXT):
            response = shim_pb2.QueryResponse.FromString(reply.payload)
            if not response.has_more:
                released.add(response.id)
        elif request.type == Msg.QUERY_STATE_CLOSE:
            if shim_pb2.QueryStateClose.FromString(request.payload).id in released:
                redundant.add(index)
    return redundant


def conversation(executed) -> list:
    """What the chaincode sent in one transaction, decoded, with what must differ normalised."""
    sent = []
    skip = _released_iterator_closes(executed)
    for index, message in enumerate([*executed.requests, executed.completed]):
        assert (message.txid, message.channel_id) == (executed.tx_id, CHANNEL), (
            f"{Msg.Type.Name(message.type)} carries tx {message.txid!r} on {message.channel_id!r}, "
            f"not the transaction's {executed.tx_id!r} on {CHANNEL!r}"
        )
        if index in skip:
            continue
        if message.type == Msg.COMPLETED:
            response = proposal_response_pb2.Response.FromString(message.payload)
            event = message.chaincode_event if message.HasField("chaincode_event") else None
            if response.status >= ERROR_THRESHOLD:
                # fabric-shim sends the event of a failed transaction too; recfin's shim does not. The
                # peer's endorser drops it (core/endorser/endorser.go callChaincode: a status at or
                # above shim.ERRORTHRESHOLD returns the response with a nil event), so no client or
                # block ever sees it. test_a_failed_transaction_sends_no_event shows the difference.
                event = None
            sent.append(("COMPLETED", response.status, response.message, response.payload,
                         (event.event_name, event.payload, event.chaincode_id, event.tx_id) if event else None))
        else:
            assert not message.HasField("chaincode_event") and not message.HasField("proposal")
            sent.append((Msg.Type.Name(message.type), _decoded_request(message)))
    return sent


async def run_script(port: int):
    """Drive the chaincode server on ``port`` through SCRIPT; return its REGISTER and each transaction."""
    ledger = MemoryLedger([AgreementContract()], query_batch_size=QUERY_BATCH_SIZE)
    async with LoopbackPeer(ledger, port, PeerOptions(), contract=CONTRACT) as peer:
        executed = [await peer.execute(CALLER, function, arguments, transient)
                    for function, arguments, transient in [*SCRIPT, BINDING_STEP]]
        return peer.register, executed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# How long the Node shim may take to say it listens, and to exit once terminated: far beyond what it needs
# (about a second to start), so only a shim that hangs reaches them, and it is then killed, not left running.
NODE_START_SECONDS = 60
NODE_STOP_SECONDS = 10


@contextlib.contextmanager
def node_chaincode_server():
    """node_shim/chaincode.js on a free loopback port; yields the port. The shim is stopped on every way out,
    a start that never says it listens included."""
    port = _free_port()
    env = {"PATH": str(Path(NODE).parent), "CHAINCODE_ID": PACKAGE_ID,
           "CHAINCODE_SERVER_ADDRESS": f"127.0.0.1:{port}", "CORE_CHAINCODE_LOGGING_LEVEL": "ERROR"}
    process = subprocess.Popen([NODE, "chaincode.js"], cwd=NODE_DIR, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ready = f"listening 127.0.0.1:{port}"
    output: list[str] = []
    heard = threading.Event()   # the shim said it listens, or its output ended (it exited)

    def read_all() -> None:
        # Read to the end, also after the shim listens, so its logging can never fill the pipe and stall it.
        for line in process.stdout:
            output.append(line)
            if line.strip() == ready:
                heard.set()
        heard.set()

    drain = threading.Thread(target=read_all, daemon=True)
    drain.start()
    try:
        if not heard.wait(NODE_START_SECONDS):
            raise RuntimeError(f"node_shim/chaincode.js did not say '{ready}' within {NODE_START_SECONDS} s: "
                               f"{''.join(output)}")
        if ready not in (line.strip() for line in list(output)):   # its output ended: it exited
            status = process.wait(timeout=NODE_STOP_SECONDS)
            raise RuntimeError(f"node_shim/chaincode.js did not start (exit status {status}): {''.join(output)}")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=NODE_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        drain.join()


def test_a_node_shim_that_never_listens_is_given_up_on_and_stopped(tmp_path, monkeypatch):
    # a stand-in for node that says nothing and would run long: refused at the deadline, then killed or terminated
    pid_file = tmp_path / "pid"
    silent = tmp_path / "node"
    silent.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec {shutil.which('sleep')} 600\n")
    silent.chmod(0o755)
    monkeypatch.setitem(globals(), "NODE", str(silent))
    monkeypatch.setitem(globals(), "NODE_START_SECONDS", 1)
    with pytest.raises(RuntimeError, match="did not say 'listening 127.0.0.1:"):
        with node_chaincode_server():
            pass
    with pytest.raises(ProcessLookupError):   # stopped and reaped: its pid names no process
        os.kill(int(pid_file.read_text()), 0)


@pytest.fixture(scope="module")
def conversations():
    async def python_side():
        async with running_server([AgreementContract()]) as port:
            return await run_script(port)

    python = asyncio.run(python_side())
    with node_chaincode_server() as port:
        node = asyncio.run(run_script(port))
    return {"python": python, "node": node}


def test_the_node_shim_is_the_pinned_release():
    lock = json.loads((NODE_DIR / "package-lock.json").read_text())
    installed = json.loads((NODE_DIR / "node_modules" / "fabric-shim" / "package.json").read_text())
    assert lock["packages"]["node_modules/fabric-shim"]["version"] == installed["version"] == "2.5.8"


def test_both_register_with_the_package_id(conversations):
    for side, (register, _) in conversations.items():
        assert (register.type, register.txid, register.channel_id) == (Msg.REGISTER, "", ""), side
        assert chaincode_pb2.ChaincodeID.FromString(register.payload) == chaincode_pb2.ChaincodeID(name=PACKAGE_ID), side
    python_register, node_register = conversations["python"][0], conversations["node"][0]
    assert python_register == node_register


@pytest.mark.parametrize("step", range(len(SCRIPT)), ids=[function for function, _, _ in SCRIPT])
def test_each_transaction_sends_what_the_node_shim_sends(conversations, step):
    python = conversation(conversations["python"][1][step])
    node = conversation(conversations["node"][1][step])
    assert python == node


def test_the_script_exercises_every_feature_and_returns_what_the_operations_promise(conversations):
    _, executed = conversations["python"]
    sent = {request.type for transaction in executed for request in transaction.requests}
    assert EXPECTED_REQUEST_TYPES <= sent, [Msg.Type.Name(kind) for kind in EXPECTED_REQUEST_TYPES - sent]

    def result(function: str, arguments: list[str]):
        return executed[SCRIPT.index(next(step for step in SCRIPT if step[:2] == (function, arguments)))]

    assert json.loads(result("GetRange", ["", ""]).payload) == {
        "rows": [["a1", "uno"], ["a2", "two"], ["a4", "four"], ["b1", "bee"]]}
    assert json.loads(result("GetRangePage", ["a", "", "3", ""]).payload) == {
        "rows": [["a1", "uno"], ["a2", "two"], ["a4", "four"]], "fetched_records_count": 3, "bookmark": "b1"}
    assert json.loads(result("GetHistory", ["a3"]).payload) == {"changes": [  # newest first
        {"value": None, "is_delete": True}, {"value": "three", "is_delete": False}]}
    assert json.loads(result("GetKeyEndorsers", ["a1"]).payload) == {"orgs": ["CoreEnterpriseMSP", "SupplierMSP"]}
    assert json.loads(result("GetPrivate", ["p1"]).payload) == {"key": "p1", "value": "secret-1"}
    failed = result("Fail", ["receivable r-1 is frozen by the regulator"])
    assert (failed.status, failed.message) == (500, "receivable r-1 is frozen by the regulator")
    assert result("EmitEvent", ["ReceivableRegistered", '{"id": "r-1"}']).event == (
        "ReceivableRegistered", b'{"id": "r-1"}')
    assert json.loads(result("WhoAmI", []).payload)["party"] == "91310000X"


def test_the_key_level_policy_bytes_are_identical_and_name_both_orgs(conversations):
    policies = {}
    for side, (_, executed) in conversations.items():
        step = [function for function, _, _ in SCRIPT].index("SetKeyEndorsers")
        (request,) = [m for m in executed[step].requests if m.type == Msg.PUT_STATE_METADATA]
        policies[side] = shim_pb2.PutStateMetadata.FromString(request.payload).metadata.value
    assert policies["python"] == policies["node"]
    envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policies["python"])
    assert envelope.rule.n_out_of.n == 2 and len(envelope.identities) == 2


def test_a_failed_transaction_sends_no_event(conversations):
    step = [function for function, _, _ in SCRIPT].index("EmitThenFail")
    python, node = (conversations[side][1][step].completed for side in ("python", "node"))
    assert proposal_response_pb2.Response.FromString(python.payload).status == 500
    assert not python.HasField("chaincode_event")
    # The difference the comparison leaves out: fabric-shim attaches the event anyway.
    assert node.chaincode_event.event_name == "ReceivableRegistered"


def test_both_bind_the_proposal_they_were_sent_as_fabric_does(conversations):
    # SHA-256 over nonce, creator and the epoch as 8 little-endian bytes (protoutil.ComputeProposalBinding)
    for side, (_, executed) in conversations.items():
        bound = executed[len(SCRIPT)]
        header = common_pb2.Header.FromString(proposal_pb2.Proposal.FromString(bound.proposal.proposal_bytes).header)
        signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
        epoch = common_pb2.ChannelHeader.FromString(header.channel_header).epoch
        binding = hashlib.sha256(signature_header.nonce + signature_header.creator + epoch.to_bytes(8, "little"))
        assert (bound.status, json.loads(bound.payload)) == (200, {"binding": binding.hexdigest()}), side
