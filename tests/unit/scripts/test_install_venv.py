"""scripts/install on a Debian or Ubuntu machine whose Python has no ensurepip (python3.X-venv not installed).

`-m venv` needs ensurepip; without it the venv is left without pip and every run fails again. The script checks
before making the venv: as root with apt-get it installs the interpreter's own python3.X-venv, otherwise it says
which package to install and exits 2. Run in a copy of the checkout whose other install steps do nothing, with a
stand-in Python (ensurepip importable once apt-get installed the package; `-m venv` makes a .venv whose python
accepts everything) and scripted apt-get and id first on PATH.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# how every apt-get call starts: not waiting for another apt or dpkg's lock until one is found held
NO_WAIT = "-o DPkg::Lock::Timeout=0 "
VENV_PACKAGE = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def checkout_with_stand_ins(tmp_path: Path, *, uid: int, apt_provides_ensurepip: bool = True,
                            has_ensurepip: bool = False) -> tuple[Path, Path]:
    """The checkout (scripts/install, the other steps stubbed) and the PATH folder; every call the stand-ins get is
    logged, in order, to calls.txt."""
    checkout, tools = tmp_path / "checkout", tmp_path / "tools"
    (checkout / "scripts").mkdir(parents=True)
    tools.mkdir()
    shutil.copy(ROOT / "scripts" / "install", checkout / "scripts" / "install")
    shutil.copytree(ROOT / "scripts" / "lib", checkout / "scripts" / "lib")
    for step in ("install-os-packages", "install-fabric"):
        (checkout / "scripts" / step).write_text("#!/usr/bin/env bash\nexit 0\n")
        (checkout / "scripts" / step).chmod(0o755)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (checkout / "chaincode").mkdir()
    shutil.copy(ROOT / "chaincode" / "constraints.txt", checkout / "chaincode" / "constraints.txt")
    log, ensurepip = tmp_path / "calls.txt", tmp_path / "ensurepip-installed"
    if has_ensurepip:
        ensurepip.touch()
    (tools / "python3").write_text(
        "#!/bin/sh\n"
        f'echo "python $*" >> "{log}"\n'
        'case "$1 $2" in\n'
        f'  "-c import ensurepip") [ -e "{ensurepip}" ]; exit $? ;;\n'
        '  "-m venv") mkdir -p .venv/bin; printf "#!/bin/sh\\nexit 0\\n" > .venv/bin/python; '
        'chmod 755 .venv/bin/python; exit 0 ;;\n'
        'esac\n'
        f'exec "{sys.executable}" "$@"\n')
    provide = f'touch "{ensurepip}"' if apt_provides_ensurepip else ":"
    (tools / "apt-get").write_text(
        "#!/bin/sh\n"
        f'echo "apt-get $*" >> "{log}"\n'
        f'case "$*" in *" {VENV_PACKAGE}") {provide} ;; esac\n')
    (tools / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    for tool in tools.iterdir():
        tool.chmod(0o755)
    for tool in ("dirname", "cat", "rm", "mkdir", "chmod", "touch", "env", "sh", "bash"):
        (tools / tool).symlink_to(shutil.which(tool))
    return checkout, tools


def run_install(checkout: Path, tools: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("bash"), str(checkout / "scripts" / "install")], cwd=checkout,
                          env={"PATH": str(tools), "HOME": str(checkout), **env}, capture_output=True, text=True,
                          timeout=60)


def calls(tmp_path: Path) -> list[str]:
    return (tmp_path / "calls.txt").read_text().splitlines()


@pytest.mark.parametrize("broken_venv", [False, True], ids=["no venv", "a venv without pip"])
def test_without_root_it_names_the_package_and_exits_2_before_making_the_venv(tmp_path, broken_venv):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000)
    if broken_venv:
        (checkout / ".venv").mkdir()     # its python is gone: made again, which needs ensurepip as well
    result = run_install(checkout, tools)
    assert result.returncode == 2, result.stderr
    assert f"apt-get install {VENV_PACKAGE}" in result.stderr
    assert not [call for call in calls(tmp_path) if call.startswith(("python -m venv", "apt-get"))]


def test_as_root_it_installs_the_interpreters_venv_package_then_makes_the_venv(tmp_path):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=0)
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    made = [call for call in calls(tmp_path) if call.startswith(("python -m venv", "apt-get"))]
    assert made == [f"apt-get {NO_WAIT}update -qq", f"apt-get {NO_WAIT}install -y -qq --no-install-recommends {VENV_PACKAGE}",
                    "python -m venv .venv"]


def test_as_root_a_package_that_brings_no_ensurepip_exits_2(tmp_path):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=0, apt_provides_ensurepip=False)
    result = run_install(checkout, tools)
    assert result.returncode == 2, result.stderr
    assert f"still has no ensurepip after apt-get install {VENV_PACKAGE}" in result.stderr
    assert not [call for call in calls(tmp_path) if call.startswith("python -m venv")]


def test_a_python_with_ensurepip_needs_no_package(tmp_path):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=0, has_ensurepip=True)
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    assert not [call for call in calls(tmp_path) if call.startswith("apt-get")]
    assert "python -m venv .venv" in calls(tmp_path)


def with_the_os_packages_step_and_none_installed(checkout: Path, tools: Path) -> None:
    """The checkout's real scripts/install-os-packages, with a dpkg-query that knows no package installed."""
    shutil.copy(ROOT / "scripts" / "install-os-packages", checkout / "scripts" / "install-os-packages")
    (tools / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    (tools / "dpkg-query").chmod(0o755)


def test_as_root_the_package_lists_are_updated_once_for_the_venv_package_and_the_os_packages(tmp_path):
    # a fresh Debian machine: no ensurepip, and OS packages missing (dpkg knows none of them)
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=0)
    with_the_os_packages_step_and_none_installed(checkout, tools)
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    apt = [call for call in calls(tmp_path) if call.startswith("apt-get")]
    assert apt.count(f"apt-get {NO_WAIT}update -qq") == 1, apt
    assert [call for call in apt if "tesseract-ocr" in call], "the OS packages are installed too"


def test_the_os_packages_step_updates_the_package_lists_itself_when_the_venv_package_needed_none(tmp_path):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=0, has_ensurepip=True)
    with_the_os_packages_step_and_none_installed(checkout, tools)
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    assert [call for call in calls(tmp_path) if call.startswith("apt-get")][0] == f"apt-get {NO_WAIT}update -qq"


def test_a_failed_pip_install_says_what_failed_and_what_to_do_and_is_run_again_next_time(tmp_path):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    python = checkout / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    # a venv whose pip works but cannot reach the package index
    refused = "ERROR: No matching distribution found for setuptools>=77"
    python.write_text(f'#!/bin/sh\ncase "$*" in\n  "-m pip --version") exit 0 ;;\n'
                      f'  "-m pip install"*) echo "{refused}" >&2; exit 1 ;;\nesac\nexit 1\n')
    python.chmod(0o755)
    for _ in range(2):
        result = run_install(checkout, tools)
        assert result.returncode == 1
        assert refused in result.stderr
        assert "install: pip could not install recfin and its Python dependencies into .venv" in result.stderr
        assert "run scripts/install again" in result.stderr
        assert not (checkout / ".venv" / "recfin-installed.sha256").exists()
