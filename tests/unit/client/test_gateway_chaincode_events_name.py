"""A chaincode events request names a chaincode, checked as ``get_contract`` checks it: an empty name matches no
event (the stream would stay silent), and recorded as the listener of a checkpointer None made it a block events
one, "" a file no restart reads."""

import asyncio

import pytest

from client.gateway import FileCheckpointer, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response

CHANNEL = "receivables-channel"
NAMES = [("", ValueError, "^chaincode is empty: give the name the chaincode was deployed under"),
         (None, TypeError, "^chaincode must be the name the chaincode was deployed under, a str such as 'receivables', "
                           "not NoneType None$")]


@pytest.mark.parametrize("entry", ["chaincode_events", "new_chaincode_events_request"])
@pytest.mark.parametrize("name, error, message", NAMES, ids=["empty", "None"])
def test_a_chaincode_events_request_without_a_chaincode_name_is_refused_before_anything_is_sent(
        tmp_path, gateway, transport, entry, name, error, message):
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"}')
    transport.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2")]
    with FileCheckpointer(path) as checkpointer:
        with pytest.raises(error, match=message):
            getattr(gateway.get_network(CHANNEL), entry)(name, checkpoint=checkpointer)
        # the checkpointer is still free for the request made right
        events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
        checkpointer.checkpoint_chaincode_event(next(events))
        events.close()
    assert [sent for sent, _, _ in transport.calls] == ["chaincode_events"]
    assert FileCheckpointer(path).transaction_id == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"


@pytest.mark.parametrize("name, error, message", NAMES, ids=["empty", "None"])
def test_an_async_chaincode_events_request_without_a_chaincode_name_is_refused(credentials, name, error, message):
    key, identity = credentials
    fake = FakeTransport()

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            with pytest.raises(error, match=message):
                gateway.get_network(CHANNEL).chaincode_events(name)

    asyncio.run(main())
    assert fake.calls == []
