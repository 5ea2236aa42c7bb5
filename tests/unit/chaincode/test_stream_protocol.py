"""The runtime against a peer played with real ChaincodeMessage protobufs over a real gRPC stream."""

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Callable

import pytest
from fabric_protos.common import common_pb2, policies_pb2
from fabric_protos.ledger.queryresult import kv_query_result_pb2
from fabric_protos.msp import msp_principal_pb2
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2 as shim_pb2, proposal_pb2, proposal_response_pb2
from google.protobuf import timestamp_pb2

from chaincode.contract import Context, Contract, ContractError, ContractRouter, transaction
from chaincode.shim import KeyEndorsementPolicy, PeerError, PeerOptions, StreamHandler
from chaincode.shim._handler import _completed_message
from chaincode.shim._types import Response
from chaincode.shim.operations import ChaincodeMetrics
from chaincode.testing import MemoryLedger
from chaincode.testing._proposals import make_signed_proposal

from .peer_double import CALLER, CHANNEL, PACKAGE_ID, TIMEOUT, Msg, PeerSide, running_server


class Wire(Contract):
    name = "wire"

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> bytes:
        return await ctx.stub.get_state(key) or b"<none>"

    @transaction
    async def Write(self, ctx: Context, entries: dict) -> None:
        for key, value in entries.items():
            await ctx.stub.put_state(key, value.encode())

    @transaction
    async def Mixed(self, ctx: Context) -> None:
        await ctx.stub.put_state("a", b"1")
        await ctx.stub.del_state("b")
        await ctx.stub.put_private_data("coll", "p", b"secret")
        await ctx.stub.purge_private_data("coll", "old")
        policy = KeyEndorsementPolicy()
        policy.add_orgs("MEMBER", "SupplierMSP", "CoreEnterpriseMSP")
        await ctx.stub.set_state_validation_parameter("a", policy.policy())

    @transaction(evaluate=True)
    async def Many(self, ctx: Context, keys: list[str]) -> list:
        return [v and v.decode() for v in await ctx.stub.get_multiple_states(keys)]

    @transaction
    async def Boom(self, ctx: Context) -> None:
        raise RuntimeError("boom")

    @transaction(evaluate=True)
    async def Page(self, ctx: Context, size: int, bookmark: str) -> dict:
        rows, meta = await ctx.stub.get_state_by_range_with_pagination("a", "z", size, bookmark)
        return {"keys": [kv.key for kv in rows], "count": meta.fetched_records_count, "bookmark": meta.bookmark}

    @transaction(evaluate=True)
    async def RangeOf(self, ctx: Context, query: str, start: str, end: str) -> list:
        """The keys from ``start`` to ``end`` by a ``query`` of "plain", "paged" or "private" (collection coll)."""
        if query == "paged":
            rows, _ = await ctx.stub.get_state_by_range_with_pagination(start, end, 10)
            return [kv.key for kv in rows]
        if query == "private":
            return [kv.key async for kv in ctx.stub.get_private_data_by_range("coll", start, end)]
        return [kv.key async for kv in ctx.stub.get_state_by_range(start, end)]

    @transaction(evaluate=True)
    async def ReadAfterClose(self, ctx: Context, rows_before_close: int) -> list:
        """Reads ``rows_before_close`` rows of a range, closes it, then reads on: what comes is returned."""
        iterator = ctx.stub.get_state_by_range("a", "z")
        keys = [(await iterator.__anext__()).key for _ in range(rows_before_close)]
        await iterator.close()
        return keys + [kv.key async for kv in iterator]

    @transaction(evaluate=True)
    async def History(self, ctx: Context, key: str) -> list:
        return [[m.tx_id, m.value.decode(), m.timestamp.isoformat(), m.is_delete]
                async for m in ctx.stub.get_history_for_key(key)]

    @transaction
    async def Emit(self, ctx: Context, name: str) -> None:
        ctx.stub.set_event(name, b'{"n":1}')

    @transaction(evaluate=True)
    async def Transient(self, ctx: Context, key: str) -> dict:
        return {"value": ctx.stub.get_transient()[key].decode(), "msp": ctx.client_identity.msp_id,
                "party": ctx.client_identity.get_attribute("recfin.party")}

    @transaction
    async def Call(self, ctx: Context, name: str, channel: str) -> dict:
        response = await ctx.stub.invoke_chaincode(name, ["Fn", b"\x01"], channel)
        return {"status": response.status, "message": response.message, "payload": response.payload.decode()}

    @transaction(evaluate=True)
    async def Hash(self, ctx: Context) -> str:
        return (await ctx.stub.get_private_data_hash("coll", "p")).hex()

    @transaction(evaluate=True)
    async def Binding(self, ctx: Context) -> str:
        return ctx.stub.get_binding().hex()

    @transaction(evaluate=True)
    async def Time(self, ctx: Context) -> str:
        return ctx.stub.get_tx_timestamp().isoformat()

    @transaction(evaluate=True)
    async def Decorations(self, ctx: Context) -> dict:
        return {name: value.decode() for name, value in ctx.stub.get_decorations().items()}


def response_of(completed) -> proposal_response_pb2.Response:
    return proposal_response_pb2.Response.FromString(completed.payload)


async def test_handshake_registers_with_the_package_id_and_answers_keepalive():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        assert peer.register.type == Msg.REGISTER
        assert chaincode_pb2.ChaincodeID.FromString(peer.register.payload).name == PACKAGE_ID
        await peer.send(Msg(type=Msg.KEEPALIVE))
        answer = await asyncio.wait_for(peer.keepalives.get(), 5)
        assert answer.type == Msg.KEEPALIVE


async def test_get_state_round_trip_and_completed_response():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k1")
        request = await peer.expect("tx1", Msg.GET_STATE)
        assert shim_pb2.GetState.FromString(request.payload) == shim_pb2.GetState(key="k1")
        await peer.reply("tx1", b"value-1")
        completed = await peer.expect("tx1", Msg.COMPLETED)
        assert response_of(completed) == proposal_response_pb2.Response(status=200, payload=b"value-1")
        assert not completed.HasField("chaincode_event")


