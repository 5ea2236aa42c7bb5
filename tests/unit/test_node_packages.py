"""The Node comparison tests skip only where the machine lacks Node.js, and fail where `npm ci` failed or never ran
(node_packages.py): a run with none of the comparisons made must not pass."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from bench import node_compare

from .bench.test_bench_network_checks import a_path_holding
from .node_packages import NODE_SHIM_DIR, REPO, node_unavailable, require

NODE_20_AND_NPM = {"node": "echo v20.11.1", "npm": "exit 0"}
COMPARISONS = ["tests/unit/bench/test_node_client.py", "tests/unit/chaincode/test_node_shim_agreement.py",
               "tests/unit/client/test_wire_agreement_with_node.py",
               # against fabric-contract-api's metadata schema, which comes with the shim
               "tests/unit/chaincode/test_metadata_schema.py", "tests/unit/receivables/test_metadata.py"]


@pytest.mark.parametrize("tools, named", [
    ({}, "node not found on PATH"),
    ({"node": "echo v18.19.0", "npm": "exit 0"}, "is Node.js v18.19.0; the Node client needs 20 or later"),
    ({"node": "echo v20.11.1"}, "npm not found on PATH"),
], ids=["no node", "node too old", "no npm"])
def test_a_machine_without_node_npm_or_a_recent_node_skips(tmp_path, monkeypatch, tools, named):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", **tools))
    with pytest.raises(pytest.skip.Exception, match=named):
        require(tmp_path / "packages", "fabric-shim")


def test_with_node_and_npm_a_folder_without_node_modules_fails_saying_npm_ci_failed_or_never_ran(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", **NODE_20_AND_NPM))
    with pytest.raises(pytest.fail.Exception) as failed:
        require(tmp_path / "packages", "fabric-shim")
    assert str(failed.value) == (f"{tmp_path / 'packages' / 'node_modules'} is missing: npm ci failed or never ran: "
                                 "run scripts/install")


def test_node_modules_without_the_package_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", **NODE_20_AND_NPM))
    (tmp_path / "packages" / "node_modules" / "@grpc").mkdir(parents=True)
    with pytest.raises(pytest.fail.Exception, match=re.escape(
            f"{tmp_path / 'packages' / 'node_modules' / '@hyperledger' / 'fabric-gateway'} is missing")):
        require(tmp_path / "packages", "@hyperledger/fabric-gateway")


def test_a_folder_of_the_repository_is_named_from_its_root(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", **NODE_20_AND_NPM))
    with pytest.raises(pytest.fail.Exception, match=r"^bench/nowhere/node_modules is missing: "):
        require(REPO / "bench" / "nowhere", "fabric-shim")


def test_installed_packages_let_the_test_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", **NODE_20_AND_NPM))
    (tmp_path / "packages" / "node_modules" / "fabric-shim").mkdir(parents=True)
    assert require(tmp_path / "packages", "fabric-shim") is None


# Loaded with -p before the test files are imported: the packages' folders as a failed `npm ci` leaves them, their
# package.json and lock file and no node_modules.
WITHOUT_NODE_MODULES = """
import os
from pathlib import Path

import bench.node_compare
import tests.unit.node_packages

bench.node_compare.NODE_DIR = Path(os.environ["CLIENT_DIR"])
tests.unit.node_packages.NODE_SHIM_DIR = Path(os.environ["SHIM_DIR"])
"""


@pytest.mark.skipif(node_unavailable() is not None, reason="needs node and npm, as the comparisons do")
def test_every_comparison_fails_and_none_skips_where_npm_ci_left_no_node_modules(tmp_path):
    folders = {}
    for name, installed in (("CLIENT_DIR", node_compare.NODE_DIR), ("SHIM_DIR", NODE_SHIM_DIR)):
        folders[name] = tmp_path / name.lower()
        folders[name].mkdir()
        for lock in ("package.json", "package-lock.json"):
            shutil.copy(installed / lock, folders[name] / lock)
    (tmp_path / "without_node_modules.py").write_text(WITHOUT_NODE_MODULES)
    env = {**os.environ, **{name: str(folder) for name, folder in folders.items()},
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "without_node_modules", "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "base"), *COMPARISONS],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    # those that need no package pass (the script parses, the package pins the client); none skips; the rest fail,
    # each saying which folder lacks its packages
    assert re.match(r"\d+ passed, \d+ errors in ", summary), summary
    # read from each error's own report, a line holding the reason alone; the short summary repeats it after the
    # test's name, whole or cut to the terminal's width
    reasons = {line for line in done.stdout.splitlines()
               if re.fullmatch(r"\S+ is missing: npm ci failed or never ran: run scripts/install", line)}
    assert reasons == {f"{folders[name] / 'node_modules'} is missing: npm ci failed or never ran: run scripts/install"
                       for name in folders}
    for test_file in COMPARISONS:
        assert f"ERROR {test_file}::" in done.stdout


REPORT_TEST = ("tests/unit/bench/test_client_cpu.py::"
               "test_the_report_has_one_row_per_client_operation_and_concurrency_with_the_label")


@pytest.mark.parametrize("tools, outcome", [
    ({"node": "echo v20.11.1"}, "1 passed"),
    ({"node": "echo v18.19.0", "npm": "exit 0"}, "1 passed"),
    (NODE_20_AND_NPM, "1 error"),
], ids=["node without npm", "node too old", "node and npm"])
def test_the_client_cpu_report_measures_ours_alone_where_node_is_unusable_and_needs_the_packages_where_it_is(
        tmp_path, tools, outcome):
    """Where node_unavailable() says why, the report's test measures our client alone and passes; where node and npm
    are there and bench/node has no node_modules, it fails at its setup naming that folder, as the comparisons do,
    and neither runs npm nor asks the stand-in node for rows."""
    client_dir, shim_dir = tmp_path / "client_dir", tmp_path / "shim_dir"
    client_dir.mkdir()
    shutil.copy(node_compare.NODE_DIR / "package-lock.json", client_dir / "package-lock.json")
    (tmp_path / "without_node_modules.py").write_text(WITHOUT_NODE_MODULES)
    npm_calls = tmp_path / "npm-calls.txt"
    stand_ins = {**tools, **({"npm": f'echo "npm $*" >> "{npm_calls}"'} if "npm" in tools else {})}
    path = os.pathsep.join([a_path_holding(tmp_path / "bin", **stand_ins), os.path.dirname(sys.executable)])
    env = {**os.environ, "PATH": path, "CLIENT_DIR": str(client_dir), "SHIM_DIR": str(shim_dir),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "without_node_modules", "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "base"), REPORT_TEST],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"{outcome} in "), done.stdout + done.stderr
    if outcome == "1 error":
        assert (f"{client_dir / 'node_modules'} is missing: npm ci failed or never ran: run scripts/install"
                in done.stdout)
    assert not npm_calls.exists()
