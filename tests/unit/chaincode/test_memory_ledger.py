"""MemoryLedger semantics: commit on 200 only, no read-your-writes, queries, history, private data, batching."""

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

from chaincode.contract import Context, ContractError, transaction
from chaincode.shim import KeyEndorsementPolicy, PeerOptions
from chaincode.testing import MemoryLedger, make_identity
from chaincode.testing._proposals import make_signed_proposal

from .memory_ledger_support import PutsState

ALICE = make_identity("SupplierMSP", "alice", attrs={"recfin.party": "91310000X"})
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def kvs(rows):
    return [[kv.key, kv.value.decode()] for kv in rows]


class Probe(PutsState):
    """Thin transactions over the stub so tests can drive each ledger feature."""

    name = "probe"

    @transaction
    async def Increment(self, ctx: Context, key: str) -> int:
        count = int(await ctx.stub.get_state(key) or b"0") + 1
        await ctx.stub.put_state(key, str(count).encode())
        return count

    @transaction
    async def PutMany(self, ctx: Context, entries: dict) -> None:
        for key, value in entries.items():
            await ctx.stub.put_state(key, value.encode())

    @transaction
    async def PutThenRead(self, ctx: Context, key: str, value: str) -> dict:
        before = await ctx.stub.get_state(key)
        await ctx.stub.put_state(key, value.encode())
        after = await ctx.stub.get_state(key)
        return {"before": before and before.decode(), "after": after and after.decode()}

    @transaction
    async def PutThenFail(self, ctx: Context, key: str) -> None:
        await ctx.stub.put_state(key, b"doomed")
        await ctx.stub.set_state_validation_parameter(key, b"policy")
        raise ContractError("changed my mind")

    @transaction
    async def Delete(self, ctx: Context, key: str) -> None:
        await ctx.stub.del_state(key)

    @transaction(evaluate=True)
    async def Get(self, ctx: Context, key: str) -> dict:
        value = await ctx.stub.get_state(key)
        return {"value": value.decode() if value is not None else None}

    @transaction(evaluate=True)
    async def GetMany(self, ctx: Context, keys: list[str]) -> list:
        return [v and v.decode() for v in await ctx.stub.get_multiple_states(keys)]

    @transaction(evaluate=True)
    async def Range(self, ctx: Context, start: str, end: str) -> list:
        return kvs([kv async for kv in ctx.stub.get_state_by_range(start, end)])

    @transaction(evaluate=True)
    async def Page(self, ctx: Context, start: str, end: str, size: int, bookmark: str) -> dict:
        rows, meta = await ctx.stub.get_state_by_range_with_pagination(start, end, size, bookmark)
        return {"rows": kvs(rows), "count": meta.fetched_records_count, "bookmark": meta.bookmark}

    @transaction
    async def Index(self, ctx: Context, object_type: str, attributes: list[str], value: str) -> dict:
        key = ctx.stub.create_composite_key(object_type, attributes)
        await ctx.stub.put_state(key, value.encode())
        return {"key": key}

    @transaction(evaluate=True)
    async def ByPrefix(self, ctx: Context, object_type: str, attributes: list[str]) -> list:
        rows = [kv async for kv in ctx.stub.get_state_by_partial_composite_key(object_type, attributes)]
        return [[*ctx.stub.split_composite_key(kv.key), kv.value.decode()] for kv in rows]

    @transaction(evaluate=True)
    async def PrefixPage(self, ctx: Context, object_type: str, size: int, bookmark: str) -> dict:
        rows, meta = await ctx.stub.get_state_by_partial_composite_key_with_pagination(object_type, [], size, bookmark)
        return {"values": [kv.value.decode() for kv in rows], "bookmark": meta.bookmark}

    @transaction(evaluate=True)
    async def History(self, ctx: Context, key: str) -> list:
        return [
            [m.tx_id, m.value.decode(), m.timestamp.isoformat(), m.is_delete]
            async for m in ctx.stub.get_history_for_key(key)
        ]

    @transaction
    async def PutPrivate(self, ctx: Context, collection: str, key: str) -> None:
        await ctx.stub.put_private_data(collection, key, ctx.stub.get_transient()["value"])

    @transaction(evaluate=True)
    async def GetPrivate(self, ctx: Context, collection: str, key: str) -> dict:
        value = await ctx.stub.get_private_data(collection, key)
        digest = await ctx.stub.get_private_data_hash(collection, key)
        return {"value": value and value.decode(), "hash": digest and digest.hex()}

    @transaction
    async def DeletePrivate(self, ctx: Context, collection: str, key: str, purge: bool) -> None:
        if purge:
            await ctx.stub.purge_private_data(collection, key)
        else:
            await ctx.stub.del_private_data(collection, key)

    @transaction(evaluate=True)
    async def PrivateRange(self, ctx: Context, collection: str) -> list:
        return kvs([kv async for kv in ctx.stub.get_private_data_by_range(collection, "", "")])

    @transaction(evaluate=True)
    async def PrivateHash(self, ctx: Context, collection: str, key: str) -> str | None:
        digest = await ctx.stub.get_private_data_hash(collection, key)
        return digest and digest.hex()

    @transaction(evaluate=True)
    async def GetManyPrivate(self, ctx: Context, collection: str, keys: list[str]) -> list:
        return [v and v.decode() for v in await ctx.stub.get_multiple_private_data(collection, keys)]

    @transaction(evaluate=True)
    async def PrivateByPrefix(self, ctx: Context, collection: str, object_type: str) -> list:
        rows = ctx.stub.get_private_data_by_partial_composite_key(collection, object_type, [])
        return [[*ctx.stub.split_composite_key(kv.key), kv.value.decode()] async for kv in rows]

    @transaction
    async def Endorse(self, ctx: Context, key: str, orgs: list[str]) -> list:
        policy = KeyEndorsementPolicy(await ctx.stub.get_state_validation_parameter(key))
        policy.add_orgs("MEMBER", *orgs)
        await ctx.stub.set_state_validation_parameter(key, policy.policy())
        return policy.list_orgs()

    @transaction
    async def PutAndEndorse(self, ctx: Context, key: str, values: list[str], org: str) -> None:
        """Write ``key`` once per value, in order, then set its policy to ``org``: all in one transaction."""
        for value in values:
            await ctx.stub.put_state(key, value.encode())
        policy = KeyEndorsementPolicy()
        policy.add_orgs("MEMBER", org)
        await ctx.stub.set_state_validation_parameter(key, policy.policy())

    @transaction
    async def EndorsePrivate(self, ctx: Context, collection: str, key: str, org: str) -> None:
        policy = KeyEndorsementPolicy()
        policy.add_orgs("PEER", org)
        await ctx.stub.set_private_data_validation_parameter(collection, key, policy.policy())

    @transaction(evaluate=True)
    async def PrivatePolicy(self, ctx: Context, collection: str, key: str) -> list:
        raw = await ctx.stub.get_private_data_validation_parameter(collection, key)
        return KeyEndorsementPolicy(raw).list_orgs() if raw else []

    @transaction
    async def Emit(self, ctx: Context, first: str, second: str) -> None:
        ctx.stub.set_event(first, b"1")
        ctx.stub.set_event(second, b"2")

    @transaction(evaluate=True)
    async def Whoami(self, ctx: Context) -> dict:
        identity = ctx.client_identity
        return {
            "msp": identity.msp_id,
            "id": identity.id,
            "party": identity.get_attribute("recfin.party"),
            "time": ctx.stub.get_tx_timestamp().isoformat(),
            "tx": ctx.stub.tx_id,
            "channel": ctx.stub.channel_id,
            "binding": len(ctx.stub.get_binding()),
            "signed": bool(ctx.stub.get_signed_proposal().signature),
        }

    @transaction(evaluate=True)
    async def Rich(self, ctx: Context) -> list:
        return [kv.key async for kv in ctx.stub.get_query_result('{"selector": {}}')]

    @transaction
    async def PageThenPut(self, ctx: Context) -> int:
        rows, _ = await ctx.stub.get_state_by_range_with_pagination("", "", 10)
        await ctx.stub.put_state("count", str(len(rows)).encode())
        return len(rows)

    @transaction
    async def PutThenPage(self, ctx: Context) -> int:
        await ctx.stub.put_state("w", b"1")
        rows, _ = await ctx.stub.get_state_by_range_with_pagination("", "", 10)
        return len(rows)

    @transaction
    async def PrivateRangeThenPut(self, ctx: Context, collection: str) -> int:
        rows = await ctx.stub.get_private_data_by_range(collection, "", "").collect()
        await ctx.stub.put_private_data(collection, "n", b"1")
        return len(rows)

    @transaction
    async def PutThenPrivateRange(self, ctx: Context, collection: str) -> int:
        await ctx.stub.put_state("w", b"1")
        return len(await ctx.stub.get_private_data_by_range(collection, "", "").collect())

    @transaction
    async def RangeThenPut(self, ctx: Context) -> int:
        rows = await ctx.stub.get_state_by_range("", "").collect()
        await ctx.stub.put_state("count", str(len(rows)).encode())
        return len(rows)