async def test_an_error_reply_from_the_peer_fails_the_transaction_with_its_message():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k1")
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.reply("tx1", b"GET_STATE failed: no ledger context", error=True)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert response.status == 500
        assert response.message == "PeerError: GET_STATE failed: no ledger context"
        assert response.payload == b""


async def test_a_raising_transaction_still_completes_with_status_500():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Boom")
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (
            500, "internal error (RuntimeError) in tx tx1: see the chaincode server's log")
        # The stream still works afterwards.
        await peer.start("tx2", "wire:Read", "k")
        await peer.expect("tx2", Msg.GET_STATE)
        await peer.reply("tx2", b"fine")
        assert response_of(await peer.expect("tx2", Msg.COMPLETED)).payload == b"fine"


async def test_same_tx_id_on_two_streams_stays_separate():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as one, PeerSide.connect(port) as two:
        await one.start("shared", "wire:Read", "k")
        await two.start("shared", "wire:Read", "k")
        await one.expect("shared", Msg.GET_STATE)
        await two.expect("shared", Msg.GET_STATE)
        await two.reply("shared", b"from-peer-two")  # answered in the opposite order
        await one.reply("shared", b"from-peer-one")
        assert response_of(await one.expect("shared", Msg.COMPLETED)).payload == b"from-peer-one"
        assert response_of(await two.expect("shared", Msg.COMPLETED)).payload == b"from-peer-two"


async def test_same_tx_id_on_two_channels_of_one_stream_stays_separate():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        for channel in ("ch-a", "ch-b"):
            await peer.send(Msg(type=Msg.TRANSACTION, txid="t", channel_id=channel,
                                payload=chaincode_pb2.ChaincodeInput(args=[b"wire:Read", b"k"]).SerializeToString()))
        await peer.expect("t", Msg.GET_STATE, channel_id="ch-a")
        await peer.expect("t", Msg.GET_STATE, channel_id="ch-b")
        await peer.reply("t", b"B", channel_id="ch-b")
        await peer.reply("t", b"A", channel_id="ch-a")
        assert response_of(await peer.expect("t", Msg.COMPLETED, channel_id="ch-a")).payload == b"A"
        assert response_of(await peer.expect("t", Msg.COMPLETED, channel_id="ch-b")).payload == b"B"


async def test_many_concurrent_transactions_on_one_stream_all_complete():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        tx_ids = [f"tx{i}" for i in range(20)]
        for tx_id in tx_ids:
            await peer.start(tx_id, "wire:Read", tx_id)
        for tx_id in reversed(tx_ids):
            request = await peer.expect(tx_id, Msg.GET_STATE)
            await peer.reply(tx_id, shim_pb2.GetState.FromString(request.payload).key.upper().encode())
        for tx_id in tx_ids:
            assert response_of(await peer.expect(tx_id, Msg.COMPLETED)).payload == tx_id.upper().encode()


async def test_without_write_batching_each_write_is_its_own_message():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Mixed")
        put = await peer.expect("tx1", Msg.PUT_STATE)
        assert shim_pb2.PutState.FromString(put.payload) == shim_pb2.PutState(key="a", value=b"1")
        await peer.reply("tx1")
        delete = await peer.expect("tx1", Msg.DEL_STATE)
        assert shim_pb2.DelState.FromString(delete.payload).key == "b"
        await peer.reply("tx1")
        private = await peer.expect("tx1", Msg.PUT_STATE)
        assert shim_pb2.PutState.FromString(private.payload) == shim_pb2.PutState(key="p", value=b"secret",
                                                                                  collection="coll")
        await peer.reply("tx1")
        purge = await peer.expect("tx1", Msg.PURGE_PRIVATE_DATA)
        assert shim_pb2.DelState.FromString(purge.payload) == shim_pb2.DelState(key="old", collection="coll")
        await peer.reply("tx1")
        metadata = await peer.expect("tx1", Msg.PUT_STATE_METADATA)
        put_metadata = shim_pb2.PutStateMetadata.FromString(metadata.payload)
        assert (put_metadata.key, put_metadata.metadata.metakey) == ("a", "VALIDATION_PARAMETER")
        envelope = policies_pb2.SignaturePolicyEnvelope.FromString(put_metadata.metadata.value)
        roles = [msp_principal_pb2.MSPRole.FromString(p.principal) for p in envelope.identities]
        assert [(r.msp_identifier, r.role) for r in roles] == [
            ("CoreEnterpriseMSP", msp_principal_pb2.MSPRole.MEMBER),
            ("SupplierMSP", msp_principal_pb2.MSPRole.MEMBER),
        ]
        assert envelope.rule.n_out_of.n == 2
        assert [r.signed_by for r in envelope.rule.n_out_of.rules] == [0, 1]
        await peer.reply("tx1")
        assert response_of(await peer.expect("tx1", Msg.COMPLETED)).status == 200


