"""README.md's "Stop and clean up" tells a reader what `./scripts/demo` and `./scripts/test` write into the checkout,
that git ignores all of it, and the `rm -rf` line that removes it "to start again from nothing". Each folder they
write there must be named in that list and removed by that line, and git must ignore each (so the line removes
nothing of the project's and `git status` never offers any of it).

The folders are taken from where the project puts them: the venv scripts/install makes, the `<name>.egg-info` pip's
editable install of pyproject.toml's project writes beside it, the Fabric folder (`network.fabric_bin`), the top
folder of the default topology's data folder, the two Node folders' `node_modules`, pytest's cache (the suite does
not switch its cache provider off) and Hypothesis's example database, both in the folder pytest runs from.
"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from bench.node_compare import NODE_DIR
from network.fabric_bin import fabric_home
from network.topology import DEFAULT_TOPOLOGY, load as load_topology
from tests.unit.node_packages import NODE_SHIM_DIR
from tests.unit.test_documented_python import ROOT

README = ROOT / "README.md"
WRITTEN_LIST = re.compile(r"The rest the two commands write in the checkout \((.*?)\) is ignored by git")
CLEAN_LINE = re.compile(r"to start again from nothing, after `down --purge`: `(rm -rf [^`]+)`")


def _top_folder(path: Path) -> Path:
    return ROOT / path.relative_to(ROOT).parts[0]


def written_into_the_checkout() -> list[Path]:
    """The folders ./scripts/demo and ./scripts/test write into the checkout, as paths from its root."""
    [venv] = re.findall(r'-m venv (\S+)$', (ROOT / "scripts" / "install").read_text(), re.MULTILINE)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    addopts = project["tool"]["pytest"]["ini_options"].get("addopts", "")
    assert "no:cacheprovider" not in addopts, "pytest writes no cache now: take .pytest_cache out of this list"
    folders = [
        ROOT / venv,
        ROOT / f"{project['project']['name']}.egg-info",    # pip install -e: setuptools' metadata, in the root
        fabric_home(env={}),
        _top_folder(load_topology(DEFAULT_TOPOLOGY).resolved_data_root(env={})),
        NODE_DIR / "node_modules",
        NODE_SHIM_DIR / "node_modules",
        ROOT / project["tool"]["pytest"]["ini_options"].get("cache_dir", ".pytest_cache"),
        ROOT / ".hypothesis",    # Hypothesis's example database, of the property tests that keep one
    ]
    return [folder.relative_to(ROOT) for folder in folders]


def clean_start_problems(readme: str, written: list[Path]) -> list[str]:
    """What the README's list of what is written, and its `rm -rf` line, leave out of ``written``."""
    flat = " ".join(readme.split())
    listed, line = WRITTEN_LIST.search(flat), CLEAN_LINE.search(flat)
    if listed is None or line is None:
        return ["README.md no longer says what the two commands write and how to remove it ('The rest the two "
                "commands write in the checkout (...)', '... to start again from nothing, after `down --purge`: "
                "`rm -rf ...`'): say both again, or change this test with it"]
    named = set(re.findall(r"`([^`]+)`", listed[1]))
    removed = {Path(word) for word in shlex.split(line[1])[2:]}
    problems = [f"README.md's list of what the two commands write into the checkout leaves out `{folder.name}` "
                f"({folder})" for folder in written if folder.name not in named]
    problems += [f"README.md's `{line[1]}` leaves {folder} in place" for folder in written if folder not in removed]
    return problems


def test_the_readme_names_and_removes_every_folder_the_two_commands_write():
    problems = clean_start_problems(README.read_text(encoding="utf-8"), written_into_the_checkout())
    assert not problems, "\n".join(problems)


def test_git_ignores_every_folder_the_readme_removes():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to ignore files for")
    [line] = CLEAN_LINE.findall(" ".join(README.read_text(encoding="utf-8").split()))
    removed = shlex.split(line)[2:]
    assert removed, f"`{line}` names nothing to remove"
    # A trailing "/" has git match each as the folder it is, present or not (`.pytest_cache/` matches no file).
    tracked_or_kept = [path for path in removed
                       if subprocess.run(["git", "check-ignore", "--no-index", "-q", f"{path}/"], cwd=ROOT).returncode]
    assert not tracked_or_kept, f"git does not ignore {tracked_or_kept}, which the README's `{line}` deletes"


def test_a_folder_left_out_of_the_list_or_the_line_is_found():
    readme = ("The rest the two commands write in the checkout (`.venv`, the Fabric tools in `.fabric`) is ignored\n"
              "by git; to start again from nothing, after `down --purge`: `rm -rf .venv\n.hypothesis`.\n")
    written = [Path(".venv"), Path(".fabric"), Path(".hypothesis"), Path("bench/node/node_modules")]
    assert clean_start_problems(readme, written) == [
        "README.md's list of what the two commands write into the checkout leaves out `.hypothesis` (.hypothesis)",
        "README.md's list of what the two commands write into the checkout leaves out `node_modules` "
        "(bench/node/node_modules)",
        "README.md's `rm -rf .venv .hypothesis` leaves .fabric in place",
        "README.md's `rm -rf .venv .hypothesis` leaves bench/node/node_modules in place",
    ]
    assert clean_start_problems("no such paragraph", written)[0].startswith("README.md no longer says")