@pytest.fixture(params=["unbatched", "batched"])
def ledger(request):
    """Every test runs twice: with per-call writes/reads, and with Fabric 3.1 batching (tiny batches)."""
    if request.param == "batched":
        options = PeerOptions(use_write_batch=True, max_size_write_batch=2, use_get_multiple_keys=True,
                              max_size_get_multiple_keys=2)
        return MemoryLedger([Probe()], peer_options=options, query_batch_size=2)
    return MemoryLedger([Probe()])


async def ok(ledger, fn, *args, submit=True, **kw):
    call = ledger.submit if submit else ledger.evaluate
    result = await call(ALICE, fn, *args, timestamp=kw.pop("timestamp", T0), **kw)
    assert result.status == 200, result.message
    return json.loads(result.payload) if result.payload else None


async def test_submit_commits_and_evaluate_does_not(ledger):
    await ok(ledger, "Put", "a", "1")
    assert ledger.state == {"a": b"1"}
    await ok(ledger, "Put", "b", "2", submit=False)
    assert "b" not in ledger.state
    assert await ok(ledger, "Get", "a", submit=False) == {"value": "1"}
    assert await ok(ledger, "Get", "b", submit=False) == {"value": None}


async def test_reads_see_committed_state_not_the_transactions_own_writes(ledger):
    await ok(ledger, "Put", "k", "old")
    assert await ok(ledger, "PutThenRead", "k", "new") == {"before": "old", "after": "old"}
    assert ledger.state["k"] == b"new"


