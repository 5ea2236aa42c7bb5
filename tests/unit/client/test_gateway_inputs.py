"""Arguments of the wrong type or value are refused when given, with errors naming them; nothing is sent."""

import math

import pytest
from fabric_protos.gateway import gateway_pb2

from client.gateway import RetryPolicy, Timeouts, connect, private_key_signer
from .test_gateway_transactions import decode_proposal

CHANNEL = "receivables-channel"


def called_function(proposal) -> bytes:
    """The first chaincode argument a proposal carries: the (qualified) function name."""
    signed = gateway_pb2.ProposedTransaction.FromString(proposal.bytes).proposal
    return decode_proposal(signed)[4].input.args[0]


@pytest.mark.parametrize("field", ["evaluate", "endorse", "submit", "commit_status", "wait_for_block"])
@pytest.mark.parametrize("value, error, words", [
    ("30", TypeError, "must be a number of seconds"),
    (True, TypeError, "must be a number of seconds"),
    ([5], TypeError, "must be a number of seconds"),
    (-1, ValueError, "more than 0"),
    (0, ValueError, "must be more than 0 seconds, not 0: a deadline of 0 passes before the call is sent"),
    (0.0, ValueError, "use None for no deadline"),
    (math.inf, ValueError, "use None for no deadline"),
    (math.nan, ValueError, "finite"),
])
def test_timeouts_refuse_what_is_not_seconds_naming_the_field(field, value, error, words):
    with pytest.raises(error, match=words) as caught:
        Timeouts(**{field: value})
    assert f"Timeouts.{field}" in str(caught.value)


def test_timeouts_take_none_ints_and_floats():
    assert Timeouts(evaluate=None, endorse=1, submit=2, commit_status=0.5, wait_for_block=None).endorse == 1


def test_timeouts_and_retries_take_any_real_number_grpc_takes_but_a_decimal():
    # numpy's numbers and a Fraction worked as gRPC deadlines before the fields were checked; a Decimal never did
    from decimal import Decimal
    from fractions import Fraction

    assert Timeouts(submit=Fraction(1, 2)).submit == Fraction(1, 2)
    assert RetryPolicy(max_attempts=3.0).max_attempts == 3 and RetryPolicy(backoff=Fraction(1, 10)).delay(2) == Fraction(1, 5)
    with pytest.raises(TypeError, match="Timeouts.submit must be a number of seconds"):
        Timeouts(submit=Decimal("1"))


def test_a_timeout_for_one_call_is_checked_before_anything_is_sent(contract, transport):
    with pytest.raises(TypeError, match="timeout must be a number of seconds"):
        contract.new_proposal("Get").evaluate(timeout="5")
    assert transport.calls == []


@pytest.mark.parametrize("options, error, words", [
    ({"max_attempts": "3"}, TypeError, r"max_attempts must be an int .* not str '3'"),
    ({"max_attempts": 2.5}, TypeError, "max_attempts must be an int"),
    ({"max_attempts": True}, TypeError, "max_attempts must be an int"),
    ({"max_attempts": 0}, ValueError, "max_attempts must be at least 1"),
    ({"backoff": "0.2"}, TypeError, "RetryPolicy.backoff must be a number of seconds"),
    ({"backoff": None}, TypeError, "RetryPolicy.backoff must be a number of seconds"),
    ({"backoff": -0.1}, ValueError, "RetryPolicy.backoff must be a finite number of seconds, 0 or more"),
])
def test_retry_policy_refuses_fields_of_the_wrong_type_naming_them(options, error, words):
    with pytest.raises(error, match=words):
        RetryPolicy(**options)


def test_a_function_name_may_be_bytes_as_arguments_may(contract, gateway, transport):
    assert called_function(contract.new_proposal(b"Confirm")) == b"Receivable:Confirm"
    assert called_function(contract.new_proposal(bytearray(b"Confirm"))) == b"Receivable:Confirm"
    default = gateway.get_network(CHANNEL).get_contract("receivables")
    assert called_function(default.new_proposal(b"Confirm")) == b"Confirm"
    assert contract.submit_transaction(b"Confirm", "R-1") == b"result"
    assert [name for name, *_ in transport.calls] == ["endorse", "submit", "commit_status"]


@pytest.mark.parametrize("name, error, words", [
    (5, TypeError, "the function name must be str or bytes, e.g. 'Confirm', not int 5"),
    (None, TypeError, "the function name must be str or bytes"),
    ("", ValueError, "a transaction needs a function name"),
    (b"", ValueError, "a transaction needs a function name"),
])
def test_a_function_name_of_another_type_is_refused_naming_it(contract, transport, name, error, words):
    with pytest.raises(error, match=words):
        contract.new_proposal(name)
    with pytest.raises(error, match=words):
        contract.submit_transaction(name, "R-1")
    assert transport.calls == []


