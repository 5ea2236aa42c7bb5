"""`recfin network down --purge` stopped (SIGTERM) while it deletes a data folder: it ended with the bare
"terminated by SIGTERM" (for a compose network, after `docker compose down -v` had removed its containers and
ledger volumes), and the operator could not tell what was left nor whether a rerun would finish it. It now says
where the rest of the folder is (moved aside first, so the data folder itself is gone) and that `down --purge`
again deletes it; for a compose network, that the containers and volumes are gone and the record is kept, so the
rerun finds the network. The command runs as a process of its own (the signal would end the test runner
otherwise), its deletion made to signal it after the first entry it deletes, with the scripted `docker` the
compose tests use."""
import os
import shutil
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli.main import main
from network import compose_down
from network import control
from network.control import DATA_ROOT_MARKER, MARKER_TEXT, purge_aside, remove_data_root
from network.fabric_bin import REPO_ROOT
from network.topology import load

# `recfin network down --purge`, whose deletion of a folder's entries sends the command SIGTERM once it has deleted
# the first, and waits for the signal to be raised (as Ctrl-C, by cli.request_ids.terminations_raised).
SIGNALLED_WHILE_DELETING = """import os, shutil, signal, sys, time
import network.control as control

def delete_one_then_be_signalled(folder):
    first = next(entry for entry in sorted(folder.iterdir()) if entry.name != control.DATA_ROOT_MARKER)
    shutil.rmtree(first) if first.is_dir() else first.unlink()
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(60)

control._delete_mark_last = delete_one_then_be_signalled
from cli.main import main
sys.argv = ["recfin", "network", "down", "--purge"]
main()
"""


def down_purge_signalled() -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SIGNALLED_WHILE_DELETING],
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)


def test_a_sigterm_while_deleting_a_compose_networks_data_folder_says_what_is_left(home, hosts_data, tmp_path,
                                                                                   docker):
    compose_file = tmp_path / "docker-compose.yaml"
    compose_file.write_text("services: {}\n")
    assert compose_down.record(load(), compose_file, hosts_data)
    record = home / compose_down.COMPOSE_RECORD
    aside = purge_aside(hosts_data.resolve())
    done = down_purge_signalled()
    assert done.returncode == 128 + signal.SIGTERM, (done.returncode, done.stdout, done.stderr)
    assert done.stdout.splitlines()[-2:] == [
        f"stopped midway: deleting the data folder {hosts_data.resolve()} was cut short: it was moved aside to "
        f"{aside} first, which still holds part of it: `recfin network down --purge` again deletes the rest",
        f"the containers and their ledger volumes were removed; {record} is kept, so that `recfin network down "
        f"--purge` again finds the compose network and finishes deleting its data folder"]
    assert done.stderr.strip().endswith("Error: terminated by SIGTERM")
    assert not hosts_data.exists() and (aside / DATA_ROOT_MARKER).is_file() and record.is_file()
    # and the rerun it names does finish it
    again = CliRunner().invoke(main, ["network", "down", "--purge"])
    assert again.exit_code == 0, again.output
    assert f"removed {aside}, left by a `down --purge` that stopped midway" in again.output
    assert not aside.exists() and not record.exists()


def test_a_sigterm_while_deleting_the_native_data_folder_says_what_is_left(home, data_folder):
    (data_folder / DATA_ROOT_MARKER).write_text(MARKER_TEXT)     # as `up` marks it
    for entry in ("crypto", "nodes", "chaincode"):
        (data_folder / entry / "kept").mkdir(parents=True)
    aside = purge_aside(data_folder.resolve())
    done = down_purge_signalled()
    assert done.returncode == 128 + signal.SIGTERM, (done.returncode, done.stdout, done.stderr)
    assert (f"stopped midway: deleting the data folder {data_folder.resolve()} was cut short: it was moved aside to "
            f"{aside} first, which still holds part of it: `recfin network down --purge` again deletes the rest"
            in done.stdout.splitlines())
    left = {entry.name for entry in aside.iterdir()}
    assert not data_folder.exists() and {DATA_ROOT_MARKER, "crypto", "nodes"} <= left and "chaincode" not in left
    again = CliRunner().invoke(main, ["network", "down", "--purge"])
    assert again.exit_code == 0, again.output
    assert not aside.exists()


def test_a_purge_stopped_twice_says_each_time_what_is_left_and_the_third_run_finishes(tmp_path, monkeypatch):
    # stopped once, the data folder is moved aside; the rerun, stopped too, said "the data folder ... is not deleted
    # yet" of a folder that was gone since the first (only an `up` in between makes it anew)
    root = tmp_path / "network"
    for entry in ("chaincode", "crypto", "nodes"):
        (root / entry / "kept").mkdir(parents=True)
    (root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    aside = purge_aside(root)
    delete = control._delete_mark_last

    def delete_one_then_stop(folder):
        shutil.rmtree(next(entry for entry in sorted(folder.iterdir()) if entry.name != DATA_ROOT_MARKER))
        raise KeyboardInterrupt

    monkeypatch.setattr(control, "_delete_mark_last", delete_one_then_stop)
    said: list[str] = []
    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            remove_data_root(root, said.append)
    assert said[1] == (f"stopped midway: deleting {aside}, left by an earlier `down --purge` that stopped midway, was "
                       f"cut short, the data folder {root} itself was gone already: `recfin network down --purge` "
                       f"again deletes the rest")
    assert not root.exists() and {entry.name for entry in aside.iterdir()} == {DATA_ROOT_MARKER, "nodes"}
    # `up` run in between makes the data folder anew: that one is said to be there still
    (root / "crypto").mkdir(parents=True)
    (root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    with pytest.raises(KeyboardInterrupt):
        remove_data_root(root, said.append)
    assert said[2].endswith(f"cut short, and the data folder {root} is not deleted yet: `recfin network down "
                            f"--purge` again deletes the rest")
    monkeypatch.setattr(control, "_delete_mark_last", delete)
    remove_data_root(root, said.append)
    assert not root.exists() and not aside.exists()
    assert said[-2:] == [f"removed {aside}, left by a `down --purge` that stopped midway", f"removed {root}"]


def test_a_data_folder_that_is_a_link_is_purged_and_made_again_where_it_points(tmp_path):
    # a data folder kept on another disk through a link: `down --purge` deletes the folder it points to and leaves
    # the link, which every command after (the next `up` too) refused with "the data folder ... is a file"
    target = tmp_path / "disk" / "recfin-data"
    (target / "crypto" / "kept").mkdir(parents=True)
    (target / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    (tmp_path / "home").mkdir()
    link = tmp_path / "home" / "network"
    link.symlink_to(target)
    said: list[str] = []
    remove_data_root(link, said.append)
    assert said == [f"removed {target}"] and not target.exists() and link.is_symlink()
    assert control.data_root_problem(link) is None
    control.mark_data_root(link)
    assert link.is_symlink() and control._marked(target)
