"""Private keys the README's commands write into the checkout are never offered to `git add`.

`recfin org keys bank3 ...`, run from the repository's root as the README shows, writes the org's CA and users'
private keys under ./bank3-keys; `recfin network backup recfin.tar.gz` an archive holding every org's keys.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("path", ["bank3-keys/crypto/bank3/ca/ca.key", "bank3-keys/bank3.definition.json",
                                  "recfin.tar.gz"])
def test_what_the_readme_writes_into_the_root_is_ignored(path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to ignore files for")
    result = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
    assert result.returncode == 0, f"{path} would be offered to git add"


def test_tracked_files_stay_tracked():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    assert tracked == []
