"""Paginated range queries take only a bookmark of their own range: the peer starts a page at the bookmark as given,
so one from outside the range would read keys the query does not cover (composite keys, another prefix's entries).
Composite key attributes are a list or tuple: a str would be split into one attribute per character."""

import json
from datetime import datetime, timezone

import pytest

from chaincode.feature_contract import FeatureContract
from chaincode.shim import ChaincodeStub, create_composite_key
from chaincode.shim._composite import partial_key_range
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
REFUSED = "is not a key of this query's range: send \"\" for the first page, then the bookmark a previous page"


async def call(ledger: MemoryLedger, fn: str, *args: str):
    return await ledger.evaluate(ALICE, f"features:{fn}", *args, timestamp=T0)


async def ledger_with_keys() -> MemoryLedger:
    ledger = MemoryLedger([FeatureContract()])
    for attributes, value in ((["alice", "inv-1"], "alice-1"), (["bob", "inv-7"], "bob-7"),
                              (["carol", "inv-2"], "carol-2"), (["carol", "inv-3"], "carol-3")):
        result = await ledger.submit(ALICE, "features:PutIndexed", "invoice", json.dumps(attributes), value,
                                     timestamp=T0)
        assert result.status == 200, result.message
    result = await ledger.submit(ALICE, "features:PutStates", json.dumps({"a-other": "x", "r1": "1", "r2": "2",
                                                                         "r3": "3", "s-after": "y"}), timestamp=T0)
    assert result.status == 200, result.message
    return ledger


@pytest.mark.parametrize("start, end, bookmark", [
    ("r", "s", "\x00"),                       # composite keys
    ("r", "s", "\x00invoice\x00bob\x00"),
    ("r", "s", "a-other"),                    # below the start
    ("r", "s", "s-after"),                    # at or past the end
    ("r", "s", "s"),
    ("", "s", "\x00"),                        # an unbounded start still excludes composite keys
])
async def test_a_simple_range_page_refuses_a_bookmark_outside_its_range(start, end, bookmark):
    ledger = await ledger_with_keys()
    result = await call(ledger, "GetRangePage", start, end, "10", bookmark)
    assert result.status == 500 and REFUSED in result.message, result.message
    assert result.message.startswith("ValueError: bookmark "), result.message


async def test_a_simple_range_pages_on_with_the_bookmarks_it_returns():
    ledger = await ledger_with_keys()
    first = json.loads((await call(ledger, "GetRangePage", "r", "s", "2")).payload)
    assert [r["key"] for r in first["records"]] == ["r1", "r2"] and first["bookmark"] == "r3"
    second = json.loads((await call(ledger, "GetRangePage", "r", "s", "2", first["bookmark"])).payload)
    assert [r["key"] for r in second["records"]] == ["r3"] and second["bookmark"] == ""
    # an unbounded end takes any bookmark from the start on
    tail = json.loads((await call(ledger, "GetRangePage", "r", "", "10", "s-after")).payload)
    assert [r["key"] for r in tail["records"]] == ["s-after"]


@pytest.mark.parametrize("bookmark", ["\x00", "\x00invoice\x00", "\x00invoice\x00alice\x00inv-1\x00",
                                      "\x00invoice\x00dave\x00", "r1"])
async def test_a_partial_composite_key_page_refuses_a_bookmark_outside_its_prefix(bookmark):
    ledger = await ledger_with_keys()
    result = await call(ledger, "GetByPartialKeyPage", "invoice", '["carol"]', "10", bookmark)
    assert result.status == 500 and REFUSED in result.message, result.message
    assert "alice-1" not in result.message and "bob-7" not in result.message


async def test_a_partial_composite_key_pages_on_with_the_bookmarks_it_returns():
    ledger = await ledger_with_keys()
    first = json.loads((await call(ledger, "GetByPartialKeyPage", "invoice", '["carol"]', "1")).payload)
    assert [r["value"] for r in first["records"]] == ["carol-2"]
    assert first["bookmark"] == create_composite_key("invoice", ["carol", "inv-3"])
    second = json.loads((await call(ledger, "GetByPartialKeyPage", "invoice", '["carol"]', "1",
                                    first["bookmark"])).payload)
    assert [r["value"] for r in second["records"]] == ["carol-3"] and second["bookmark"] == ""


@pytest.mark.parametrize("attributes", ["inv-7", b"inv-7", None, {"inv-7"}, iter(["inv-7"])])
def test_composite_key_attributes_must_be_a_list_or_tuple(attributes):
    for make in (create_composite_key, ChaincodeStub.create_composite_key, partial_key_range):
        with pytest.raises(ValueError, match=r"composite key attributes must be a list or tuple of str, got "):
            make("invoice", attributes)


def test_a_str_of_attributes_is_named_in_the_refusal():
    with pytest.raises(ValueError, match=r"got str 'inv-7': wrap a single attribute in a list"):
        create_composite_key("invoice", "inv-7")
    assert create_composite_key("invoice", ("inv-7",)) == create_composite_key("invoice", ["inv-7"])
    with pytest.raises(ValueError, match=r"got str '': wrap"):   # no attributes are [], not ""
        create_composite_key("invoice", "")
    # any other iterable: list(...) of it is the fix, not a list around it
    with pytest.raises(ValueError, match=r"got generator: pass list\(\.\.\.\) of them"):
        create_composite_key("invoice", (a for a in ["inv-7"]))
