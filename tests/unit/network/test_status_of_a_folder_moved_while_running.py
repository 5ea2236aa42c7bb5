"""A data folder moved (or renamed) while its network runs: each node and server runs on, started with its
configuration and ledger under the old path, which it goes on opening files by (a new block file, a database's
next file) and which no longer leads to the folder. Its pid file moved along and still ties it to the folder, so
`status` and `up` count it as running and healthy; they now also name it, with the old path, and say that
`down`, then `up`, restarts it from where the folder is now."""
import os
import sys

import pytest
from click.testing import CliRunner

from cli.main import main
from network import nodeconfig
from network.supervisor import ProcessSpec, Supervisor

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


@pytest.fixture
def moved(tmp_path, monkeypatch, fake_fabric):
    """peer0.bank started in tmp/before/network, the folder then moved to RECFIN_HOME's network folder."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    before, after = tmp_path / "before" / "network", tmp_path / "home" / "network"
    old = nodeconfig.node_dirs(before, "peer0.bank")
    sup = Supervisor(grace=2.0)
    pid, _ = sup.start(ProcessSpec("peer0.bank", SLEEPER, {}, old.log, old.pid))
    after.parent.mkdir()
    os.rename(before, after)
    new = nodeconfig.node_dirs(after, "peer0.bank")
    monkeypatch.setattr("network.probes.healthy", lambda address: True)
    monkeypatch.setattr("network.channel.node_height", lambda *args: 5)
    yield pid, old.pid, after
    Supervisor(grace=2.0).stop(new.pid)


def test_status_names_a_node_running_from_where_its_folder_was(moved):
    pid, old_pid_file, root = moved

    result = CliRunner().invoke(main, ["network", "status"])

    said = [line for line in result.stderr.splitlines() if line.startswith("running from where")]
    assert said == [f"running from where their data folder was before it moved: peer0.bank (pid {pid}, started "
                    f"for {old_pid_file}): each opens its files by the old paths, which no longer lead to {root}: "
                    f"`recfin network down`, then `recfin network up`, restarts them from {root}"], result.output


def test_a_node_running_in_its_own_folder_is_not_named(tmp_path, monkeypatch, fake_fabric, supervisor):
    sup, start = supervisor
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    dirs = nodeconfig.node_dirs(tmp_path / "home" / "network", "peer0.bank")
    start(ProcessSpec("peer0.bank", SLEEPER, {}, dirs.log, dirs.pid))
    monkeypatch.setattr("network.probes.healthy", lambda address: True)

    result = CliRunner().invoke(main, ["network", "status"])

    assert "running from where" not in result.stderr, result.output


def test_up_names_it_too(moved, monkeypatch):
    pid, old_pid_file, root = moved
    from network.control import Network
    monkeypatch.setattr(Network, "up", lambda self: self.status())      # the nodes left alone as running

    result = CliRunner().invoke(main, ["network", "up"])

    assert f"running from where their data folder was before it moved: peer0.bank (pid {pid}, started for " \
           f"{old_pid_file})" in result.stderr, result.output