async def test_with_write_batching_writes_go_in_batches_of_the_peers_size_before_completed():
    options = PeerOptions(use_write_batch=True, max_size_write_batch=2)
    async with running_server([Wire()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "wire:Mixed")
        records = []
        for expected_size in (2, 2, 1):
            batch = shim_pb2.WriteBatchState.FromString((await peer.expect("tx1", Msg.WRITE_BATCH_STATE)).payload)
            assert len(batch.rec) == expected_size
            records.extend(batch.rec)
            await peer.reply("tx1")
        assert [(shim_pb2.WriteRecord.Type.Name(r.type), r.collection, r.key) for r in records] == [
            ("PUT_STATE", "", "a"),
            ("DEL_STATE", "", "b"),
            ("PUT_STATE", "coll", "p"),
            ("PURGE_PRIVATE_DATA", "coll", "old"),
            ("PUT_STATE_METADATA", "", "a"),
        ]
        assert records[0].value == b"1" and records[2].value == b"secret"
        assert records[4].metadata.metakey == "VALIDATION_PARAMETER"
        assert KeyEndorsementPolicy(records[4].metadata.value).list_orgs() == ["CoreEnterpriseMSP", "SupplierMSP"]
        assert response_of(await peer.expect("tx1", Msg.COMPLETED)).status == 200


async def test_a_failed_write_batch_fails_the_transaction():
    options = PeerOptions(use_write_batch=True)
    async with running_server([Wire()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "wire:Write", '{"a": "1"}')
        await peer.expect("tx1", Msg.WRITE_BATCH_STATE)
        await peer.reply("tx1", b"WRITE_BATCH_STATE failed: too big", error=True)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (500, "PeerError: WRITE_BATCH_STATE failed: too big")


async def test_an_older_peer_with_an_empty_ready_payload_gets_plain_writes():
    async with running_server([Wire()]) as port, PeerSide.connect(port, ready_payload=b"") as peer:
        await peer.start("tx1", "wire:Write", '{"a": "1"}')
        await peer.expect("tx1", Msg.PUT_STATE)
        await peer.reply("tx1")
        assert response_of(await peer.expect("tx1", Msg.COMPLETED)).status == 200


async def test_multi_key_reads_use_get_state_multiple_in_chunks_when_offered():
    options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=2)
    async with running_server([Wire()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "wire:Many", '["a", "b", "c"]')
        first = shim_pb2.GetStateMultiple.FromString((await peer.expect("tx1", Msg.GET_STATE_MULTIPLE)).payload)
        assert list(first.keys) == ["a", "b"]
        await peer.reply("tx1", shim_pb2.GetStateMultipleResult(values=[b"A", b""]).SerializeToString())
        second = shim_pb2.GetStateMultiple.FromString((await peer.expect("tx1", Msg.GET_STATE_MULTIPLE)).payload)
        assert list(second.keys) == ["c"]
        await peer.reply("tx1", shim_pb2.GetStateMultipleResult(values=[b"C"]).SerializeToString())
        assert json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload) == ["A", None, "C"]


async def test_a_peer_offering_batching_without_sizes_gets_segments_of_100_like_from_a_go_chaincode():
    options = PeerOptions(use_write_batch=True, use_get_multiple_keys=True)  # sizes 0: the peer named none
    keys = [f"k{i:03}" for i in range(101)]
    async with running_server([Wire()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("w", "wire:Write", json.dumps({key: "v" for key in keys}))
        for expected_size in (100, 1):
            batch = shim_pb2.WriteBatchState.FromString((await peer.expect("w", Msg.WRITE_BATCH_STATE)).payload)
            assert len(batch.rec) == expected_size
            await peer.reply("w")
        assert response_of(await peer.expect("w", Msg.COMPLETED)).status == 200

        await peer.start("r", "wire:Many", json.dumps(keys))
        for expected in (keys[:100], keys[100:]):
            request = shim_pb2.GetStateMultiple.FromString((await peer.expect("r", Msg.GET_STATE_MULTIPLE)).payload)
            assert list(request.keys) == expected
            await peer.reply("r", shim_pb2.GetStateMultipleResult(values=[b"v"] * len(expected)).SerializeToString())
        assert json.loads(response_of(await peer.expect("r", Msg.COMPLETED)).payload) == ["v"] * 101


async def test_decorations_of_the_chaincode_input_reach_the_stub():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        chaincode_input = chaincode_pb2.ChaincodeInput(args=[b"wire:Decorations"], decorations={"region": b"cn-east"})
        await peer.send(Msg(type=Msg.TRANSACTION, txid="d", channel_id=CHANNEL,
                            payload=chaincode_input.SerializeToString()))
        assert json.loads(response_of(await peer.expect("d", Msg.COMPLETED)).payload) == {"region": "cn-east"}


async def test_multi_key_reads_fall_back_to_get_state_per_key():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Many", '["a", "b"]')
        for key, value in (("a", b"A"), ("b", b"")):
            request = await peer.expect("tx1", Msg.GET_STATE)
            assert shim_pb2.GetState.FromString(request.payload).key == key
            await peer.reply("tx1", value)
        assert json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload) == ["A", None]


def kv_row(key: str) -> shim_pb2.QueryResultBytes:
    return shim_pb2.QueryResultBytes(resultBytes=kv_query_result_pb2.KV(key=key, value=b"v").SerializeToString())


async def test_pagination_sends_query_metadata_and_follows_has_more():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Page", "3", "b")
        request = shim_pb2.GetStateByRange.FromString((await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)).payload)
        assert (request.startKey, request.endKey, request.collection) == ("a", "z", "")
        assert shim_pb2.QueryMetadata.FromString(request.metadata) == shim_pb2.QueryMetadata(pageSize=3, bookmark="b")
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("b"), kv_row("c")], has_more=True,
                                                       id="iter-7").SerializeToString())
        next_request = await peer.expect("tx1", Msg.QUERY_STATE_NEXT)
        assert shim_pb2.QueryStateNext.FromString(next_request.payload).id == "iter-7"
        metadata = shim_pb2.QueryResponseMetadata(fetched_records_count=3, bookmark="e").SerializeToString()
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("d")], has_more=False, id="iter-7",
                                                       metadata=metadata).SerializeToString())
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == {"keys": ["b", "c", "d"], "count": 3, "bookmark": "e"}


@pytest.mark.parametrize("answered, given", [("z", ""), ("zz", ""), ("y", "y"), ("", "")])
async def test_a_last_page_bookmarked_at_the_range_end_says_no_page_follows(answered, given):
    # a CouchDB state database answers the last page of a range with the range's end (here "z") as its bookmark,
    # LevelDB with "": sent back, the end would be refused as outside the range, so both come back as ""
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Page", "3", "b")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        metadata = shim_pb2.QueryResponseMetadata(fetched_records_count=1, bookmark=answered).SerializeToString()
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("b")], has_more=False, id="iter-1",
                                                       metadata=metadata).SerializeToString())
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == {"keys": ["b"], "count": 1, "bookmark": given}


