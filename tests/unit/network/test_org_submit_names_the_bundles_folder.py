"""`recfin org submit FILE --channel-only --data-root DIR`, run on the folder the bundles are written from, ended
with the `recfin org bundle ORG` lines to run next, which read `org bundle`'s default folder ($RECFIN_HOSTS_DATA,
else .recfin/hosts): from DIR, where the change was just recorded, they wrote bundles from another folder, one
without the new org (refused) or with the departed one still in it. The lines name DIR where it is not that
default."""
from __future__ import annotations

from pathlib import Path

import pytest

from network import compose

from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, host, with_update


@pytest.fixture
def channel(fake_fabric, hosts, network_host) -> ScriptedChannel:
    return ScriptedChannel(hosts, channel_config(hosts, network_host))


def _bundle_lines_after_submit(hosts, network_host: Path, channel: ScriptedChannel, tmp_path: Path) -> list[str]:
    writer = host(hosts, network_host, channel)
    change = writer.plan_add("bank2", "bank", "91110000MA1K00007E", sign_as=["bank", "supplier", "regulator"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    channel.after = with_update(change.current, change.update)
    said: list[str] = []
    host(hosts, network_host, channel, said).submit_update_file(path, channel_only=True)
    [line] = [line for line in said if "every org's bundle is written again: " in line]
    return line.split("every org's bundle is written again: ")[1].split("; ")


def test_the_bundle_lines_name_a_folder_that_is_not_the_default_one(hosts, network_host, channel, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv(compose.DATA_VARIABLE, str(tmp_path / "elsewhere"))
    lines = _bundle_lines_after_submit(hosts, network_host, channel, tmp_path)
    assert lines == [f"recfin org bundle {org} --data-root {network_host}"
                     for org in ("coreenterprise", "supplier", "bank", "regulator", "bank2")]


def test_the_bundle_lines_of_the_default_folder_name_none(hosts, network_host, channel, tmp_path, monkeypatch):
    monkeypatch.setenv(compose.DATA_VARIABLE, str(network_host))
    lines = _bundle_lines_after_submit(hosts, network_host, channel, tmp_path)
    assert lines == [f"recfin org bundle {org}" for org in ("coreenterprise", "supplier", "bank", "regulator", "bank2")]


def test_the_next_commands_take_the_topology_the_network_was_given(hosts, network_host, channel, tmp_path,
                                                                   monkeypatch):
    # without it, the submit and `org bundle` lines pasted would read the default topology: another network's
    monkeypatch.setenv(compose.DATA_VARIABLE, str(network_host))
    topology = tmp_path / "our network" / "topology.yaml"
    writer = host(hosts, network_host, channel)
    change = writer.plan_add("bank2", "bank", "91110000MA1K00007E", sign_as=["bank", "supplier", "regulator"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    channel.after = with_update(change.current, change.update)
    said: list[str] = []
    host(hosts, network_host, channel, said).submit_update_file(path, channel_only=True, topology_path=topology)
    [line] = [line for line in said if "every org's bundle is written again: " in line]
    quoted = f"'{topology}'"
    assert f"`recfin org submit {path} --channel-only --topology {quoted} --data-root <that folder>`" in line
    assert line.split("every org's bundle is written again: ")[1].split("; ") == [
        f"recfin org bundle {org} --topology {quoted}" for org in ("coreenterprise", "supplier", "bank", "regulator",
                                                                   "bank2")]
