"""scripts/test, scripts/demo, scripts/install and scripts/venv-is-current: how they read what the caller gives them.

scripts/test, scripts/demo and scripts/install change to the checkout before running, so paths the caller gives
from its own folder are made absolute first (by the one helper they source, scripts/lib/paths.sh), and values that
are not paths are left alone. scripts/install skips pip only
when scripts/venv-is-current finds this checkout installed with every requirement met.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_install_venv import checkout_with_stand_ins

ROOT = Path(__file__).resolve().parents[3]


def fake_checkout(tmp_path: Path, script: str, reached: str) -> Path:
    """A copy of scripts/``script`` and the helpers it sources (scripts/lib) in a checkout whose install step
    does nothing and whose ``reached`` program (pytest's python, or recfin) prints the arguments it was given, one
    per line."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / script, checkout / "scripts" / script)
    shutil.copytree(ROOT / "scripts" / "lib", checkout / "scripts" / "lib")
    install = checkout / "scripts" / "install"
    install.write_text("#!/usr/bin/env bash\nexit 0\n")
    install.chmod(0o755)
    program = checkout / ".venv" / "bin" / reached
    program.parent.mkdir(parents=True)
    program.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    program.chmod(0o755)
    return checkout


def run_from(folder: Path, script: Path, *args: str) -> list[str]:
    done = subprocess.run(["bash", str(script), *args], cwd=folder, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_test_script_makes_paths_absolute_but_not_option_values(tmp_path):
    checkout = fake_checkout(tmp_path, "test", "python")
    caller = tmp_path / "elsewhere"
    (caller / "integration").mkdir(parents=True)
    (caller / "unit.py").write_text("")
    args = run_from(caller, checkout / "scripts" / "test", "-m", "integration", "unit.py::test_x", "-k", "unit.py",
                    "--ignore=integration", "--junitxml", "report.xml", "--basetemp=/tmp/x", "--config-file=my.ini",
                    "--deselect", "unit.py::test_y", f"--deselect={checkout}/tests/t.py::test_z",
                    "--log-file=run.log", "--log-file", "logs/run.log")
    # python -m pytest, then what the caller gave; a --deselect node id as pytest writes them, from the root
    assert args[:2] == ["-m", "pytest"]
    assert args[2:] == ["-m", "integration", f"{caller}/unit.py::test_x", "-k", "unit.py",
                        f"--ignore={caller}/integration", "--junitxml", f"{caller}/report.xml", "--basetemp=/tmp/x",
                        f"--config-file={caller}/my.ini", "--deselect", "../elsewhere/unit.py::test_y",
                        "--deselect=tests/t.py::test_z", f"--log-file={caller}/run.log", "--log-file",
                        f"{caller}/logs/run.log"]


def test_demo_script_makes_path_options_absolute(tmp_path):
    checkout = fake_checkout(tmp_path, "demo", "recfin")
    caller = tmp_path / "elsewhere"
    caller.mkdir()
    args = run_from(caller, checkout / "scripts" / "demo", "--skip-setup", "--data-root", "netdata",
                    "--topology=net/topology.yaml", "--json")
    assert args == ["demo", "--skip-setup", "--data-root", f"{caller}/netdata",
                    f"--topology={caller}/net/topology.yaml", "--json"]
    absolute = run_from(caller, checkout / "scripts" / "demo", "--data-root", "/srv/recfin")
    assert absolute == ["demo", "--data-root", "/srv/recfin"]


def test_demo_script_keeps_what_the_install_step_prints_off_its_stdout(tmp_path):
    # npm ci, apt-get and pip can print on stdout; `scripts/demo --json > story.json` must hold the story alone
    checkout = fake_checkout(tmp_path, "demo", "recfin")
    (checkout / "scripts" / "install").write_text("#!/usr/bin/env bash\necho 'added 39 packages in 4s'\n")
    done = subprocess.run(["bash", str(checkout / "scripts" / "demo"), "--skip-setup", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["demo", "--skip-setup", "--json"]
    assert "added 39 packages" in done.stderr


def test_demo_script_leaves_other_arguments_alone_even_when_they_name_a_file(tmp_path):
    checkout = fake_checkout(tmp_path, "demo", "recfin")
    caller = tmp_path / "elsewhere"
    caller.mkdir()
    (caller / "netdata").mkdir()
    args = run_from(caller, checkout / "scripts" / "demo", "--skip-setup", "netdata", "--data-root=netdata")
    assert args == ["demo", "--skip-setup", "netdata", f"--data-root={caller}/netdata"]


def test_both_scripts_read_relative_recfin_folders_from_the_callers_folder(tmp_path):
    # recfin reads RECFIN_HOME and the like against its working directory, which the scripts change to the checkout;
    # the Fabric folders too, which the install step builds into and the network's nodes run from
    names = ("RECFIN_HOME", "RECFIN_TOPOLOGY", "RECFIN_FABRIC_HOME", "RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG",
             "RECFIN_HOSTS_DATA")
    caller = tmp_path / "elsewhere"
    caller.mkdir()
    for script, reached in (("demo", "recfin"), ("test", "python")):
        checkout = fake_checkout(tmp_path / script, script, reached)
        program = checkout / ".venv" / "bin" / reached
        program.write_text('#!/usr/bin/env bash\nprintf "%s\\n" ' + " ".join(f'"${{{name}-unset}}"' for name in names)
                           + "\n")
        env = {**os.environ, "RECFIN_HOME": "state", "RECFIN_TOPOLOGY": "/etc/recfin/topology.yaml",
               "RECFIN_FABRIC_HOME": "fabric", "RECFIN_FABRIC_BIN": "../tools/bin", "RECFIN_FABRIC_CFG": "cfg"}
        env.pop("RECFIN_HOSTS_DATA", None)
        done = subprocess.run(["bash", str(checkout / "scripts" / script)], cwd=caller, env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [f"{caller}/state", "/etc/recfin/topology.yaml", f"{caller}/fabric",
                                            f"{caller}/../tools/bin", f"{caller}/cfg", "unset"], script


def test_install_builds_fabric_into_a_relative_fabric_home_named_from_the_callers_folder(tmp_path):
    # scripts/install changes to the checkout before it runs scripts/install-fabric
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    told = tmp_path / "fabric-home.txt"
    (checkout / "scripts" / "install-fabric").write_text(f'#!/usr/bin/env bash\necho "$RECFIN_FABRIC_HOME" > "{told}"\n')
    caller = checkout / "sub"
    caller.mkdir()
    done = subprocess.run(["bash", str(checkout / "scripts" / "install")], cwd=caller, capture_output=True, text=True,
                          env={"PATH": str(tools), "HOME": str(checkout), "RECFIN_FABRIC_HOME": "fab"}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert told.read_text() == f"{caller}/fab\n"


def demo_where_the_fabric_build_is_refused(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A checkout with scripts/demo and scripts/install whose other steps do nothing, whose
    scripts/install-fabric fails as it does where the Go module proxy refuses Fabric (exit 3), and whose
    recfin prints its arguments; and the environment to run it in."""
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    shutil.copy(ROOT / "scripts" / "demo", checkout / "scripts" / "demo")
    (checkout / "scripts" / "install-fabric").write_text(
        "#!/usr/bin/env bash\necho 'go: 403 Forbidden' >&2\nexit 3\n")
    venv = checkout / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text("#!/bin/sh\nexit 0\n")
    (venv / "recfin").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    for program in venv.iterdir():
        program.chmod(0o755)
    return checkout, {"PATH": str(tools), "HOME": str(checkout)}


def test_demo_stops_with_the_fabric_builds_code_when_it_has_no_other_tools(tmp_path):
    checkout, env = demo_where_the_fabric_build_is_refused(tmp_path)
    done = subprocess.run(["bash", str(checkout / "scripts" / "demo")], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "", "recfin demo is not reached"
    # the install step's own words end with what to do about its scripts: the last line says what became of the demo
    *said, last = done.stderr.splitlines()
    assert "go: 403 Forbidden" in said
    assert last == ("demo: not started, as the install step failed (exit 3: why and what to do above); once it "
                    "succeeds, run ./scripts/demo again")


@pytest.mark.parametrize("stopped", [130, 143])
def test_demo_stopped_in_its_install_step_ends_with_the_stop_s_code_and_no_more_words(tmp_path, stopped):
    checkout, env = demo_where_the_fabric_build_is_refused(tmp_path)
    (checkout / "scripts" / "install").write_text(f"#!/usr/bin/env bash\necho 'install: stopped' >&2\nexit {stopped}\n")
    done = subprocess.run(["bash", str(checkout / "scripts" / "demo")], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (stopped, "", "install: stopped\n")


@pytest.mark.parametrize("overrides", [("RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG"), ("RECFIN_FABRIC_BIN",)])
def test_demo_leaves_the_fabric_tools_check_to_recfin_when_an_override_names_them(tmp_path, overrides):
    # an official release unpacked elsewhere, named as docs/network.md says: the build of .fabric is not
    # needed (where RECFIN_FABRIC_CFG is not set, recfin checks .fabric/config itself)
    checkout, env = demo_where_the_fabric_build_is_refused(tmp_path)
    release = tmp_path / "release"
    release_folders = {"RECFIN_FABRIC_BIN": release / "bin", "RECFIN_FABRIC_CFG": release / "config"}
    env |= {name: str(release_folders[name]) for name in overrides}
    done = subprocess.run(["bash", str(checkout / "scripts" / "demo"), "--json"], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["demo", "--json"]
    assert "Fabric was not built" in done.stderr and "RECFIN_FABRIC_BIN / RECFIN_FABRIC_CFG" in done.stderr


def made_absolute(folder: Path, *settings_and_args: str) -> list[str]:
    """What scripts/lib/paths.sh's absolute_path_args makes of the arguments, run from ``folder``: one per line
    (an empty one an empty line)."""
    script = f'source "{ROOT}/scripts/lib/paths.sh"; absolute_path_args "$@"; printf "%s\\n" "${{absolute_args[@]}}"'
    done = subprocess.run(["bash", "-c", script, "paths", *settings_and_args], cwd=folder, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[:-1]


def test_the_shared_helper_matches_whole_options_and_keeps_every_argument(tmp_path):
    (tmp_path / "tests").mkdir()
    settings = ["--path-options", "--junitxml --ignore", "--value-options", "-k -m", "--operands", "--"]
    assert made_absolute(tmp_path, *settings, "-k -m", "tests", "", "--ignore=tests", "--junitxml", "-r.xml",
                    "-m", "tests", "--junitxml-other=tests", "--junitxml=", "--junitxml", "") == [
        "-k -m", f"{tmp_path}/tests", "", f"--ignore={tmp_path}/tests", "--junitxml", f"{tmp_path}/-r.xml",
        "-m", "tests", "--junitxml-other=tests", "--junitxml=", "--junitxml", ""]
    # without --operands, an argument naming a file is no path
    assert made_absolute(tmp_path, "--path-options", "--junitxml", "--", "tests") == ["tests"]


def site_of(tmp_path: Path, **installed: tuple[str, ...]) -> dict[str, str]:
    """The environment of a Python that finds first, ahead of what is installed, the distributions
    ``installed`` (name: (version, the requirements it has...))."""
    site = tmp_path / "site"
    for name, (version, *requires) in installed.items():
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                       + "".join(f"Requires-Dist: {each}\n" for each in requires))
    return {**os.environ, "PYTHONPATH": str(site)}


def test_venv_is_current_for_this_checkout_only(tmp_path):
    # recfin's requirements as met, whatever the venv running the tests holds (its own pins are checked below)
    env = site_of(tmp_path, recfin=("1.0",))
    check = [sys.executable, str(ROOT / "scripts" / "venv-is-current")]
    assert subprocess.run([*check, str(ROOT)], env=env, capture_output=True, timeout=60).returncode == 0
    elsewhere = subprocess.run([*check, str(tmp_path)], env=env, capture_output=True, text=True, timeout=60)
    assert elsewhere.returncode == 1
    assert f"not {tmp_path}" in elsewhere.stderr


def test_venv_is_current_names_a_missing_requirement(tmp_path):
    # a distribution whose [test] extra needs something not installed, found first on the path
    info = tmp_path / "site" / "recfin-9.9.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: recfin\nVersion: 9.9\nProvides-Extra: test\n"
        "Requires-Dist: packaging\n"
        'Requires-Dist: no-such-distribution-here>=1; extra == "test"\n'
        'Requires-Dist: another-missing-one; extra == "docs"\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "venv-is-current"), str(ROOT)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "no-such-distribution-here is missing" in done.stderr
    assert "another-missing-one" not in done.stderr     # an extra not asked for


def test_venv_is_current_names_a_missing_requirement_of_a_dependency(tmp_path):
    # pydantic installed without the pydantic-core it pins does not import, though recfin names only pydantic
    site = tmp_path / "site"
    for name, requires in (("recfin", "dependency-here"), ("dependency-here", "missing-below-it>=2")):
        info = site / f"{name.replace('-', '_')}-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
                                       f"Requires-Dist: {requires}\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "venv-is-current"), str(ROOT)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["missing-below-it is missing (required by dependency-here)"]


def test_venv_is_current_names_a_version_other_than_the_constraints_pin(tmp_path):
    # grpcio installed by hand at another release meets recfin's range but not the pin the install passes to pip
    env = site_of(tmp_path, recfin=("1.0", "dependency-here>=1", "kept-as-pinned"),
                  **{"dependency-here": ("1.5",), "kept-as-pinned": ("3.0",), "required-by-nothing": ("1.0",)})
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("# the server's pins\ndependency-here==1.4  # a comment\nkept-as-pinned==3.0\n"
                           "required-by-nothing==2.0\nnot-installed-at-all==1.0\n"
                           'only-elsewhere==9.0; sys_platform == "no-such-platform"\n')
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "venv-is-current"), str(ROOT), str(constraints)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    # a pin of what nothing here requires is pip's no concern, so it is no reason to install again either
    assert done.stderr.splitlines() == [f"dependency-here 1.5 is not the ==1.4 that {constraints} pins"]
    constraints.write_text(constraints.read_text().replace("==1.4", "==1.5"))
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "venv-is-current"), str(ROOT), str(constraints)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")


def test_venv_is_current_reads_a_constraints_file_as_pip_does_and_names_a_line_it_cannot(tmp_path):
    # hashes after a pin (on the line, or on lines a backslash continues) and a "#" inside a URL, as pip takes them;
    # a pin this check cannot read (an option naming another file, no requirement) said with its line, no traceback
    env = site_of(tmp_path, recfin=("1.0", "hashed", "continued", "by-url"),
                  hashed=("1.5",), continued=("2.5",), **{"by-url": ("3.0",)})
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("hashed==1.4 --hash=sha256:00ff\n"
                           "continued==2.4 \\\n    --hash=sha256:00ff \\\n    --hash=sha256:ff00  # two hashes\n"
                           "by-url @ https://example.org/by_url-3.0-py3-none-any.whl#sha256=00ff\n"
                           "-c other-constraints.txt\n"
                           "hashed=1.5\n")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "venv-is-current"), str(ROOT), str(constraints)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    *said, unread = done.stderr.splitlines()
    assert said == [
        f"hashed 1.5 is not the ==1.4 that {constraints} pins",
        f"continued 2.5 is not the ==2.4 that {constraints} pins",
        f"{constraints} line 6: '-c other-constraints.txt' is not a pin this check reads (an option, not a pin, "
        f"which this check does not follow); so the venv is not taken for current"]
    # the reason in the parentheses is packaging's own words
    assert unread.startswith(f"{constraints} line 7: 'hashed=1.5' is not a pin this check reads (")
    assert unread.endswith("); so the venv is not taken for current")


def test_venv_is_current_reads_the_checkouts_constraints_when_none_is_named(tmp_path):
    # a checkout of its own (one whose cli package is found first), with a constraints file of its own
    checkout = tmp_path / "checkout"
    (checkout / "cli").mkdir(parents=True)
    (checkout / "cli" / "__init__.py").touch()
    (checkout / "chaincode").mkdir()
    (checkout / "chaincode" / "constraints.txt").write_text("dependency-here==2.0\n")
    env = site_of(tmp_path, recfin=("1.0", "dependency-here"), **{"dependency-here": ("1.0",)})
    env["PYTHONPATH"] += os.pathsep + str(checkout)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "venv-is-current"), str(checkout)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"dependency-here 1.0 is not the ==2.0 that {checkout / 'chaincode' / 'constraints.txt'} pins"]


def test_install_runs_a_python_named_by_a_relative_path_from_the_callers_folder(tmp_path):
    # scripts/install changes to the checkout before it runs PYTHON
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    caller, ran = tmp_path / "elsewhere", tmp_path / "ran.txt"
    python = caller / "py" / "bin" / "python3.11"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho ran >> "{ran}"\nexec "{tools}/python3" "$@"\n')
    python.chmod(0o755)
    env = {"PATH": str(tools), "HOME": str(checkout), "PYTHON": "py/bin/python3.11"}
    done = subprocess.run(["bash", str(checkout / "scripts" / "install")], cwd=caller, capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert ran.exists(), "the caller's Python made the venv"


def test_install_says_so_when_the_python_named_is_not_there(tmp_path):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    done = subprocess.run(["bash", str(checkout / "scripts" / "install")], cwd=checkout, capture_output=True,
                          text=True, env={"PATH": str(tools), "HOME": str(checkout), "PYTHON": "python3.99"},
                          timeout=60)
    assert done.returncode == 2
    assert "there is no Python 'python3.99' to run" in done.stderr
    assert "older" not in done.stderr and "needs Python 3.11" not in done.stderr


@pytest.mark.parametrize("script, reached", [("test", "python"), ("demo", "recfin")])
def test_test_and_demo_hand_install_a_relative_python_path_made_absolute(tmp_path, script, reached):
    # and a name for PATH to find, or an absolute path, as it is
    checkout = fake_checkout(tmp_path, script, reached)
    told = tmp_path / "python.txt"
    (checkout / "scripts" / "install").write_text(f'#!/usr/bin/env bash\necho "$PYTHON" >> "{told}"\n')
    caller = tmp_path / "elsewhere"
    caller.mkdir()
    given = ("../py311/bin/python3", "python3.11", "/usr/bin/python3")
    for python in given:
        done = subprocess.run(["bash", str(checkout / "scripts" / script)], cwd=caller,
                              env={**os.environ, "PYTHON": python}, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert told.read_text().splitlines() == [f"{caller}/{given[0]}", *given[1:]]
