"""The Gateway (get_network, get_contract, chaincode_events, endorsing_organizations) and the ledger readers
(client.ledger.qscc, client.ledger.lifecycle) check a name argument with one check: a non-empty str, refused before
anything is sent, the message naming the argument, what to give and the value given, cut to 80 characters. The
Gateway's own check echoed a value whole (a pasted file's 10,000 bytes in one line) and named the argument in
words of its own ("the chaincode name") where the ledger's named it as the caller wrote it."""
import pytest

from client.ledger.lifecycle import chaincode_definition
from client.ledger.qscc import transaction_by_id
from .test_ledger_block_by_number import AnsweringQscc

PASTED = b"-----BEGIN CERTIFICATE-----" + b"A" * 10_000


def _refusal_of(call) -> str:
    with pytest.raises(TypeError) as refused:
        call()
    return str(refused.value)


@pytest.mark.parametrize("argument, call", [
    ("channel", lambda gateway: gateway.get_network(PASTED)),
    ("chaincode", lambda gateway: gateway.get_network("receivables").get_contract(PASTED)),
    ("contract_name", lambda gateway: gateway.get_network("receivables").get_contract("receivables", PASTED)),
    ("chaincode", lambda gateway: gateway.get_network("receivables").chaincode_events(PASTED)),
    ("endorsing_organizations[1]", lambda gateway: gateway.get_network("receivables").get_contract("receivables")
     .new_proposal("Confirm", endorsing_organizations=["Org1MSP", [PASTED]])),
    ("channel", lambda _: transaction_by_id(AnsweringQscc(b""), "BankMSP", PASTED, "t")),
    ("chaincode", lambda _: chaincode_definition(AnsweringQscc(b""), "BankMSP", PASTED)),
], ids=["get_network", "get_contract", "contract name", "chaincode_events", "endorsing_organizations", "qscc",
        "lifecycle"])
def test_a_name_of_another_type_is_refused_naming_the_argument_and_showing_the_value_cut(gateway, argument, call):
    said = _refusal_of(lambda: call(gateway))
    assert said.startswith(f"{argument} must be ")
    assert ", not " in said and len(said) < 400                     # the value shown, cut, not echoed whole


def test_the_gateway_and_the_ledger_readers_refuse_a_channel_in_the_same_words(gateway):
    from_the_gateway = _refusal_of(lambda: gateway.get_network(7))
    from_a_ledger_reader = _refusal_of(lambda: transaction_by_id(AnsweringQscc(b""), "BankMSP", 7, "t"))
    assert from_the_gateway == from_a_ledger_reader == ("channel must be the channel's name, a str such as "
                                                        "'receivables' (the connection profile's channel), not int 7")
