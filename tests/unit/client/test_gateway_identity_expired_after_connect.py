"""An identity whose certificate expires while the Gateway is open (a listener or a service running for months) is
refused before each signature, naming the date, as connect() refuses one already expired: every peer would refuse
its requests with "proposal client identity expired", or a bare "access denied", naming no date."""

import datetime
import re

import pytest

from client.gateway import Identity, _context, connect, private_key_signer
from .gateway_fakes import FakeTransport, make_key_and_cert

KEY, CERT = make_key_and_cert("user1@org1")   # valid for 30 days from now
IDENTITY = Identity("Org1MSP", CERT)
END = IDENTITY.certificate.not_valid_after_utc
END_SHOWN = re.escape(END.isoformat())


@pytest.fixture
def clock(monkeypatch):
    """Set the time the Gateway checks certificates against."""
    def set_to(moment):
        monkeypatch.setattr(_context, "_now", lambda: moment)
    return set_to


def test_a_certificate_expired_since_connect_is_refused_naming_its_end_and_nothing_is_sent(clock):
    transport = FakeTransport()
    contract = connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=transport).get_network(
        "ch").get_contract("cc")
    contract.evaluate_transaction("Get")   # still valid
    clock(END + datetime.timedelta(seconds=1))
    with pytest.raises(ValueError, match=(
            rf"^the identity's certificate \(CN=user1@org1, MSP Org1MSP\) expired on {END_SHOWN}, and every "
            r"peer refuses the requests of an expired identity: renew it with its CA .* connect with the new "
            r"certificate\. Nothing was signed or sent$")):
        contract.submit_transaction("Confirm", "R-1")
    assert [name for name, *_ in transport.calls] == ["evaluate"]


def test_an_event_stream_opened_after_it_expired_is_refused_alike(clock):
    transport = FakeTransport()
    network = connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=transport).get_network("ch")
    clock(END + datetime.timedelta(days=1))
    with pytest.raises(ValueError, match=rf"expired on {END_SHOWN}"):
        network.chaincode_events("receivables")
    assert transport.calls == []


def test_at_its_last_moment_it_still_signs(clock):
    transport = FakeTransport()
    clock(END)
    connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=transport).get_network(
        "ch").get_contract("cc").evaluate_transaction("Get")
    assert len(transport.calls) == 1
