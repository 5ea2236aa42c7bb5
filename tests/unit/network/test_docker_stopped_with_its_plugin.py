"""A `docker compose` stopped in its time, or by Ctrl-C, is stopped with the compose plugin it runs.

`docker compose` runs the compose plugin as a child process, in a process group of its own in recent Docker
releases. `docker` here is a program that does the same (a child that makes a process group of its own), then hangs,
as docker does when its daemon does not answer. Killing docker alone would leave the child running, free to stop or
start containers after the command said what it had not done. The child holds the write end of a pipe the test reads:
the read ends (end of file) once every process holding it is gone.
"""
import os
import select
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from network import compose_up
from network.containers import DockerNotAnswering, run_docker

TIME = 3.0      # seconds: docker's time, long enough for the child to have started before docker is killed

FAKE_DOCKER = f"""#!{sys.executable}
import os, sys, time
ready_r, ready_w = os.pipe()
if os.fork() == 0:                      # the compose plugin
    os.setpgid(0, 0)
    held = os.open(os.environ["PLUGIN_HOLDS"], os.O_WRONLY)
    with open(os.environ["PLUGIN_PID"], "w") as f:
        f.write(str(os.getpid()))
    os.write(ready_w, b"x")
    time.sleep(600)
    os._exit(0)
os.read(ready_r, 1)
time.sleep(600)
"""


@pytest.fixture
def docker_with_a_plugin(tmp_path, monkeypatch):
    folder = tmp_path / "docker-bin"
    folder.mkdir()
    (folder / "docker").write_text(FAKE_DOCKER)
    (folder / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    read_end, write_end = os.pipe()
    monkeypatch.setenv("PLUGIN_HOLDS", f"/proc/{os.getpid()}/fd/{write_end}")
    pid_file = tmp_path / "plugin.pid"
    monkeypatch.setenv("PLUGIN_PID", str(pid_file))
    yield read_end, write_end
    os.close(read_end)
    if pid_file.is_file():      # a plugin left running fails the test; it is not left running after it
        try:
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_docker_compose_not_done_in_its_time_is_killed_with_the_plugin_it_runs(tmp_path, docker_with_a_plugin):
    read_end, write_end = docker_with_a_plugin
    compose_file = tmp_path / "docker-compose.yaml"
    compose_file.write_text("services: {}\n")
    with pytest.raises(DockerNotAnswering, match="did not finish within 3s"):
        compose_up.docker_compose(compose_file, tmp_path, ["down"], lambda _: None, without_docker="-",
                                  timeout=TIME)
    os.close(write_end)
    readable, _, _ = select.select([read_end], [], [], 60)
    assert readable and os.read(read_end, 1) == b"", "the compose plugin docker ran is still running"
    assert Path(os.environ["PLUGIN_PID"]).is_file(), "the plugin had not started: the test tells nothing"


def _interrupt_once_the_plugin_runs(pid_file: Path) -> None:
    """Ctrl-C, as the terminal sends it (SIGINT to this process), once the plugin has started."""
    for _ in range(1200):
        if pid_file.is_file() and pid_file.read_text():
            break
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGINT)


def test_docker_compose_interrupted_is_killed_with_the_plugin_it_runs(tmp_path, docker_with_a_plugin):
    """The terminal's Ctrl-C does not reach a plugin in a process group of its own: the command kills it."""
    read_end, write_end = docker_with_a_plugin
    compose_file = tmp_path / "docker-compose.yaml"
    compose_file.write_text("services: {}\n")
    interrupter = threading.Thread(target=_interrupt_once_the_plugin_runs, args=(Path(os.environ["PLUGIN_PID"]),))
    interrupter.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            compose_up.docker_compose(compose_file, tmp_path, ["up", "-d"], lambda _: None, without_docker="-",
                                      timeout=600)
    finally:
        interrupter.join()
    os.close(write_end)
    readable, _, _ = select.select([read_end], [], [], 60)
    assert readable and os.read(read_end, 1) == b"", "the compose plugin docker ran is still running"


def test_docker_stays_in_the_process_group_a_signal_to_the_command_reaches(tmp_path):
    """A signal to the command's group (the terminal's hangup, `kill -- -PGID`) reaches docker as it did."""
    docker = tmp_path / "docker"
    docker.write_text(f"#!{sys.executable}\nimport os\nprint(os.getpgid(0))\n")
    docker.chmod(0o755)
    done = run_docker([str(docker)], timeout=600, capture_output=True, text=True)
    assert done.returncode == 0 and int(done.stdout) == os.getpgrp()
