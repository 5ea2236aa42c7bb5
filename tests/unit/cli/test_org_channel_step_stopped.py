"""`recfin org add`, `recfin org remove` and `recfin org submit` stopped (Ctrl-C, SIGTERM) in their channel step say
how far the config update got, as `recfin org user revoke` does (test_org_user_revoke_stopped.py): nothing sent; being
sent, whether the ordering service took it not known, with the `--dry-run` that tells; taken, the run stopped before
it saw it in force; or in force, the steps after it not finished here; and that the same command run again finishes
it. They ended with a bare "interrupted" (a SIGTERM with nothing at all), which left an operator unable to tell
whether the org was in the channel.

A stopped revoke given --keys and --data-root names the `recfin org user list --sync` that tells with both: without
--data-root that command read another network.

The channel is the `peer` CLI scripted (tests/unit/network/scripted_channel.py).
"""
from __future__ import annotations

import shutil

import pytest

from cli.main import main
from network import channel_config as channel_config_module
from network import membership, org_keys, profiles
from network.crypto import org_crypto
from network.topology import load
from tests.unit.cli_errors import terminated_here
from tests.unit.network.channel_fixtures import channel_config
from tests.unit.network.scripted_channel import ChannelTakingUpdates, ScriptedChannel

from .test_org_membership_commands import _added_to_the_channel
from .test_org_user_revoke_ledger import printed_commands
from .test_org_user_revoke_stopped import stopped_in_the_update, stopped_once_the_update_was_taken

CODE = "91110000MA1K00007E"
ADD = ["org", "add", "bank2", "--role", "bank", "--enterprise", CODE]


@pytest.fixture
def channel(network_copy, scripted_peer_cli, tmp_path):
    """``channel(config)``: the scripted channel holding config, with a Fabric install complete enough for the
    commands that start and stop nodes here (none is started before the update goes out)."""
    def serving(config):
        scripted = scripted_peer_cli(ScriptedChannel(load(), config))
        for tool in ("orderer", "configtxgen", "osnadmin"):
            (tmp_path / "fabric" / "bin" / tool).write_text("#!/bin/sh\nexit 1\n")
            (tmp_path / "fabric" / "bin" / tool).chmod(0o755)
        return scripted
    return serving


@pytest.fixture
def bank2_in_the_channel(network_copy, channel, tmp_path):
    """bank2 recorded here and in the channel's config: the scripted channel."""
    block = tmp_path / "bank2.block"
    _added_to_the_channel(network_copy, block, membership.new_org_spec(load(), "bank2", "bank", CODE))
    return channel(channel_config_module.config_from_block(block.read_bytes()))


def stopped_line(result, exit_code: int = 130) -> str:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    return result.stderr.strip().splitlines()[-1]


def stopped_fetching(scripted, monkeypatch) -> None:
    """Ctrl-C while the channel's config is fetched, before any update was sent."""
    monkeypatch.setattr(scripted, "_channel_fetch", lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))


def recorded(root) -> list[str]:
    return [o["name"] for o in membership.load_state(root)["added"]]


def test_an_add_stopped_while_its_update_was_sent_says_it_is_not_known_and_what_tells(
        runner, network_copy, channel, monkeypatch):
    scripted = channel(channel_config(load(), network_copy))
    stopped_in_the_update(scripted, monkeypatch)
    line = stopped_line(runner.invoke(main, ADD))
    assert line.startswith("Error: interrupted (it was stopped while the update adding bank2 was being submitted to "
                           "channel receivables: whether the ordering service took it is not known, so the channel "
                           "may or may not have bank2, and nothing of bank2 was recorded or started here")
    assert line.endswith("then run this add again, which submits the update where the channel lacks it, or finds "
                         "it there and finishes)")
    check, = printed_commands(line)
    assert check == [*ADD, "--dry-run"]
    assert recorded(network_copy) == []


def test_sigterm_while_an_add_was_sent_is_named_and_exits_with_its_status(runner, network_copy, channel,
                                                                          monkeypatch):
    scripted = channel(channel_config(load(), network_copy))
    stopped_in_the_update(scripted, monkeypatch, stop=terminated_here)
    line = stopped_line(runner.invoke(main, [*ADD, "--data-root", str(network_copy)]), 143)
    assert line.startswith("Error: terminated by SIGTERM (it was stopped while the update adding bank2 was being "
                           "submitted")
    check, = printed_commands(line)
    assert check == [*ADD, "--data-root", str(network_copy), "--dry-run"]