async def test_a_failed_transaction_writes_nothing(ledger):
    result = await ledger.submit(ALICE, "PutThenFail", "x")
    assert (result.status, result.message) == (500, "changed my mind")
    assert ledger.state == {} and ledger.validation_parameters == {} and ledger.history == {}


async def test_multiple_states_come_back_in_order(ledger):
    await ok(ledger, "PutMany", json.dumps({"a": "1", "c": "3", "e": "5"}))
    assert await ok(ledger, "GetMany", '["e", "b", "a", "c", "zz"]', submit=False) == ["5", None, "1", "3", None]


async def test_range_queries_are_sorted_half_open_and_skip_composite_keys(ledger):
    await ok(ledger, "PutMany", json.dumps({k: k.upper() for k in "edcba"}))
    await ok(ledger, "Index", "idx", '["x"]', "composite")
    assert await ok(ledger, "Range", "b", "d", submit=False) == [["b", "B"], ["c", "C"]]
    assert [k for k, _ in await ok(ledger, "Range", "", "", submit=False)] == list("abcde")


async def test_pagination_walks_pages_with_bookmarks(ledger):
    await ok(ledger, "PutMany", json.dumps({f"k{i}": str(i) for i in range(5)}))
    page1 = await ok(ledger, "Page", "", "", "2", "", submit=False)
    assert page1 == {"rows": [["k0", "0"], ["k1", "1"]], "count": 2, "bookmark": "k2"}
    page2 = await ok(ledger, "Page", "", "", "2", page1["bookmark"], submit=False)
    assert page2 == {"rows": [["k2", "2"], ["k3", "3"]], "count": 2, "bookmark": "k4"}
    page3 = await ok(ledger, "Page", "", "", "2", page2["bookmark"], submit=False)
    assert page3 == {"rows": [["k4", "4"]], "count": 1, "bookmark": ""}


async def test_a_plain_range_query_stops_at_the_total_query_limit_and_a_paginated_one_walks_past_it(ledger):
    # the peer's ledger.state.totalQueryLimit: the plain query ends early without an error, as on a peer
    await ok(ledger, "PutMany", json.dumps({f"k{i}": str(i) for i in range(5)}))
    ledger.total_query_limit = 3
    assert [k for k, _ in await ok(ledger, "Range", "", "", submit=False)] == ["k0", "k1", "k2"]
    page1 = await ok(ledger, "Page", "", "", "4", "", submit=False)
    page2 = await ok(ledger, "Page", "", "", "4", page1["bookmark"], submit=False)
    assert [k for k, _ in page1["rows"] + page2["rows"]] == [f"k{i}" for i in range(5)]


async def test_the_total_query_limit_caps_a_page_as_the_peer_does(ledger):
    # handler.go calculateTotalReturnLimit: a page holds at most min(page size, totalQueryLimit) rows
    await ok(ledger, "PutMany", json.dumps({f"k{i}": str(i) for i in range(5)}))
    ledger.total_query_limit = 3
    page = await ok(ledger, "Page", "", "", "4", "", submit=False)
    assert page == {"rows": [["k0", "0"], ["k1", "1"], ["k2", "2"]], "count": 3, "bookmark": "k3"}


async def test_a_page_size_the_wire_cannot_carry_is_refused_naming_it(ledger):
    # QueryMetadata.pageSize is an int32: protobuf's own "Value out of range" would not say what to send
    for size in ("0", "-1", "3000000000"):
        result = await ledger.evaluate(ALICE, "Page", "", "", size, "", timestamp=T0)
        assert result.status == 500 and f"page_size {int(size)} is not a whole number from 1 to 2147483647" \
            in result.message, result.message


async def test_composite_keys_query_by_prefix_and_paginate(ledger):
    key = await ok(ledger, "Index", "owner", '["alice", "a1"]', "v1")
    assert key == {"key": "\x00owner\x00alice\x00a1\x00"}
    await ok(ledger, "Index", "owner", '["alice", "a2"]', "v2")
    await ok(ledger, "Index", "owner", '["bob", "b1"]', "v3")
    await ok(ledger, "Index", "ownerx", '["alice", "z"]', "other type")
    assert await ok(ledger, "ByPrefix", "owner", '["alice"]', submit=False) == [
        ["owner", ["alice", "a1"], "v1"],
        ["owner", ["alice", "a2"], "v2"],
    ]
    first = await ok(ledger, "PrefixPage", "owner", "2", "", submit=False)
    assert first["values"] == ["v1", "v2"]
    second = await ok(ledger, "PrefixPage", "owner", "2", first["bookmark"], submit=False)
    assert second == {"values": ["v3"], "bookmark": ""}


