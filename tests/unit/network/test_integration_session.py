"""How the integration suite's session is run (tests/integration/conftest.py), checked without Fabric: the order
of the tests, its own RECFIN_HOME, and the logs a failure leaves for the reader. Each check runs pytest as its own
process, with the suite's conftest loaded as a plugin; Fabric's tools are stand-ins (the `fake_fabric` folder),
and where the network must come up, `Network.up` only writes the logs a real one would."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SUITE_PLUGIN = "tests.integration.conftest"

# The orderer dies at its start as Fabric's does when it cannot create its Raft WAL: a Go panic and its dump.
PANICKING_ORDERER = """#!/bin/sh
echo "2026-11-30 15:00:00.000 UTC 0001 INFO [orderer.common.server] Main -> Starting orderer"
echo "2026-11-30 15:00:00.100 UTC 0002 ERRO [orderer.consensus.etcdraft] createOrReadWAL -> WAL dir not writable"
echo "panic: Failed to create WAL: permission denied"
echo ""
echo "goroutine 1 [running]:"
echo "main.main()"
echo "	/root/go/pkg/mod/github.com/hyperledger/fabric/cmd/orderer/main.go:15 +0x1d"
exit 2
"""
GENESIS_BLOCK = """#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -outputBlock ] && { shift; printf 'block' > "$1"; }; shift; done
"""

# Network.up as far as the logs go: the data folder marked, one line more than the report shows in each log.
WRITES_LOGS = '''
from network import Network, nodeconfig
from network.control import mark_data_root

LOGS = [nodeconfig.node_dirs(Path(), "orderer0.orderer").log, nodeconfig.node_dirs(Path(), "peer0.bank").log,
        Path("chaincode/receivables/bank/server.log")]


def up(self):
    mark_data_root(self.data_root)
    for log in LOGS:
        (self.data_root / log).parent.mkdir(parents=True, exist_ok=True)
        (self.data_root / log).write_text("".join(f"{log.parent.name} line {i}\\n" for i in range(51)))
    return []


Network.up = up
'''

SUITE_TEST = '''
import os
from pathlib import Path

from cli.finance_commands import _quote_locks
from network import Network


def test_on_the_network(fabric_network):
    home = Path(os.environ["RECFIN_HOME"])
    assert fabric_network.data_root == home / "network" == Network.load().data_root    # what `recfin` finds
    assert _quote_locks().is_relative_to(home.resolve())
    assert "RECFIN_TOPOLOGY" not in os.environ and "RECFIN_HOSTS_DATA" not in os.environ   # a developer's, unset
    assert os.environ.get("FAIL_ONE") is None, "a test that failed"
'''


@pytest.fixture
def stand_in_fabric(fake_fabric):
    (fake_fabric / "bin" / "configtxgen").write_text(GENESIS_BLOCK)
    return fake_fabric


def run_suite(tmp_path: Path, test: str, conftest: str = "", fail_one: bool = False):
    """pytest over one test file with the suite's conftest as a plugin, a RECFIN_HOME of a developer's set around
    it; (the completed process, the session's temporary folder, the developer's RECFIN_HOME)."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n")
    (suite / "conftest.py").write_text(
        "import os\nfrom pathlib import Path\n" + conftest + "\n\ndef pytest_unconfigure(config):\n"
        "    Path(os.environ['HOME_AFTER']).write_text(os.environ.get('RECFIN_HOME', '(unset)'))\n")
    (suite / "test_suite.py").write_text(test)
    developers = tmp_path / "developers-home"
    developers.mkdir()
    attesting = tmp_path / "developers-topology.yaml"     # one the demo would refuse, in the developer's shell
    attesting.write_text((REPO / "network" / "topology.yaml").read_text().replace(
        "require_attestation: false", "require_attestation: true"))
    env = {**os.environ, "RECFIN_HOME": str(developers), "HOME_AFTER": str(tmp_path / "home-after"),
           "PYTHONPATH": str(REPO), "RECFIN_TOPOLOGY": str(attesting), "RECFIN_HOSTS_DATA": str(tmp_path / "hosts")}
    env.pop("FAIL_ONE", None)
    if fail_one:
        env["FAIL_ONE"] = "1"
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", SUITE_PLUGIN, "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "base"), str(suite)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert (tmp_path / "home-after").read_text() == str(developers)      # restored at the end of the session
    assert list(developers.iterdir()) == []                               # and nothing written in the developer's
    return done, tmp_path / "base", developers