@pytest.mark.parametrize("channel, error", [(5, TypeError), (None, TypeError), (b"ch", TypeError), ("", ValueError)])
def test_a_channel_name_must_be_a_non_empty_str(gateway, channel, error):
    with pytest.raises(error, match="^channel (must be|is empty: give) the channel's name, a str such as "
                                    "'receivables'"):
        gateway.get_network(channel)


@pytest.mark.parametrize("chaincode, contract_name, words", [
    (5, None, "^chaincode must be the name the chaincode was deployed under, a str such as 'receivables', not int 5$"),
    ("", None, "^chaincode is empty: give the name the chaincode was deployed under"),
    ("receivables", 7, "^contract_name must be the name of a contract of the chaincode, a str such as 'Receivable', or "
                       "None for its default contract, not int 7$"),
])
def test_chaincode_and_contract_names_are_checked_naming_them(gateway, chaincode, contract_name, words):
    with pytest.raises((TypeError, ValueError), match=words):
        gateway.get_network(CHANNEL).get_contract(chaincode, contract_name)


def test_an_empty_contract_name_is_the_default_contract_as_for_the_official_clients(gateway):
    network = gateway.get_network(CHANNEL)
    assert called_function(network.get_contract("receivables", "").new_proposal("Get")) == b"Get"
    assert called_function(network.get_contract("receivables", "Receivable").new_proposal("Get")) == b"Receivable:Get"


@pytest.mark.parametrize("organizations", [[None], ["Org1MSP", 5], [b"\xff"], [""], [b""]])
def test_each_endorsing_organization_must_be_an_msp_id_str(contract, transport, organizations):
    with pytest.raises((TypeError, ValueError), match=r"^endorsing_organizations\[\d\] (must|is empty)"):
        contract.new_proposal("Confirm", endorsing_organizations=organizations)
    with pytest.raises((TypeError, ValueError), match=r"^endorsing_organizations\[\d\] (must|is empty)"):
        contract.submit("Confirm", endorsing_organizations=iter(organizations))
    assert transport.calls == []


@pytest.mark.parametrize("transient, words", [
    ([("k", "v")], "transient must be a mapping"),
    ({5: b"v"}, "transient keys must be str"),
    ({"k": 5}, "transient value 'k' must be str or bytes"),
])
def test_transient_data_must_map_str_keys_to_str_or_bytes(contract, transient, words):
    with pytest.raises(TypeError, match=words):
        contract.new_proposal("Confirm", transient=transient)


def test_bytes_msp_ids_and_transient_keys_are_read_as_the_utf8_text_protobuf_made_of_them(contract):
    proposal = contract.new_proposal("Confirm", transient={b"price": b"100"}, endorsing_organizations=[b"Org1MSP"])
    sent = gateway_pb2.ProposedTransaction.FromString(proposal.bytes)
    assert list(sent.endorsing_organizations) == ["Org1MSP"]
    assert dict(decode_proposal(sent.proposal)[3].TransientMap) == {"price": b"100"}
    with pytest.raises(ValueError, match="a transient key must be UTF-8 text"):
        contract.new_proposal("Confirm", transient={b"\xff": b"v"})


@pytest.mark.parametrize("transient", [
    {"price": b"100", b"price": b"999"},
    {b"price": b"999", "price": b"100"},
])
def test_a_transient_key_given_as_str_and_as_bytes_is_refused_naming_it(contract, transport, transient):
    # both are the one key "price" on the wire: keeping either would send a value the caller may not have meant
    with pytest.raises(ValueError, match="transient key 'price' is given twice"):
        contract.new_proposal("Confirm", transient=transient)
    with pytest.raises(ValueError, match="transient key 'price' is given twice"):
        contract.submit("Confirm", transient=transient)
    assert transport.calls == []


def test_async_contracts_check_the_same_way(credentials):
    from client.gateway import connect_async

    from .gateway_fakes import AsyncFakeTransport, FakeTransport

    key, identity = credentials
    gateway = connect_async(identity=identity, signer=private_key_signer(key),
                            transport=AsyncFakeTransport(FakeTransport()))
    with pytest.raises(TypeError, match="^channel must be the channel's name, a str such as 'receivables'"):
        gateway.get_network(5)
    with pytest.raises(TypeError, match="the function name must be str or bytes"):
        gateway.get_network(CHANNEL).get_contract("receivables").new_proposal(5)


def test_the_gateway_still_connects_with_the_defaults(credentials, transport):
    key, identity = credentials
    assert connect(identity=identity, signer=private_key_signer(key), transport=transport,
                   timeouts=Timeouts(), retry=RetryPolicy()).get_network(CHANNEL).name == CHANNEL
