"""Each kind of call gets its own deadline (docs/sdk-gateway.md, "Timeouts"): by default 5, 15, 5 and 60 s for
evaluate, endorse, submit and commit status (30 s for wait_for_block and for opening an event stream); a
step-by-step call's ``timeout=None`` is the gateway's Timeouts for its kind, not "no deadline"; ``None`` in
``Timeouts`` is no deadline. Exactly as the transport receives them, and as an in-process gRPC server sees them."""

from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from client.gateway import MAX_SECONDS, Timeouts, connect, private_key_signer
from .gateway_fakes import FakeTransport, Servicer, serving

CHANNEL = "receivables-channel"
DOCUMENTED_DEFAULTS = {"evaluate": 5, "endorse": 15, "submit": 5, "commit_status": 60}


def _deadlines(transport):
    return [(name, timeout) for name, _, timeout in transport.calls]


def _every_call_kind(contract, **timeout):
    """An evaluate, then a submit step by step: endorse, submit, commit status; each given ``timeout``."""
    contract.new_proposal("Get", arguments=["R-1"]).evaluate(**timeout)
    contract.new_proposal("Confirm", arguments=["R-1"]).endorse(**timeout).submit(**timeout).status(**timeout)


def test_the_defaults_are_the_documented_ones():
    assert Timeouts() == Timeouts(evaluate=5, endorse=15, submit=5, commit_status=60, wait_for_block=30,
                                  open_events=30)


def test_a_gateway_connected_without_timeouts_gives_each_call_its_kinds_default(credentials):
    key, identity = credentials
    transport = FakeTransport()
    contract = connect(identity=identity, signer=private_key_signer(key), transport=transport) \
        .get_network(CHANNEL).get_contract("receivables")
    contract.evaluate_transaction("Get", "R-1")
    contract.submit_transaction("Confirm", "R-1")
    assert _deadlines(transport) == list(DOCUMENTED_DEFAULTS.items())


def test_a_step_by_step_timeout_of_none_is_the_gateways_for_that_kind(credentials):
    key, identity = credentials
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport,
                      timeouts=Timeouts(evaluate=1.5, endorse=2.5, submit=3.5, commit_status=4.5))
    _every_call_kind(gateway.get_network(CHANNEL).get_contract("receivables"), timeout=None)
    assert _deadlines(transport) == [("evaluate", 1.5), ("endorse", 2.5), ("submit", 3.5), ("commit_status", 4.5)]


def test_none_in_timeouts_is_no_deadline_for_that_kind_alone(credentials):
    key, identity = credentials
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport,
                      timeouts=Timeouts(evaluate=None, submit=None))
    _every_call_kind(gateway.get_network(CHANNEL).get_contract("receivables"))
    assert _deadlines(transport) == [("evaluate", None), ("endorse", 15), ("submit", None), ("commit_status", 60)]


class AnsweringServicer(Servicer):
    """Answers the commit status at once, recording the deadline it saw."""

    def CommitStatus(self, request, context):
        self.seen.append(("commit_status", request, None, context.time_remaining()))
        return gateway_pb2.CommitStatusResponse(result=transaction_pb2.VALID, block_number=7)


def test_over_grpc_each_call_carries_its_kinds_default_deadline(credentials):
    servicer = AnsweringServicer()
    key, identity = credentials
    with serving(servicer) as target, \
            connect(target, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        contract = gateway.get_network(CHANNEL).get_contract("receivables")
        contract.evaluate_transaction("Get", "R-1")
        contract.submit("Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])
    seen = [(name, remaining) for name, _, _, remaining in servicer.seen]
    assert [name for name, _ in seen] == list(DOCUMENTED_DEFAULTS)
    for name, remaining in seen:
        # what is left of the deadline the client set, as the server's clock reads it (a little skew allowed):
        # the default of its kind, far from another kind's
        assert DOCUMENTED_DEFAULTS[name] / 2 < remaining <= DOCUMENTED_DEFAULTS[name] + 0.5, (name, remaining)


def test_over_grpc_a_kind_of_none_sends_its_calls_without_a_deadline(credentials):
    servicer = AnsweringServicer()
    key, identity = credentials
    with serving(servicer) as target, connect(target, identity=identity, signer=private_key_signer(key),
                                              insecure=True, timeouts=Timeouts(evaluate=None)) as gateway:
        gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get", "R-1")
    ((name, _, _, remaining),) = servicer.seen
    # gRPC's server reads a call without a deadline as one at the end of time
    assert name == "evaluate" and remaining > MAX_SECONDS
