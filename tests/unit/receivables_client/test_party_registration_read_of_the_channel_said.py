"""``register_party`` reads the channel's orgs from its config block (qscc, through a peer of the party's org) to
name a second endorsing org. A failure of that read (no peer of that org up, an ``msp_id`` mistyped, so no org of
that name has peers, an ACL refusal) says what it was reading, for which registration, that nothing was sent and how
to send it without the read, as every other read the SDK makes to choose endorsers says it: raised bare, it was a
qscc evaluate error naming no registration at all."""

from __future__ import annotations

import grpc
import pytest

from client.gateway.errors import EvaluateError

from . import fakes
from .test_one_org_claim_endorsers import OrgsNetwork, both_clients, down, sent

MISTYPED = "SuplierMSP"
NO_PEERS = EvaluateError(f"failed to find any endorsing peers for org(s): {MISTYPED}", transaction_id="q",
                         code=grpc.StatusCode.UNAVAILABLE)


class ConfigUnread:
    """qscc answering every read with ``error``, as the Gateway does when no peer of the org named can answer."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def evaluate(self, function, **options):
        raise self.error


@both_clients
def test_a_failed_read_of_the_channels_orgs_names_the_registration_and_sends_nothing(awaited):
    network = OrgsNetwork()
    network.qscc = ConfigUnread(NO_PEERS)
    contract = down(awaited, responses={"RegisterParty": fakes.party()})
    with pytest.raises(EvaluateError) as caught:
        sent(awaited, contract, network, lambda sdk: sdk.register_party(
            fakes.TIER1, "Tier-1 Parts", "supplier", MISTYPED, ["x509::CN=a::CN=ca"]))
    said = caught.value.message
    assert said.startswith(f"failed to find any endorsing peers for org(s): {MISTYPED} (reading the channel's "
                           f"orgs from its config block, on a peer of {MISTYPED}, to choose who endorses the "
                           f"registration of party {fakes.TIER1}: nothing was sent; name the endorsing orgs "
                           "yourself"), said
    assert (caught.value.code, caught.value.transaction_id) == (grpc.StatusCode.UNAVAILABLE, "q")
    assert caught.value.__cause__ is NO_PEERS
    assert contract.calls == []
