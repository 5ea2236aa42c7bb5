"""A submit whose signer (one that may wait: an HSM, a signing service) used up the whole submit deadline sends the
transaction with what is left, 0 s, failing as that deadline passing fails, never with the ValueError that refuses a
timeout of 0 given to a call: submit_async handed what was left of its deadline to the send step as a timeout=."""
from client.gateway import connect, private_key_signer
from client.gateway._context import CallDeadline
from .gateway_fakes import FakeTransport

CHANNEL = "receivables-channel"


def test_a_deadline_used_up_by_signing_reaches_the_send_as_nothing_left(credentials, monkeypatch):
    key, identity = credentials
    in_process = private_key_signer(key)

    def signing_service(digest: bytes) -> bytes:   # its key unknown to the client: a signer that may wait
        return in_process(digest)

    # the signer takes the whole of each deadline: the signature is given the deadline (the first reading once its
    # clock started), and whatever reads it after finds nothing left
    read_after_start = {}

    def remaining(self):
        if self._ends is None or self.seconds is None:
            return self.seconds
        read_after_start[id(self)] = read_after_start.get(id(self), 0) + 1
        return self.seconds if read_after_start[id(self)] == 1 else 0.0

    monkeypatch.setattr(CallDeadline, "remaining", remaining)
    transport = FakeTransport()
    with connect(identity=identity, signer=signing_service, transport=transport) as gateway:
        gateway.get_network(CHANNEL).get_contract("receivables").submit_async("Confirm", arguments=["R-1"])
    assert [(name, timeout) for name, _, timeout in transport.calls] == [("endorse", 0.0), ("submit", 0.0)]

