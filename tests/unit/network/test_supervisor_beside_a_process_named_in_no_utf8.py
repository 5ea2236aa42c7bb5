"""The supervisor's scans of /proc (who is in a node's process group, whether a recorded pid still lives) read
every process's stat line: a process on the machine whose name is no UTF-8 made them raise UnicodeDecodeError,
a traceback from `recfin network down`, `up` and the others; naming a port's holder or a process a namespace
report found did the same."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from network import supervisor

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs procfs")

NAMES_ITSELF_IN_NO_UTF8 = ("import sys, time\n"
                           "open('/proc/self/comm', 'wb').write(b'rf\\xff\\xfe)x (y')\n"
                           "print('named', flush=True)\n"
                           "time.sleep(60)\n")


@pytest.fixture
def oddly_named():
    child = subprocess.Popen([sys.executable, "-c", NAMES_ITSELF_IN_NO_UTF8], stdout=subprocess.PIPE,
                             start_new_session=True)
    try:
        assert child.stdout.readline() == b"named\n"
        with open(f"/proc/{child.pid}/comm", "rb") as comm:
            assert comm.read().startswith(b"rf\xff\xfe")
        yield child
    finally:
        child.kill()
        child.wait()


def test_its_stat_fields_are_read(oddly_named):
    fields = supervisor._stat_fields(oddly_named.pid)
    assert fields[0] in "RSD"                       # the state, after the name's last ')'
    assert fields[2] == str(os.getpgid(oddly_named.pid))
    assert supervisor._start_time(oddly_named.pid) == fields[19]


def test_its_group_is_found_and_others_scanned_past_it(oddly_named):
    deadline = time.monotonic() + 10
    while oddly_named.pid not in supervisor._group_members(oddly_named.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert supervisor._group_members(oddly_named.pid) == [oddly_named.pid]
    assert os.getpid() in supervisor._group_members(os.getpgid(0))


def test_a_port_holder_named_so_is_described_quoted(oddly_named):
    from network import ports

    assert ports._describe(oddly_named.pid) == f"pid {oddly_named.pid} ($'rf\\xff\\xfe)x (y')"


def test_a_process_named_so_in_a_namespace_report_is_quoted(oddly_named):
    from network import namespaces

    assert namespaces._process_name(oddly_named.pid) == "$'rf\\xff\\xfe)x (y'"
