"""Every benchmark report names what produced its figures beyond the CPUs: the memory (total, and available when the
run started), the recfin commit it ran (and whether the checkout had changes no commit holds), and the Fabric version
of the peer binary the network runs. A fact that cannot be read is named so ("unknown", "not installed"), never a
crash: a benchmark run outside a git checkout, or on a machine without Fabric, still reports."""
import subprocess
from pathlib import Path

import pytest

from bench import profiling
from bench.profiling import checkout_commit, fabric_version, machine, machine_line, memory_figures
from network.fabric_bin import FabricInstall

MEMINFO = "MemTotal:       24684544 kB\nMemFree:         1024000 kB\nMemAvailable:   23528448 kB\n"
# `peer version` as Fabric prints it (its common/metadata version block, then the chaincode settings)
PEER_VERSION = ("peer:\n Version: 3.1.5\n Commit SHA: 86c1172\n Go version: go1.24.4\n OS/Arch: linux/amd64\n"
                " Chaincode:\n  Base Docker Label: org.hyperledger.fabric\n  Docker Namespace: hyperledger\n")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_memory_is_read_from_meminfo_in_mib(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(MEMINFO)
    assert memory_figures(meminfo) == {"memory_total_mib": 24106, "memory_available_mib": 22977}


def test_memory_is_none_where_there_is_no_meminfo(tmp_path):
    assert memory_figures(tmp_path / "absent") == {"memory_total_mib": None, "memory_available_mib": None}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.delenv("GIT_INDEX_FILE", raising=False)     # a private index set for another checkout
    path = tmp_path / "checkout"
    path.mkdir()
    git(path, "init", "-q")
    (path / "a.py").write_text("x = 1\n")
    git(path, "add", "a.py")
    git(path, "commit", "-q", "-m", "one")
    return path


def test_a_clean_checkout_names_its_commit_and_is_not_dirty(repo):
    assert checkout_commit(repo) == (git(repo, "rev-parse", "--short=12", "HEAD"), False)


def test_a_tagged_checkout_is_named_by_its_tag(repo):
    git(repo, "tag", "v1.2.0")
    assert checkout_commit(repo) == ("v1.2.0", False)


def test_a_changed_tracked_file_makes_the_checkout_dirty(repo):
    (repo / "a.py").write_text("x = 2\n")
    assert checkout_commit(repo) == (git(repo, "rev-parse", "--short=12", "HEAD"), True)


def test_another_repositorys_git_dir_does_not_decide_the_commit(repo, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / "private-index"))
    assert checkout_commit(repo)[0] == git(repo, "--git-dir", str(repo / ".git"), "rev-parse", "--short=12", "HEAD")


def test_outside_a_git_checkout_the_commit_is_unknown(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))   # so no checkout above tmp_path is found
    assert checkout_commit(tmp_path) == ("unknown", None)


def test_without_git_the_commit_is_unknown(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert checkout_commit(tmp_path) == ("unknown", None)


def fake_peer(bin_dir: Path, script: str) -> FabricInstall:
    bin_dir.mkdir(parents=True, exist_ok=True)
    peer = bin_dir / "peer"
    peer.write_text(f"#!/bin/sh\n{script}\n")
    peer.chmod(0o755)
    return FabricInstall(bin_dir, bin_dir.parent / "config")


def test_the_fabric_version_is_the_one_peer_version_prints(tmp_path):
    fabric = fake_peer(tmp_path / "bin", f"[ \"$1\" = version ] && printf '{PEER_VERSION}'")
    assert fabric_version(fabric) == "3.1.5"


def test_the_fabric_version_is_read_from_the_peer_the_network_runs(tmp_path, monkeypatch):
    # the network runs the peer under RECFIN_FABRIC_BIN (else scripts/install-fabric's folder), not one on PATH
    fake_peer(tmp_path / "bin", f"printf '{PEER_VERSION}'")
    fake_peer(tmp_path / "on-path", "printf 'peer:\\n Version: 2.5.0\\n'")
    monkeypatch.setenv("PATH", f"{tmp_path / 'on-path'}:/usr/bin:/bin")
    monkeypatch.setenv("RECFIN_FABRIC_BIN", str(tmp_path / "bin"))
    assert fabric_version() == "3.1.5"


def test_without_a_peer_binary_fabric_is_not_installed(tmp_path):
    assert fabric_version(FabricInstall(tmp_path / "bin", tmp_path / "config")) == "not installed"


def test_a_peer_that_names_no_version_leaves_it_unknown(tmp_path):
    assert fabric_version(fake_peer(tmp_path / "bin", "echo 'no such command' >&2; exit 1")) == "unknown"


def test_every_report_carries_the_facts_and_the_line_prints_them(tmp_path, monkeypatch):
    fake_peer(tmp_path / "bin", f"printf '{PEER_VERSION}'")
    monkeypatch.setenv("RECFIN_FABRIC_BIN", str(tmp_path / "bin"))
    profiling._machine_at_start.cache_clear()      # read afresh, with this peer, and again after for other tests
    try:
        figures = machine()
    finally:
        profiling._machine_at_start.cache_clear()
    assert set(figures) == {"nproc", "cpu_model", "memory_total_mib", "memory_available_mib", "python", "commit",
                            "dirty", "fabric"} == profiling.MACHINE_FIELDS
    assert figures["fabric"] == "3.1.5"
    assert (figures["commit"], figures["dirty"]) == checkout_commit(profiling.REPO)
    assert figures["memory_total_mib"] >= figures["memory_available_mib"] > 0
    line = machine_line(figures)
    assert f"GiB memory ({figures['memory_available_mib'] / 1024:.1f} GiB available)" in line
    assert f", recfin {figures['commit']}" in line and line.endswith(", Fabric 3.1.5")


def test_the_line_names_a_dirty_checkout_and_what_could_not_be_read():
    figures = {"nproc": 2, "cpu_model": "", "memory_total_mib": None, "memory_available_mib": None,
               "python": "3.11.7", "commit": "v1.2.0-3-g3ef67f00b2c2", "dirty": True, "fabric": "not installed"}
    assert machine_line(figures) == ("machine: 2 CPUs (model unknown), unknown memory (unknown available), "
                                     "Python 3.11.7, recfin v1.2.0-3-g3ef67f00b2c2 (dirty), Fabric not installed")
    assert machine_line({**figures, "memory_total_mib": 8192, "memory_available_mib": 6246, "dirty": False,
                         "commit": "unknown", "fabric": "3.1.5"}) == (
        "machine: 2 CPUs (model unknown), 8.0 GiB memory (6.1 GiB available), Python 3.11.7, recfin unknown, "
        "Fabric 3.1.5")


def test_a_report_saved_before_these_facts_prints_as_it_did():
    assert machine_line({"nproc": 2, "cpu_model": "AMD EPYC", "python": "3.11.7"}) == \
        "machine: 2 CPUs (AMD EPYC), Python 3.11.7"


def test_the_cpu_model_is_read_with_the_file_closed_after_it():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        profiling._machine_at_start.__wrapped__()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], [str(w.message) for w in caught]
