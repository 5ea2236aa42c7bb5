"""tls_root_certificates, client_certificate and client_key of a kind connect cannot read are named: a number or a
list was Path()'s TypeError "expected str, bytes or os.PathLike object", naming no option; an empty path was read as
the working folder ("file  cannot be read (Is a directory)"). A bytearray or memoryview of the PEM is taken as its
bytes, as Identity takes them (it was that same TypeError). Nothing is opened for a refused one."""

import asyncio

import pytest

from client.gateway import connect, connect_async, private_key_signer
from .gateway_fakes import key_pem, make_key_and_cert

TLS_KEY, TLS_CERTIFICATE = make_key_and_cert("client.org1.example.com")
CA_KEY, CA = make_key_and_cert("tlsca.org1.example.com")


def _connect(credentials, **tls):
    key, identity = credentials
    tls.setdefault("tls_root_certificates", CA)
    return connect("localhost:7051", identity=identity, signer=private_key_signer(key), **tls)


@pytest.mark.parametrize("option", ["tls_root_certificates", "client_certificate", "client_key"])
@pytest.mark.parametrize("value", [7051, [CA], {"path": "ca.pem"}], ids=["a number", "a list", "a dict"])
def test_a_value_of_another_kind_is_a_type_error_naming_the_option(credentials, option, value):
    tls = {"client_certificate": TLS_CERTIFICATE, "client_key": key_pem(TLS_KEY), option: value}
    with pytest.raises(TypeError, match=rf"^{option} must be the PEM itself \(bytes, or text holding its -----BEGIN "
                                        rf"line\) or the path of its file \(str or pathlib.Path\), not "
                                        rf"{type(value).__name__}$"):
        _connect(credentials, **tls)


@pytest.mark.parametrize("option", ["tls_root_certificates", "client_certificate", "client_key"])
@pytest.mark.parametrize("empty", ["", "  "], ids=["empty", "blank"])
def test_an_empty_path_is_a_value_error_naming_the_option(credentials, option, empty):
    tls = {"client_certificate": TLS_CERTIFICATE, "client_key": key_pem(TLS_KEY), option: empty}
    with pytest.raises(ValueError, match=rf"^{option} is an empty path: give the path of its PEM file"):
        _connect(credentials, **tls)


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_a_bytearray_or_memoryview_of_the_pem_is_taken_as_its_bytes(credentials, kind):
    with _connect(credentials, tls_root_certificates=kind(CA), client_certificate=kind(TLS_CERTIFICATE),
                  client_key=kind(key_pem(TLS_KEY))):
        pass


def test_the_async_connect_names_it_too(credentials):
    key, identity = credentials

    async def main():
        connect_async("localhost:7051", identity=identity, signer=private_key_signer(key), client_key=3.5,
                      client_certificate=TLS_CERTIFICATE)

    with pytest.raises(TypeError, match="^client_key must be the PEM itself .* not float$"):
        asyncio.run(main())
