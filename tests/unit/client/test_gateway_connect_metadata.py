"""connect() refuses metadata gRPC would refuse at every call, naming the entry, before any channel opens."""

import asyncio

import pytest

from client.gateway import connect, connect_async, private_key_signer
from .gateway_fakes import Servicer, start_server


@pytest.fixture
def served():
    server, port = start_server(Servicer())
    yield f"127.0.0.1:{port}"
    server.stop(None)


@pytest.mark.parametrize("metadata, refused, message", [
    ([("Authorization", "Bearer t")], ValueError, r"metadata key 'Authorization' \(entry 1\) is not one"),
    ([("x-ok", "1"), ("", "v")], ValueError, r"metadata key '' \(entry 2\)"),
    ([("x-caller", "two\nlines")], ValueError, "value of 'x-caller' holds characters gRPC does not"),
    ([("x-caller", "café")], ValueError, "the metadata value of 'x-caller' holds characters"),
    ([("x-caller", 5)], TypeError, "the metadata value of 'x-caller' is int, not str or bytes"),
    ([("x-token-bin", "text")], TypeError, "the metadata value of 'x-token-bin' is str, not bytes"),
    ({"x-caller": "a"}, TypeError, "metadata entry 1 is str 'x-caller', not a \\(key, value\\) pair"),
], ids=["uppercase-key", "empty-key", "line-break", "non-ascii", "int", "bin-str", "dict"])
def test_metadata_grpc_would_refuse_is_refused_at_connect_naming_the_entry(
        served, credentials, metadata, refused, message):
    key, identity = credentials
    with pytest.raises(refused, match=message):
        connect(served, identity=identity, signer=private_key_signer(key), insecure=True, metadata=metadata)

    async def main():
        connect_async(served, identity=identity, signer=private_key_signer(key), insecure=True,
                      metadata=metadata)

    with pytest.raises(refused, match=message):
        asyncio.run(main())


def test_metadata_grpc_sends_is_taken_and_sent(served, credentials):
    key, identity = credentials
    metadata = [("x-recfin-caller", "unit-test ~1"), ("x_a.b", b"bytes"), ("x-token-bin", b"\x00\xff"),
                ("x-e", "")]
    with connect(served, identity=identity, signer=private_key_signer(key), insecure=True,
                 metadata=metadata) as gateway:
        assert gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get") == b"42"
