"""scripts/install puts into .venv the versions chaincode/constraints.txt fixes for the chaincode server.

The native network runs every org's chaincode server on the .venv's Python (network.ccservers starts it with
sys.executable), while a company on its own host runs the image (Dockerfile) or a venv installed with
chaincode/constraints.txt. Their servers endorse the same transactions, so the .venv is installed with the same
constraints: a grpcio or pydantic of another release here could make one org's endorsement differ. Run in a copy
of the checkout whose other install steps do nothing (test_install_venv's stand-ins), with a .venv Python that
logs what it is asked and answers yes.
"""
import re
import shlex
from pathlib import Path

from tests.unit.scripts.test_install_venv import ROOT, checkout_with_stand_ins, run_install

CONSTRAINTS = "chaincode/constraints.txt"


def with_a_logging_venv(tmp_path: Path) -> tuple[Path, Path, Path]:
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    log = tmp_path / "venv-calls.txt"
    python = checkout / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexit 0\n')
    python.chmod(0o755)
    return checkout, tools, log


def pip_installs(log: Path) -> list[list[str]]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [shlex.split(line) for line in lines if line.startswith("-m pip install")]


def constraints_files(words: list[str]) -> list[str]:
    return [words[at + 1] for at, word in enumerate(words[:-1]) if word == "-c"]


def test_the_venv_is_installed_with_the_constraints_the_chaincode_servers_image_is_installed_with(tmp_path):
    checkout, tools, log = with_a_logging_venv(tmp_path)
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    [install] = pip_installs(log)
    assert constraints_files(install) == [CONSTRAINTS], install
    # the file the image's install step names (Dockerfile) is the same one
    dockerfile = (ROOT / "Dockerfile").read_text()
    image_step = re.search(r"^RUN python -m pip install (.*)$", dockerfile, re.M)
    assert image_step is not None, "the Dockerfile has no pip install step"
    assert constraints_files(shlex.split(image_step.group(1))) == [CONSTRAINTS]
    assert (ROOT / CONSTRAINTS).is_file()


def test_a_change_of_the_constraints_installs_again(tmp_path):
    checkout, tools, log = with_a_logging_venv(tmp_path)
    for _ in range(2):
        assert run_install(checkout, tools).returncode == 0
    assert len(pip_installs(log)) == 1, "a second run with nothing changed skips pip"
    constraints = checkout / CONSTRAINTS
    constraints.write_text(constraints.read_text().replace("grpcio==", "grpcio==0.0.0+other-than-"))
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    assert len(pip_installs(log)) == 2, "pinned versions moved: pip installs them"


def test_the_readme_and_the_deployment_guide_say_the_venv_takes_the_constraints():
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"those the chaincode server imports at the versions `{CONSTRAINTS}` fixes" in readme
    assert f"while `pyproject.toml` and `{CONSTRAINTS}` are the ones it last installed from" in readme
    deployment = " ".join((ROOT / "docs" / "deployment.md").read_text().split())
    assert f"`scripts/install` installs those into `.venv` with the same `-c {CONSTRAINTS}`" in deployment


def test_no_requirement_of_the_developer_setup_refuses_a_version_the_constraints_fix():
    """pip installs all of `.[test]` with the constraints, not the chaincode server's packages alone: a test tool or
    the risk stack requiring another release of a pinned distribution (a typing-extensions, a protobuf) would make
    scripts/install fail with ResolutionImpossible. Read offline, from what this environment holds of recfin[test]
    and all it pulls in."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lines = (line.strip() for line in (ROOT / CONSTRAINTS).read_text().splitlines())
    pins = {canonicalize_name(r.name): next(iter(r.specifier)).version
            for r in (Requirement(line) for line in lines if line and not line.startswith("#"))}
    refused, seen, todo = [], set(), [("recfin", frozenset({"test"}))]
    while todo:
        distribution, extras = todo.pop()
        for text in metadata.requires(distribution) or []:
            requirement = Requirement(text)
            if requirement.marker and not any(requirement.marker.evaluate({"extra": extra})
                                              for extra in extras | {""}):
                continue
            name = canonicalize_name(requirement.name)
            if name in pins and not requirement.specifier.contains(pins[name], prereleases=True):
                refused.append(f"{distribution} requires {requirement}, {CONSTRAINTS} pins {pins[name]}")
            key = (name, frozenset(requirement.extras))
            if key not in seen:
                seen.add(key)
                try:
                    metadata.version(requirement.name)
                except metadata.PackageNotFoundError:
                    continue
                todo.append((requirement.name, frozenset(requirement.extras)))
    assert len(seen) > 20, "recfin[test] pulls in far more than this: is recfin installed here?"
    assert refused == []


def test_the_venv_is_checked_against_the_constraints_it_was_installed_with(tmp_path):
    # the stamp says the files are unchanged; a release installed by hand over a pin is found by the check
    checkout, tools, log = with_a_logging_venv(tmp_path)
    for _ in range(2):
        assert run_install(checkout, tools).returncode == 0
    checks = [shlex.split(line) for line in log.read_text().splitlines() if line.startswith("scripts/venv-is-current")]
    assert checks == [["scripts/venv-is-current", str(checkout), CONSTRAINTS]]
