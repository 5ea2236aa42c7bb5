"""A checkpoint file is of one listener: the channel, and for chaincode events the chaincode, it was written for.
Resumed by a listener of another, its block and transaction would skip or replay that listener's events. An
InMemoryCheckpointer is of one listener too: the first it is given to."""

import asyncio
import json

import pytest

from client.gateway import FileCheckpointer, InMemoryCheckpointer, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response

CHANNEL = "receivables-channel"


def _written_for(path, channel, chaincode=None, block=5, transaction="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"):
    state = {"blockNumber": block, "transactionId": transaction, "channel": channel}
    if chaincode is not None:
        state["chaincode"] = chaincode
    path.write_text(json.dumps(state))
    return path.read_text()


def test_the_file_records_the_channel_and_chaincode_of_the_listener_it_was_given_to(tmp_path, gateway, transport):
    path = tmp_path / "checkpoint.json"
    transport.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2")]
    with FileCheckpointer(path) as checkpointer:
        for event in gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer):
            checkpointer.checkpoint_chaincode_event(event)
            break
    assert json.loads(path.read_text()) == {"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "channel": CHANNEL,
                                            "chaincode": "receivables"}
    with FileCheckpointer(path) as checkpointer:
        gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)  # the same: resumed
        checkpointer.checkpoint_block(9)
    assert json.loads(path.read_text())["chaincode"] == "receivables"


@pytest.mark.parametrize("channel, chaincode, named", [
    (CHANNEL, "other-contract", f"chaincode 'other-contract' events of channel '{CHANNEL}'"),
    ("other-channel", "receivables", "chaincode 'receivables' events of channel 'other-channel'"),
    (CHANNEL, None, f"block events of channel '{CHANNEL}'"),
], ids=["another chaincode", "another channel", "block events"])
def test_a_file_of_chaincode_events_is_refused_to_another_listener_naming_both(tmp_path, gateway, transport,
                                                                               channel, chaincode, named):
    path = tmp_path / "checkpoint.json"
    text = _written_for(path, CHANNEL, "receivables")
    checkpointer = FileCheckpointer(path)
    network = gateway.get_network(channel)
    with pytest.raises(ValueError, match=(
            rf"^{path} is the checkpoint of chaincode 'receivables' events of channel '{CHANNEL}', not of {named}: "
            rf"resumed there, its position would skip or replay events\. Give this listener its own file, or "
            rf"remove {path} to start it afresh$")):
        if chaincode is None:
            network.block_events(checkpoint=checkpointer)
        else:
            network.chaincode_events(chaincode, checkpoint=checkpointer)
    assert transport.calls == [] and path.read_text() == text
    checkpointer.close()


def test_a_file_of_block_events_is_refused_to_a_chaincode_listener_and_another_channel(tmp_path, gateway):
    path = tmp_path / "checkpoint.json"
    _written_for(path, CHANNEL)
    with FileCheckpointer(path) as checkpointer:
        with pytest.raises(ValueError, match=rf"checkpoint of block events of channel '{CHANNEL}', not of chaincode "
                                             rf"'receivables' events of channel '{CHANNEL}'"):
            gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
        with pytest.raises(ValueError, match=r"not of block events of channel 'other-channel'"):
            gateway.get_network("other-channel").filtered_block_events(checkpoint=checkpointer)
        gateway.get_network(CHANNEL).block_and_private_data_events(checkpoint=checkpointer)   # its own: taken