@pytest.mark.parametrize("query", ["plain", "paged", "private"])
async def test_a_range_key_starting_with_u0000_is_refused_and_nothing_is_sent(query):
    # U+0000 opens every composite key: such a start or end would reach into them, which the Go shim refuses too
    composite = "\x00owner\x00"
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        for tx_id, start, end in (("start", composite, "z"), ("end", "a", composite)):
            await peer.start(tx_id, "wire:RangeOf", query, start, end)
            completed = await peer.next_message(tx_id)
            assert Msg.Type.Name(completed.type) == "COMPLETED"   # no GET_STATE_BY_RANGE before it
            response = response_of(completed)
            assert (response.status, response.message) == (500, "ValueError: range key '\\x00owner\\x00' starts "
                                                                "with U+0000, which is reserved for composite keys")
        await peer.start("sound", "wire:RangeOf", query, "a", "z")   # keys that do not are queried as asked
        request = shim_pb2.GetStateByRange.FromString((await peer.expect("sound", Msg.GET_STATE_BY_RANGE)).payload)
        collection = "coll" if query == "private" else ""
        assert (request.startKey, request.endKey, request.collection) == ("a", "z", collection)


async def test_an_iterator_closed_before_its_first_read_sends_nothing_and_yields_nothing():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:ReadAfterClose", "0")
        # No GET_STATE_BY_RANGE: it would open an iterator on the peer that nothing would close.
        completed = await peer.next_message("tx1")
        assert Msg.Type.Name(completed.type) == "COMPLETED"
        assert json.loads(response_of(completed).payload) == []


async def test_an_iterator_closed_mid_batch_is_released_on_the_peer_and_yields_nothing_more():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:ReadAfterClose", "1")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("b"), kv_row("c")], has_more=True,
                                                       id="iter-7").SerializeToString())
        close = await peer.expect("tx1", Msg.QUERY_STATE_CLOSE)
        assert shim_pb2.QueryStateClose.FromString(close.payload).id == "iter-7"
        await peer.reply("tx1")
        completed = await peer.next_message("tx1")
        assert Msg.Type.Name(completed.type) == "COMPLETED"
        assert json.loads(response_of(completed).payload) == ["b"]


async def test_history_rows_decode_to_key_modifications():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:History", "r1")
        request = await peer.expect("tx1", Msg.GET_HISTORY_FOR_KEY)
        assert shim_pb2.GetHistoryForKey.FromString(request.payload).key == "r1"
        rows = []
        for tx_id, value, seconds, deleted in (("t2", b"", 1_772_416_800, True), ("t1", b"v1", 1_772_413_200, False)):
            modification = kv_query_result_pb2.KeyModification(
                tx_id=tx_id, value=value, timestamp=timestamp_pb2.Timestamp(seconds=seconds, nanos=500_000_000),
                is_delete=deleted)
            rows.append(shim_pb2.QueryResultBytes(resultBytes=modification.SerializeToString()))
        await peer.reply("tx1", shim_pb2.QueryResponse(results=rows, id="h").SerializeToString())
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == [
            ["t2", "", "2026-03-02T02:00:00.500000+00:00", True],
            ["t1", "v1", "2026-03-02T01:00:00.500000+00:00", False],
        ]


async def test_event_travels_in_completed():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Emit", "ReceivableConfirmed")
        completed = await peer.expect("tx1", Msg.COMPLETED)
        assert completed.chaincode_event.event_name == "ReceivableConfirmed"
        assert completed.chaincode_event.payload == b'{"n":1}'
        assert response_of(completed).status == 200


async def test_an_empty_event_name_fails_the_transaction_and_sends_no_event():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Emit", "")
        completed = await peer.expect("tx1", Msg.COMPLETED)
        assert not completed.HasField("chaincode_event")
        response = response_of(completed)
        assert (response.status, response.message) == (500, "ValueError: event name must not be an empty string")


async def test_transient_data_and_creator_come_from_the_signed_proposal():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Transient", "terms", transient={"terms": b"rate=3.6%"})
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == {"value": "rate=3.6%", "msp": CALLER.msp_id, "party": "913100"}


async def start_with_channel_header(peer: PeerSide, tx_id: str, function: str,
                                    change: Callable[[common_pb2.ChannelHeader], None]) -> proposal_pb2.SignedProposal:
    """Start ``function`` with a proposal whose channel header ``change`` set as its client chose; return it."""
    signed, _ = make_signed_proposal(channel_id=CHANNEL, chaincode_name="recfin", args=[function.encode()],
                                     creator=bytes(CALLER))
    proposal = proposal_pb2.Proposal.FromString(signed.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    change(channel_header)
    header.channel_header = channel_header.SerializeToString()
    proposal.header = header.SerializeToString()
    signed.proposal_bytes = proposal.SerializeToString()
    await peer.send(Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=CHANNEL, proposal=signed,
                        payload=chaincode_pb2.ChaincodeInput(args=[function.encode()]).SerializeToString()))
    return signed


async def start_timestamped(peer: PeerSide, tx_id: str, function: str, seconds: int, nanos: int) -> None:
    """Start ``function`` with a proposal whose timestamp the client set to ``seconds`` and ``nanos``, whatever
    they are: a Timestamp's range is not checked on the wire, nor by the peer."""
    def set_timestamp(channel_header: common_pb2.ChannelHeader) -> None:
        channel_header.timestamp.seconds, channel_header.timestamp.nanos = seconds, nanos

    await start_with_channel_header(peer, tx_id, function, set_timestamp)


async def test_the_binding_is_sha256_of_nonce_creator_and_the_epoch_as_8_little_endian_bytes():
    epoch = 0x0102   # two bytes that differ: written big-endian, the epoch would give another hash

    def set_epoch(channel_header: common_pb2.ChannelHeader) -> None:
        channel_header.epoch = epoch

    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        signed = await start_with_channel_header(peer, "tx1", "wire:Binding", set_epoch)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
    header = common_pb2.Header.FromString(proposal_pb2.Proposal.FromString(signed.proposal_bytes).header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    assert signature_header.nonce and signature_header.creator
    binding = hashlib.sha256(signature_header.nonce + signature_header.creator + epoch.to_bytes(8, "little"))
    assert (response.status, response.payload) == (200, binding.hexdigest().encode())


async def test_the_proposal_timestamp_converts_to_utc_at_microsecond_precision():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await start_timestamped(peer, "tx1", "wire:Time", 1_700_000_000, 123_456_789)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.payload) == (200, b"2023-11-14T22:13:20.123456+00:00")
        await start_timestamped(peer, "tx2", "wire:Time", 253_402_300_799, 999_999_999)   # the last one allowed
        assert response_of(await peer.expect("tx2", Msg.COMPLETED)).payload == b"9999-12-31T23:59:59.999999+00:00"


