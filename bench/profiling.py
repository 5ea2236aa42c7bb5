"""Where the time goes and on what: a profile's top functions and the machine, for the benchmarks' reports."""
from __future__ import annotations

import contextlib
import functools
import os
import pstats
import subprocess
import sys
from pathlib import Path
from typing import Any

from cli.output import table
from network.fabric_bin import FabricInstall

REPO = Path(__file__).resolve().parents[1]


def top_functions(stats: pstats.Stats, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` functions with the most cumulative time: where the time goes, callers included."""
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{_short_path(filename)}:{line}({name})", "calls": calls,
                     "own_s": round(own, 4), "cumulative_s": round(cumulative, 4)})
    rows.sort(key=lambda r: r["cumulative_s"], reverse=True)
    return rows[:limit]


def profile_lines(title: str, functions: list[dict[str, Any]]) -> list[str]:
    """A profiled pass's top functions under a heading, for the text report."""
    return [f"\n{title}: top {len(functions)} functions by cumulative time (profiled pass)",
            table(functions, ["cumulative_s", "own_s", "calls", "function"])]


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", f"{REPO}/", os.getcwd() + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# What a report says where a fact could not be read: outside a git checkout, without git, without Fabric's tools.
UNKNOWN = "unknown"
NOT_INSTALLED = "not installed"
_GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
                           "GIT_ALTERNATE_OBJECT_DIRECTORIES")
_MEMINFO_FIELDS = {"MemTotal": "memory_total_mib", "MemAvailable": "memory_available_mib"}
# The fields of machine(), as every report's "machine" carries them (docs/benchmark.md says what each means).
MACHINE_FIELDS = frozenset({"nproc", "cpu_model", "memory_total_mib", "memory_available_mib", "python", "commit",
                            "dirty", "fabric"})


@functools.cache
def _machine_at_start() -> dict[str, Any]:
    # Read once per process: a run's reports (each workload, each client) all name the machine as the run found it
    # at its start, the memory then available among it, and so name one machine, not figures drifting between them.
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:      # closed here: left at the break, the file was closed only when collected
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit, dirty = checkout_commit(REPO)
    # The CPUs this process may run on, as `nproc` counts them: a run pinned to some (taskset, a container's cpuset)
    # is measured on those, not on every CPU of the host, which os.cpu_count() gives.
    return {"nproc": len(os.sched_getaffinity(0)), "cpu_model": model, **memory_figures(),
            "python": sys.version.split()[0], "commit": commit, "dirty": dirty, "fabric": fabric_version()}


def machine() -> dict[str, Any]:
    """What a report's figures were measured on: CPUs (``nproc``), CPU model, total memory and memory available at the
    run's start (MiB, None where ``/proc/meminfo`` is missing), Python, the recfin checkout's commit and whether it
    had uncommitted changes, and the Fabric version of the peer binary the network runs with."""
    return dict(_machine_at_start())


def memory_figures(meminfo: Path = Path("/proc/meminfo")) -> dict[str, int | None]:
    """Total and available memory in MiB from ``meminfo`` (its figures are in kB); None for a figure it lacks, and
    for both where there is no such file (macOS)."""
    figures: dict[str, int | None] = dict.fromkeys(_MEMINFO_FIELDS.values())
    with contextlib.suppress(OSError):
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition(":")
            if name in _MEMINFO_FIELDS and value.split():
                figures[_MEMINFO_FIELDS[name]] = int(value.split()[0]) // 1024
    return figures


def checkout_commit(repo: Path) -> tuple[str, bool | None]:
    """The commit of the checkout at ``repo`` as ``git describe --tags --always`` names it, and whether tracked files
    differ from it (the figures then come from code no commit holds); ("unknown", None) outside a git checkout or
    where git is missing."""
    # GIT_DIR, GIT_INDEX_FILE and the like, set for another repository or index, must not decide what is read here
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARIABLES}
    try:
        described = _git(repo, env, "describe", "--tags", "--always", "--abbrev=12")
        changes = _git(repo, env, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN, None
    return described.strip(), bool(changes.strip())


def _git(repo: Path, env: dict[str, str], *args: str) -> str:
    # --no-optional-locks: reading the checkout does not take its index lock from a commit being made there
    return subprocess.run(["git", "--no-optional-locks", "-C", str(repo), *args], env=env, capture_output=True,
                          text=True, check=True, timeout=30).stdout


def fabric_version(fabric: FabricInstall | None = None) -> str:
    """The version ``peer version`` prints for the peer binary recfin's network runs (the one FabricInstall locates:
    RECFIN_FABRIC_BIN, else scripts/install-fabric's folder); "not installed" when there is none, "unknown" when
    it does not say."""
    fabric = fabric or FabricInstall.locate()
    peer = fabric.tool("peer")
    if not os.access(peer, os.X_OK):
        return NOT_INSTALLED
    env = {**os.environ, "FABRIC_CFG_PATH": str(fabric.config_dir)}
    try:
        out = subprocess.run([str(peer), "version"], env=env, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    # "peer:\n Version: 3.1.5\n Commit SHA: ...\n Go version: ...": Fabric's common/metadata version block
    for line in out.splitlines():
        name, _, value = line.strip().partition(":")
        if name == "Version" and value.strip():
            return value.strip()
    return UNKNOWN


def machine_line(figures: dict[str, Any]) -> str:
    """``machine()`` as the text reports print it: "machine: 2 CPUs (AMD EPYC ...), 7.8 GiB memory (5.1 GiB
    available), Python 3.11.7, recfin v0.9-12-g3ef67f00 (dirty), Fabric 3.1.5". A report saved before a figure
    was recorded prints without it."""
    parts = [f"machine: {figures['nproc']} CPUs ({figures['cpu_model'] or 'model unknown'})"]
    if "memory_total_mib" in figures:
        parts.append(f"{_gib(figures['memory_total_mib'])} memory ({_gib(figures.get('memory_available_mib'))} "
                     f"available)")
    parts.append(f"Python {figures['python']}")
    if "commit" in figures:
        parts.append(f"recfin {figures['commit']}{' (dirty)' if figures.get('dirty') else ''}")
    if "fabric" in figures:
        parts.append(f"Fabric {figures['fabric']}")
    return ", ".join(parts)


def _gib(mib: int | None) -> str:
    return "unknown" if mib is None else f"{mib / 1024:.1f} GiB"