def test_an_add_stopped_once_the_ordering_service_took_it_says_the_channel_has_the_org(
        runner, network_copy, channel, monkeypatch):
    scripted = channel(channel_config(load(), network_copy))
    stopped_once_the_update_was_taken(scripted, monkeypatch)
    line = stopped_line(runner.invoke(main, ADD))
    assert line == ("Error: interrupted (the ordering service took the update adding bank2, so channel receivables "
                    "has bank2 from the config block that carries it, but the run was stopped before it saw that "
                    "block: nothing of bank2 was recorded or started here (its crypto material, where made, stays "
                    "in the data folder for the run again); run this add again: it finds bank2 in the channel, "
                    "skips the update and does what is left of starting and joining its peer, deploying the "
                    "chaincode with it and writing its connection profile)")
    assert len(scripted.updates) == 1 and recorded(network_copy) == []


def test_an_add_stopped_before_its_update_was_sent_says_nothing_was_sent(runner, network_copy, channel,
                                                                        monkeypatch):
    scripted = channel(channel_config(load(), network_copy))
    stopped_fetching(scripted, monkeypatch)
    line = stopped_line(runner.invoke(main, ADD))
    assert line.startswith("Error: interrupted (it was stopped before the update adding bank2 was submitted: "
                           "nothing was sent to channel receivables, and nothing of bank2 was recorded or started "
                           "here")
    assert scripted.updates == []


@pytest.mark.parametrize("step", ["_generate", "_start_peers"], ids=["crypto material", "peer"])
def test_an_add_of_an_org_the_channel_has_stopped_after_it_says_it_is_in_the_channel(
        runner, network_copy, bank2_in_the_channel, monkeypatch, step):
    """The channel has bank2 already: nothing is sent, and a stop in what follows is past the update, also while
    its crypto material is completed, before the update is skipped."""
    from network import org_add

    def stopped(*_args, **_kwargs):
        raise KeyboardInterrupt()

    monkeypatch.setattr(org_add.OrgAddition, step, stopped)
    line = stopped_line(runner.invoke(main, ADD))
    assert line.startswith("Error: interrupted (bank2 is in channel receivables, but the run was stopped before it "
                           "finished here: recording bank2 in the data folder, starting and joining its peer")
    assert line.endswith("run this add again: it finds bank2 in the channel, skips the update and does what is "
                         "left of starting and joining its peer, deploying the chaincode with it and writing its "
                         "connection profile)")
    assert bank2_in_the_channel.updates == []


def test_a_removal_stopped_by_sigterm_while_sent_says_the_org_still_runs_here_and_what_tells(
        runner, network_copy, bank2_in_the_channel, monkeypatch):
    stopped_in_the_update(bank2_in_the_channel, monkeypatch, stop=terminated_here)
    line = stopped_line(runner.invoke(main, ["org", "remove", "bank2", "--no-claim-check"]), 143)
    assert line.startswith("Error: terminated by SIGTERM (it was stopped while the update removing bank2 was being "
                           "submitted to channel receivables: whether the ordering service took it is not known, so "
                           "the channel may or may not have dropped bank2, and bank2's peers and chaincode servers "
                           "still run here and the data folder still records it; ")
    check, = printed_commands(line)
    assert check == ["org", "remove", "bank2", "--dry-run"]
    assert "bank2" in recorded(network_copy) and "bank2" not in membership.load_state(network_copy)["removed"]


def test_a_removal_stopped_once_taken_says_the_channel_dropped_the_org_and_the_run_again_finishes(
        runner, network_copy, bank2_in_the_channel, monkeypatch):
    stopped_once_the_update_was_taken(bank2_in_the_channel, monkeypatch)
    line = stopped_line(runner.invoke(main, ["org", "remove", "bank2", "--no-claim-check"]))
    assert line.startswith("Error: interrupted (the ordering service took the update removing bank2, so channel "
                           "receivables no longer has bank2 from the config block that carries it")
    assert line.endswith("run this removal again (with the same options): it finds bank2 gone from the channel, "
                         "skips the update, stops its chaincode servers and peers, deploys the chaincode without it "
                         "and records it as removed)")


