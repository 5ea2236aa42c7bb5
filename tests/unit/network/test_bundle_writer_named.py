"""A run writing bundles into a folder is named by whoever finds it holding the folder's lock: its pid and since when
it runs, and, stopped, how to resume it, as the holder of a data folder's membership.lock is named."""
import os
import re
import signal
import subprocess
import sys

import pytest

from network import bundle
from network.errors import NetworkError

HOLD = ("import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "time.sleep(120)\n")
SINCE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


@pytest.fixture
def writer(tmp_path):
    """Another process holding the lock of tmp_path/bundles, as a run writing a bundle there holds it."""
    folder = tmp_path / "bundles"
    folder.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def _refusal(hosts, prepared_hosts, out, monkeypatch) -> str:
    monkeypatch.setattr(bundle, "WRITER_WAIT", 0)
    with pytest.raises(NetworkError) as refused:
        bundle.write(hosts, prepared_hosts, "bank", out)
    assert not out.exists()
    return str(refused.value)


def test_a_run_holding_the_folder_is_named_by_its_pid_and_since_when(writer, tmp_path, hosts, prepared_hosts,
                                                                     monkeypatch):
    out = tmp_path / "bundles" / "bank"
    message = _refusal(hosts, prepared_hosts, out, monkeypatch)
    assert re.fullmatch(rf"another `recfin org bundle` \(pid {writer.pid}, running since {SINCE}\) has been writing "
                        rf"a bundle into {re.escape(str(out.parent))} for over 0 s: wait for it to finish \(or stop "
                        rf"it: `kill {writer.pid}`\), then run the command again\. Nothing was written", message), \
        message


def test_a_stopped_run_holding_the_folder_is_named_with_how_to_resume_it(writer, tmp_path, hosts, prepared_hosts,
                                                                        monkeypatch):
    writer.send_signal(signal.SIGSTOP)
    os.waitpid(writer.pid, os.WUNTRACED)   # stopped by now: the signal is delivered a moment after it is sent
    try:
        message = _refusal(hosts, prepared_hosts, tmp_path / "bundles" / "bank", monkeypatch)
    finally:
        writer.send_signal(signal.SIGCONT)
    assert re.fullmatch(rf"another `recfin org bundle` \(pid {writer.pid}, running since {SINCE}\) holds "
                        rf"{re.escape(str(tmp_path / 'bundles'))} and is stopped \(Ctrl-Z, a debugger\): it lets go "
                        rf"of it only once resumed \(`kill -CONT {writer.pid}`\) or ended\. Resume it \(or stop "
                        rf"it\), then run the command again\. Nothing was written", message), message