@pytest.mark.parametrize(("seconds", "nanos"), [(10**12, 0), (253_402_300_800, 0), (-62_135_596_801, 0),
                                                (0, 1_000_000_000), (0, -1)])
async def test_a_timestamp_outside_the_calendar_fails_only_the_transactions_that_ask_for_it(seconds, nanos):
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await start_timestamped(peer, "tx1", "wire:Decorations", seconds, nanos)
        assert response_of(await peer.expect("tx1", Msg.COMPLETED)).status == 200
        await start_timestamped(peer, "tx2", "wire:Time", seconds, nanos)
        response = response_of(await peer.expect("tx2", Msg.COMPLETED))
        assert response.status == 500
        assert response.message == (
            f"ValueError: the proposal's timestamp seconds={seconds} nanos={nanos} is outside the range of a "
            f"protobuf Timestamp (0001-01-01 to 9999-12-31 UTC, nanos 0 to 999999999): the client that submitted "
            f"it set it wrongly; submit the transaction again from a client whose clock is right")


async def test_invoke_chaincode_sends_a_spec_and_unwraps_the_nested_response():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Call", "other", "ch2")
        request = await peer.expect("tx1", Msg.INVOKE_CHAINCODE)
        spec = chaincode_pb2.ChaincodeSpec.FromString(request.payload)
        assert spec.chaincode_id.name == "other/ch2"
        assert list(spec.input.args) == [b"Fn", b"\x01"]
        inner = Msg(type=Msg.COMPLETED, payload=proposal_response_pb2.Response(
            status=200, payload=b"called").SerializeToString())
        await peer.reply("tx1", inner.SerializeToString())
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == {"status": 200, "message": "", "payload": "called"}


async def test_invoke_chaincode_refused_by_the_peer_fails_the_transaction():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Call", "other", "")
        await peer.expect("tx1", Msg.INVOKE_CHAINCODE)
        await peer.reply("tx1", b"access denied for [other]", error=True)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert response.message == "PeerError: access denied for [other]"


async def test_private_data_hash_request():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Hash")
        request = await peer.expect("tx1", Msg.GET_PRIVATE_DATA_HASH)
        assert shim_pb2.GetState.FromString(request.payload) == shim_pb2.GetState(key="p", collection="coll")
        await peer.reply("tx1", bytes.fromhex("ab" * 32))
        assert response_of(await peer.expect("tx1", Msg.COMPLETED)).payload == b"ab" * 32


async def test_a_malformed_transaction_payload_still_completes():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.send(Msg(type=Msg.TRANSACTION, txid="bad", channel_id=CHANNEL, payload=b"\xff\xff\xff"))
        response = response_of(await peer.expect("bad", Msg.COMPLETED))
        assert response.status == 500
        assert response.message == "internal error (DecodeError) in tx bad: see the chaincode server's log"


async def test_a_transaction_before_ready_is_refused_with_error():
    async with running_server([Wire()]) as port:
        import grpc
        from fabric_protos.peer import chaincode_shim_pb2_grpc

        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
            assert (await call.read()).type == Msg.REGISTER
            await call.write(Msg(type=Msg.REGISTERED))  # but no READY yet
            await call.write(Msg(type=Msg.TRANSACTION, txid="early", channel_id=CHANNEL,
                                 payload=chaincode_pb2.ChaincodeInput(args=[b"wire:Boom"]).SerializeToString()))
            reply = await asyncio.wait_for(call.read(), 5)
            assert (reply.type, reply.txid) == (Msg.ERROR, "early")
            assert b"not ready" in reply.payload
            call.cancel()


async def test_invoke_chaincode_whose_target_failed_returns_a_500_response():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Call", "other", "")
        request = await peer.expect("tx1", Msg.INVOKE_CHAINCODE)
        assert chaincode_pb2.ChaincodeSpec.FromString(request.payload).chaincode_id.name == "other"
        inner = Msg(type=Msg.ERROR, payload=b"chaincode other crashed")
        await peer.reply("tx1", inner.SerializeToString())
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == {"status": 500, "message": "chaincode other crashed", "payload": ""}


async def test_concurrent_stub_calls_in_one_transaction_are_sent_one_at_a_time(monkeypatch):
    both_asked = asyncio.Event()

    class Parallel(Contract):
        name = "parallel"

        @transaction(evaluate=True)
        async def Both(self, ctx: Context) -> list:
            asked = []

            async def get(key: str) -> bytes:
                asked.append(key)
                if len(asked) == 2:
                    # A task runs on until it awaits: the test, woken by this, finds this call already as far
                    # as it goes without the peer (waiting for its turn, or sent).
                    both_asked.set()
                return await ctx.stub.get_state(key)

            values = await asyncio.gather(get("x"), get("y"))
            return [v.decode() for v in values]

    sent = []   # the type of each request the runtime hands to the stream, in order
    counted = ChaincodeMetrics.request_sent

    def recorded(metrics: ChaincodeMetrics, message_type: int) -> None:
        sent.append(message_type)
        counted(metrics, message_type)

    monkeypatch.setattr(ChaincodeMetrics, "request_sent", recorded)

    async with running_server([Parallel()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "Both")
        await asyncio.wait_for(both_asked.wait(), TIMEOUT)
        first = shim_pb2.GetState.FromString((await peer.expect("tx1", Msg.GET_STATE)).payload).key
        # Both calls are made, and the first request came here over the stream: the second must not have been
        # sent before the first is answered (the peer would refuse it).
        assert sent == [Msg.GET_STATE]
        await peer.reply("tx1", first.encode())
        second = shim_pb2.GetState.FromString((await peer.expect("tx1", Msg.GET_STATE)).payload).key
        assert sent == [Msg.GET_STATE, Msg.GET_STATE]
        await peer.reply("tx1", second.encode())
        assert {first, second} == {"x", "y"}
        assert json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload) == ["x", "y"]


