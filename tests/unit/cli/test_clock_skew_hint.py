"""A peer that refuses a proposal stamped outside its time window (Fabric's TimeWindowCheck auth filter, which
every recfin peer lists) says so in Fabric's words, which name the window but not the machine at fault: the CLI's
line adds that this machine's clock stamped the proposal and is what to set right."""

from __future__ import annotations

import grpc

from cli.connection import describe
from client.gateway import EndorseError, ErrorDetail, GatewayError

# the auth filter's words, as a peer of Fabric 3.1 answers them (core/handlers/auth/filter/timewindow.go)
REFUSED = ("request unauthorized due to incorrect timestamp 2026-12-05 11:20:00 +0000 UTC, peer time "
           "2026-12-05 10:40:00 +0000 UTC, peer.authentication.timewindow 15m0s")


def test_a_proposal_refused_for_its_timestamp_names_this_machines_clock():
    refused = EndorseError("failed to endorse transaction, see attached details for more info", transaction_id="tx",
                           code=grpc.StatusCode.ABORTED,
                           details=[ErrorDetail("peer0.bank.recfin.local:9051", "BankMSP", REFUSED)])
    line = describe(refused)
    assert line.endswith("; this machine's clock, which stamped the proposal, differs from the peer's by more than "
                         "that window: set it right (NTP, `timedatectl`) and send again"), line
    assert "peer.authentication.timewindow 15m0s" in line   # Fabric's own words are kept


def test_another_refusal_gets_no_word_about_the_clock():
    line = describe(GatewayError("access denied: channel [recfin] creator org unknown",
                                 code=grpc.StatusCode.PERMISSION_DENIED))
    assert "clock" not in line, line


def test_the_line_of_a_refused_endorsement_says_once_that_nothing_reached_the_orderer():
    """The SDK's advice for a failed endorsement names no Python call, so the CLI's line keeps it, once, before its
    own hint: sending the change again is safe."""
    refused = EndorseError("failed to endorse transaction, see attached details for more info", transaction_id="tx",
                           code=grpc.StatusCode.ABORTED,
                           details=[ErrorDetail("peer0.bank.recfin.local:9051", "BankMSP", REFUSED)])
    line = describe(refused)
    # its full stop gives way to the "; " of the hint after it
    assert line.count(refused.advice.rstrip(".")) == 1 and line.count("orderer") == 1, line
    assert "\n" not in line
