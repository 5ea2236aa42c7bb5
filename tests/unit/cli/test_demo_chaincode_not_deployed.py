"""`recfin demo --skip-setup` on a network that runs but has no receivables chaincode deployed says so, and what
to run: `recfin chaincode deploy`, or the demo without --skip-setup. Before, it stopped at step [1] with the
Gateway's own line (``failed to find any endorsing peers for org(s): ...``) and a pointer to the peer's logs,
which say nothing of a chaincode never deployed.

The Gateway says it in one of these ways (Fabric's internal/pkg/gateway): no peer of the acting org, whose own
peer answers, has the chaincode (planForOrgs, the orgs named); discovery has no definition of it (a plan left to
the Gateway); no peer to evaluate it on; or a peer's own refusal that it is not defined there. An org other than
the acting one without an endorsing peer, or another chaincode's name, is no such sign: those keep their line."""

from __future__ import annotations

import grpc
import pytest

from client.gateway.errors import EndorseError, ErrorDetail, EvaluateError

from ..receivables_client import test_demo
from ..receivables_client.test_demo import peers_at

ledger = test_demo.ledger   # the demo over contract doubles
open_address = test_demo.open_address   # the story's peers at an address that takes connections
OWN = "CoreEnterpriseMSP"   # the org of the first party registered, the story's first step
NOT_DEFINED = ("make sure the chaincode receivables has been successfully defined on channel receivables and try "
               "again: chaincode definition for 'receivables' exists, but chaincode is not installed")
ADVICE = ("deploy it with `recfin chaincode deploy` (or run the demo without --skip-setup, which brings the network "
          "up and deploys it)")


def _not_deployed() -> dict[str, Exception]:
    return {
        "no peer of the acting org has it": EndorseError(
            f"failed to find any endorsing peers for org(s): {OWN}, BankMSP", transaction_id="7" * 64,
            code=grpc.StatusCode.UNAVAILABLE),
        "discovery has no definition": EndorseError(
            "no combination of peers can be derived which satisfy the endorsement policy: No metadata was found for "
            "chaincode receivables in channel receivables", transaction_id="7" * 64,
            code=grpc.StatusCode.FAILED_PRECONDITION),
        "no peer to evaluate on": EvaluateError(
            "no peers available to evaluate chaincode receivables in channel receivables", transaction_id="7" * 64,
            code=grpc.StatusCode.UNAVAILABLE),
        "a peer says it is not defined": EndorseError(
            "failed to endorse transaction, see attached details for more info", transaction_id="7" * 64,
            code=grpc.StatusCode.ABORTED, details=[ErrorDetail("peer0:7051", OWN, NOT_DEFINED)]),
    }


@pytest.mark.parametrize("case", list(_not_deployed()))
def test_a_chaincode_not_deployed_is_said_with_the_deploy_to_run(ledger, monkeypatch, open_address, case):
    error = _not_deployed()[case]
    peers_at(monkeypatch, ledger, open_address, error)
    res = test_demo.run_demo("--skip-setup")
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    assert "Error: the receivables chaincode is not deployed on channel receivables" in said, said
    assert ADVICE in said, said
    assert error.message in said            # the Gateway's own words stay, for whoever reads the peer's logs
    assert all(detail.message in said for detail in error.details)
    assert "[tx " not in said               # the proposal reached no orderer: no transaction to look up
    assert ledger.calls("RegisterReceivable") == []


@pytest.mark.parametrize("message", [
    "failed to find any endorsing peers for org(s): BankMSP",         # another org's peers down
    "no peers available to evaluate chaincode qscc in channel receivables",   # not the story's chaincode
    "no combination of peers can be derived which satisfy the endorsement policy: No metadata was found for "
    "chaincode receivables2 in channel receivables",
])
def test_other_gateway_failures_keep_their_own_line(ledger, monkeypatch, open_address, message):
    peers_at(monkeypatch, ledger, open_address, EndorseError(message, transaction_id="7" * 64,
                                                             code=grpc.StatusCode.UNAVAILABLE))
    res = test_demo.run_demo("--skip-setup")
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    assert "Error: step [1] of the story failed (coreenterprise-admin acting): " in said and message in said, said
    assert "chaincode deploy" not in said
