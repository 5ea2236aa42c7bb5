"""A ledger reader (client.ledger: a function given the gateway's qscc or _lifecycle Contract) given the Contract of
the other family: the error names the function, the object it was given as which argument, and the twin function,
not a client class the objects were given to (there is none) or the Contract as if it were one."""

import asyncio

import pytest

from client.gateway import connect, connect_async, private_key_signer
from client.ledger.lifecycle import chaincode_definition
from client.ledger.qscc import current_config, current_config_async

from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"


def _signing(credentials):
    key, identity = credentials
    return dict(identity=identity, signer=private_key_signer(key))


def test_a_blocking_reader_given_an_async_contract_names_itself_and_its_twin(credentials):
    fake = FakeTransport()

    async def main():
        async with connect_async(transport=AsyncFakeTransport(fake), **_signing(credentials)) as gateway:
            current_config(gateway.get_network(CHANNEL).get_contract("qscc"), "Org1MSP", CHANNEL)

    with pytest.raises(ValueError) as refused:
        asyncio.run(main())
    assert str(refused.value) == (
        "current_config runs each call to its end, and was given an AsyncContract as its qscc, of the async client "
        "connect_async() makes: a call returned coroutine, an awaitable, and it was closed without being run, so "
        "nothing was sent. Give current_config the Contract of a gateway from connect(), or use "
        "current_config_async with these, awaiting its calls")
    assert fake.calls == []


def test_an_async_reader_given_a_contract_names_itself_and_its_twin(credentials):
    fake = FakeTransport()

    async def main():
        with connect(transport=fake, **_signing(credentials)) as gateway:
            await current_config_async(gateway.get_network(CHANNEL).get_contract("qscc"), "Org1MSP", CHANNEL)

    with pytest.raises(ValueError) as refused:
        asyncio.run(main())
    message = str(refused.value)
    assert message.startswith("current_config_async awaits its calls, and was given a Contract as its qscc, of the "
                              "sync client connect() makes: a call returned bytes, not an awaitable"), message
    assert message.endswith("Give current_config_async the AsyncContract of a gateway from connect_async(), or use "
                            "current_config with these"), message


def test_a_reader_given_its_contract_by_keyword_names_it(credentials):
    async def main():
        async with connect_async(transport=AsyncFakeTransport(FakeTransport()), **_signing(credentials)) as gateway:
            chaincode_definition(lifecycle=gateway.get_network(CHANNEL).get_contract("_lifecycle"),
                                 msp_id="Org1MSP", chaincode="receivables")

    with pytest.raises(ValueError, match=r"^chaincode_definition runs each call to its end, and was given an "
                                         r"AsyncContract as its lifecycle, .* or use chaincode_definition_async with "
                                         r"these, awaiting its calls$"):
        asyncio.run(main())
