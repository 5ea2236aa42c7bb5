"""Run one Fabric CLI (peer, osnadmin, configtxgen) and turn a failure into a ToolError."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolError
from .fabric_bin import FabricInstall

# Keep the CLIs quiet except for what the chaincode commands report: `peer lifecycle chaincode` logs as
# cli.lifecycle.chaincode (chaincodeCmd is the legacy `peer chaincode` commands').
LOGGING_SPEC = "warning:chaincodeCmd,cli.lifecycle.chaincode=info"
# What a child process (Fabric CLI, node, chaincode server) may inherit from ours;
# everything else it needs is set explicitly.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def inherited_env(extra_keys: tuple[str, ...] = ()) -> dict[str, str]:
    return {k: os.environ[k] for k in INHERITED + extra_keys if k in os.environ}


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a Fabric CLI call: inherited basics, quiet logging, then extra."""
    env = inherited_env()
    env["FABRIC_LOGGING_SPEC"] = LOGGING_SPEC
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Result:
    stdout: str
    stderr: str
    returncode: int


class Tools:
    """Runs the located Fabric binaries. `run` raises ToolError unless `check=False`."""

    def __init__(self, fabric: FabricInstall, timeout: float = 120.0):
        self.fabric = fabric
        self.timeout = timeout

    def run(self, tool: str, args: Sequence[str], env: Mapping[str, str] | None = None, *,
            check: bool = True, cwd: Path | None = None) -> Result:
        argv = [str(self.fabric.tool(tool)), *map(str, args)]
        try:
            proc = subprocess.run(argv, env=base_env(env), cwd=cwd, capture_output=True, text=True,
                                  timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise ToolError(f"{tool} {' '.join(args[:3])} did not finish within {self.timeout:.0f}s") from None
        except FileNotFoundError:
            raise ToolError(f"{argv[0]} not found: run scripts/install-fabric") from None
        result = Result(proc.stdout, proc.stderr, proc.returncode)
        if check and proc.returncode != 0:
            raise ToolError(f"{tool} {' '.join(args[:3])} failed: {last_error_line(proc.stderr or proc.stdout)}",
                            stdout=proc.stdout, stderr=proc.stderr, returncode=proc.returncode)
        return result


def last_error_line(text: str) -> str:
    """The most telling line of a Fabric CLI's output: the last one that says Error, else the last one."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line[:400]
    return lines[-1][:400] if lines else "(no output)"
