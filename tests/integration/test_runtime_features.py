"""Every feature of recfin's chaincode runtime, end to end on the real network.

The FeatureContract (chaincode/feature_contract.py) runs in each org's own
chaincode server; each peer dials its server as chaincode-as-a-service, and the
calls come from the project's Gateway client, as an integrator's would.

A submit returns once the writer's own peer has committed it; another org's peer may
commit that block a little later. Before a step that reads through another org's peer,
or that another org's peer endorses, the test waits until every peer has the block
(``peers_caught_up``): otherwise the step could fail now and then, as a product bug would.
"""
from __future__ import annotations

import json
import uuid

import pytest

from client.gateway import CommitError, GatewayError

from .conftest import EVENT_WAIT, as_json, peers_caught_up

CORE, SUPPLIER, BANK, REGULATOR = "CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"

pytestmark = pytest.mark.usefixtures("every_peer")     # what peers_caught_up waits through


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_state_written_through_one_org_is_read_through_another(contract_for):
    key = unique("state")
    contract_for("supplier").submit_transaction("PutState", key, "hello")
    peers_caught_up()   # the bank reads, and another org's peer endorses the delete (which reads the key)
    assert as_json(contract_for("bank").evaluate_transaction("GetState", key))["value"] == "hello"

    contract_for("supplier").submit_transaction("DeleteState", key)
    peers_caught_up()
    assert as_json(contract_for("regulator").evaluate_transaction("GetState", key))["value"] is None


def test_multiple_key_reads_return_values_in_order(contract_for):
    prefix = unique("multi")
    entries = {f"{prefix}-{i}": f"v{i}" for i in range(5)}
    contract_for("supplier").submit_transaction("PutStates", _json(entries))
    peers_caught_up()
    keys = list(entries) + [f"{prefix}-absent"]
    assert as_json(contract_for("bank").evaluate_transaction("GetStates", _json(keys))) == [
        "v0", "v1", "v2", "v3", "v4", None,
    ]


def test_range_queries_page_with_bookmarks(contract_for):
    prefix = unique("range")
    entries = {f"{prefix}-{i:02d}": str(i) for i in range(7)}
    contract_for("coreenterprise").submit_transaction("PutStates", _json(entries))
    peers_caught_up()
    contract = contract_for("bank")

    everything = as_json(contract.evaluate_transaction("GetRange", f"{prefix}-", f"{prefix}-~"))
    assert [row["key"] for row in everything] == sorted(entries)

    seen, bookmark = [], ""
    for _ in range(len(entries)):       # a bookmark that never moves on fails the test, not hangs it
        page = as_json(contract.evaluate_transaction("GetRangePage", f"{prefix}-", f"{prefix}-~", "3", bookmark))
        assert len(page["records"]) <= 3
        seen += [row["key"] for row in page["records"]]
        bookmark = page["bookmark"]
        if page["fetched_records_count"] < 3:
            break
    else:
        pytest.fail(f"paging did not end after {len(entries)} pages of at most 3: {seen}")
    assert seen == sorted(entries)


def test_composite_keys_are_found_by_partial_key(contract_for):
    owner = unique("owner")
    contract = contract_for("supplier")
    for item, value in (("a", "1"), ("b", "2")):
        contract.submit_transaction("PutIndexed", "asset", _json([owner, item]), value)
    contract.submit_transaction("PutIndexed", "asset", _json([unique("other"), "c"]), "3")
    peers_caught_up()

    found = as_json(contract_for("bank").evaluate_transaction("GetByPartialKey", "asset", _json([owner])))
    assert sorted(row["value"] for row in found) == ["1", "2"]


def test_history_lists_every_change_with_its_transaction(contract_for):
    key = unique("history")
    contract = contract_for("supplier")
    contract.submit_transaction("PutState", key, "one")
    contract.submit_transaction("PutState", key, "two")
    peers_caught_up()   # the delete reads the key, on the supplier's peer and the other endorser's
    contract.submit_transaction("DeleteState", key)
    peers_caught_up()

    history = as_json(contract_for("regulator").evaluate_transaction("GetHistory", key))
    assert [(entry["value"], entry["is_delete"]) for entry in history][-3:] in (
        [("one", False), ("two", False), ("", True)],
        [("", True), ("two", False), ("one", False)],  # newest first, as the peer returns it
    )
    assert len({entry["tx_id"] for entry in history}) == len(history)


