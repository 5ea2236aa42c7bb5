"""MemoryLedger sends a transaction's arguments as text or bytes only: an int or a list given to submit or
evaluate is refused, naming it, where bytes() made an int that many zero bytes and a list of ints their
bytes, and the transaction ran on with an argument the test never meant."""

import json
from datetime import datetime, timezone

import pytest

from chaincode.feature_contract import FeatureContract
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value, kind", [(3, "int"), ([104, 105], "list")])
@pytest.mark.parametrize("call", ["submit", "evaluate", "endorse"])
async def test_an_argument_that_is_no_str_or_bytes_is_refused_before_the_transaction_runs(call, value, kind):
    ledger = MemoryLedger([FeatureContract()])
    with pytest.raises(TypeError, match=f"argument 2 of features:PutState is of type {kind}, not str or bytes: pass "
                                        f"str\\(value\\) for a number, json.dumps\\(value\\) for a list or dict"):
        await getattr(ledger, call)(ALICE, "features:PutState", "k", value, timestamp=T0)
    assert ledger.state == {}


async def test_str_and_bytes_arguments_are_sent_as_given():
    ledger = MemoryLedger([FeatureContract()])
    result = await ledger.submit(ALICE, "features:PutState", "k", b"v", timestamp=T0)
    assert result.status == 200, result.message
    assert ledger.state == {"k": b"v"}


@pytest.mark.parametrize("option", ["query_batch_size", "total_query_limit"])
@pytest.mark.parametrize("value", [0, -1, 2.5, "100"])
def test_a_query_size_that_is_no_positive_whole_number_is_refused_as_the_ledger_is_built(option, value):
    # a batch size of 0 answered every query with empty batches that always had more: a test iterating one hung
    with pytest.raises(ValueError, match=f"{option} {value!r} is not a whole number of rows from 1 up"):
        MemoryLedger([FeatureContract()], **{option: value})


@pytest.mark.parametrize("value, kind, advice", [
    # text, JSON already: its UTF-8 bytes are the value meant; json.dumps of it would send a JSON string of the JSON
    ('{"rate": 1}', "str", r"encode the text as UTF-8: value.encode\(\)"),
    ({"rate": 1}, "dict", r"encode it as JSON: json.dumps\(value\).encode\(\)"),
    (7, "int", r"encode it as JSON: json.dumps\(value\).encode\(\)"),
])
async def test_a_transient_value_that_is_no_bytes_is_refused_naming_its_key_and_how_to_encode_it(value, kind, advice):
    # protobuf's own refusal, "expected bytes, str found", named neither the key nor what to do
    ledger = MemoryLedger([FeatureContract()])
    with pytest.raises(TypeError, match=f"transient value of 'terms' is of type {kind}, not bytes: {advice}"):
        await ledger.evaluate(ALICE, "features:EchoTransient", transient={"terms": value}, timestamp=T0)


async def test_the_encoding_a_refused_str_transient_value_is_told_to_take_reaches_the_contract_as_written():
    text = '{"rate": 1}'
    ledger = MemoryLedger([FeatureContract()])
    with pytest.raises(TypeError, match="encode the text as UTF-8"):
        await ledger.evaluate(ALICE, "features:EchoTransient", transient={"terms": text}, timestamp=T0)
    result = await ledger.evaluate(ALICE, "features:EchoTransient", transient={"terms": text.encode()}, timestamp=T0)
    assert result.status == 200, result.message
    assert json.loads(result.payload) == {"terms": text}
