"""`recfin org remove` reads the ledger's claims and `recfin org user revoke` unbinds the revoked identity on the
ledger (`recfin org submit` of a removal reads the claims too): their --timeout is the one every ledger command takes (env RECFIN_TIMEOUT too), and sets how long each
of those ledger calls waits as well as how long the command waits for the nodes and the channel. Their ledger
sessions ignored it: a network slow but working timed their calls out at the SDK's defaults whatever was given.
"""
from __future__ import annotations

import pytest

from cli.org_commands import org
from client.gateway import Timeouts
from network import membership, profiles
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config
from tests.unit.network.scripted_channel import ChannelTakingUpdates

from .test_ledger_call_timeouts import each_call
from .test_org_membership_commands import _added_to_the_channel

CODE = "91110000MA1K00007E"


@pytest.fixture
def revoking(network_copy, scripted_peer_cli, timeouts_given):
    """`org user revoke supplier supplier2 ARGS...` on a channel that takes the revocation."""
    topology = load()
    profiles.write_all(topology, network_copy)
    scripted_peer_cli(ChannelTakingUpdates(topology, channel_config(topology, network_copy)))
    return lambda runner, *args, env=None: runner.invoke(org, ["user", "revoke", "supplier", "supplier2", *args],
                                                         env=env)


@pytest.fixture
def bank2_served(network_home, peer_serving):
    """bank2 in the channel, every org's connection profile written, and the channel's block served."""
    root, block = network_home
    _added_to_the_channel(root, block, membership.new_org_spec(load(), "bank2", "bank", CODE))
    profiles.write_all(load(), root)
    peer_serving(block)


@pytest.fixture
def removing(bank2_served, timeouts_given):
    """`org remove bank2 --dry-run ARGS...`, whose claims are read as the regulator's user."""
    return lambda runner, *args, env=None: runner.invoke(org, ["remove", "bank2", "--dry-run", *args], env=env)


@pytest.fixture
def submitting(bank2_served, timeouts_given, runner, tmp_path):
    """`org submit FILE ARGS...` of bank2's removal, signed by every org admin, whose claims are read as the
    regulator's user before it is sent."""
    update = tmp_path / "remove-bank2.tx"
    written = runner.invoke(org, ["remove", "bank2", "--update-out", str(update), "--no-claim-check"])
    assert written.exit_code == 0, written.output
    return lambda runner, *args, env=None: runner.invoke(org, ["submit", str(update), *args], env=env)


@pytest.mark.parametrize("command", ["revoking", "removing", "submitting"])
def test_timeout_sets_how_long_each_ledger_call_waits(runner, timeouts_given, command, request):
    result = request.getfixturevalue(command)(runner, "--timeout", "120")
    assert "connecting" in result.output, result.output
    assert timeouts_given and set(timeouts_given) == {each_call(120.0)}, timeouts_given


@pytest.mark.parametrize("command", ["revoking", "removing", "submitting"])
def test_the_variable_sets_it_too(runner, timeouts_given, command, request):
    result = request.getfixturevalue(command)(runner, env={"RECFIN_TIMEOUT": "90"})
    assert "connecting" in result.output, result.output
    assert timeouts_given and set(timeouts_given) == {each_call(90.0)}, timeouts_given


@pytest.mark.parametrize("command", ["revoking", "removing", "submitting"])
def test_without_it_the_sdks_defaults_hold(runner, timeouts_given, command, request):
    result = request.getfixturevalue(command)(runner)
    assert "connecting" in result.output, result.output
    assert timeouts_given and all(given in (None, Timeouts()) for given in timeouts_given), timeouts_given


@pytest.mark.parametrize("args", [["user", "revoke", "supplier", "supplier2"], ["remove", "bank2"],
                                  ["submit", "FILE"]])
def test_help_names_the_variable_and_both_waits(runner, args):
    words = " ".join(runner.invoke(org, [*args, "--help"]).output.split())
    assert "RECFIN_TIMEOUT" in words and "the SDK's" in words and "[default: 60]" in words, words
