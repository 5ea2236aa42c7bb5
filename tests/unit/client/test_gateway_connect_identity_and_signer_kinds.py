"""connect() and connect_async() refuse an identity that is no Identity and a signer that cannot be called, naming
what to give, before anything is sent. A private key (or its PEM) given as the signer was taken, and the first call
failed deep inside with "'bytes' object is not callable"; load_msp_folder's (identity, signer) pair given as the
identity raised "'tuple' object has no attribute 'certificate'"."""

import pytest

from client.gateway import Identity, connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, key_pem, make_key_and_cert

KEY, CERT = make_key_and_cert("user1")
IDENTITY = Identity("Org1MSP", CERT)
CONNECTS = pytest.mark.parametrize("connecting", [
    lambda **options: connect(transport=FakeTransport(), **options),
    lambda **options: connect_async(transport=AsyncFakeTransport(FakeTransport()), **options),
], ids=["connect", "connect_async"])


@CONNECTS
@pytest.mark.parametrize("signer, named", [
    (KEY, r"a private key \(EllipticCurvePrivateKey\)"),
    (key_pem(KEY), "bytes"),
    (key_pem(KEY).decode(), "str"),
], ids=["key", "PEM bytes", "PEM text"])
def test_a_key_given_as_the_signer_is_refused_naming_the_signer_to_make_of_it(connecting, signer, named):
    with pytest.raises(TypeError, match=(
            rf"^signer must be a function from a digest to its signature, not {named}: give "
            r"private_key_signer\(key\) for a private key, signer_from_pem\(private_key_pem\) for a PEM one, or "
            r"None to sign elsewhere$")) as refused:
        connecting(identity=IDENTITY, signer=signer)
    assert "PRIVATE KEY" not in str(refused.value)   # the key is not shown


@CONNECTS
@pytest.mark.parametrize("identity, named", [
    ((IDENTITY, private_key_signer(KEY)), r"a tuple: load_msp_folder gives the identity and its signer, "
                                          r"to unpack, identity, signer = load_msp_folder\(path, msp_id\)$"),
    (CERT, r"bytes: make one, Identity\.from_pem\(msp_id, certificate_pem\) or "
           r"Identity\.from_certificate_file\(msp_id, path\)$"),
    (None, r"NoneType: make one, Identity\.from_pem\(msp_id, certificate_pem\)"),
], ids=["the pair", "the certificate", "None"])
def test_what_is_no_identity_is_refused_naming_what_to_give(connecting, identity, named):
    with pytest.raises(TypeError, match=rf"^identity must be an Identity \(an MSP ID and its certificate\), not {named}"):
        connecting(identity=identity, signer=private_key_signer(KEY))


@CONNECTS
def test_a_callable_signer_and_no_signer_are_taken(connecting):
    connecting(identity=IDENTITY, signer=private_key_signer(KEY))
    connecting(identity=IDENTITY, signer=lambda digest: private_key_signer(KEY)(digest))
    connecting(identity=IDENTITY)
