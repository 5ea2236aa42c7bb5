"""An identity whose PEM holds a chain with the identity's own certificate after another (a CA's put first) is
refused at connect naming the certificate peers take (the first), the one the signer's key belongs to and what to
do, where it was called the wrong key: "signer signs with a key other than the identity's", which sent the user
looking for another key. Peers read only the first certificate."""
import pytest

from client.gateway import Identity, connect, private_key_signer
from .gateway_fakes import FakeTransport, make_key_and_cert

KEY, CERT = make_key_and_cert("user1")
_, CA_CERT = make_key_and_cert("ca.org1")
_, STRANGER = make_key_and_cert("user9")


def test_the_signers_certificate_after_another_is_named_with_what_to_do():
    with pytest.raises(ValueError, match=r"^the identity's PEM holds 2 certificates, and peers take the first "
                                         r"\(CN=ca\.org1, MSP Org1MSP\) as the identity; the signer's key is that of "
                                         r"certificate 2 \(CN=user1\): put the identity's own certificate first"):
        connect(identity=Identity("Org1MSP", CA_CERT + CERT), signer=private_key_signer(KEY), transport=FakeTransport())


def test_a_key_of_none_of_the_certificates_is_still_called_another_key():
    with pytest.raises(ValueError, match=r"^signer signs with a key other than the identity's"):
        connect(identity=Identity("Org1MSP", CA_CERT + STRANGER), signer=private_key_signer(KEY),
                transport=FakeTransport())


def test_the_identitys_certificate_first_with_its_chain_after_it_connects():
    transport = FakeTransport()
    with connect(identity=Identity("Org1MSP", CERT + CA_CERT), signer=private_key_signer(KEY),
                 transport=transport) as gateway:
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    assert transport.calls[0][0] == "evaluate"