async def test_history_lists_writes_and_deletes_newest_first_with_tx_times(ledger):
    first = await ledger.submit(ALICE, "Put", "h", "1", timestamp=T0)
    second = await ledger.submit(ALICE, "Put", "h", "2", timestamp=T0 + timedelta(hours=1))
    third = await ledger.submit(ALICE, "Delete", "h", timestamp=T0 + timedelta(hours=2))
    history = await ok(ledger, "History", "h", submit=False)
    assert history == [
        [third.tx_id, "", (T0 + timedelta(hours=2)).isoformat(), True],
        [second.tx_id, "2", (T0 + timedelta(hours=1)).isoformat(), False],
        [first.tx_id, "1", T0.isoformat(), False],
    ]
    assert "h" not in ledger.state


async def test_a_transactions_writes_of_a_key_leave_one_history_entry_its_last(ledger):
    # the peer's write set holds one write a key, so its history database records one entry a transaction
    result = await ledger.submit(ALICE, "PutAndEndorse", "h", '["1", "2"]', "SupplierMSP", timestamp=T0)
    assert await ok(ledger, "History", "h", submit=False) == [[result.tx_id, "2", T0.isoformat(), False]]
    assert ledger.state["h"] == b"2" and "h" in ledger.validation_parameters


async def test_an_empty_value_deletes_the_key_and_its_policy_as_on_a_peer(ledger):
    # The wire carries no empty value (proto3), and the peer writes a nil value as a delete (rwsetutil
    # newKVWrite): the key goes, history says deleted, and the key's policy goes with it.
    await ok(ledger, "Put", "k", "v")
    await ok(ledger, "Endorse", "k", '["SupplierMSP"]')
    deleted = await ledger.submit(ALICE, "Put", "k", "", timestamp=T0 + timedelta(hours=1))
    assert deleted.status == 200
    assert "k" not in ledger.state and "k" not in ledger.validation_parameters
    assert await ok(ledger, "Range", "", "", submit=False) == []
    assert (await ok(ledger, "History", "k", submit=False))[0] == [
        deleted.tx_id, "", (T0 + timedelta(hours=1)).isoformat(), True]
    # a policy written in the transaction that deletes the key goes too, though written after the delete
    await ok(ledger, "Put", "k", "v")
    await ok(ledger, "PutAndEndorse", "k", '["again", ""]', "SupplierMSP")
    assert "k" not in ledger.state and "k" not in ledger.validation_parameters
    assert (await ok(ledger, "History", "k", submit=False))[0][3] is True


async def test_an_empty_private_value_deletes_the_private_key_and_its_policy(ledger):
    await ok(ledger, "PutPrivate", "terms", "deal", transient={"value": b"secret"})
    await ok(ledger, "EndorsePrivate", "terms", "deal", "BankMSP")
    await ok(ledger, "PutPrivate", "terms", "deal", transient={"value": b""})
    assert ledger.private_state["terms"] == {}
    assert ("terms", "deal") not in ledger.private_validation_parameters
    assert await ok(ledger, "GetPrivate", "terms", "deal", submit=False) == {"value": None, "hash": None}


async def test_private_data_from_transient_with_hash_delete_and_purge(ledger):
    await ok(ledger, "PutPrivate", "terms", "deal1", transient={"value": b"secret"})
    await ok(ledger, "PutPrivate", "terms", "deal2", transient={"value": b"other"})
    assert ledger.private_state["terms"] == {"deal1": b"secret", "deal2": b"other"}
    assert "deal1" not in ledger.state
    assert await ok(ledger, "GetPrivate", "terms", "deal1", submit=False) == {
        "value": "secret",
        "hash": hashlib.sha256(b"secret").hexdigest(),
    }
    assert await ok(ledger, "PrivateRange", "terms", submit=False) == [["deal1", "secret"], ["deal2", "other"]]
    await ok(ledger, "DeletePrivate", "terms", "deal1", "false")
    await ok(ledger, "DeletePrivate", "terms", "deal2", "true")
    assert ledger.private_state["terms"] == {}
    assert await ok(ledger, "GetPrivate", "terms", "deal1", submit=False) == {"value": None, "hash": None}


async def test_multiple_private_values_are_read_from_the_collection_not_the_world_state(ledger):
    # batched, one GET_STATE_MULTIPLE; unbatched, one GET_STATE a key: each must name the collection
    ledger.state.update({"deal1": b"public", "deal2": b"public too"})
    ledger.private_state["terms"] = {"deal1": b"private", "deal3": b"private 3"}
    assert await ok(ledger, "GetManyPrivate", "terms", '["deal1", "deal2", "deal3"]', submit=False) == [
        "private", None, "private 3"]


async def test_a_private_partial_composite_key_query_reads_the_collection_only(ledger):
    public = await ok(ledger, "Index", "offer", '["bank1"]', "public offer")
    ledger.private_state["terms"] = {public["key"]: b"private offer", "plain": b"not composite"}
    assert await ok(ledger, "PrivateByPrefix", "terms", "offer", submit=False) == [
        ["offer", ["bank1"], "private offer"]]