async def test_init_runs_the_named_function_or_succeeds_when_none_is_named():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.send(Msg(type=Msg.INIT, txid="i1", channel_id=CHANNEL,
                            payload=chaincode_pb2.ChaincodeInput(args=[], is_init=True).SerializeToString()))
        assert response_of(await peer.expect("i1", Msg.COMPLETED)).status == 200
        await peer.send(Msg(type=Msg.INIT, txid="i2", channel_id=CHANNEL,
                            payload=chaincode_pb2.ChaincodeInput(args=[b"wire:Boom"], is_init=True).SerializeToString()))
        assert response_of(await peer.expect("i2", Msg.COMPLETED)).message == (
            "internal error (RuntimeError) in tx i2: see the chaincode server's log")


async def test_received_messages_are_logged_at_debug_and_cost_nothing_when_debug_is_off(caplog, monkeypatch):
    from chaincode.shim import _handler

    named = []
    monkeypatch.setattr(_handler, "_type_name", lambda kind: named.append(kind) or Msg.Type.Name(kind))

    async def one_read(tx_id: str) -> None:
        await peer.start(tx_id, "wire:Read", "k")
        await peer.expect(tx_id, Msg.GET_STATE)
        await peer.reply(tx_id, b"v")
        assert response_of(await peer.expect(tx_id, Msg.COMPLETED)).payload == b"v"

    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        caplog.set_level(logging.INFO, logger=_handler.__name__)
        await one_read("tx1")
        assert named == []  # a disabled debug line is not even formatted
        caplog.set_level(logging.DEBUG, logger=_handler.__name__)
        await one_read("tx2")
    received = [r.getMessage() for r in caplog.records if r.getMessage().startswith("received")]
    assert received == ["received TRANSACTION for tx tx2", "received RESPONSE for tx tx2"]


class Awkward(Contract):
    """Contract code that raises what a contract should not, yet still deserves an answer."""

    name = "awkward"

    @transaction
    async def AwaitCancelledTask(self, ctx: Context) -> str:
        task = asyncio.create_task(asyncio.Event().wait())
        await asyncio.sleep(0)   # let it start
        task.cancel()
        await task               # raises CancelledError here, in the transaction's own task
        return "unreachable"

    @transaction
    async def ExitOnBadInput(self, ctx: Context) -> None:
        raise SystemExit(2)      # what argparse or click do with input they cannot parse

    @transaction
    async def ExitInAChildTask(self, ctx: Context) -> None:
        async def parse() -> None:
            raise SystemExit(2)
        await asyncio.gather(parse())   # out of a task, asyncio would re-raise SystemExit from the event loop

    @transaction
    async def Interrupted(self, ctx: Context) -> None:
        raise KeyboardInterrupt

    @transaction(evaluate=True)
    async def TwoReadersAtOnce(self, ctx: Context) -> dict:
        rows = ctx.stub.get_state_by_range("a", "z")
        first = await asyncio.gather(anext(rows), anext(rows))
        return {"first_two": [kv.key for kv in first], "rest": [kv.key async for kv in rows]}

    @transaction(evaluate=True)
    async def GiveUpThenReadAgain(self, ctx: Context) -> dict:
        rows = ctx.stub.get_state_by_range("a", "z")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(anext(rows), 0.2)
        return {"keys": [kv.key async for kv in rows]}

    @transaction(evaluate=True)
    async def RangeAgainAfterRefusal(self, ctx: Context) -> dict:
        rows = ctx.stub.get_state_by_range("a", "z")
        try:
            return {"keys": [kv.key async for kv in rows]}
        except PeerError as refusal:
            return {"refused": str(refusal), "keys": [kv.key async for kv in rows]}

    @transaction
    async def RefuseLoneSurrogate(self, ctx: Context) -> None:
        raise ContractError("unknown field \udc80")

    @transaction
    async def EmitUnnameable(self, ctx: Context) -> None:
        ctx.stub.set_event("created\udc80", b"{}")


@pytest.mark.parametrize("function, message", [
    # a CancelledError from awaiting a task the contract cancelled: not the transaction's own cancellation
    ("awkward:AwaitCancelledTask", "CancelledError: the transaction awaited a task or future that was cancelled"),
    # what argparse or click raise on input they cannot parse, in the transaction's task or in one it started
    ("awkward:ExitOnBadInput", "SystemExit: 2: contract code, or a library it calls"),
    ("awkward:ExitInAChildTask", "ExitInTask: SystemExit(2) in a task"),
])
async def test_what_contract_code_should_not_raise_fails_its_transaction_alone_and_the_stream_goes_on(function,
                                                                                                       message):
    async with running_server([Awkward(), Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", function)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert response.status == 500 and response.message.startswith(message), response.message
        await peer.start("tx2", "wire:Read", "k")
        await peer.expect("tx2", Msg.GET_STATE)
        await peer.reply("tx2", b"still serving")
        assert response_of(await peer.expect("tx2", Msg.COMPLETED)).payload == b"still serving"


async def test_readers_of_a_query_at_once_share_its_one_request_and_read_each_row_once():
    async with running_server([Awkward()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "awkward:TwoReadersAtOnce")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("b"), kv_row("c")], has_more=False,
                                                       id="iter-1").SerializeToString())
        completed = await peer.expect("tx1", Msg.COMPLETED)    # no second GET_STATE_BY_RANGE before it
        assert json.loads(response_of(completed).payload) == {"first_two": ["b", "c"], "rest": []}


async def test_a_reader_that_gave_up_waiting_leaves_the_query_open_for_the_next_not_sent_twice():
    # the peer opened iter-1 for the first request: sending the query again would open a second iterator on the
    # peer that nothing closes, and read the first rows twice
    async with running_server([Awkward()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "awkward:GiveUpThenReadAgain")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await asyncio.sleep(0.4)
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("b")], has_more=True,
                                                       id="iter-1").SerializeToString())
        following = await peer.expect("tx1", Msg.QUERY_STATE_NEXT)
        assert shim_pb2.QueryStateNext.FromString(following.payload).id == "iter-1"
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("c")], has_more=False,
                                                       id="iter-1").SerializeToString())
        assert json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload) == {"keys": ["b", "c"]}


async def test_a_keyboard_interrupt_is_not_answered_as_a_failure_but_stops_the_caller():
    # the operator's request to stop: turned into one transaction's status 500 it would be lost
    ledger = MemoryLedger([Awkward()])
    with pytest.raises(KeyboardInterrupt):
        await ledger.submit(CALLER, "awkward:Interrupted")


