"""Keys, collections, range bounds and queries without a UTF-8 form are refused by name, as composite keys' are.

A Python str can hold an unpaired surrogate (bytes decoded with "surrogateescape", say), which protobuf
cannot send: unchecked, the call failed deep in protobuf, and the caller read only "internal error
(UnicodeEncodeError) in tx ...: see the chaincode server's log".
"""

import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity

NOT_UTF8 = "inv-\udc80"
CALLS = {
    "get_state": ("key", lambda stub: stub.get_state(NOT_UTF8)),
    "get_multiple_states": ("key", lambda stub: stub.get_multiple_states(["a", NOT_UTF8])),
    "put_state": ("key", lambda stub: stub.put_state(NOT_UTF8, b"v")),
    "del_state": ("key", lambda stub: stub.del_state(NOT_UTF8)),
    "get_history_for_key": ("key", lambda stub: stub.get_history_for_key(NOT_UTF8).collect()),
    "set_state_validation_parameter": ("key", lambda stub: stub.set_state_validation_parameter(NOT_UTF8, b"p")),
    "get_state_by_range": ("range key", lambda stub: stub.get_state_by_range("a", NOT_UTF8).collect()),
    "get_state_by_range_with_pagination": (
        "bookmark", lambda stub: stub.get_state_by_range_with_pagination("a", "z", 10, "b\udc80")),
    "get_state_by_partial_composite_key_from": (
        "start key", lambda stub: stub.get_state_by_partial_composite_key_from("t", [], "\x00t\x00\udc80").collect()),
    "get_query_result": ("query", lambda stub: stub.get_query_result('{"selector": "\udc80"}').collect()),
    "put_private_data": ("collection", lambda stub: stub.put_private_data(NOT_UTF8, "k", b"v")),
    "invoke_chaincode channel": ("channel", lambda stub: stub.invoke_chaincode("other", ["Fn"], NOT_UTF8)),
    "invoke_chaincode argument": ("chaincode argument", lambda stub: stub.invoke_chaincode("other", ["Fn", NOT_UTF8])),
}


class Keys(Contract):
    name = "keys"

    @transaction
    async def Call(self, ctx: Context, which: str) -> None:
        await ctx.stub.put_state("written", b"before the refused call")
        await CALLS[which][1](ctx.stub)


@pytest.mark.parametrize("which", sorted(CALLS))
async def test_text_without_a_utf8_form_is_refused_naming_what_and_why(which):
    ledger = MemoryLedger(contracts=[Keys()])
    result = await ledger.submit(make_identity("SupplierMSP", "alice"), "keys:Call", which)
    what = CALLS[which][0]
    assert result.status == 500
    assert result.message.startswith(f"ValueError: {what} '"), result.message
    assert "is not valid UTF-8: it holds an unpaired surrogate" in result.message
    assert ledger.state == {}   # the failed transaction wrote nothing
