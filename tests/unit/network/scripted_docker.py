"""A `docker` executable, scripted, first on PATH: what `docker compose` would answer, and every call.

The code under test shells out to `docker` as it would on a Docker machine (shutil.which,
subprocess.run); this stands in for the CLI only, never for the containers. Each call is kept
with its arguments and the RECFIN_HOSTS_DATA it was given (the compose file's data folder
variable). By default every call succeeds and prints what Compose v2 prints on stderr for a
down; `answer(...)` gives calls naming those words an output (`ps -q`: container ids), and
`fail(...)` makes them exit non-zero with docker's own message.
"""
from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from network import compose

# The fake's Python, run by a /bin/sh wrapper: a `#!` line is split at spaces by the kernel, so
# `#!{sys.executable}` with a space in the path would not run the fake and the real docker on PATH would answer.
SCRIPT = f"""import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "calls.jsonl"), "a") as calls:
    calls.write(json.dumps({{"args": sys.argv[1:], "{compose.DATA_VARIABLE}": os.environ.get("{compose.DATA_VARIABLE}")}}) + "\\n")
with open(os.path.join(here, "answers.json")) as answers:
    for answer in json.load(answers):
        if all(word in sys.argv[1:] for word in answer["when"]):
            sys.stdout.write(answer["stdout"])
            sys.stderr.write(answer["stderr"])
            sys.exit(answer["returncode"])
"""

DOWN_OUTPUT = (" Container peer0.bank.recfin.local  Stopping\n Container peer0.bank.recfin.local  Stopped\n"
               " Container peer0.bank.recfin.local  Removing\n Container peer0.bank.recfin.local  Removed\n"
               " Network recfin  Removed\n")
NO_DAEMON = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"


class ScriptedDocker:
    def __init__(self, folder: Path, monkeypatch):
        self.bin = folder / "docker-bin"
        self.bin.mkdir(parents=True)
        (self.bin / "docker.py").write_text(SCRIPT)
        exe = self.bin / "docker"
        exe.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(self.bin / "docker.py"))} "$@"\n')
        exe.chmod(0o755)
        self._answers: list[dict] = []
        self._save()
        monkeypatch.setenv("PATH", f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}")

    def _save(self) -> None:
        default = {"when": [], "stdout": "", "stderr": DOWN_OUTPUT, "returncode": 0}
        (self.bin / "answers.json").write_text(json.dumps([*self._answers, default]))

    def fail(self, *when: str, stderr: str = NO_DAEMON, returncode: int = 1) -> None:
        """Calls whose arguments include every word of `when` exit with returncode, printing stderr."""
        self._answers.append({"when": list(when), "stdout": "", "stderr": stderr, "returncode": returncode})
        self._save()

    def answer(self, *when: str, stdout: str) -> None:
        """Calls whose arguments include every word of `when` succeed, printing stdout."""
        self._answers.append({"when": list(when), "stdout": stdout, "stderr": "", "returncode": 0})
        self._save()

    @property
    def calls(self) -> list[dict]:
        """Each call: {"args": [...], "RECFIN_HOSTS_DATA": value or None}, in order."""
        path = self.bin / "calls.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []
