"""A peer that cannot give the check its chain info or a block (down, unreachable, a block its ledger does not give)
stops the check with the Gateway's error: since ``verify`` reads the peers in turn, and the Gateway's words name
neither the peer nor its org, the error names both, what was being read, and what to do."""
import grpc
import pytest

from bench.ledger_check import check_peer
from client.gateway import GatewayError

from .test_ledger_check import OneOrgsQscc

RECORD = b'{"id":"R-1"}'


class Failing(OneOrgsQscc):
    """A peer of SupplierMSP whose ``function`` fails with ``error``."""

    def __init__(self, function: str, error: GatewayError) -> None:
        super().__init__(RECORD)
        self.function, self.error = function, error

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function == self.function:
            raise self.error
        return super().evaluate(function, arguments=arguments, endorsing_organizations=endorsing_organizations)


def _refusal(function: str, error: GatewayError) -> GatewayError:
    with pytest.raises(GatewayError) as refused:
        check_peer("peer0.supplier", Failing(function, error), OneOrgsQscc(RECORD), "receivables", "receivables",
                   "SupplierMSP", ["tx-1"], [])
    return refused.value


def test_a_peer_that_does_not_answer_for_its_chain_info_is_named_with_its_org_and_what_to_do():
    error = _refusal("GetChainInfo", GatewayError("failed to connect to all addresses",
                                                  code=grpc.StatusCode.UNAVAILABLE))
    assert error.code is grpc.StatusCode.UNAVAILABLE
    assert error.message == (
        "peer0.supplier (SupplierMSP) did not answer when asked for the chain info of channel receivables "
        "(failed to connect to all addresses): the check reads every block of each peer, and stops here. Start "
        "the peer, or wait until it is reachable and at the height of the others, then run the check again")


def test_a_block_the_peer_refuses_is_named_with_the_peer_its_org_and_what_to_do():
    said = "evaluate call to endorser returned error: Failed to get block number 0, error no such block number [0]"
    error = _refusal("GetBlockByNumber", GatewayError(said, code=grpc.StatusCode.UNKNOWN))
    assert error.code is grpc.StatusCode.UNKNOWN
    assert error.message == (
        f"peer0.supplier (SupplierMSP) refused block 0 of channel receivables ({said}): the check reads every "
        "block of each peer, and stops here. A peer whose ledger does not give a block below its height is not "
        "holding what Fabric committed: stop the peer and run `peer node reset` so that it fetches its blocks "
        "again, or see its log for why it refused, then run the check again")
