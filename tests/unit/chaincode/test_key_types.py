"""Keys, collections, range bounds, names and queries that are no str are refused by name, saying what to give.

Values are bytes, so a key given as bytes (``put_state(b"inv-1", ...)``) is an easy slip: unchecked, it failed
deep in the shim and the caller read only "internal error (AttributeError) in tx ...", and None was refused as
"an empty string", which it is not.
"""

import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import ChaincodeStub
from chaincode.shim._execution import failure_response
from chaincode.testing import MemoryLedger, make_identity

CALLS = {
    "get_state bytes": ("key", "bytes", lambda stub: stub.get_state(b"inv-1")),
    "get_state None": ("key", "NoneType", lambda stub: stub.get_state(None)),
    "get_multiple_states": ("key", "bytes", lambda stub: stub.get_multiple_states(["a", b"inv-1"])),
    "put_state": ("key", "int", lambda stub: stub.put_state(7, b"v")),
    "del_state": ("key", "bytes", lambda stub: stub.del_state(b"inv-1")),
    "get_history_for_key": ("key", "bytes", lambda stub: stub.get_history_for_key(b"inv-1").collect()),
    "get_state_by_range": ("range key", "bytes", lambda stub: stub.get_state_by_range(b"a", "z").collect()),
    "get_state_by_range_with_pagination": (
        "bookmark", "NoneType", lambda stub: stub.get_state_by_range_with_pagination("a", "z", 10, None)),
    "get_query_result": ("query", "dict", lambda stub: stub.get_query_result({"selector": {}}).collect()),
    "put_private_data": ("collection", "bytes", lambda stub: stub.put_private_data(b"offers", "k", b"v")),
    "get_private_data key": ("key", "bytes", lambda stub: stub.get_private_data("offers", b"k")),
    "set_event": ("event name", "bytes", lambda stub: _async(stub.set_event(b"Registered", b"{}"))),
    "invoke_chaincode": ("chaincode name", "bytes", lambda stub: stub.invoke_chaincode(b"other", ["Fn"])),
    # a key read back from a range as bytes, split: it was "internal error (TypeError)", None an AttributeError
    "split_composite_key bytes": ("composite key", "bytes",
                                  lambda stub: _async(stub.split_composite_key(b"\x00invoice\x00inv-1\x00"))),
    "split_composite_key None": ("composite key", "NoneType", lambda stub: _async(stub.split_composite_key(None))),
    # a composite key's part that is no str: it was "internal error (TypeError)"
    "create_composite_key object_type": ("composite key object_type", "bytes",
                                         lambda stub: _async(stub.create_composite_key(b"invoice", ["inv-1"]))),
    "create_composite_key attribute": ("composite key attributes[1]", "NoneType",
                                       lambda stub: _async(stub.create_composite_key("invoice", ["alice", None]))),
    "get_state_by_partial_composite_key": (
        "composite key attributes[0]", "int",
        lambda stub: stub.get_state_by_partial_composite_key("invoice", [7]).collect()),
    "get_state_by_partial_composite_key_with_pagination": (
        "composite key object_type", "NoneType",
        lambda stub: stub.get_state_by_partial_composite_key_with_pagination(None, [], 10)),
}


async def _async(value):
    return value


@pytest.mark.parametrize("which", sorted(CALLS))
async def test_a_value_that_is_no_str_is_refused_naming_what_and_its_type(which):
    # each call is refused before anything is sent, and the caller reads why: the runtime answers a ValueError
    # of the shim with its text (failure_response)
    what, kind, call = CALLS[which]
    transport = _Recorder()
    with pytest.raises(ValueError) as refused:
        await call(ChaincodeStub(transport, channel_id="recfin", tx_id="tx1", args=[]))
    answer = failure_response(refused.value, "tx1")
    assert answer.status == 500
    assert answer.message.startswith(f"ValueError: {what} must be a str, not {kind}: give it as text"), answer.message
    if kind == "bytes":
        assert "decode bytes first" in answer.message
    assert transport.sent == []


@pytest.mark.parametrize("read", [
    lambda stub: stub.get_multiple_states("inv-1"),
    lambda stub: stub.get_multiple_private_data("offers", "inv-1"),
])
async def test_keys_given_as_one_str_are_refused_rather_than_read_letter_by_letter(read):
    # list("inv-1") would be the five keys "i", "n", "v", "-", "1": a wrong answer, not an error
    class Reader(Contract):
        name = "reader"

        @transaction
        async def Read(self, ctx: Context) -> list:
            return [value and value.decode() for value in await read(ctx.stub)]

    ledger = MemoryLedger(contracts=[Reader()])
    ledger.state.update({"i": b"one letter", "inv-1": b"the invoice"})
    result = await ledger.evaluate(make_identity("SupplierMSP", "alice"), "reader:Read")
    assert result.status == 500, result.payload
    assert result.message == ("ValueError: keys must be a list of str, not a str: wrap a single key in a list, "
                              "['inv-1']"), result.message


class _Recorder:
    """A transport that records what would be sent."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def request(self, message_type: int, payload: bytes) -> bytes:
        self.sent.append(message_type)
        return b""


@pytest.mark.parametrize("args", ["Fn", b"Fn"])
async def test_chaincode_arguments_given_as_one_str_or_bytes_are_refused_before_anything_is_sent(args):
    # list("Fn") would call function "F" with the argument "n"
    transport = _Recorder()
    stub = ChaincodeStub(transport, channel_id="recfin", tx_id="tx1", args=[])
    with pytest.raises(ValueError, match=r"chaincode arguments must be a list, not a (str|bytes): wrap a single "
                                         r"argument in a list, \[b?'Fn'\]"):
        await stub.invoke_chaincode("other", args)
    assert transport.sent == []


@pytest.mark.parametrize("read", [lambda stub: stub.get_string_args(), lambda stub: stub.get_function_and_parameters()])
def test_string_args_of_an_argument_that_is_no_utf8_say_which_and_what_to_use(read):
    # the caller chose the bytes: answered "internal error (UnicodeDecodeError)", it could not tell what was wrong
    stub = ChaincodeStub(_Recorder(), channel_id="recfin", tx_id="tx1", args=[b"Fn", b"ok", b"\xff\xfe"])
    with pytest.raises(ValueError, match=r"argument 2 \('\\\\xff\\\\xfe'\) is not valid UTF-8: read it as bytes with "
                                         r"get_args\(\)"):
        read(stub)


@pytest.mark.parametrize("write", [
    lambda stub, policy: stub.set_state_validation_parameter("inv-1", policy),
    lambda stub, policy: stub.set_private_data_validation_parameter("offers", "inv-1", policy),
])
async def test_a_policy_object_given_for_its_bytes_is_refused_saying_to_call_policy(write):
    from chaincode.shim import KeyEndorsementPolicy
    policy = KeyEndorsementPolicy()
    policy.add_orgs("PEER", "SupplierMSP")
    transport = _Recorder()
    stub = ChaincodeStub(transport, channel_id="recfin", tx_id="tx1", args=[])
    with pytest.raises(ValueError, match=r"policy must be bytes, not KeyEndorsementPolicy: pass its policy\(\)"):
        await write(stub, policy)
    assert transport.sent == []
