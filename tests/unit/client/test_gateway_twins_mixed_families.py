"""A client built on the gateway's objects given the objects of the other family: ReceivablesClient (which runs each
call to its end) over connect_async()'s AsyncContract, or AsyncReceivablesClient over connect()'s Contract, refused
when it is made, before anything is sent; a wrapper of such a contract, at its first call. The error names the client,
what it was given and what to give or use instead, not a transport given to the wrong connect function (the client was
given no transport)."""

import asyncio

import pytest

from client.gateway import connect, connect_async, private_key_signer
from client.ledger.lifecycle import chaincode_definition
from client.ledger.qscc import current_config, current_config_async
from client.receivables import AsyncReceivablesClient, ReceivablesClient

from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"


def _signing(credentials):
    key, identity = credentials
    return dict(identity=identity, signer=private_key_signer(key))


async def _blocking_client_over_an_async_contract(credentials, fake):
    async with connect_async(transport=AsyncFakeTransport(fake), **_signing(credentials)) as gateway:
        network = gateway.get_network(CHANNEL)
        ReceivablesClient(network.get_contract("receivables"), network).get_receivable("R-1")


async def _async_client_over_a_contract(credentials, fake):
    with connect(transport=fake, **_signing(credentials)) as gateway:
        network = gateway.get_network(CHANNEL)
        await AsyncReceivablesClient(network.get_contract("receivables")).get_receivable("R-1")


# client.ledger's readers: functions given the gateway's qscc or _lifecycle Contract, not a client holding it
async def _blocking_reader_over_an_async_contract(credentials, fake):
    async with connect_async(transport=AsyncFakeTransport(fake), **_signing(credentials)) as gateway:
        current_config(gateway.get_network(CHANNEL).get_contract("qscc"), "Org1MSP", CHANNEL)


async def _async_reader_over_a_contract(credentials, fake):
    with connect(transport=fake, **_signing(credentials)) as gateway:
        await current_config_async(gateway.get_network(CHANNEL).get_contract("qscc"), "Org1MSP", CHANNEL)


async def _blocking_reader_given_an_async_contract_by_keyword(credentials, fake):
    async with connect_async(transport=AsyncFakeTransport(fake), **_signing(credentials)) as gateway:
        chaincode_definition(lifecycle=gateway.get_network(CHANNEL).get_contract("_lifecycle"), msp_id="Org1MSP",
                             chaincode="receivables")


# a reader given a wrapper of the other family's Contract: the wrapper is no client to name, nor has it a twin
async def _blocking_reader_over_a_wrapped_async_contract(credentials, fake):
    async with connect_async(transport=AsyncFakeTransport(fake), **_signing(credentials)) as gateway:
        current_config(_Forwarding(gateway.get_network(CHANNEL).get_contract("qscc")), "Org1MSP", CHANNEL)


async def _async_reader_over_a_wrapped_contract(credentials, fake):
    with connect(transport=fake, **_signing(credentials)) as gateway:
        await current_config_async(_Forwarding(gateway.get_network(CHANNEL).get_contract("qscc")), "Org1MSP", CHANNEL)


@pytest.mark.parametrize("mixed, opening, fate, closing, sent", [
    (_blocking_client_over_an_async_contract,
     "ReceivablesClient runs each call to its end, and was given an AsyncContract as its contract and an AsyncNetwork "
     "as its network, of the async client connect_async() makes",
     "nothing was sent",
     "Give ReceivablesClient the Contract and the Network of a gateway from connect(), or use AsyncReceivablesClient "
     "with these, awaiting its calls",
     []),
    (_async_client_over_a_contract,
     "AsyncReceivablesClient awaits its calls, and was given a Contract as its contract, of the sync client connect() "
     "makes",
     "nothing was sent",
     "Give AsyncReceivablesClient the AsyncContract of a gateway from connect_async(), or use ReceivablesClient with "
     "these",
     []),
    (_blocking_reader_over_an_async_contract,
     "current_config runs each call to its end, and was given an AsyncContract as its qscc, of the async client "
     "connect_async() makes: a call returned coroutine, an awaitable",
     "it was closed without being run, so nothing was sent",
     "Give current_config the Contract of a gateway from connect(), or use current_config_async with these, awaiting "
     "its calls",
     []),
    (_async_reader_over_a_contract,
     "current_config_async awaits its calls, and was given a Contract as its qscc, of the sync client connect() "
     "makes: a call returned bytes, not an awaitable",
     "That call has already run to its end",
     "Give current_config_async the AsyncContract of a gateway from connect_async(), or use current_config with "
     "these",
     ["evaluate"]),
    (_blocking_reader_given_an_async_contract_by_keyword,
     "chaincode_definition runs each call to its end, and was given an AsyncContract as its lifecycle",
     "nothing was sent",
     "or use chaincode_definition_async with these, awaiting its calls",
     []),
    (_blocking_reader_over_a_wrapped_async_contract,
     "current_config runs each call to its end, and was given objects whose calls return awaitables, of the async "
     "client connect_async() makes",
     "it was closed without being run, so nothing was sent",
     "or use current_config_async with these, awaiting its calls",
     []),
    (_async_reader_over_a_wrapped_contract,
     "current_config_async awaits its calls, and was given objects whose calls return their answers, of the sync "
     "client connect() makes",
     "That call has already run to its end",
     "or use current_config with these",
     ["evaluate"]),
], ids=["blocking-client-async-contract", "async-client-contract", "blocking-reader-async-contract",
        "async-reader-contract", "blocking-reader-async-contract-by-keyword", "blocking-reader-wrapped-async-contract",
        "async-reader-wrapped-contract"])
def test_a_client_given_the_other_familys_objects_names_them_and_what_to_use(credentials, mixed, opening, fate,
                                                                              closing, sent):
    fake = FakeTransport()
    with pytest.raises(ValueError) as refused:
        asyncio.run(mixed(credentials, fake))
    message = str(refused.value)
    assert message.startswith(opening) and fate in message and message.endswith(closing), message
    assert "transport" not in message
    assert [name for name, *_ in fake.calls] == sent


def test_a_transport_of_the_other_family_is_still_named_as_the_transport(credentials):
    # the gateway's own calls take their steps from the transport: there the advice stays the connect function's
    fake = FakeTransport()

    async def main():
        async with connect_async(transport=fake, **_signing(credentials)) as gateway:
            await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get", "R-1")

    with pytest.raises(ValueError, match=r"^the transport returned EvaluateResponse, not an awaitable: it is a sync "
                                         r"transport, which connect_async\(\) cannot use"):
        asyncio.run(main())


class _Forwarding:
    """A contract of neither family by its class (a wrapper forwarding each call), whose calls return what the
    wrapped contract's return."""

    def __init__(self, contract):
        self._wrapped = contract

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


def test_a_client_given_a_wrapper_of_the_other_family_says_what_to_give(credentials):
    fake = FakeTransport()

    async def main():
        with connect(transport=fake, **_signing(credentials)) as gateway:
            contract = _Forwarding(gateway.get_network(CHANNEL).get_contract("receivables"))
            await AsyncReceivablesClient(contract).get_receivable("R-1")

    with pytest.raises(ValueError) as refused:
        asyncio.run(main())
    message = str(refused.value)
    assert message.startswith("AsyncReceivablesClient awaits its calls, and was given objects whose calls return "
                              "their answers, of the sync client connect() makes"), message
    assert message.endswith("Give AsyncReceivablesClient an AsyncContract and AsyncNetwork of a gateway from "
                            "connect_async(), or use ReceivablesClient with these"), message
