"""FeatureContract: one transaction per runtime feature, for integration tests on the real network.

Deploy it with the collections config from :func:`feature_collections_json`
(the file Fabric's ``--collections-config`` takes) and call each transaction
to prove the runtime end to end: state, ranges and pages, composite keys,
history, private data, key-level endorsement, events, transient data and the
caller's identity. Values travel as UTF-8 text to keep the calls readable.
"""

from __future__ import annotations

import json
from typing import Any

from chaincode.contract import Context, Contract, ContractError, transaction
from chaincode.shim import KV, KeyEndorsementPolicy

FEATURE_COLLECTION = "features_private"
FEATURE_COLLECTION_MEMBERS = ("CoreEnterpriseMSP", "SupplierMSP")
TRANSIENT_VALUE_KEY = "value"


def feature_collections_config(members: tuple[str, ...] = FEATURE_COLLECTION_MEMBERS) -> list[dict[str, Any]]:
    """The collection definitions for ``features_private``, shared by the member orgs only."""
    policy = "OR(" + ",".join(f"'{msp}.member'" for msp in members) + ")"
    return [
        {
            "name": FEATURE_COLLECTION,
            "policy": policy,
            "requiredPeerCount": 0,
            "maxPeerCount": len(members),
            "blockToLive": 0,
            "memberOnlyRead": True,
            "memberOnlyWrite": True,
        }
    ]


def feature_collections_json(members: tuple[str, ...] = FEATURE_COLLECTION_MEMBERS) -> str:
    return json.dumps(feature_collections_config(members), indent=2)


FEATURE_COLLECTIONS = feature_collections_config()


def _text(value: bytes | None) -> str | None:
    return value.decode("utf-8", "replace") if value is not None else None


def _rows(rows: list[KV]) -> list[dict[str, str]]:
    return [{"key": kv.key, "value": kv.value.decode("utf-8", "replace")} for kv in rows]


