"""chaincode_definition (``_lifecycle`` QueryChaincodeDefinition) refuses a chaincode name that is not a non-empty
str before anything is sent, naming the argument and what to give: an empty name was asked of the peer, whose
answer named no chaincode, and another type failed in protobuf with words that named neither."""
import asyncio

import pytest

from client.ledger.lifecycle import chaincode_definition, chaincode_definition_async
from .test_ledger_block_by_number import AnsweringQscc, AwaitedQscc


@pytest.mark.parametrize("chaincode, error, words", [
    ("", ValueError, r"^chaincode is empty: give the name the chaincode was deployed under, a str such as "
                     r"'receivables'$"),
    (None, TypeError, r"^chaincode must be the name the chaincode was deployed under, a str such as 'receivables', "
                      r"not NoneType None$"),
    (b"receivables", TypeError, r"not bytes b'receivables'$"),
])
@pytest.mark.parametrize("kind", [AnsweringQscc, AwaitedQscc])
def test_a_name_that_is_no_chaincodes_is_refused_before_anything_is_sent(kind, chaincode, error, words):
    lifecycle = kind(b"")
    with pytest.raises(error, match=words):
        if kind is AwaitedQscc:
            asyncio.run(chaincode_definition_async(lifecycle, "BankMSP", chaincode))
        else:
            chaincode_definition(lifecycle, "BankMSP", chaincode)
    assert lifecycle.asked == []
