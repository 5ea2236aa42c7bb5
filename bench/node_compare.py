"""The same workload sent by the official Fabric Gateway Node client (bench/node), for comparison.

``install()`` checks for Node.js (NODE_MAJOR or later) and runs ``npm ci`` (or ``npm install`` without a lock
file) in bench/node unless its node_modules holds every package at the version the lock file pins (again after
a pin moved on); ``recfin bench --compare-node`` calls it before anything runs;
``run()`` writes the script's config (the actors' peers and identities from the connection
profiles, the parties' codes, a registration document to copy, the plan, each step's deadline and
the time limit of a wait for the other org's block, as the Python client's ``step_timeouts``), runs
``node workload.js`` and turns its samples into a report like the Python client's, its
client CPU read by the script from the same OS counters (``process.cpuUsage``).

The script runs as one process with grpc-js's default channel options, so it compares like for like
only with a Python run from one client process without gRPC options: ``recfin bench`` refuses
``--compare-node`` with ``--clients`` above 1 or with ``--grpc-option`` (``NODE_SETTINGS``), and the report
states the settings the script ran with.
"""
from __future__ import annotations

import dataclasses
import json
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from network import profiles

from .driver import Plan, Run, Sample
from .outcomes import CAUSES
from .network_session import step_timeouts
from .report import build
from .workloads import FACE_AMOUNT, Parties, new_registration

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "workload.js"
NODE_SETTINGS = {"clients": 1, "grpc_options": []}   # how the script runs: one process, grpc-js's defaults
NODE_MAJOR = 20                                       # package.json engines: node >= 20.9 (fabric-gateway 1.11.0)
GET_NODE = (f"install Node.js {NODE_MAJOR} or later with npm (https://nodejs.org/en/download, or the system's nodejs and npm "
            "packages)")


class NodeClientError(RuntimeError):
    """npm or node is missing, the install failed, or the script stopped with an error."""


