"""connect() options that only shape the channel the client opens: refused beside a channel or transport of the
caller's, which would silently leave them unused (TLS roots beside a plaintext channel, metadata never sent)."""

import asyncio

import grpc
import pytest

from client.gateway import connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, make_key_and_cert

CHANNEL = "receivables-channel"
CHANNEL_OPTIONS = {
    "tls_root_certificates": b"-----BEGIN CERTIFICATE-----",
    "client_key": b"-----BEGIN PRIVATE KEY-----",
    "server_name_override": "peer0.org1.example.com",
    "insecure": True,
    "grpc_options": [("grpc.max_receive_message_length", 1)],
}
TRANSPORT_OPTIONS = {**CHANNEL_OPTIONS, "metadata": [("x-recfin-caller", "unit-test")]}


def _connect_sync(source, options):
    """connect() with ``source`` ("grpc_channel" or "transport") of the caller's and ``options``."""
    with grpc.insecure_channel("127.0.0.1:1") as channel:  # never dialled: connect() refuses first
        given = {"grpc_channel": channel} if source == "grpc_channel" else {"transport": FakeTransport()}
        return connect(**given, **options)


def _connect_async(source, options):
    async def main():
        async with grpc.aio.insecure_channel("127.0.0.1:1") as channel:
            given = {"grpc_channel": channel} if source == "grpc_channel" else {"transport": AsyncFakeTransport(FakeTransport())}
            return connect_async(**given, **options)

    return asyncio.run(main())


FAMILIES = pytest.mark.parametrize("connect_with", [_connect_sync, _connect_async], ids=["sync", "async"])


@FAMILIES
@pytest.mark.parametrize(
    "source, option",
    [("grpc_channel", name) for name in CHANNEL_OPTIONS] + [("transport", name) for name in TRANSPORT_OPTIONS],
)
def test_an_option_that_has_no_effect_with_a_channel_or_transport_of_the_callers_is_refused(
    credentials, connect_with, source, option
):
    key, identity = credentials
    _, client_certificate = make_key_and_cert("client")
    options = {"identity": identity, "signer": private_key_signer(key), option: TRANSPORT_OPTIONS[option],
               "client_certificate": client_certificate}  # used with either: not named
    if source == "grpc_channel":
        options.setdefault("metadata", [("x-recfin-caller", "unit-test")])  # sent over the caller's channel: not named
    where = "when you make the channel" if source == "grpc_channel" else "in your transport"
    with pytest.raises(ValueError) as caught:
        connect_with(source, options)
    assert str(caught.value).startswith(f"{option} has no effect with {source}: ")
    assert f"Set it {where}" in str(caught.value)
    assert str(caught.value).endswith(f"or give target instead of {source}")


@FAMILIES
def test_every_option_without_effect_is_named_at_once(credentials, connect_with):
    key, identity = credentials
    options = {"identity": identity, "signer": private_key_signer(key), "insecure": True,
               "tls_root_certificates": b"roots", "grpc_options": [("grpc.enable_retries", 0)]}
    with pytest.raises(ValueError, match=r"^tls_root_certificates, insecure, grpc_options have no effect with "
                                         r"grpc_channel: .* Set them when you make the channel"):
        connect_with("grpc_channel", options)


@FAMILIES
@pytest.mark.parametrize("source", ["grpc_channel", "transport"])
def test_the_client_certificate_may_still_be_given_for_its_hash_in_block_event_requests(credentials, connect_with, source):
    key, identity = credentials
    _, client_certificate = make_key_and_cert("client")
    gateway = connect_with(source, {"identity": identity, "signer": private_key_signer(key),
                                    "client_certificate": client_certificate})
    assert gateway.get_network(CHANNEL).name == CHANNEL
