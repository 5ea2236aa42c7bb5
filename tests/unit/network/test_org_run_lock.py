"""`recfin org add|remove|submit` start and stop the org's processes, so they hold the data folder's run lock as
`up`, `down` and the deploys do: one of them running beside another could leave a peer running after a `down`
finished, or stop a server a deploy waits on.

The `peer` CLI is the scripted one of test_org_membership (fetch hands out a saved config block, update is
recorded); what follows the update (_after_add, _after_remove) is replaced by a recorder, since reaching it at all
while another run holds the lock is the fault.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from network import Network, crypto, membership
from network.config_signing import UpdateFileError
from network.control import RunLockedError, run_lock
from network.errors import NetworkError
from network.org_membership import OrgMembership

from .channel_fixtures import channel_config, config_block
from .test_control import _holding_the_run_lock
from .test_org_membership import CODE, _channel_after_submit, channel_peer  # noqa: F401 (a fixture)

SIGNERS = ["bank", "supplier", "regulator", "coreenterprise"]


@pytest.fixture
def holder(data_root):
    """Another process holding data_root's run lock as `recfin network up` for the test."""
    process = _holding_the_run_lock(data_root)
    yield process
    process.communicate("\n", timeout=30)


def _refusal(holder, command: str) -> str:
    return (rf"another run is using .*: pid {holder.pid} \(`recfin network up`\) holds .*network\.lock\. Wait for "
            rf"it to finish \(or stop it\), then run `{command}` again")


def _recording(members, monkeypatch, reached: list) -> None:
    """What follows the update recorded in reached, were it reached; the orderer's taking the update not waited for."""
    monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(members, "_after_add", lambda spec, *_: reached.append(("started", spec.name)))
    monkeypatch.setattr(members, "_after_remove", lambda org, *_: reached.append(("stopped", org.name)))


def test_org_add_while_another_run_holds_the_lock_is_refused_naming_it_before_anything_is_sent(
        channel_peer, topology, data_root, holder, monkeypatch):
    members = OrgMembership(Network(topology, data_root=data_root))
    reached = []
    _recording(members, monkeypatch, reached)
    before = membership.load_state(data_root)
    with pytest.raises(RunLockedError, match=_refusal(holder, "recfin org add")):
        members.add("bank2", "bank", CODE, sign_as=SIGNERS)
    assert reached == [] and not channel_peer.exists()
    assert membership.load_state(data_root) == before and not (data_root / "crypto" / "bank2").exists()


def _with_supplier2(topology, data_root, tmp_path):
    """supplier2 added here and in the channel (its config block the scripted peer hands out): removable."""
    membership.record_added(data_root, membership.new_org_spec(topology, "supplier2", "supplier", CODE))
    grown = membership.effective(topology, data_root)
    crypto.generate(grown, data_root)
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(grown, data_root), topology.channel).SerializeToString())


def test_org_remove_while_another_run_holds_the_lock_is_refused_naming_it_and_stops_nothing(
        channel_peer, topology, data_root, tmp_path, holder, monkeypatch):
    _with_supplier2(topology, data_root, tmp_path)
    members = OrgMembership(Network(topology, data_root=data_root))
    reached = []
    _recording(members, monkeypatch, reached)
    with pytest.raises(RunLockedError, match=_refusal(holder, "recfin org remove")):
        members.remove("supplier2", sign_as=SIGNERS)
    assert reached == [] and not channel_peer.exists()
    assert membership.load_state(data_root)["removed"] == []


def test_org_submit_while_another_run_holds_the_lock_is_refused_unless_it_only_updates_the_channel(
        channel_peer, topology, data_root, tmp_path, monkeypatch):
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    change = members.plan_add("bank2", "bank", CODE, sign_as=SIGNERS)
    path = members.write_update(change, tmp_path / "bank2.tx")
    _channel_after_submit(tmp_path, change)
    reached = []
    _recording(members, monkeypatch, reached)
    holder = _holding_the_run_lock(data_root)
    try:
        with pytest.raises(RunLockedError, match=_refusal(holder, "recfin org submit")):
            members.submit_update_file(path)
        assert reached == [] and not channel_peer.exists()
        # --channel-only starts and stops nothing here: another run's processes are none of its business
        members.submit_update_file(path, channel_only=True)
        assert channel_peer.read_text().split()[:2] == ["channel", "update"] and reached == []
    finally:
        holder.communicate("\n", timeout=30)


def _try_the_run_lock(root: Path) -> str:
    """What another process's `recfin network down` meets on root's run lock: "free", or the refusal's text."""
    return subprocess.run([sys.executable, "-c", (
        "from network.control import RunLockedError, run_lock\n"
        f"try:\n    with run_lock({str(root)!r}, 'recfin network down'):\n        print('free')\n"
        "except RunLockedError as exc:\n    print(exc)\n")],
        capture_output=True, text=True, check=True, cwd=str(Path(__file__).parents[3]), timeout=60).stdout.strip()


@pytest.mark.parametrize("step", ["add", "remove"])
def test_the_lock_is_held_while_the_org_s_processes_start_or_stop_and_the_deploys_under_it_run(
        channel_peer, topology, data_root, tmp_path, monkeypatch, step):
    """A `down` started meanwhile is refused naming the org command; the chaincode steps under it (deploy, server
    start: they take the lock themselves) go on in the same run, the lock being taken once per thread."""
    if step == "remove":
        _with_supplier2(topology, data_root, tmp_path)
    net = Network(topology, data_root=data_root)
    members = OrgMembership(net)
    monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
    seen = []

    def steps_after_the_update(*_args):
        seen.append(_try_the_run_lock(data_root))
        seen.append(net.start_chaincode_servers())       # holds the lock itself: nothing deployed, none started
        with run_lock(data_root, "recfin chaincode deploy"):
            seen.append("nested")

    monkeypatch.setattr(members, f"_after_{step}", steps_after_the_update)
    if step == "add":
        members.add("bank2", "bank", CODE, sign_as=SIGNERS)
    else:
        members.remove("supplier2", sign_as=SIGNERS)
    assert seen[0].startswith(f"another run is using {data_root.resolve()}: pid ")
    assert f"(`recfin org {step}`) holds" in seen[0] and seen[1:] == [[], "nested"]
    assert _try_the_run_lock(data_root) == "free"        # let go once the command ends


def test_a_command_refused_for_its_input_makes_no_lock_file(channel_peer, topology, data_root, tmp_path):
    """The input is checked before the lock is taken: a refused command leaves the data folder as it was."""
    members = OrgMembership(Network(topology, data_root=data_root))
    not_an_update = tmp_path / "notes.tx"
    not_an_update.write_text("not an update")
    with pytest.raises(NetworkError, match="no peer org named 'nosuch'"):
        members.remove("nosuch", sign_as=SIGNERS)
    with pytest.raises(UpdateFileError, match="notes.tx is not a config update transaction"):
        members.submit_update_file(not_an_update)
    assert not (data_root / "network.lock").exists() and not channel_peer.exists()
