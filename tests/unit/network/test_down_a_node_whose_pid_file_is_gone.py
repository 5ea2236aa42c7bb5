"""A node running while its pid file is gone (deleted by hand to clear what looked like a stale one): `down` finds
what to stop by the pid files, so it stopped nothing, said "0 process(es) stopped", and `down --purge` deleted the
data folder under the running node. Such a process still carries the pid file's path in its environment (its tag):
`down` now names it, with the command that stops it, and fails, and a purge deletes nothing while it runs."""
import os
import signal
import sys

import pytest
from click.testing import CliRunner

from cli.main import main
from network import nodeconfig
from network.control import mark_data_root
from network.supervisor import ProcessSpec, Supervisor

SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


@pytest.fixture
def unrecorded(tmp_path, monkeypatch, fake_fabric):
    """peer0.bank running in RECFIN_HOME's data folder, its pid file deleted."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    root = tmp_path / "home" / "network"
    root.mkdir(parents=True)
    mark_data_root(root)
    dirs = nodeconfig.node_dirs(root, "peer0.bank")
    pid, _ = Supervisor().start(ProcessSpec("peer0.bank", SLEEPER, {}, dirs.log, dirs.pid))
    dirs.pid.unlink()
    yield root, dirs.pid, pid
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.parametrize("purge", [False, True], ids=["down", "down --purge"])
def test_down_names_it_fails_and_deletes_nothing(unrecorded, purge):
    root, pid_file, pid = unrecorded

    result = CliRunner().invoke(main, ["network", "down", *(["--purge"] if purge else [])])

    assert result.exit_code == 1, result.output
    assert (f"peer0.bank: pid {pid} runs with {pid_file}'s tag, and no pid file records it (deleted?), so it was "
            f"not stopped: check it is this data folder's (`ps -o pid,lstart,args -p {pid}`), stop it with "
            f"`kill -- -{pid}`, then run the command again") in result.output, result.output
    assert root.is_dir() and os.path.exists(f"/proc/{pid}")


def test_status_names_it_with_the_kill_that_stops_it(unrecorded, monkeypatch):
    root, pid_file, pid = unrecorded
    monkeypatch.setattr("network.probes.healthy", lambda address: False)

    result = CliRunner().invoke(main, ["network", "status"])

    said = [line for line in result.stderr.splitlines() if line.startswith("running with no pid file")]
    assert said == [f"running with no pid file recording them (deleted?), so `recfin network down` does not stop "
                    f"them: pid {pid} (peer0.bank, {pid_file}'s tag): check each is this data folder's (`ps -o "
                    f"pid,lstart,args -p {pid}`), then stop it (`kill -- -{pid}`)"], result.output
