"""FeatureContract on MemoryLedger: every runtime feature the integration tests will call on the network."""

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

from chaincode.feature_contract import (
    FEATURE_COLLECTION,
    FEATURE_COLLECTIONS,
    FeatureContract,
    feature_collections_json,
)
from chaincode.shim import KeyEndorsementPolicy, PeerOptions
from chaincode.testing import MemoryLedger, make_identity

SUPPLIER = make_identity("SupplierMSP", "sam", attrs={"recfin.party": "91310000MA1FL8XQ2X"})
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(params=[PeerOptions(), PeerOptions(True, 1, True, 1)], ids=["plain", "batched"])
def ledger(request):
    return MemoryLedger([FeatureContract()], peer_options=request.param, query_batch_size=2)


async def call(ledger, fn, *args, evaluate=False, **kw):
    run = ledger.evaluate if evaluate else ledger.submit
    kw.setdefault("timestamp", T0)
    result = await run(SUPPLIER, f"features:{fn}", *args, **kw)
    assert result.status == 200, result.message
    return json.loads(result.payload)


async def test_state_put_get_many_and_delete(ledger):
    await call(ledger, "PutState", "k1", "v1")
    await call(ledger, "PutStates", '{"k2": "v2", "k3": "v3"}')
    assert await call(ledger, "GetState", "k1", evaluate=True) == {"key": "k1", "value": "v1"}
    assert await call(ledger, "GetStates", '["k3", "nope", "k1"]', evaluate=True) == ["v3", None, "v1"]
    assert await call(ledger, "DeleteState", "k1") == {"key": "k1", "deleted": True}
    assert await call(ledger, "GetState", "k1", evaluate=True) == {"key": "k1", "value": None}
    refused = await ledger.submit(SUPPLIER, "features:DeleteState", "k1")
    assert (refused.status, refused.message) == (500, "key 'k1' has no value to delete")


async def test_ranges_and_pages(ledger):
    await call(ledger, "PutStates", json.dumps({f"r{i}": str(i) for i in range(5)}))
    assert [r["key"] for r in await call(ledger, "GetRange", "r1", "r4", evaluate=True)] == ["r1", "r2", "r3"]
    page = await call(ledger, "GetRangePage", "r", "s", "3", evaluate=True)
    assert [r["key"] for r in page["records"]] == ["r0", "r1", "r2"]
    assert (page["fetched_records_count"], page["bookmark"]) == (3, "r3")
    rest = await call(ledger, "GetRangePage", "r", "s", "3", page["bookmark"], evaluate=True)
    assert [r["key"] for r in rest["records"]] == ["r3", "r4"] and rest["bookmark"] == ""


async def test_composite_keys(ledger):
    await call(ledger, "PutIndexed", "invoice", '["SupplierMSP", "INV1"]', "a")
    await call(ledger, "PutIndexed", "invoice", '["SupplierMSP", "INV2"]', "b")
    await call(ledger, "PutIndexed", "invoice", '["BankMSP", "INV9"]', "c")
    found = await call(ledger, "GetByPartialKey", "invoice", '["SupplierMSP"]', evaluate=True)
    assert found == [
        {"object_type": "invoice", "attributes": ["SupplierMSP", "INV1"], "value": "a"},
        {"object_type": "invoice", "attributes": ["SupplierMSP", "INV2"], "value": "b"},
    ]
    page = await call(ledger, "GetByPartialKeyPage", "invoice", "[]", "2", evaluate=True)
    assert [r["value"] for r in page["records"]] == ["c", "a"]
    rest = await call(ledger, "GetByPartialKeyPage", "invoice", "[]", "2", page["bookmark"], evaluate=True)
    assert rest["records"] == [{"attributes": ["SupplierMSP", "INV2"], "value": "b"}]


async def test_history(ledger):
    await call(ledger, "PutState", "h", "one", timestamp=T0)
    await call(ledger, "PutState", "h", "two", timestamp=T0 + timedelta(minutes=5))
    history = await call(ledger, "GetHistory", "h", evaluate=True)
    assert [(h["value"], h["timestamp"], h["is_delete"]) for h in history] == [
        ("two", "2026-03-02T02:05:00+00:00", False),
        ("one", "2026-03-02T02:00:00+00:00", False),
    ]


async def test_private_data_from_transient(ledger):
    missing = await ledger.submit(SUPPLIER, "features:PutPrivate", "p1")
    assert missing.status == 500 and "transient" in missing.message
    await call(ledger, "PutPrivate", "p1", transient={"value": b"price=42"})
    assert ledger.private_state[FEATURE_COLLECTION] == {"p1": b"price=42"}
    assert await call(ledger, "GetPrivate", "p1", evaluate=True) == {"key": "p1", "value": "price=42"}
    assert await call(ledger, "GetPrivateHash", "p1", evaluate=True) == {
        "key": "p1", "sha256": hashlib.sha256(b"price=42").hexdigest()}
    assert await call(ledger, "GetPrivateRange", "", "", evaluate=True) == [{"key": "p1", "value": "price=42"}]
    await call(ledger, "PutPrivate", "p2", transient={"value": b"x"})
    await call(ledger, "DeletePrivate", "p1")
    await call(ledger, "PurgePrivate", "p2")
    assert ledger.private_state[FEATURE_COLLECTION] == {}
    assert await call(ledger, "GetPrivateHash", "p1", evaluate=True) == {"key": "p1", "sha256": None}


async def test_key_level_endorsement(ledger):
    await call(ledger, "PutState", "guarded", "v")
    assert await call(ledger, "SetKeyEndorsers", "guarded", '["SupplierMSP", "CoreEnterpriseMSP"]') == [
        "CoreEnterpriseMSP", "SupplierMSP"]
    expected = KeyEndorsementPolicy()
    expected.add_orgs("MEMBER", "CoreEnterpriseMSP", "SupplierMSP")
    assert ledger.validation_parameters["guarded"] == expected.policy()
    assert await call(ledger, "GetKeyEndorsers", "guarded", evaluate=True) == ["CoreEnterpriseMSP", "SupplierMSP"]
    assert await call(ledger, "GetKeyEndorsers", "unguarded", evaluate=True) == []


async def test_event_transient_echo_and_identity(ledger):
    result = await ledger.submit(SUPPLIER, "features:EmitEvent", "Ping", '{"n": 1}', timestamp=T0)
    assert result.event == ("Ping", b'{"n": 1}')
    assert ledger.events == [(result.tx_id, "Ping", b'{"n": 1}')]
    echo = await call(ledger, "EchoTransient", evaluate=True, transient={"b": b"2", "a": b"1"})
    assert echo == {"a": "1", "b": "2"}
    who = await ledger.evaluate(SUPPLIER, "features:WhoAmI", timestamp=T0)
    assert json.loads(who.payload) == {
        "msp_id": "SupplierMSP",
        "id": SUPPLIER.id,
        "attributes": {"recfin.party": "91310000MA1FL8XQ2X"},
        "tx_id": who.tx_id,
        "channel_id": "recfin",
        "timestamp": "2026-03-02T02:00:00+00:00",
    }


def test_collections_config_is_what_fabric_takes():
    assert json.loads(feature_collections_json()) == FEATURE_COLLECTIONS
    (collection,) = FEATURE_COLLECTIONS
    assert collection["name"] == "features_private"
    assert collection["policy"] == "OR('CoreEnterpriseMSP.member','SupplierMSP.member')"
    assert collection["memberOnlyRead"] is True and collection["blockToLive"] == 0