def test_private_data_is_read_by_members_and_refused_to_others(contract_for):
    key = unique("private")
    contract_for("supplier").submit(
        "PutPrivate", arguments=[key], transient={"value": b"secret terms"},
        endorsing_organizations=[SUPPLIER, CORE],
    )
    peers_caught_up()   # the core enterprise endorsed, but has the value only once its peer commits the block
    member_view = as_json(contract_for("coreenterprise").evaluate_transaction("GetPrivate", key))
    assert member_view["value"] == "secret terms"

    # Every org sees the hash on the ledger, only members see the value.
    digest = as_json(contract_for("bank").evaluate_transaction("GetPrivateHash", key))["sha256"]
    assert digest and len(digest) == 64
    with pytest.raises(GatewayError) as refused:
        contract_for("bank").evaluate_transaction("GetPrivate", key)
    # the peer refuses the read (memberOnlyRead) and names the collection
    assert "features_private" in str(refused.value)


def test_key_level_policy_makes_a_transaction_endorsed_by_the_wrong_orgs_fail_validation(contract_for):
    key = unique("sbe")
    contract_for("bank").submit_transaction("PutState", key, "owned by the bank")
    contract_for("bank").submit(
        "SetKeyEndorsers", arguments=[key, _json([BANK])], endorsing_organizations=[BANK, REGULATOR]
    )
    assert as_json(contract_for("bank").evaluate_transaction("GetKeyEndorsers", key)) == [BANK]

    # Core and supplier together satisfy the chaincode's 2-of-4 policy, but not the key's.
    with pytest.raises(CommitError) as invalid:
        contract_for("supplier").submit(
            "PutState", arguments=[key, "rewritten"], endorsing_organizations=[CORE, SUPPLIER]
        )
    assert invalid.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    peers_caught_up()
    assert as_json(contract_for("regulator").evaluate_transaction("GetState", key))["value"] == "owned by the bank"

    contract_for("bank").submit(
        "PutState", arguments=[key, "changed with the bank"], endorsing_organizations=[BANK, SUPPLIER]
    )
    peers_caught_up()
    assert as_json(contract_for("regulator").evaluate_transaction("GetState", key))["value"] == "changed with the bank"


def test_a_client_receives_the_chaincode_event_of_its_transaction(gateways, contract_for, feature_chaincode):
    name, payload = unique("Event"), unique("payload")
    submitted = contract_for("supplier").submit_async("EmitEvent", arguments=[name, payload])
    status = submitted.status()
    assert status.successful

    network = gateways("bank").get_network("receivables")
    # The bank's peer may be blocks behind the supplier's, and it refuses a stream asked to start two or more
    # blocks past its newest.
    network.wait_for_block(status.block_number)
    events = network.chaincode_events(feature_chaincode, start_block=status.block_number)
    # Other transactions may share the block: take ours, by its id. first() closes the stream after it, and
    # raises TimeoutError if ours has not come within EVENT_WAIT seconds (a missed event fails, not hangs).
    event = events.first(lambda e: e.transaction_id == submitted.transaction_id, timeout=EVENT_WAIT)
    assert (event.event_name, event.payload, event.transaction_id) == (name, payload.encode(), submitted.transaction_id)


def test_transient_data_reaches_the_chaincode(contract_for):
    echoed = as_json(
        contract_for("bank").evaluate("EchoTransient", transient={"price": b"101", "currency": b"CNY"})
    )
    assert echoed == {"currency": "CNY", "price": "101"}


def test_the_chaincode_sees_the_callers_identity(contract_for):
    me = as_json(contract_for("supplier", "supplier2").evaluate_transaction("WhoAmI"))
    assert me["msp_id"] == SUPPLIER
    assert "supplier2" in me["id"]
    assert me["channel_id"] == "receivables"


def test_an_exception_in_the_contract_comes_back_as_a_clear_error(contract_for):
    with pytest.raises(GatewayError) as failed:
        contract_for("supplier").submit_transaction("PutPrivate", unique("no-transient"))
    assert "transient" in str(failed.value)


def _json(value) -> str:
    return json.dumps(value)