async def test_a_query_the_peer_refused_is_sent_again_when_iterated_again_not_taken_for_empty():
    async with running_server([Awkward()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "awkward:RangeAgainAfterRefusal")
        first = await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await peer.reply("tx1", b"GET_STATE_BY_RANGE failed: transaction ID: tx1: no ledger context", error=True)
        again = await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        assert again.payload == first.payload
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row("b"), kv_row("c")], has_more=False,
                                                       id="iter-1").SerializeToString())
        assert json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload) == {
            "refused": "GET_STATE_BY_RANGE failed: transaction ID: tx1: no ledger context", "keys": ["b", "c"]}


async def test_a_message_that_is_not_valid_unicode_still_completes_with_the_character_replaced():
    async with running_server([Awkward()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "awkward:RefuseLoneSurrogate")
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (500, "unknown field ?")


async def test_an_event_name_that_is_not_valid_unicode_fails_the_transaction_naming_it():
    async with running_server([Awkward()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "awkward:EmitUnnameable")
        completed = await peer.expect("tx1", Msg.COMPLETED)
        assert not completed.HasField("chaincode_event")
        response = response_of(completed)
        assert response.status == 500
        assert response.message.startswith("ValueError: event name 'created\\udc80' holds an unpaired surrogate")


def test_completed_replaces_what_protobuf_cannot_encode_in_the_event_name_too():
    transaction = Msg(type=Msg.TRANSACTION, txid="tx1", channel_id=CHANNEL)
    completed = _completed_message(transaction, Response(200, "ok\udc80", b"done"), ("created\udc80", b"{}"))
    assert (completed.txid, completed.channel_id) == ("tx1", CHANNEL)
    assert response_of(completed) == proposal_response_pb2.Response(status=200, message="ok?", payload=b"done")
    assert (completed.chaincode_event.event_name, completed.chaincode_event.payload) == ("created?", b"{}")


class ScriptedPeer:
    """The peer's side of one stream, in process: the test sends each message itself, and ``log``
    keeps what both sides sent, in the order they sent it."""

    def __init__(self, slow_key: str | None = None) -> None:
        self.incoming: asyncio.Queue = asyncio.Queue()   # what the chaincode reads
        self.outgoing: asyncio.Queue = asyncio.Queue()   # what the chaincode wrote
        self.log: list[tuple[str, str]] = []
        # Writing a GET_STATE of slow_key takes until the test sets write_done, holding the stream.
        self.slow_key = slow_key
        self.slow_write = asyncio.Event()
        self.write_done = asyncio.Event()

    async def write(self, message) -> None:
        if message.type == Msg.GET_STATE and shim_pb2.GetState.FromString(message.payload).key == self.slow_key:
            self.slow_write.set()
            await self.write_done.wait()
        self.log.append(("chaincode", Msg.Type.Name(message.type)))
        self.outgoing.put_nowait(message)

    def send(self, message) -> None:
        self.log.append(("peer", Msg.Type.Name(message.type)))
        self.incoming.put_nowait(message)

    async def received(self, message_type: int):
        message = await asyncio.wait_for(self.outgoing.get(), 5)
        assert Msg.Type.Name(message.type) == Msg.Type.Name(message_type), message
        return message

    @contextlib.asynccontextmanager
    async def serving(self, *contracts: Contract, **handler_options):
        """A StreamHandler of ``contracts``, registered; ``handler_options`` its keywords (reply_timeout)."""
        handler = StreamHandler(ContractRouter(list(contracts)).invoke, PACKAGE_ID, self.incoming.get,
                                self.write, **handler_options)
        running = asyncio.create_task(handler.run())
        await self.received(Msg.REGISTER)
        self.send(Msg(type=Msg.REGISTERED))
        self.send(Msg(type=Msg.READY, payload=PeerOptions().to_ready_payload()))
        try:
            yield handler
        finally:
            self.incoming.put_nowait(None)   # the peer closes the stream
            await asyncio.wait_for(running, 5)

    def start(self, tx_id: str, *args: str) -> None:
        self.send(Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=CHANNEL,
                      payload=chaincode_pb2.ChaincodeInput(args=[a.encode() for a in args]).SerializeToString()))

    def reply(self, tx_id: str, payload: bytes) -> None:
        self.send(Msg(type=Msg.RESPONSE, txid=tx_id, channel_id=CHANNEL, payload=payload))


class Impatient(Contract):
    """Starts reading "a", gives up on it once ``give_up`` is set (as asyncio.wait_for or a failed
    TaskGroup sibling would), then carries on."""

    name = "impatient"

    def __init__(self) -> None:
        super().__init__()
        self.give_up = asyncio.Event()
        self.gave_up = asyncio.Event()

    async def _abandon_reading_a(self, ctx: Context) -> None:
        reading = asyncio.create_task(ctx.stub.get_state("a"))
        await self.give_up.wait()
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        self.gave_up.set()

    @transaction(evaluate=True)
    async def ThenReadB(self, ctx: Context) -> bytes:
        await self._abandon_reading_a(ctx)
        return await ctx.stub.get_state("b")

    @transaction(evaluate=True)
    async def ThenReturn(self, ctx: Context) -> str:
        await self._abandon_reading_a(ctx)
        return "gave up"


async def test_after_a_request_is_abandoned_the_next_waits_for_its_reply_and_gets_its_own():
    peer, contract = ScriptedPeer(), Impatient()
    async with peer.serving(contract):
        peer.start("tx1", "ThenReadB")
        first = await peer.received(Msg.GET_STATE)
        assert shim_pb2.GetState.FromString(first.payload).key == "a"
        contract.give_up.set()
        await contract.gave_up.wait()
        peer.reply("tx1", b"value of a")   # the peer answers what it was asked, abandoned or not
        second = await peer.received(Msg.GET_STATE)
        assert shim_pb2.GetState.FromString(second.payload).key == "b"
        peer.reply("tx1", b"value of b")
        assert response_of(await peer.received(Msg.COMPLETED)).payload == b"value of b"
    assert peer.log[-5:] == [("chaincode", "GET_STATE"), ("peer", "RESPONSE"), ("chaincode", "GET_STATE"),
                             ("peer", "RESPONSE"), ("chaincode", "COMPLETED")]


async def test_completed_waits_for_the_reply_to_an_abandoned_request(caplog):
    peer, contract = ScriptedPeer(), Impatient()
    async with peer.serving(contract):
        peer.start("tx1", "ThenReturn")
        await peer.received(Msg.GET_STATE)
        contract.give_up.set()
        await contract.gave_up.wait()
        peer.reply("tx1", b"value of a")
        assert response_of(await peer.received(Msg.COMPLETED)).payload == b"gave up"
    assert peer.log[-3:] == [("chaincode", "GET_STATE"), ("peer", "RESPONSE"), ("chaincode", "COMPLETED")]
    assert not [r for r in caplog.records if "dropping an unexpected" in r.getMessage()]


async def test_a_reply_that_comes_in_the_tick_its_request_is_given_up_still_frees_the_transaction(caplog):
    """Given up first, answered in the same tick: the reply must still be taken as the abandoned request's,
    or nothing frees the transaction's slot and no COMPLETED is ever sent."""
    peer, contract = ScriptedPeer(), Impatient()
    async with peer.serving(contract) as handler:
        peer.start("tx1", "ThenReturn")
        await peer.received(Msg.GET_STATE)
        contract.give_up.set()             # the contract cancels its read on its next step...
        peer.reply("tx1", b"value of a")   # ...and the reader takes this reply on the step after
        assert response_of(await peer.received(Msg.COMPLETED)).payload == b"gave up"
        assert handler._pending_replies == {}
    assert not [r for r in caplog.records if "dropping an unexpected" in r.getMessage()]


async def test_a_transaction_still_waiting_when_the_stream_closes_is_cancelled_unanswered():
    peer = ScriptedPeer()
    async with peer.serving(Wire()) as handler:
        peer.start("tx1", "wire:Read", "k")
        await peer.received(Msg.GET_STATE)
    assert peer.log[-1] == ("chaincode", "GET_STATE")   # no COMPLETED on a stream that is gone
    assert [status for _, status in handler.metrics.transactions] == ["cancelled"]
    assert handler.metrics.in_flight == 0


async def test_a_request_abandoned_before_it_could_be_written_is_not_waited_for():
    peer, contract = ScriptedPeer(slow_key="slow"), Impatient()
    async with peer.serving(contract, Wire()) as handler:
        peer.start("tx0", "wire:Read", "slow")   # its request holds the stream while it is written
        await peer.slow_write.wait()
        peer.start("tx1", "ThenReadB")
        for _ in range(1000):   # until tx1's request for "a" queues behind it
            if handler.metrics.peer_requests.get(Msg.GET_STATE) == 2:
                break
            await asyncio.sleep(0)
        assert handler.metrics.peer_requests.get(Msg.GET_STATE) == 2
        contract.give_up.set()
        await contract.gave_up.wait()
        peer.write_done.set()
        written = [await peer.received(Msg.GET_STATE), await peer.received(Msg.GET_STATE)]
        assert [(m.txid, shim_pb2.GetState.FromString(m.payload).key) for m in written] == [
            ("tx0", "slow"), ("tx1", "b")]   # "a" never went out, so no reply to it is awaited
        peer.reply("tx1", b"value of b")
        assert response_of(await peer.received(Msg.COMPLETED)).payload == b"value of b"
        peer.reply("tx0", b"slow value")
        assert response_of(await peer.received(Msg.COMPLETED)).payload == b"slow value"


class Pong(Contract):
    name = "pong"

    @transaction(evaluate=True)
    async def Ping(self, ctx: Context) -> str:
        return "pong"


def test_registered_and_ready_again_once_ready_are_logged_and_ignored(caplog):
    """A second REGISTERED after READY once took the stream back to ESTABLISHED, and every later transaction
    was refused: once ready, the stream serves on."""
    async def scenario():
        peer = ScriptedPeer()
        async with peer.serving(Pong()):
            peer.start("tx1", "pong:Ping")
            first = await peer.received(Msg.COMPLETED)
            peer.send(Msg(type=Msg.REGISTERED))          # out of turn: the stream stays ready
            peer.send(Msg(type=Msg.READY, payload=PeerOptions().to_ready_payload()))
            peer.start("tx2", "pong:Ping")
            second = await peer.received(Msg.COMPLETED)
        return first, second

    with caplog.at_level(logging.WARNING, logger="chaincode"):
        first, second = asyncio.run(scenario())
    assert [response_of(m).payload for m in (first, second)] == [b"pong", b"pong"]
    ignored = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ignoring")]
    assert ignored == ["ignoring REGISTERED in state ready", "ignoring READY in state ready"], ignored


@pytest.mark.parametrize(("handshake", "said"), [
    ([Msg.READY], "READY out of turn in state created"),
    ([Msg.REGISTERED, Msg.REGISTERED], "REGISTERED out of turn in state established"),
])
def test_registered_or_ready_out_of_turn_before_ready_ends_the_stream(caplog, handshake, said):
    """As the Go shim does: a stream whose handshake went wrong would never be ready, and every transaction on it
    would be refused for as long as it lived; ended, the peer launches the chaincode again."""
    async def scenario():
        peer = ScriptedPeer()
        handler = StreamHandler(ContractRouter([Pong()]).invoke, PACKAGE_ID, peer.incoming.get, peer.write)
        running = asyncio.create_task(handler.run())
        await peer.received(Msg.REGISTER)
        for kind in handshake:
            peer.send(Msg(type=kind, payload=PeerOptions().to_ready_payload() if kind == Msg.READY else b""))
        await asyncio.wait_for(running, 5)   # ended by the chaincode: the peer has not closed the stream
        return peer.log

    with caplog.at_level(logging.WARNING, logger="chaincode"):
        log = asyncio.run(scenario())
    assert log == [("chaincode", "REGISTER")] + [("peer", Msg.Type.Name(kind)) for kind in handshake]
    ended = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert ended == [f"ending the chaincode stream: {said} (the peer sends REGISTERED, then READY)"], ended
