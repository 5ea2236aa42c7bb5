"""connect() and connect_async() refuse a server_name_override that is not a non-empty str, naming it and an
example, before any channel opens: an empty string was set aside without a word (the peer's certificate then
checked against the target's host), and bytes or a number were handed to gRPC, which opens a channel with
them all the same."""

import asyncio

import pytest

from client.gateway import connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport

EXAMPLE = 'e.g. server_name_override="peer0.org1.example.com"'
REFUSED = pytest.mark.parametrize("name, refused, message", [
    ("", ValueError, "server_name_override is blank ('')"),
    ("  ", ValueError, "server_name_override is blank ('  ')"),
    (b"peer0", TypeError, "server_name_override must be a str or None, not bytes b'peer0'"),
    (5, TypeError, "server_name_override must be a str or None, not int 5"),
], ids=["empty", "blank", "bytes", "int"])


def _connect_async(**options):
    async def main():
        return connect_async(**options)  # refused before a channel opens: nothing to close
    return asyncio.run(main())


@REFUSED
@pytest.mark.parametrize("open_gateway, source", [
    (connect, lambda: {"target": "127.0.0.1:1"}),
    (connect, lambda: {"transport": FakeTransport()}),
    (_connect_async, lambda: {"target": "127.0.0.1:1"}),
    (_connect_async, lambda: {"transport": AsyncFakeTransport(FakeTransport())}),
], ids=["sync-target", "sync-transport", "async-target", "async-transport"])
def test_a_server_name_override_that_is_not_a_non_empty_str_is_refused_naming_it(
        credentials, open_gateway, source, name, refused, message):
    key, identity = credentials
    with pytest.raises(refused) as caught:
        open_gateway(**source(), identity=identity, signer=private_key_signer(key), server_name_override=name)
    assert str(caught.value).startswith(message), caught.value
    assert EXAMPLE in str(caught.value), caught.value


def test_a_host_name_is_taken(credentials):
    key, identity = credentials
    with connect("127.0.0.1:1", identity=identity, signer=private_key_signer(key),
                 server_name_override="peer0.org1.example.com") as gateway:  # never dialled
        assert gateway.identity is identity
