"""`python -m cli` run from a folder holding folders named as recfin's packages (an unpacked org bundle holds
chaincode/) runs recfin's own, as the `recfin` script does: ``-m`` puts that folder first on sys.path, where its
chaincode/ stood in for recfin's and every command failed importing it."""
from __future__ import annotations

import os
import subprocess
import sys


def test_python_m_cli_from_an_unpacked_bundle_folder_runs_recfins_packages(tmp_path):
    (tmp_path / "chaincode" / "receivables" / "supplier").mkdir(parents=True)
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    ran = subprocess.run([sys.executable, "-m", "cli", "--version"], cwd=tmp_path, env=environment,
                         capture_output=True, text=True, timeout=120)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout.startswith("recfin, version ")