def test_a_file_of_the_earlier_format_is_taken_and_names_its_listener_from_its_next_checkpoint(tmp_path, gateway,
                                                                                               transport):
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"}')
    with FileCheckpointer(path) as checkpointer:
        gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
        assert path.read_text() == '{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"}'   # not written until a checkpoint
        # the file does not name its listener yet: the checkpointer was given to one, the file is not at fault
        with pytest.raises(ValueError, match=rf"^the checkpointer of {path} was given to chaincode 'receivables' "
                                             r"events of channel '.*', not to chaincode 'other' events"):
            gateway.get_network(CHANNEL).chaincode_events("other", checkpoint=checkpointer)   # one file, one listener
        checkpointer.checkpoint_transaction(6, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2")
    assert json.loads(path.read_text()) == {"blockNumber": 6, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", "channel": CHANNEL,
                                            "chaincode": "receivables"}
    with FileCheckpointer(path) as restarted, pytest.raises(ValueError, match="not of chaincode 'other' events"):
        gateway.get_network(CHANNEL).chaincode_events("other", checkpoint=restarted)


def test_a_checkpointer_read_without_a_gateway_is_told_its_listener(tmp_path):
    path = tmp_path / "checkpoint.json"
    with FileCheckpointer(path) as checkpointer:
        checkpointer.check_listener(CHANNEL, "receivables")
        checkpointer.checkpoint_transaction(3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        with pytest.raises(ValueError, match="not of block events"):
            checkpointer.check_listener(CHANNEL)
    assert json.loads(path.read_text())["channel"] == CHANNEL


@pytest.mark.parametrize("text", [
    '{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "chaincode": "receivables"}',       # a chaincode of no channel
    '{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "channel": ""}',
    '{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "channel": 7, "chaincode": "receivables"}',
    '{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "channel": "c", "chaincode": ["receivables"]}',
])
def test_a_file_naming_its_listener_wrongly_is_no_checkpoint_file(tmp_path, text):
    path = tmp_path / "checkpoint.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="is not a checkpoint file"):
        FileCheckpointer(path)
    assert path.read_text() == text


# ---------------------------------------------------------------- one InMemoryCheckpointer, one listener

IN_MEMORY_REFUSAL = (r"^this checkpointer was given to {recorded}, not to {given}: resumed there, its position "
                     r"would skip or replay events\. Give each listener its own checkpointer$")


@pytest.mark.parametrize("first, second, recorded, given", [
    (("receivables", None), ("other-contract", None), f"chaincode 'receivables' events of channel '{CHANNEL}'",
     f"chaincode 'other-contract' events of channel '{CHANNEL}'"),
    ((None, "block_events"), ("receivables", None), f"block events of channel '{CHANNEL}'",
     f"chaincode 'receivables' events of channel '{CHANNEL}'"),
    (("receivables", None), (None, "filtered_block_events"), f"chaincode 'receivables' events of channel '{CHANNEL}'",
     f"block events of channel '{CHANNEL}'"),
], ids=["chaincode events of two chaincodes", "block events, then chaincode events",
        "chaincode events, then block events"])
def test_an_in_memory_checkpointer_shared_by_two_listeners_is_refused_to_the_second_naming_both(
        gateway, transport, first, second, recorded, given):
    checkpointer = InMemoryCheckpointer()
    network = gateway.get_network(CHANNEL)

    def listen(chaincode, blocks):
        return (network.chaincode_events(chaincode, checkpoint=checkpointer) if chaincode is not None
                else getattr(network, blocks)(checkpoint=checkpointer))

    listen(*first)
    checkpointer.checkpoint_transaction(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")   # the first listener's progress, which the second would resume at
    with pytest.raises(ValueError, match=IN_MEMORY_REFUSAL.format(recorded=recorded, given=given)):
        listen(*second)
    listen(*first)   # its own listener again, reconnecting after a dropped stream: taken
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")


def test_an_in_memory_checkpointer_is_refused_to_a_listener_of_another_channel_in_the_async_client(credentials):
    key, identity = credentials
    checkpointer = InMemoryCheckpointer()

    async def main():
        transport = FakeTransport()
        transport.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(transport)) as gateway:
            events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
            await anext(events)   # the async stream opens at its first read: the listener is recorded there
            gateway.get_network("other-channel").chaincode_events("receivables", checkpoint=checkpointer)

    with pytest.raises(ValueError, match=IN_MEMORY_REFUSAL.format(
            recorded=f"chaincode 'receivables' events of channel '{CHANNEL}'",
            given="chaincode 'receivables' events of channel 'other-channel'")):
        asyncio.run(main())


@pytest.mark.parametrize("make", [lambda _: InMemoryCheckpointer(), lambda path: FileCheckpointer(path)],
                         ids=["in memory", "file"])
def test_both_checkpointers_record_the_first_listener_told_without_a_gateway_and_refuse_another(tmp_path, make):
    checkpointer = make(tmp_path / "checkpoint.json")
    checkpointer.check_listener(CHANNEL, "receivables")
    checkpointer.check_listener(CHANNEL, "receivables")
    with pytest.raises(ValueError, match=f"checkpointer (of .* )?was given to chaincode 'receivables' events of "
                                         f"channel '{CHANNEL}', not to block events of channel '{CHANNEL}'"):
        checkpointer.check_listener(CHANNEL)