async def test_validation_parameters_are_stored_extended_and_dropped_with_the_key(ledger):
    await ok(ledger, "Put", "r1", "v")
    assert await ok(ledger, "Endorse", "r1", '["SupplierMSP"]') == ["SupplierMSP"]
    # The second call reads the committed policy and adds to it.
    assert await ok(ledger, "Endorse", "r1", '["CoreEnterpriseMSP"]') == ["CoreEnterpriseMSP", "SupplierMSP"]
    assert KeyEndorsementPolicy(ledger.validation_parameters["r1"]).list_orgs() == ["CoreEnterpriseMSP", "SupplierMSP"]
    await ok(ledger, "Delete", "r1")
    assert "r1" not in ledger.validation_parameters


async def test_private_validation_parameters(ledger):
    await ok(ledger, "PutPrivate", "terms", "deal", transient={"value": b"secret"})   # a policy needs a value
    await ok(ledger, "EndorsePrivate", "terms", "deal", "BankMSP")
    assert await ok(ledger, "PrivatePolicy", "terms", "deal", submit=False) == ["BankMSP"]
    assert ("terms", "deal") in ledger.private_validation_parameters


async def test_the_last_event_wins_and_is_recorded_on_commit_only(ledger):
    result = await ledger.submit(ALICE, "Emit", "First", "Second", timestamp=T0)
    assert result.event == ("Second", b"2")
    assert ledger.events == [(result.tx_id, "Second", b"2")]
    evaluated = await ledger.evaluate(ALICE, "Emit", "A", "B")
    assert evaluated.event == ("B", b"2")
    assert len(ledger.events) == 1


async def test_identity_timestamp_and_proposal_come_from_the_signed_proposal(ledger):
    result = await ledger.evaluate(ALICE, "Whoami", timestamp=T0)
    info = json.loads(result.payload)
    assert info == {
        "msp": "SupplierMSP",
        "id": ALICE.id,
        "party": "91310000X",
        "time": "2026-03-02T02:00:00+00:00",
        "tx": result.tx_id,
        "channel": "recfin",
        "binding": 32,
        "signed": True,
    }


async def test_rich_queries_are_refused_with_the_peers_message(ledger):
    result = await ledger.evaluate(ALICE, "Rich")
    assert result.status == 500
    assert result.message == "PeerError: rich queries need a CouchDB state database; MemoryLedger has none"


async def test_batched_writes_arrive_as_write_batches_of_the_peers_size(monkeypatch):
    from chaincode.testing._memory_peer import MemoryPeerSession, Msg

    options = PeerOptions(use_write_batch=True, max_size_write_batch=2)
    ledger = MemoryLedger([Probe()], peer_options=options)
    sent = []
    original = MemoryPeerSession.request

    async def spy(self, message_type, payload):
        sent.append(Msg.Type.Name(message_type))
        return await original(self, message_type, payload)

    monkeypatch.setattr(MemoryPeerSession, "request", spy)
    await ok(ledger, "PutMany", json.dumps({"a": "1", "b": "2", "c": "3"}))
    assert sent == ["WRITE_BATCH_STATE", "WRITE_BATCH_STATE"]
    assert ledger.state == {"a": b"1", "b": b"2", "c": b"3"}


async def test_a_page_comes_back_in_one_reply_with_its_metadata_whatever_the_batch_size():
    # Fabric's peer never cuts a paginated query into batches: the official Node shim reads the page
    # metadata from the first reply only, so a second batch would lose it.
    from fabric_protos.ledger.queryresult import kv_query_result_pb2
    from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

    from chaincode.testing._memory_peer import MemoryPeerSession, Msg

    ledger = MemoryLedger([Probe()], query_batch_size=2)
    ledger.state.update({f"k{i}": str(i).encode() for i in range(5)})
    session = MemoryPeerSession(ledger, batch_size=2)
    request = shim_pb2.GetStateByRange(
        startKey="k", endKey="", metadata=shim_pb2.QueryMetadata(pageSize=3).SerializeToString()
    )
    reply = shim_pb2.QueryResponse.FromString(await session.request(Msg.GET_STATE_BY_RANGE, request.SerializeToString()))
    assert [kv_query_result_pb2.KV.FromString(row.resultBytes).key for row in reply.results] == ["k0", "k1", "k2"]
    assert not reply.has_more
    metadata = shim_pb2.QueryResponseMetadata.FromString(reply.metadata)
    assert (metadata.fetched_records_count, metadata.bookmark) == (3, "k3")


def refused(tx_id: str, request: str, rule: str) -> str:
    """The message a Fabric 3.1 peer's transaction simulator refuses ``request`` with, as the contract sees it."""
    return f"PeerError: {request} failed: transaction ID: {tx_id}: txid [{tx_id}]: unsuppored transaction. {rule}"


PAGINATED_ONLY_READ_ONLY = "Paginated queries are supported only in a read-only transaction"
NO_WRITE_AFTER_PAGINATED = "Transaction has already performed a paginated query. Writes are not allowed"
PRIVATE_ONLY_READ_ONLY = "Queries on pvt data is supported only in a read-only transaction"
NO_WRITE_AFTER_PRIVATE = "Transaction has already performed queries on pvt data. Writes are not allowed"