def summary_of(output: str) -> list[str]:
    """The lines of the report's section of network logs."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if "Fabric network logs (last 50 lines of each)" in line), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if re.fullmatch(r"=+ .+ =+", lines[i])), len(lines))
    return lines[start + 1:end]


def test_unit_tests_run_first_then_the_integration_tests_then_the_fault_suite():
    given = ["tests/integration/test_chaos.py", "tests/integration/test_runtime_features.py",
             "tests/unit/network/test_supervisor.py", "tests/integration/test_batch_tuning.py"]
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *given],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    files = list(dict.fromkeys(i.split("::")[0] for i in ids))
    assert files == ["tests/unit/network/test_supervisor.py", "tests/integration/test_runtime_features.py",
                     "tests/integration/test_batch_tuning.py", "tests/integration/test_chaos.py"]
    # each file's tests stay together, in their order in the file
    assert [i for i in ids if "test_runtime_features" in i][:2] == [
        "tests/integration/test_runtime_features.py::test_state_written_through_one_org_is_read_through_another",
        "tests/integration/test_runtime_features.py::test_multiple_key_reads_return_values_in_order"]
    assert [i.split("::")[0] for i in ids] == sorted((i.split("::")[0] for i in ids), key=files.index)


def test_failed_first_keeps_the_unit_tests_before_the_integration_tests(tmp_path):
    # pytest's cache plugin reorders for --ff in a wrapper that can enclose the suite's collection hook
    failed = "tests/integration/test_batch_tuning.py::test_the_channel_starts_with_the_topology_s_batch_and_tune_changes_it"
    cache = tmp_path / "cache"
    (cache / "v" / "cache").mkdir(parents=True)
    (cache / "v" / "cache" / "lastfailed").write_text(f'{{"{failed}": true}}')
    given = ["tests/unit/network/test_supervisor.py", "tests/integration/test_batch_tuning.py"]
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "--ff", "-o", f"cache_dir={cache}",
                           *given], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    assert failed in ids
    assert list(dict.fromkeys(i.split("::")[0] for i in ids)) == given


def test_a_failed_up_reports_every_log_and_keeps_the_data_folder(tmp_path, stand_in_fabric):
    (stand_in_fabric / "bin" / "orderer").write_text(PANICKING_ORDERER)
    done, base, _ = run_suite(tmp_path, SUITE_TEST)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout
    root = base / "recfin-home0" / "network"
    log = root / "nodes" / "orderer0.orderer" / "node.log"
    # the error names the panic, not the dump's last frame
    assert (f"orderer0.orderer exited while waiting for healthy /healthz and listening: see {log} (log: "
            f"2026-11-30 15:00:00.000 UTC 0001 INFO [orderer.common.server] Main -> Starting orderer | "
            f"2026-11-30 15:00:00.100 UTC 0002 ERRO [orderer.consensus.etcdraft] createOrReadWAL -> WAL dir not "
            f"writable | panic: Failed to create WAL: permission denied)") in done.stdout
    summary = summary_of(done.stdout)
    assert summary[0] == f"`network up` failed; data folder kept: {root}"
    assert summary[1:] == [f"---- {log}", *log.read_text().splitlines()[-50:]]
    assert "panic: Failed to create WAL: permission denied" in summary and "goroutine 1 [running]:" in summary


def test_a_session_with_a_failed_test_reports_the_last_lines_of_every_log_and_keeps_them(tmp_path, stand_in_fabric):
    done, base, _ = run_suite(tmp_path, SUITE_TEST, WRITES_LOGS, fail_one=True)
    assert done.returncode == 1 and "1 failed" in done.stdout, done.stdout + done.stderr
    root = base / "recfin-home0" / "network"
    logs = [root / "nodes" / "orderer0.orderer" / "node.log", root / "nodes" / "peer0.bank" / "node.log",
            root / "chaincode" / "receivables" / "bank" / "server.log"]
    expected = [f"tests failed while the network ran; data folder kept: {root}"]
    for log in logs:
        expected += [f"---- {log}", *(f"{log.parent.name} line {i}" for i in range(1, 51))]
    assert summary_of(done.stdout) == expected
    assert all(log.is_file() for log in logs)


def test_a_clean_session_reports_no_logs_and_removes_the_data_folder(tmp_path, stand_in_fabric):
    done, base, _ = run_suite(tmp_path, SUITE_TEST, WRITES_LOGS)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    assert summary_of(done.stdout) == [] and "Fabric network logs" not in done.stdout
    assert not (base / "recfin-home0" / "network").exists()
