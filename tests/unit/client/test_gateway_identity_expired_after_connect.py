"""An identity whose certificate expires while the Gateway is open (a listener or a service running for months) is
refused before each signature, naming the date, as connect() refuses one already expired: every peer would refuse
its requests with "proposal client identity expired", or a bare "access denied", naming no date. Peers refuse it by
their own clocks: within EXPIRY_CLOCK_ALLOWANCE past its end by this machine's clock (a clock here a few minutes ahead
of theirs) it is still signed with and sent, for the peers to decide."""

import datetime
import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from client.gateway import EXPIRY_CLOCK_ALLOWANCE, Identity, _context, connect, private_key_signer
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
    clock(END + EXPIRY_CLOCK_ALLOWANCE + datetime.timedelta(seconds=1))
    with pytest.raises(ValueError, match=(
            rf"^the identity's certificate \(CN=user1@org1, MSP Org1MSP\) expired on {END_SHOWN} \(\S+ by this "
            r"machine's clock\), and every "
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


def test_a_clock_here_minutes_ahead_of_the_peers_still_signs_and_sends(clock):
    """Peers refuse an expired creator by their own clocks: this one reading a few minutes past the end while
    theirs do not yet must not refuse what they would take."""
    assert EXPIRY_CLOCK_ALLOWANCE == datetime.timedelta(minutes=5)   # as docs/sdk-gateway.md says
    transport = FakeTransport()
    contract = connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=transport).get_network(
        "ch").get_contract("cc")
    clock(END + datetime.timedelta(minutes=3))
    contract.evaluate_transaction("Get")
    clock(END + EXPIRY_CLOCK_ALLOWANCE)
    contract.submit_transaction("Confirm", "R-1")
    assert [name for name, *_ in transport.calls][:2] == ["evaluate", "endorse"]


def test_signing_elsewhere_is_not_refused_here(clock):
    """The check is of this Gateway's own signatures: a digest handed to an HSM or another machine, and the
    request rebuilt with its signature, go out for the peers to judge by their clocks."""
    transport = FakeTransport()
    offline = connect(identity=IDENTITY, transport=transport)
    clock(END + datetime.timedelta(days=1))
    proposal = offline.get_network("ch").get_contract("cc").new_proposal("Get")
    signature = KEY.sign(proposal.digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    offline.new_signed_proposal(proposal.bytes, signature).evaluate()
    assert [name for name, *_ in transport.calls] == ["evaluate"]