async def test_a_write_after_a_paginated_query_is_refused_as_the_peer_does(ledger):
    await ok(ledger, "Put", "a", "1")
    result = await ledger.submit(ALICE, "PageThenPut")
    # batched, the write reaches the peer only in the WRITE_BATCH_STATE that ends the transaction
    request = "WRITE_BATCH_STATE" if ledger.peer_options.use_write_batch else "PUT_STATE"
    assert (result.status, result.message) == (500, refused(result.tx_id, request, NO_WRITE_AFTER_PAGINATED))
    assert ledger.state == {"a": b"1"}


async def test_a_paginated_query_after_a_write_is_refused_once_the_peer_has_the_write():
    unbatched = MemoryLedger([Probe()])
    result = await unbatched.submit(ALICE, "PutThenPage")
    assert (result.status, result.message) == (
        500, refused(result.tx_id, "GET_STATE_BY_RANGE", PAGINATED_ONLY_READ_ONLY))
    # batched, the peer has no write yet when the page is asked for: the page is served, and the
    # write batch that follows it fails the transaction
    batched = MemoryLedger([Probe()], peer_options=PeerOptions(use_write_batch=True))
    result = await batched.submit(ALICE, "PutThenPage")
    assert (result.status, result.message) == (
        500, refused(result.tx_id, "WRITE_BATCH_STATE", NO_WRITE_AFTER_PAGINATED))
    assert unbatched.state == batched.state == {}


async def test_a_write_after_a_private_data_range_query_is_refused(ledger):
    result = await ledger.submit(ALICE, "PrivateRangeThenPut", "coll")
    request = "WRITE_BATCH_STATE" if ledger.peer_options.use_write_batch else "PUT_STATE"
    assert (result.status, result.message) == (500, refused(result.tx_id, request, NO_WRITE_AFTER_PRIVATE))
    assert ledger.private_state == {}


async def test_a_private_data_range_query_after_a_write_is_refused_when_the_write_was_sent():
    unbatched = MemoryLedger([Probe()])
    result = await unbatched.submit(ALICE, "PutThenPrivateRange", "coll")
    assert (result.status, result.message) == (
        500, refused(result.tx_id, "GET_STATE_BY_RANGE", PRIVATE_ONLY_READ_ONLY))
    batched = MemoryLedger([Probe()], peer_options=PeerOptions(use_write_batch=True))
    result = await batched.submit(ALICE, "PutThenPrivateRange", "coll")
    assert (result.status, result.message) == (
        500, refused(result.tx_id, "WRITE_BATCH_STATE", NO_WRITE_AFTER_PRIVATE))


async def test_the_rules_hold_per_transaction_and_spare_plain_range_queries(ledger):
    await ok(ledger, "Put", "a", "1")
    assert await ok(ledger, "RangeThenPut") == 1          # an unpaginated range query may precede writes
    assert (await ledger.submit(ALICE, "PageThenPut")).status == 500
    # the next transaction starts afresh: its page and its write are each fine on their own
    assert (await ok(ledger, "Page", "", "", "10", ""))["count"] == 2
    await ok(ledger, "Put", "b", "2")
    assert ledger.state == {"a": b"1", "count": b"1", "b": b"2"}


async def test_a_policy_written_for_a_key_without_a_value_is_dropped_at_commit_as_on_a_peer(ledger):
    # The peer commits a policy write only with a value: where the key has none once the transaction's own
    # writes are in, the write is a no-op (validation/tx_ops.go prepareTxOps), public and private alike, so
    # the key's first value later comes without a policy.
    result = await ledger.submit(ALICE, "Endorse", "ghost", '["SupplierMSP"]', timestamp=T0)
    assert result.status == 200
    await ok(ledger, "EndorsePrivate", "terms", "ghost", "BankMSP")
    assert "ghost" not in ledger.validation_parameters
    assert ("terms", "ghost") not in ledger.private_validation_parameters
    await ok(ledger, "Put", "ghost", "v")
    await ok(ledger, "PutPrivate", "terms", "ghost", transient={"value": b"secret"})
    assert "ghost" not in ledger.validation_parameters
    assert await ok(ledger, "PrivatePolicy", "terms", "ghost", submit=False) == []
    assert await ok(ledger, "History", "ghost", submit=False) == [[ANY_TX, "v", T0.isoformat(), False]]


class _AnyTx(str):
    def __eq__(self, other):
        return isinstance(other, str) and len(other) == 64


ANY_TX = _AnyTx()


async def test_history_ends_at_the_total_query_limit_as_on_a_peer():
    # the peer answers a history query as a plain range query: at most totalQueryLimit rows, the newest
    ledger = MemoryLedger([Probe()], total_query_limit=2)
    for hour, value in enumerate(["1", "2", "3"]):
        await ok(ledger, "Put", "h", value, timestamp=T0 + timedelta(hours=hour))
    assert [row[1] for row in await ok(ledger, "History", "h", submit=False)] == ["3", "2"]
    assert len(ledger.history["h"]) == 3


OUTSIDER = make_identity("CoreEnterpriseMSP", "carol")
COLLECTIONS = [
    {"name": "terms", "policy": "OR('SupplierMSP.member', 'BankMSP.member')", "requiredPeerCount": 0,
     "maxPeerCount": 3, "blockToLive": 0, "memberOnlyRead": True, "memberOnlyWrite": True},
    {"name": "notes", "policy": "OR('SupplierMSP.member')"},   # memberOnlyRead/Write left out: false
]