class NodeUnavailableError(NodeClientError):
    """node or npm is not on PATH, or node is older than NODE_MAJOR: the machine lacks what the Node client
    needs. A failed install or script is a NodeClientError but not this one: something failed that should
    have worked (the registry, bench/node's lock file, the script)."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise NodeUnavailableError(f"{name} not found on PATH, which the Node client needs: {GET_NODE}")
    return found


def _check_version(node: str) -> None:
    """NodeUnavailableError unless ``node --version`` says NODE_MAJOR or later."""
    done = subprocess.run([node, "--version"], capture_output=True, text=True)
    text = done.stdout.strip()
    major = text.lstrip("v").split(".")[0]
    if done.returncode != 0 or not major.isdigit() or int(major) < NODE_MAJOR:
        raise NodeUnavailableError(f"{node} is Node.js {text or '(no version)'}; the Node client needs "
                                   f"{NODE_MAJOR} or later: {GET_NODE}")


def unlike_the_lock(folder: Path) -> list[str]:
    """The packages of ``folder``'s package-lock.json that its node_modules lacks or holds at another version
    ("@hyperledger/fabric-gateway 1.10.0, pinned 1.11.0"): a checkout whose lock file moved on since its last
    install (a pin raised) still has the old packages there. Optional ones (a platform's native module) and
    development ones (which ``npm ci`` leaves out under NODE_ENV=production) are not required. The gateway package,
    which the script runs, always is."""
    lock = folder / "package-lock.json"
    gateway = "node_modules/@hyperledger/fabric-gateway"
    gateway_there = (folder / gateway).is_dir()
    out = [] if gateway_there else [f"{gateway.removeprefix('node_modules/')} missing"]
    if not lock.is_file():
        return out
    try:
        pinned = json.loads(lock.read_text()).get("packages", {})
    except (OSError, ValueError):
        return [*out, f"{lock.name} unreadable"]      # npm ci says what is wrong with it
    for path, entry in pinned.items():
        if path == gateway and not gateway_there:
            continue                                    # said missing above
        if not path.startswith("node_modules/") or "version" not in entry \
                or any(entry.get(flag) for flag in ("optional", "dev", "devOptional")):
            continue
        name = path.removeprefix("node_modules/")
        installed = installed_version(folder, name)
        if installed != entry["version"]:
            out.append(f"{name} {installed or 'missing'}, pinned {entry['version']}")
    return out


def require_node() -> None:
    """NodeUnavailableError unless Node.js NODE_MAJOR or later is on PATH: what ``install`` checks first, without
    fetching anything, for a caller that asks something else (the network) before the packages are fetched."""
    _check_version(_tool("node"))


def install(folder: Path = NODE_DIR) -> None:
    """Check Node.js and install the pinned packages into bench/node/node_modules unless they are there at the
    versions its lock file pins (``unlike_the_lock``: the figures are of those versions, which the docs name);
    NodeUnavailableError naming what is missing (node, npm, a recent enough node) and how to get it, and
    NodeClientError when the install fails."""
    require_node()
    unlike = unlike_the_lock(folder)
    if not unlike:
        return
    # installed before, and now unlike the lock file: said, since the install that worked before needs the registry
    why = (f"; it ran as {folder / 'node_modules'} is not as the lock file pins ({', '.join(unlike[:3])}"
           + (f" and {len(unlike) - 3} more" if len(unlike) > 3 else "") + ")"
           if (folder / "node_modules").is_dir() else "")
    command = [_tool("npm"), "ci" if (folder / "package-lock.json").is_file() else "install", "--no-audit", "--no-fund"]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise NodeClientError(f"npm {command[1]} in {folder} failed ({' / '.join(tail)}): run `npm {command[1]}` "
                              f"there to see why (the registry reachable, Node.js {NODE_MAJOR} or later){why}")


def client_versions(folder: Path = NODE_DIR) -> dict[str, Any]:
    """What the Node client's figures were measured with, for its report: Node.js (``node --version``) and each
    package bench/node's package.json depends on, at the version installed there (None where it cannot be read)."""
    try:
        node = subprocess.run([_tool("node"), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (NodeClientError, OSError, subprocess.SubprocessError):
        node = ""
    try:
        names = sorted(json.loads((folder / "package.json").read_text()).get("dependencies", {}))
    except (OSError, ValueError):
        names = []
    return {"node": node or None, "packages": {name: installed_version(folder, name) for name in names}}


def installed_version(folder: Path, name: str) -> str | None:
    """The version of package ``name`` installed in ``folder``'s node_modules, as its package.json says; None where
    it is not there or cannot be read."""
    try:
        return json.loads((folder / "node_modules" / name / "package.json").read_text()).get("version")
    except (OSError, ValueError):
        return None


def actor(org: str, user: str, data_root: Path | None) -> dict[str, str]:
    """What the script needs to act as ``user`` of ``org``: gateway peer, TLS root, MSP ID, cert and key files."""
    profile = profiles.load(org, data_root)
    who = profile.user(user)
    return {"address": profile.gateway.address, "host_name_override": profile.gateway.host_name_override,
            "tls_root_cert": str(profile.gateway.tls_root_cert), "msp_id": profile.msp_id,
            "cert": str(who.cert), "key": str(who.key)}


def step_deadlines(plan: Plan) -> dict[str, float | None]:
    """Each step's deadline in seconds (None: none), the Python client's ``step_timeouts`` for the plan: what
    both clients run with, and the report states."""
    return dataclasses.asdict(step_timeouts(plan.call_timeout))


def plan_config(plan: Plan) -> dict[str, Any]:
    """The plan as the script drives it: the same mode, figures and windows, and the same deadline for one
    call (``call_timeout``; None: none), which the report states for both clients."""
    return {"mode": plan.mode, "rate": plan.rate, "concurrency": plan.concurrency, "warmup": plan.warmup,
            "duration": plan.duration, "max_in_flight": plan.max_in_flight, "call_timeout": plan.call_timeout}


def config(workload: str, plan: Plan, pool_size: int, codes: dict[str, str], data_root: Path | None) -> dict[str, Any]:
    from cli.demo_commands import ACTORS

    from .network_session import DEBTOR, SUPPLIER, TRANSFEREE

    deadlines = step_deadlines(plan)
    profile = profiles.load(ACTORS[SUPPLIER][0], data_root)
    parties = Parties(None, None, codes[SUPPLIER], codes[DEBTOR], codes[TRANSFEREE])
    return {
        "workload": workload, "pool_size": pool_size, "channel": profile.channel, "chaincode": profile.chaincode,
        "contract": "receivables",
        "plan": plan_config(plan),
        "actors": {"supplier": actor(*ACTORS[SUPPLIER], data_root), "debtor": actor(*ACTORS[DEBTOR], data_root)},
        "codes": {"supplier": codes[SUPPLIER], "debtor": codes[DEBTOR], "transferee": codes[TRANSFEREE]},
        "registration": new_registration(parties).model_dump(mode="json"),
        "face_amount_fen": int(FACE_AMOUNT * 100),
        "step_deadlines_s": {step: deadlines[step] for step in ("evaluate", "endorse", "submit", "commit_status")},
        "wait_for_block_s": deadlines["wait_for_block"],   # what the Python workload's waits get
    }


def report_from(output: dict[str, Any], workload: str, plan: Plan, pool_size: int,
                settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The script's JSON (samples as rows in Sample's field order, cpu_s) as a report, stating the settings it ran
    with (``settings``, the network's, with NODE_SETTINGS) and its one client process's share: the whole plan.
    A NodeClientError where the JSON is not of that shape (``figures_problem``), as for a script that printed none:
    the comparison is not made, and says why, rather than the command ending in a traceback or a NaN reaching the
    report's JSON."""
    if (problem := figures_problem(output)) is not None:
        raise NodeClientError(f"the Node client's figures cannot be read: {problem}")
    run = Run(plan, [Sample(*row) for row in output["samples"]], output["exhausted"])
    share = {"name": "node-client", "rate": plan.rate, "phase_s": plan.phase, "concurrency": plan.concurrency,
             "max_in_flight": plan.max_in_flight, "pool_size": pool_size}
    return build(run, workload=workload, client="node", cpu_usage={"node-client": output.get("cpu_s")},
                 process_kinds={"node-client": "client"},
                 extra={"settings": {**(settings or {}), **NODE_SETTINGS}, "client_processes": [share]})


def figures_problem(output: Any) -> str | None:
    """What keeps the script's JSON from being its figures, or None: an object with ``samples`` (rows of Sample's
    eight fields: kind, due, sent and finished seconds, a cause of ``outcomes.CAUSES``, tx id or null, detail,
    measured), ``exhausted`` (true or false) and ``cpu_s`` (seconds, 0 or more, or null). Seconds must be finite
    numbers: Python's JSON reader takes NaN and Infinity, which the report would pass on."""
    if not isinstance(output, dict):
        return f"a JSON {type(output).__name__}, not an object"
    missing = [key for key in ("samples", "exhausted", "cpu_s") if key not in output]
    if missing:
        return f"no {', '.join(missing)} in it"
    if not isinstance(output["samples"], (list, tuple)):
        return f"samples is a {type(output['samples']).__name__}, not a list"
    if not isinstance(output["exhausted"], bool):
        return f"exhausted is {output['exhausted']!r}, not true or false"
    cpu_s = output["cpu_s"]
    if cpu_s is not None and not (_seconds(cpu_s) and cpu_s >= 0):
        return f"cpu_s is {cpu_s!r}, not seconds (0 or more) or null"
    for number, row in enumerate(output["samples"], 1):
        if (why := _row_problem(row)) is not None:
            return f"sample {number} of {len(output['samples'])} ({str(row)[:100]}): {why}"
    return None


def _seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _row_problem(row: Any) -> str | None:
    fields = [f.name for f in dataclasses.fields(Sample)]
    if not isinstance(row, (list, tuple)) or len(row) != len(fields):
        return f"not a row of {len(fields)} fields ({', '.join(fields)})"
    kind, due, sent, finished, cause, tx_id, detail, measured = row
    if not isinstance(kind, str):
        return "its kind is not text"
    if not all(_seconds(t) for t in (due, sent, finished)):
        return "its due, sent and finished times are not all finite numbers of seconds"
    if cause not in CAUSES:
        return f"its cause {str(cause)[:40]!r} is none of {', '.join(CAUSES)}"
    if not (tx_id is None or isinstance(tx_id, str)) or not isinstance(detail, str):
        return "its tx id (text or null) or detail (text) is of another type"
    if not isinstance(measured, bool):
        return "its measured flag is not true or false"
    return None


THROWN_AT = re.compile(r"\S+:\d+")
"""The first line Node prints for an error nothing caught (an unhandled 'error' event, a syntax error): where it
was thrown (``node:events:502``, ``/path/workload.js:12``), then the source line and a caret, a blank line, and
the error's own line."""


def stopped(stderr: str, returncode: int) -> str:
    """Why the script stopped, in one line: the first of its stderr (its own refusals, or the stack ``main``
    prints, which starts with the error), or, where Node reported an error nothing caught, the error's own line
    rather than where it was thrown; the exit code where it said nothing."""
    lines = stderr.strip().splitlines()
    if lines and THROWN_AT.fullmatch(lines[0].strip()):
        after_blank = lines[next((i for i, line in enumerate(lines) if not line.strip()), len(lines)):]
        lines = [line.strip() for line in after_blank if line.strip()] or lines
    return "the Node client stopped: " + (lines[0] if lines else f"exit code {returncode}")


def script_output(done: subprocess.CompletedProcess) -> dict[str, Any]:
    """The figures a Node script printed as JSON on its last line; a NodeClientError where it stopped with an
    error (``stopped``) or ended without them: Node exits 0 once nothing is left to run, also while the script
    still waits on something that will never come."""
    if done.returncode != 0:
        raise NodeClientError(stopped(done.stderr, done.returncode))
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        said = f"its last line is not JSON: {lines[-1][:200]}" if lines else "it printed nothing"
        raise NodeClientError(f"the Node client ended (exit code 0) without its figures: {said}") from None


def run(workload: str, plan: Plan, pool_size: int, codes: dict[str, str], data_root: Path | None,
        settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Install if needed, run the script, return its report (``settings``: the network's, for the report, with
    the Node.js and package versions the script ran on under ``node_client``)."""
    install()
    settings = {**(settings or {}), "node_client": client_versions()}
    with tempfile.TemporaryDirectory(prefix="recfin-bench-node-") as tmp:
        path = Path(tmp) / "config.json"
        path.write_text(json.dumps(config(workload, plan, pool_size, codes, data_root)))
        done = subprocess.run([_tool("node"), str(SCRIPT), str(path)], cwd=NODE_DIR, capture_output=True, text=True)
    return report_from(script_output(done), workload, plan, pool_size, settings)