class FeatureContract(Contract):
    name = "features"

    # -- world state

    @transaction
    async def PutState(self, ctx: Context, key: str, value: str) -> dict:
        await ctx.stub.put_state(key, value.encode())
        return {"key": key, "value": value}

    @transaction
    async def PutStates(self, ctx: Context, entries: dict[str, str]) -> list[str]:
        for key, value in entries.items():
            await ctx.stub.put_state(key, value.encode())
        return sorted(entries)

    @transaction(evaluate=True)
    async def GetState(self, ctx: Context, key: str) -> dict:
        return {"key": key, "value": _text(await ctx.stub.get_state(key))}

    @transaction(evaluate=True)
    async def GetStates(self, ctx: Context, keys: list[str]) -> list[str | None]:
        return [_text(value) for value in await ctx.stub.get_multiple_states(keys)]

    @transaction
    async def DeleteState(self, ctx: Context, key: str) -> dict:
        if await ctx.stub.get_state(key) is None:
            raise ContractError(f"key {key!r} has no value to delete")
        await ctx.stub.del_state(key)
        return {"key": key, "deleted": True}

    @transaction(evaluate=True)
    async def GetRange(self, ctx: Context, start: str, end: str) -> list[dict]:
        return _rows([kv async for kv in ctx.stub.get_state_by_range(start, end)])

    @transaction(evaluate=True)
    async def GetRangePage(self, ctx: Context, start: str, end: str, page_size: int, bookmark: str = "") -> dict:
        rows, meta = await ctx.stub.get_state_by_range_with_pagination(start, end, page_size, bookmark)
        return {"records": _rows(rows), "fetched_records_count": meta.fetched_records_count, "bookmark": meta.bookmark}

    # -- composite keys

    @transaction
    async def PutIndexed(self, ctx: Context, object_type: str, attributes: list[str], value: str) -> dict:
        key = ctx.stub.create_composite_key(object_type, attributes)
        await ctx.stub.put_state(key, value.encode())
        return {"object_type": object_type, "attributes": attributes}

    @transaction(evaluate=True)
    async def GetByPartialKey(self, ctx: Context, object_type: str, attributes: list[str]) -> list[dict]:
        found = []
        async for kv in ctx.stub.get_state_by_partial_composite_key(object_type, attributes):
            kind, attrs = ctx.stub.split_composite_key(kv.key)
            found.append({"object_type": kind, "attributes": attrs, "value": kv.value.decode("utf-8", "replace")})
        return found

    @transaction(evaluate=True)
    async def GetByPartialKeyPage(
        self, ctx: Context, object_type: str, attributes: list[str], page_size: int, bookmark: str = ""
    ) -> dict:
        rows, meta = await ctx.stub.get_state_by_partial_composite_key_with_pagination(
            object_type, attributes, page_size, bookmark
        )
        return {
            "records": [
                {"attributes": ctx.stub.split_composite_key(kv.key)[1], "value": kv.value.decode("utf-8", "replace")}
                for kv in rows
            ],
            "fetched_records_count": meta.fetched_records_count,
            "bookmark": meta.bookmark,
        }

    # -- history

    @transaction(evaluate=True)
    async def GetHistory(self, ctx: Context, key: str) -> list[dict]:
        return [
            {
                "tx_id": mod.tx_id,
                "value": mod.value.decode("utf-8", "replace"),
                "timestamp": mod.timestamp.isoformat() if mod.timestamp else None,
                "is_delete": mod.is_delete,
            }
            async for mod in ctx.stub.get_history_for_key(key)
        ]

    # -- private data (collection features_private)

    @transaction
    async def PutPrivate(self, ctx: Context, key: str) -> dict:
        """Store the transient ``value`` privately: it never appears in the transaction itself."""
        value = ctx.stub.get_transient().get(TRANSIENT_VALUE_KEY)
        if not value:
            raise ContractError(f"send the private value as transient data under {TRANSIENT_VALUE_KEY!r}")
        await ctx.stub.put_private_data(FEATURE_COLLECTION, key, value)
        return {"collection": FEATURE_COLLECTION, "key": key}

    @transaction(evaluate=True)
    async def GetPrivate(self, ctx: Context, key: str) -> dict:
        return {"key": key, "value": _text(await ctx.stub.get_private_data(FEATURE_COLLECTION, key))}

    @transaction(evaluate=True)
    async def GetPrivateHash(self, ctx: Context, key: str) -> dict:
        digest = await ctx.stub.get_private_data_hash(FEATURE_COLLECTION, key)
        return {"key": key, "sha256": digest.hex() if digest else None}

    @transaction(evaluate=True)
    async def GetPrivateRange(self, ctx: Context, start: str, end: str) -> list[dict]:
        return _rows([kv async for kv in ctx.stub.get_private_data_by_range(FEATURE_COLLECTION, start, end)])

    @transaction
    async def DeletePrivate(self, ctx: Context, key: str) -> dict:
        await ctx.stub.del_private_data(FEATURE_COLLECTION, key)
        return {"key": key, "deleted": True}

    @transaction
    async def PurgePrivate(self, ctx: Context, key: str) -> dict:
        await ctx.stub.purge_private_data(FEATURE_COLLECTION, key)
        return {"key": key, "purged": True}

    # -- key-level endorsement

    @transaction
    async def SetKeyEndorsers(self, ctx: Context, key: str, msp_ids: list[str]) -> list[str]:
        """From now on, changes to ``key`` need endorsements from all of ``msp_ids`` (as members)."""
        if not msp_ids:
            raise ContractError("name at least one MSP ID")
        policy = KeyEndorsementPolicy()
        policy.add_orgs("MEMBER", *msp_ids)
        await ctx.stub.set_state_validation_parameter(key, policy.policy())
        return policy.list_orgs()

    @transaction(evaluate=True)
    async def GetKeyEndorsers(self, ctx: Context, key: str) -> list[str]:
        policy = await ctx.stub.get_state_validation_parameter(key)
        return KeyEndorsementPolicy(policy).list_orgs() if policy else []

    # -- events, transient data, identity

    @transaction
    async def EmitEvent(self, ctx: Context, name: str, payload: str) -> dict:
        ctx.stub.set_event(name, payload.encode())
        return {"event": name}

    @transaction(evaluate=True)
    async def EchoTransient(self, ctx: Context) -> dict[str, str]:
        return {key: value.decode("utf-8", "replace") for key, value in sorted(ctx.stub.get_transient().items())}

    @transaction(evaluate=True)
    async def WhoAmI(self, ctx: Context) -> dict:
        identity = ctx.client_identity
        return {
            "msp_id": identity.msp_id,
            "id": identity.id,
            "attributes": identity.attributes,
            "tx_id": ctx.stub.tx_id,
            "channel_id": ctx.stub.channel_id,
            "timestamp": ctx.stub.get_tx_timestamp().isoformat(),
        }