@pytest.fixture(params=["unbatched", "batched"])
def guarded(request):
    """A ledger that knows the channel's collections, as a peer does."""
    batched = request.param == "batched"
    options = PeerOptions(use_write_batch=True, use_get_multiple_keys=True) if batched else None
    return MemoryLedger([Probe()], peer_options=options, collections=COLLECTIONS)


def refused_by_peer(tx_id: str, request: str, reason: str) -> str:
    return f"PeerError: {request} failed: transaction ID: {tx_id}: {reason}"


def no_permission(access: str, collection: str) -> str:
    return (f"tx creator does not have {access} access permission on privatedata in chaincodeName:recfin "
            f"collectionName: {collection}")


async def test_a_member_only_collection_refuses_a_client_of_another_org_as_the_peer_does(guarded):
    await ok(guarded, "PutPrivate", "terms", "deal", transient={"value": b"secret"})
    assert await ok(guarded, "GetPrivate", "terms", "deal", submit=False) == {
        "value": "secret", "hash": hashlib.sha256(b"secret").hexdigest()}
    write = await guarded.submit(OUTSIDER, "PutPrivate", "terms", "deal", transient={"value": b"forged"})
    request = "WRITE_BATCH_STATE" if guarded.peer_options.use_write_batch else "PUT_STATE"
    assert (write.status, write.message) == (
        500, refused_by_peer(write.tx_id, request, no_permission("write", "terms")))
    read = await guarded.evaluate(OUTSIDER, "GetPrivate", "terms", "deal")
    assert (read.status, read.message) == (
        500, refused_by_peer(read.tx_id, "GET_STATE", no_permission("read", "terms")))
    many = await guarded.evaluate(OUTSIDER, "GetManyPrivate", "terms", '["deal"]')
    request = "GET_STATE_MULTIPLE" if guarded.peer_options.use_get_multiple_keys else "GET_STATE"
    assert many.message == refused_by_peer(many.tx_id, request, no_permission("read", "terms"))
    for function in ("PrivateRange", "PrivatePolicy"):
        args = ("terms",) if function == "PrivateRange" else ("terms", "deal")
        result = await guarded.evaluate(OUTSIDER, function, *args)
        assert result.status == 500 and result.message.endswith(no_permission("read", "terms"))
    deleted = await guarded.submit(OUTSIDER, "DeletePrivate", "terms", "deal", "true")
    assert deleted.status == 500 and deleted.message.endswith(no_permission("write", "terms"))
    assert guarded.private_state == {"terms": {"deal": b"secret"}}


async def test_a_collection_not_member_only_lets_every_org_read_and_write_it(guarded):
    await ok(guarded, "PutPrivate", "notes", "n", transient={"value": b"note"})
    result = await guarded.submit(OUTSIDER, "PutPrivate", "notes", "n", transient={"value": b"theirs"})
    assert result.status == 200, result.message
    read = await guarded.evaluate(OUTSIDER, "GetPrivate", "notes", "n")
    assert json.loads(read.payload)["value"] == "theirs"


async def test_a_collection_the_chaincode_does_not_define_is_refused_with_the_peers_words(guarded):
    read = await guarded.evaluate(ALICE, "GetPrivate", "nope", "k")
    assert (read.status, read.message) == (
        500, refused_by_peer(read.tx_id, "GET_STATE", "collection recfin/recfin/nope could not be found"))
    write = await guarded.submit(ALICE, "PutPrivate", "nope", "k", transient={"value": b"v"})
    assert write.status == 500 and write.message.endswith("collection recfin/recfin/nope could not be found")
    assert guarded.private_state == {}


async def test_a_private_hash_is_for_any_org_of_a_defined_collection():
    guarded = MemoryLedger([Probe()], collections=COLLECTIONS)
    await ok(guarded, "PutPrivate", "terms", "deal", transient={"value": b"secret"})
    hashed = await guarded.evaluate(OUTSIDER, "PrivateHash", "terms", "deal")   # no member of "terms"
    assert hashed.payload == hashlib.sha256(b"secret").hexdigest().encode()
    unknown = await guarded.evaluate(OUTSIDER, "PrivateHash", "nope", "deal")
    assert unknown.message == refused_by_peer(
        unknown.tx_id, "GET_PRIVATE_DATA_HASH", "collection [nope] not defined in the collection config for "
        "chaincode [recfin]")


def test_a_member_policy_the_ledger_cannot_read_is_refused_when_given():
    with pytest.raises(ValueError, match=r"collection 'terms': MemoryLedger reads a member policy only as"):
        MemoryLedger([Probe()], collections=[{"name": "terms", "policy": "AND('A.member', 'B.member')"}])


async def test_of_two_transactions_endorsed_at_once_reading_one_key_the_later_fails_mvcc(ledger):
    # a peer validates a transaction against the state committed since it was endorsed
    # (validation/validator.go)
    await ok(ledger, "Put", "counter", "0")
    first = await ledger.endorse(ALICE, "Increment", "counter")
    second = await ledger.endorse(ALICE, "Increment", "counter")
    assert first.result.payload == second.result.payload == b"1"
    assert ledger.state["counter"] == b"0"                  # endorsed, nothing committed yet
    assert ledger.commit(first) == "VALID"
    assert ledger.commit(second) == "MVCC_READ_CONFLICT"
    assert ledger.state["counter"] == b"1" and len(ledger.history["counter"]) == 2
    assert ledger.commit(first) == "DUPLICATE_TXID"
    assert ledger.state["counter"] == b"1"


