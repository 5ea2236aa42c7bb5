"""Options whose value the command could not act on as asked are usage errors (exit 2) before anything runs:
a party's name without the credit code it is checked by, and a time or rate that is not a finite number."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bench import sdk_roundtrip
from cli import bench_commands
from cli.main import main

from .test_help_examples import ALL, tree

SAMPLE = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples" / "einvoice.xml"
BUYER_CODE = "91440300MA5F7KQ3XU"     # the sample invoice's buyer


def verify(*args: str):
    return CliRunner().invoke(main, ["invoice", "verify", str(SAMPLE), "--today", "2026-11-30", *args])


# ------------------------------------------------------------------ invoice verify --debtor-name / --supplier-name

@pytest.mark.parametrize("party", ["debtor", "supplier"])
def test_a_party_name_without_its_credit_code_is_a_usage_error_not_a_skipped_check(party):
    result = verify(f"--{party}-name", "Someone Else Ltd")
    assert result.exit_code == 2, result.output
    assert f"--{party}-name needs --{party} CREDIT_CODE" in result.output
    assert "PASSED" not in result.output


@pytest.mark.parametrize("party", ["debtor", "supplier"])
def test_an_empty_credit_code_is_a_usage_error(party):
    result = verify(f"--{party}", " ")
    assert result.exit_code == 2, result.output
    assert (f"Invalid value for '--{party}': empty: give a unified social credit code (18 characters, e.g. "
            f"91310000MA1K000019), or leave --{party} out to skip the check") in result.output
    assert "PASSED" not in result.output and "FAILED" not in result.output


@pytest.mark.parametrize("given", [("--as", "bank"), ("--data-root", "network"), ("--org", "bank"),
                                   ("--as", "bank", "--data-root", "network")])
def test_who_asks_the_ledger_without_ledger_is_a_usage_error_not_ignored(given):
    result = verify(*given)
    assert result.exit_code == 2, result.output
    named = " and ".join(word for word in given if word.startswith("--"))
    assert f"Error: {named} {'are' if ' and ' in named else 'is'} only for --ledger" in result.output
    assert f"add --ledger to check the ledger for the invoice, or drop {named}" in result.output
    assert "PASSED" not in result.output


def test_a_name_with_its_credit_code_is_compared():
    result = verify("--debtor", BUYER_CODE, "--debtor-name", "Someone Else Ltd", "--json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["check"] == "parties.debtor"]
    assert finding["status"] == "fail" and "Someone Else Ltd" in finding["message"]


# ------------------------------------------------------------------ bench: finite times and rates

@pytest.mark.parametrize("option", ["--rate", "--duration", "--warmup", "--call-timeout"])
@pytest.mark.parametrize("value", ["inf", "nan", "Infinity"])
def test_a_time_or_rate_that_is_not_finite_is_refused_before_the_network_is_touched(monkeypatch, option, value):
    touched = []
    monkeypatch.setattr(bench_commands, "running_network", lambda *args: touched.append("network") or (None, []))
    monkeypatch.setattr("bench.network_session.ensure_parties", lambda *args: touched.append("parties") or {})
    result = CliRunner().invoke(main, ["bench", "-w", "confirm", option, value])
    assert result.exit_code == 2, result.output
    # --call-timeout's range has a maximum too: inf is named as not finite all the same, not as out of range
    assert f"Invalid value for '{option}': '{value}' is not a finite number" in result.output
    assert touched == []


@pytest.mark.parametrize("value", ["31536000.5", "4e7", "1e300"])
def test_a_call_timeout_over_a_year_is_refused_before_the_network_is_touched(monkeypatch, value):
    # Longer than a gateway deadline can be: found only once the parties were registered, in the SDK's words.
    touched = []
    monkeypatch.setattr(bench_commands, "running_network", lambda *args: touched.append("network") or (None, []))
    monkeypatch.setattr("bench.network_session.ensure_parties", lambda *args: touched.append("parties") or {})
    result = CliRunner().invoke(main, ["bench", "-w", "confirm", "--call-timeout", value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--call-timeout': {value} is not in the range 0<x<=31536000." in result.output
    assert touched == []


@pytest.mark.parametrize("option", ["--duration", "--warmup", "--call-timeout"])
@pytest.mark.parametrize("value", ["inf", "nan"])
def test_sdk_roundtrip_refuses_a_time_that_is_not_finite_before_the_network_is_touched(monkeypatch, option, value):
    touched = []
    monkeypatch.setattr(sdk_roundtrip, "running_network", lambda *args: touched.append("network") or (None, []))
    result = CliRunner().invoke(sdk_roundtrip.main, [option, value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}': '{value}' is not a finite number: give a number of seconds" in result.output
    assert touched == []


# ------------------------------------------------------------------ every command's --timeout

TIMEOUTS = [(path, cmd) for path, cmd in ALL if any(p.name == "timeout" for p in cmd.params)]


def test_the_commands_that_wait_are_all_found():
    """The walk below covers each group whose commands wait for nodes, servers or the channel."""
    found = {path for path, _ in TIMEOUTS}
    assert {("network", "up"), ("network", "compose-up"), ("network", "tune"), ("chaincode", "deploy"),
            ("chaincode", "restart"), ("org", "add"), ("org", "user", "list"), ("host", "join")} <= found


@pytest.mark.parametrize("path, cmd", TIMEOUTS, ids=[" ".join(path) for path, _ in TIMEOUTS])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999", "0", "-1", "1e10", "86400.5"])
def test_a_timeout_that_is_not_a_finite_number_of_seconds_above_0_is_a_usage_error(monkeypatch, path, cmd, value):
    """nan or inf would wait forever for a node that never gets healthy (no clock passes the deadline); 0 or less
    would give up before the first look; more than a day (1e10) overflows the timers it is handed to
    (subprocess.run: OverflowError). Refused while parsing: the command itself never runs."""
    ran = []
    monkeypatch.setattr(cmd, "callback", lambda *_, **__: ran.append(path))
    result = CliRunner().invoke(tree(), [*path, f"--timeout={value}"])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--timeout'" in result.output
    assert ran == []


@pytest.mark.parametrize("path, cmd", TIMEOUTS, ids=[" ".join(path) for path, _ in TIMEOUTS])
def test_a_timeout_of_some_seconds_is_taken(path, cmd):
    timeout = next(p for p in cmd.params if p.name == "timeout")
    assert timeout.type_cast_value(click.Context(cmd), "0.5") == 0.5
    assert timeout.type_cast_value(click.Context(cmd), "86400") == 86400


def test_a_timeout_over_a_day_says_the_range():
    result = CliRunner().invoke(main, ["host", "join", "--timeout", "1e10"])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--timeout': 1e10 is not in the range 0<x<=86400." in result.output


# ------------------------------------------------------------------ network tune: the batch values

@pytest.mark.parametrize("option, value, said", [
    ("--batch-size", "0", "0 is not in the range 1<=x<=100000."),
    ("--batch-timeout", "1h", "1h is out of range: allowed 1ms to 60s"),
    ("--absolute-max-bytes", "10 MiB", "'10 MiB' is not a size: give bytes, or '<n> KB' / '<n> MB'"),
])
def test_a_batch_value_out_of_range_is_named_by_its_option_before_the_network_is_looked_for(
        monkeypatch, option, value, said):
    """Before, the value was checked only once the channel config was fetched: offline the operator heard that
    Fabric was missing, online the error named the config field (max_message_count), not the option."""
    from cli import network_commands
    looked = []
    monkeypatch.setattr(network_commands, "open_network", lambda *args: looked.append(args))
    result = CliRunner().invoke(main, ["network", "tune", option, value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}': {said}" in result.output
    assert looked == []


def test_the_batch_size_help_shows_its_range():
    """An unbounded WholeNumberRange() showed `[x<=None]` for the range the help states."""
    result = CliRunner().invoke(main, ["network", "tune", "--help"])
    assert result.exit_code == 0, result.output
    assert "[1<=x<=100000]" in result.output and "None]" not in result.output


@pytest.mark.parametrize("option", ["--duration", "--warmup"])
@pytest.mark.parametrize("value", ["86400.5", "1e300"])
def test_a_bench_window_over_a_day_is_refused_before_the_network_is_touched(monkeypatch, option, value):
    # The pools are prepared at rate x (warm-up + duration): 1e300 seconds sized a pool never ready.
    touched = []
    monkeypatch.setattr(bench_commands, "running_network", lambda *args: touched.append("network") or (None, []))
    monkeypatch.setattr("bench.network_session.ensure_parties", lambda *args: touched.append("parties") or {})
    result = CliRunner().invoke(main, ["bench", "-w", "confirm", option, value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}': {value} is not in the range" in result.output
    assert "86400" in result.output
    assert touched == []
