"""`network down` stopped (SIGTERM) while `docker compose down` runs: the compose part ran outside the handler that
raises SIGTERM as Ctrl-C, so the command ended at once without a word and `docker compose down` ran on, stopping
containers after the command had ended. It now stops docker with itself (run_docker kills it and the compose plugin
it started) and says what may be left of the containers and what to do, as `down` stopped midway does for native
processes. The command runs as a process of its own (the signal would end the test runner otherwise), with the
scripted `docker` the compose tests use, made to signal the command that runs it once it is asked to `down`."""
import os
import signal
import subprocess
import sys

import pytest

from network import compose_down
from network.fabric_bin import REPO_ROOT
from network.topology import load

from .scripted_docker import SCRIPT

# Before the scripted answers: a `down` notes its pid, sends SIGTERM to `recfin network down` (its parent: the
# wrapper execs it) and waits far longer than the test would, for the command to stop it.
SIGNALS_ITS_CALLER_ON_DOWN = """import os, signal, sys, time
if "down" in sys.argv[1:]:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "down.pid"), "w") as noted:
        noted.write(str(os.getpid()))
    os.kill(os.getppid(), signal.SIGTERM)
    time.sleep(600)
"""


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def signalling_docker(docker):
    (docker.bin / "docker.py").write_text(SIGNALS_ITS_CALLER_ON_DOWN + SCRIPT)
    yield docker
    pid_file = docker.bin / "down.pid"
    if pid_file.is_file() and running(pid := int(pid_file.read_text())):
        os.kill(pid, signal.SIGKILL)        # left running by a down that did not stop it


@pytest.mark.parametrize("purge", [[], ["--purge"]])
def test_a_sigterm_in_docker_compose_down_stops_docker_and_says_what_is_left(home, hosts_data, tmp_path,
                                                                             signalling_docker, purge):
    compose_file = tmp_path / "docker-compose.yaml"
    compose_file.write_text("services: {}\n")
    assert compose_down.record(load(), compose_file, hosts_data)
    record = home / compose_down.COMPOSE_RECORD
    done = subprocess.run([sys.executable, "-m", "cli.main", "network", "down", *purge],
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 128 + signal.SIGTERM, (done.returncode, done.stdout, done.stderr)
    args = "down --remove-orphans" + (" -v" if purge else "")
    volumes = ", and docker may have removed some of the ledger volumes" if purge else ""
    assert done.stdout.splitlines()[-1] == (
        f"stopped midway: `docker compose -f {compose_file} {args}` was cut short: some containers may be stopped "
        f"and removed already, the rest still run (`docker compose -f {compose_file} ps` lists them){volumes}; the "
        f"data folder {hosts_data} and {record} are kept: run `recfin network down{' '.join(['', *purge])}` again")
    assert done.stderr.strip().endswith("Error: terminated by SIGTERM")
    assert not running(int((signalling_docker.bin / "down.pid").read_text()))      # stopped with the command
    assert hosts_data.is_dir() and record.is_file()