async def test_a_read_conflicts_on_the_keys_version_not_its_value(ledger):
    # a key rewritten with the same bytes, or created since it was read absent, has another version
    await ok(ledger, "Put", "k", "v")
    same_value = await ledger.endorse(ALICE, "Increment", "k2")      # reads k2 absent
    reading_k = await ledger.endorse(ALICE, "PutThenRead", "k", "w")
    await ok(ledger, "Put", "k", "v")
    await ok(ledger, "Put", "k2", "7")
    assert ledger.commit(reading_k) == "MVCC_READ_CONFLICT"
    assert ledger.commit(same_value) == "MVCC_READ_CONFLICT"
    assert ledger.state == {"k": b"v", "k2": b"7"}


async def test_a_policy_read_is_a_read_of_the_key(ledger):
    await ok(ledger, "Put", "r1", "v")
    endorsing = await ledger.endorse(ALICE, "Endorse", "r1", '["SupplierMSP"]')
    await ok(ledger, "Put", "r1", "v2")
    assert ledger.commit(endorsing) == "MVCC_READ_CONFLICT"
    assert "r1" not in ledger.validation_parameters


async def test_a_range_read_again_at_commit_fails_a_phantom_and_spares_keys_it_never_read(ledger):
    await ok(ledger, "PutMany", json.dumps({"b": "1", "d": "2"}))
    counting = await ledger.endorse(ALICE, "RangeThenPut")          # reads the whole range, writes "count"
    await ok(ledger, "Put", "c", "new")
    assert ledger.commit(counting) == "PHANTOM_READ_CONFLICT"
    assert "count" not in ledger.state
    # a full page read stops at its last row: a key after it is no phantom, one before it is
    first_page = await ledger.endorse(ALICE, "Page", "", "", "1", "")
    assert json.loads(first_page.result.payload)["rows"] == [["b", "1"]]
    await ok(ledger, "Put", "z", "after")
    assert ledger.commit(first_page) == "VALID"
    first_page = await ledger.endorse(ALICE, "Page", "", "", "1", "")
    await ok(ledger, "Put", "a", "before")
    assert ledger.commit(first_page) == "PHANTOM_READ_CONFLICT"


async def test_a_transaction_that_failed_endorsement_is_not_committed():
    ledger = MemoryLedger([Probe()])
    failed = await ledger.endorse(ALICE, "PutThenFail", "k")
    assert failed.result.status == 500
    with pytest.raises(ValueError, match="failed endorsement .status 500.: a client does not submit it"):
        ledger.commit(failed)
    assert ledger.state == {}


async def test_a_private_read_and_a_hash_read_are_reads_of_the_private_key(ledger):
    await ok(ledger, "PutPrivate", "terms", "deal", transient={"value": b"secret"})
    reading = await ledger.endorse(ALICE, "GetPrivate", "terms", "deal")
    hashing = await ledger.endorse(ALICE, "PrivateHash", "terms", "deal")
    await ok(ledger, "PutPrivate", "terms", "deal", transient={"value": b"changed"})
    assert ledger.commit(reading) == ledger.commit(hashing) == "MVCC_READ_CONFLICT"


async def test_a_proposal_a_client_signed_is_endorsed_as_its_own_transaction_and_validated_at_commit(guarded):
    # what a Gateway's Endorse carries: the transaction id, arguments, creator and time are the proposal's
    def signed_by(identity, *args: bytes):
        return make_signed_proposal(channel_id=guarded.channel_id, chaincode_name=guarded.chaincode_name,
                                    args=list(args), creator=bytes(identity), timestamp=T0 + timedelta(hours=1),
                                    signing_key=identity.private_key)

    await ok(guarded, "Put", "counter", "0")
    (first, first_id), (second, _) = (signed_by(ALICE, b"Increment", b"counter") for _ in range(2))
    endorsed = [await guarded.endorse_proposal(first), await guarded.endorse_proposal(second)]
    assert [e.result.payload for e in endorsed] == [b"1", b"1"]
    assert endorsed[0].result.tx_id == first_id and endorsed[0].timestamp == T0 + timedelta(hours=1)
    assert [guarded.commit(e) for e in endorsed] == ["VALID", "MVCC_READ_CONFLICT"]
    assert guarded.history["counter"][-1].tx_id == first_id
    who = await guarded.endorse_proposal(signed_by(OUTSIDER, b"Whoami")[0])
    assert json.loads(who.result.payload)["msp"] == "CoreEnterpriseMSP"
    # the creator's org is the one the peer checks a member-only collection against
    forged = await guarded.endorse_proposal(signed_by(OUTSIDER, b"GetPrivate", b"terms", b"deal")[0])
    assert forged.result.status == 500 and forged.result.message.endswith(no_permission("read", "terms"))