def test_a_submit_stopped_while_sent_says_it_is_not_known_and_the_run_again_finishes(
        runner, network_copy, channel, monkeypatch, tmp_path):
    scripted = channel(channel_config(load(), network_copy))
    update = tmp_path / "bank2.tx"
    written = runner.invoke(main, [*ADD, "--update-out", str(update)])
    assert written.exit_code == 0, written.output
    stopped_in_the_update(scripted, monkeypatch, stop=terminated_here)
    line = stopped_line(runner.invoke(main, ["org", "submit", str(update), "--channel-only"]), 143)
    assert line == (f"Error: terminated by SIGTERM (it was stopped while the update in {update} was being submitted "
                    f"to channel receivables: whether the ordering service took it is not known, so the channel may "
                    f"or may not have it, and nothing was recorded here; run this submit again, which submits it "
                    f"where the channel lacks it, or finds it there and finishes)")
    assert recorded(network_copy) == []


def test_a_dry_run_stopped_stays_a_plain_stop(runner, network_copy, channel, monkeypatch):
    scripted = channel(channel_config(load(), network_copy))
    stopped_fetching(scripted, monkeypatch)
    assert stopped_line(runner.invoke(main, [*ADD, "--dry-run"])) == "Error: interrupted"


def test_a_revoke_with_keys_and_a_data_root_names_the_sync_that_runs_with_both(
        runner, network_copy, scripted_peer_cli, monkeypatch, tmp_path):
    """`org user list` refuses --keys with --data-root for a listing alone; with --sync it takes both, as the
    revoke does: the network's data folder, and the keys folder the CRL is written into."""
    supplier = load().org("supplier")
    keys = tmp_path / "supplier-keys"
    shutil.copytree(org_crypto(network_copy, "supplier", supplier.domain).root,
                    org_crypto(keys, "supplier", supplier.domain).root)
    org_keys.org_definition_file.write(org_keys.org_definition_file.from_crypto(load().on_hosts(), keys, "supplier"),
                                       org_keys.definition_path(keys, "supplier"))
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(network_copy, elsewhere)
    profiles.write_all(load(), elsewhere)
    scripted = scripted_peer_cli(ChannelTakingUpdates(load(), channel_config(load(), elsewhere)))
    with pytest.MonkeyPatch.context() as stopping:
        stopped_in_the_update(scripted, stopping, stop=terminated_here)
        result = runner.invoke(main, ["org", "user", "revoke", "supplier", "supplier2", "--keys", str(keys),
                                      "--data-root", str(elsewhere)])
    sync, = [c for c in printed_commands(stopped_line(result, 143)) if c[:3] == ["org", "user", "list"]]
    assert sync == ["org", "user", "list", "supplier", "--sync", "--keys", str(keys), "--data-root", str(elsewhere)]

    listed = runner.invoke(main, sync)
    assert listed.exit_code == 0, listed.output
    assert "the channel has no CRL of SupplierMSP" in listed.output


def test_a_listing_alone_still_refuses_keys_with_a_data_root(runner, network_copy, tmp_path):
    result = runner.invoke(main, ["org", "user", "list", "supplier", "--keys", str(tmp_path),
                                  "--data-root", str(network_copy)])
    assert result.exit_code == 2 and "give --keys or --data-root, not both" in result.output, result.output


def test_a_submit_of_an_update_the_channel_has_stopped_after_it_says_the_channel_has_it(
        runner, network_copy, scripted_peer_cli, monkeypatch, tmp_path):
    """The channel took the file's update from an earlier run: nothing is sent, and a stop while this run records
    it is past the update, not before it ("nothing was sent", as if the channel lacked it)."""
    scripted = scripted_peer_cli(ChannelTakingUpdates(load(), channel_config(load(), network_copy)))
    update = tmp_path / "bank2.tx"
    written = runner.invoke(main, [*ADD, "--update-out", str(update), "--sign-as", "bank", "--sign-as", "supplier",
                                   "--sign-as", "coreenterprise"])
    assert written.exit_code == 0, written.output
    taken = runner.invoke(main, ["org", "submit", str(update), "--channel-only"])
    assert taken.exit_code == 0 and len(scripted.updates) == 1, taken.output
    scripted.last_update = scripted.updates[-1][2]      # the config block names the update that made it

    def recording(*_args, **_kwargs):
        raise KeyboardInterrupt()
    monkeypatch.setattr(membership, "record_added", recording)
    line = stopped_line(runner.invoke(main, ["org", "submit", str(update), "--channel-only"]))
    assert line == (f"Error: interrupted (channel receivables has the update in {update}, but the run was stopped "
                    f"before it finished here: recording the change in the data folder and printing each company's "
                    f"next steps (some of that may be done); run this submit again: it finds the update in the "
                    f"channel, sends nothing and does what is left)")
    assert len(scripted.updates) == 1
