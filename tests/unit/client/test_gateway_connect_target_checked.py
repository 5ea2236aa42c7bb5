"""connect() and connect_async() refuse a target gRPC cannot dial, naming it and the form to give, before any
channel opens. A connection profile's url (grpcs://peer0.org1.example.com:7051) was dialled as a host name and
failed every call as UNAVAILABLE "errors resolving", which reads as a peer that is down; a port given as a number
raised "'int' object has no attribute 'encode'"; an empty target had gRPC print errors of its own."""

import asyncio

import pytest

from client.gateway import Identity, connect, connect_async, private_key_signer
from .gateway_fakes import make_key_and_cert

KEY, CERT = make_key_and_cert("user1")
IDENTITY = Identity("Org1MSP", CERT)


def _connect(target):
    return connect(target, identity=IDENTITY, signer=private_key_signer(KEY), insecure=True)


def _connect_async(target):
    async def connecting():
        gateway = connect_async(target, identity=IDENTITY, signer=private_key_signer(KEY), insecure=True)
        await gateway.close()
    asyncio.run(connecting())


CONNECTS = pytest.mark.parametrize("connecting", [_connect, _connect_async], ids=["connect", "connect_async"])


@CONNECTS
@pytest.mark.parametrize("url", ["grpcs://peer0.org1.example.com:7051", "GRPC://peer0.org1.example.com:7051"])
def test_a_connection_profiles_url_is_refused_naming_the_host_and_port_to_give(connecting, url):
    with pytest.raises(ValueError, match=(
            rf"^target {url!r} is a URL, as a connection profile writes a peer's: give its host and port alone, "
            r"'peer0\.org1\.example\.com:7051' \(connect\(\) uses TLS unless insecure=True\)$")):
        connecting(url)


@CONNECTS
def test_a_target_that_is_no_text_or_is_blank_is_refused(connecting):
    with pytest.raises(TypeError, match=r"^target must be a str, 'host:port' such as 'peer0\.org1\.example\.com:7051', "
                                        r"not int 7051$"):
        connecting(7051)
    with pytest.raises(ValueError, match=r"^target is blank: give the peer's 'host:port'"):
        connecting(" ")


@CONNECTS
@pytest.mark.parametrize("target", ["peer0.org1.example.com:7051", "127.0.0.1:7051", "dns:///peer0:7051",
                                    "ipv4:127.0.0.1:7051"])
def test_the_targets_grpc_dials_are_taken(connecting, target):
    gateway = connecting(target)
    if gateway is not None:
        gateway.close()
