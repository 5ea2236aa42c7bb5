"""A ledger command waits for each call as long as --timeout SECONDS (or RECFIN_TIMEOUT) says, in place of the
SDK's defaults (an evaluation 5s, an endorsement 15s, a submit 5s, a commit status 60s): on a network slow but
working, where a commit status takes longer than 60s, an operator could not wait longer. 0, a negative number or
no number is a usage error (exit 2) before anything connects; a call that ran out names the setting."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import grpc
import pytest

from cli import invoice_commands
from cli.connection import describe
from cli.main import main
from client.gateway import CommitStatusError, EndorseError, EvaluateError, Timeouts
from network import profiles
from network.topology import load

R = "R-0123456789abcdef"
SAMPLES = Path(__file__).resolve().parents[3] / "client" / "invoices" / "reference_data" / "samples"
COMMANDS = [
    ["receivable", "get", R, "--as", "supplier/supplier1"],
    ["receivable", "audit", R, "--as", "bank"],
    ["transaction", "status", "a" * 64, "--as", "supplier"],
    ["receivable", "list", "--as", "supplier"],
    ["risk", "score", "91310000MA1K000019", "--as", "bank"],
    ["invoice", "attestations", "a" * 64, "--as", "bank"],
    ["invoice", "attest", str(SAMPLES / "einvoice.xml"), "--as", "bank/officer1"],
    ["invoice", "verify", str(SAMPLES / "einvoice.xml"), "--ledger", "--today", "2026-11-30"],
    ["invoice", "register", str(SAMPLES / "einvoice.xml"), "--po", str(SAMPLES / "purchase_order.csv"),
     "--receipt", str(SAMPLES / "goods_receipt.csv"), "--due", "2027-03-01", "--as", "supplier/supplier1"],
    # every org's session of the story: each connection waits as long
    ["demo", "--skip-setup"],
]


@pytest.fixture
def timeouts_connected(network_copy, timeouts_given, monkeypatch):
    """The Timeouts each connection was given, with every org's profile written. `invoice register` holds the
    sample invoice's date and its --due to today before it connects: today is pinned, as `verify --today` is."""
    profiles.write_all(load(), network_copy)
    monkeypatch.setattr(invoice_commands, "business_today", lambda: date(2026, 11, 30))
    return timeouts_given


def each_call(seconds: float) -> Timeouts:
    return Timeouts(**{each.name: seconds for each in fields(Timeouts)})


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_timeout_sets_how_long_each_call_waits(runner, timeouts_connected, command):
    result = runner.invoke(main, command + ["--timeout", "120"])
    assert result.output.strip().splitlines()[-1] == "Error: connecting", result.output
    assert timeouts_connected == [each_call(120.0)]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_without_it_the_sdks_defaults_hold(runner, timeouts_connected, command):
    result = runner.invoke(main, command)
    assert result.output.strip().splitlines()[-1] == "Error: connecting", result.output
    assert timeouts_connected in ([None], [Timeouts()])


def test_the_variable_sets_it_and_the_option_wins(runner, timeouts_connected):
    runner.invoke(main, COMMANDS[0], env={"RECFIN_TIMEOUT": "90"})
    runner.invoke(main, COMMANDS[0] + ["--timeout", "30.5"], env={"RECFIN_TIMEOUT": "90"})
    assert timeouts_connected == [each_call(90.0), each_call(30.5)]


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "nan", "inf", ""])
def test_a_bad_timeout_is_a_usage_error_before_connecting(runner, timeouts_connected, bad):
    result = runner.invoke(main, COMMANDS[0] + ["--timeout", bad])
    assert result.exit_code == 2 and "Invalid value for '--timeout'" in result.output, result.output
    assert timeouts_connected == []


@pytest.mark.parametrize("bad", ["-1", "x", "inf"])
def test_a_bad_variable_is_a_usage_error_naming_it(runner, timeouts_connected, bad):
    result = runner.invoke(main, COMMANDS[0], env={"RECFIN_TIMEOUT": bad})
    assert result.exit_code == 2 and "RECFIN_TIMEOUT" in result.output, result.output
    assert timeouts_connected == []


def test_help_tells_of_it(runner):
    result = runner.invoke(main, ["receivable", "get", "--help"])
    assert "--timeout SECONDS" in result.output and "RECFIN_TIMEOUT" in result.output, result.output


DEADLINE = grpc.StatusCode.DEADLINE_EXCEEDED


@pytest.mark.parametrize("timed_out", [
    EndorseError("Deadline Exceeded", transaction_id="tx", code=DEADLINE, timeout=15.0),
    EvaluateError("Deadline Exceeded", transaction_id="tx", code=DEADLINE, timeout=5.0),
    CommitStatusError("Deadline Exceeded", transaction_id="tx", code=DEADLINE, timeout=60.0),
], ids=["endorse", "evaluate", "commit status"])
def test_a_call_whose_timeout_passed_names_the_setting_and_says_no_answer_once(timed_out):
    line = describe(timed_out)
    assert "--timeout SECONDS (or RECFIN_TIMEOUT)" in line, line
    assert line.lower().count("no answer") == 1, line
    assert ".;" not in line, line


def test_a_deadline_the_peer_gave_names_no_setting():
    """A DEADLINE_EXCEEDED the peer answered with (its own timeout, ``timeout`` None): --timeout changes nothing."""
    line = describe(EvaluateError("Deadline Exceeded", transaction_id="tx", code=DEADLINE))
    assert "--timeout" not in line and "no answer came in time" in line, line


# how the help names each kind of call --timeout sets: a Timeouts field added to the SDK fails here until it is said
CALL_WORDS = {"evaluate": "an evaluation", "endorse": "an endorsement", "submit": "a submit",
              "commit_status": "a commit status", "wait_for_block": "a wait for a block",
              "open_events": "opening an event stream"}


def test_help_says_the_sdks_own_default_of_each_call(runner):
    """The help's defaults are the SDK's Timeouts, each kind of call the option sets named with its seconds: a
    default changed in the SDK changes the help, which cannot tell an operator an old number."""
    result = runner.invoke(main, ["receivable", "get", "--help"])
    words = " ".join(result.output.split())
    for each in fields(Timeouts):
        said = f"{CALL_WORDS[each.name]} {each.default:g}s"
        assert said in words, (said, words)
