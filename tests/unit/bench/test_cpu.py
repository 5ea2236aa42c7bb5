"""CPU seconds from /proc: a real child process that burns CPU, and the stat line's awkward names."""
import subprocess
import sys
import time

import pytest

from bench.cpu import CLOCK_TICKS, Watched, cpu_seconds, network_processes, snapshot, usage_between
from network.control import NodeStatus


def test_a_busy_child_accumulates_cpu_and_the_counter_only_grows(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        readings = []
        deadline = time.monotonic() + 30     # a bound on waiting, not a figure under test
        while time.monotonic() < deadline and (len(readings) < 3 or readings[-1] <= readings[0]):
            readings.append(cpu_seconds(child.pid))
            time.sleep(0.05)
        assert readings[-1] > 0
        assert readings == sorted(readings)
        assert readings[-1] > readings[0]
    finally:
        child.kill()
        child.wait()
    assert cpu_seconds(child.pid) is None    # reaped: gone


def test_the_command_name_may_hold_spaces_and_parentheses(tmp_path):
    fields = ["S"] + ["0"] * 10 + [str(3 * CLOCK_TICKS), str(CLOCK_TICKS)] + ["0"] * 30
    (tmp_path / "4242").mkdir()
    (tmp_path / "4242" / "stat").write_text("4242 (peer) node (x)) " + " ".join(fields) + "\n")
    assert cpu_seconds(4242, proc=tmp_path) == pytest.approx(4.0)


def test_the_command_name_may_hold_bytes_that_are_no_utf8(tmp_path):
    # a watched pid given to another program once its process ended: that program may name itself in any bytes
    fields = ["S"] + ["0"] * 10 + [str(2 * CLOCK_TICKS), str(CLOCK_TICKS)] + ["0"] * 30
    (tmp_path / "4243").mkdir()
    (tmp_path / "4243" / "stat").write_bytes(b"4243 (rf\xff\xfe) " + " ".join(fields).encode() + b"\n")
    assert cpu_seconds(4243, proc=tmp_path) == pytest.approx(3.0)


def test_usage_between_snapshots_and_processes_that_restarted_or_vanished():
    before = {"client": 1.0, "peer0": 5.0, "orderer0": 2.0, "gone": 1.0}
    after = {"client": 1.5, "peer0": 0.2, "orderer0": 2.0, "gone": None}
    assert usage_between(before, after) == {"client": 0.5, "peer0": None, "orderer0": 0.0, "gone": None}


def test_this_process_is_measured_and_network_rows_become_watched_processes(tmp_path):
    import os
    me = snapshot([Watched("client", "client", os.getpid())])
    assert me["client"] is not None and me["client"] > 0
    rows = [NodeStatus("peer0.bank", "BankMSP", "peer", "127.0.0.1:9051", 11, True, 3, tmp_path),
            NodeStatus("orderer0.orderer", "OrdererMSP", "orderer", "127.0.0.1:7050", None, False, None, tmp_path),
            NodeStatus("peer0.gone", "", "peer", "", 14, False, None, tmp_path, in_topology=False)]
    assert network_processes(rows) == [Watched("peer0.bank", "peer", 11)]   # not a node outside the topology


def test_the_chaincode_servers_are_watched_with_the_peers_and_orderers(tmp_path):
    rows = [NodeStatus("peer0.bank", "BankMSP", "peer", "127.0.0.1:9051", 11, True, 3, tmp_path),
            NodeStatus("orderer0.orderer", "OrdererMSP", "orderer", "127.0.0.1:7050", 12, True, None, tmp_path),
            NodeStatus("receivables.bank", "BankMSP", "chaincode", "127.0.0.1:9052", 13, True, None, tmp_path)]
    assert network_processes(rows) == [Watched("peer0.bank", "peer", 11), Watched("orderer0.orderer", "orderer", 12),
                                       Watched("receivables.bank", "chaincode", 13)]
