"""scripts/install-fabric: the failure paths a new operator meets first.

The success path builds Fabric for real and is exercised by every run of
scripts/install; these tests pin down what the script says when it cannot.
"""
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "install-fabric"
PINNED_COMMIT = "86c1172bec37e6590c6b1ae6f847833df48d65fc"


def run_script(fabric_home: Path, path: str) -> subprocess.CompletedProcess:
    env = {"PATH": path, "HOME": str(fabric_home), "RECFIN_FABRIC_HOME": str(fabric_home)}
    return subprocess.run([shutil.which("bash"), str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def path_without_go(tmp_path: Path) -> str:
    """A PATH with the tools the script needs but no `go`."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("cat", "mkdir", "rm", "grep", "head", "mktemp", "cut", "sed", "dirname", "install", "python3"):
        # python3 as this interpreter: a version manager's shim on PATH needs bash and more to find one
        found = sys.executable if tool == "python3" else shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    return str(tools)


def run_with_fake_go(tmp_path: Path, answers: str) -> tuple[Path, subprocess.CompletedProcess]:
    """The script run with a `go` that answers each subcommand as ``answers`` (shell case arms) says; returns the
    Fabric home it installed into and the run."""
    tools = Path(path_without_go(tmp_path))
    fake_go = tools / "go"
    fake_go.write_text(f'#!/bin/sh\ncase "$1" in\n  env) echo fake ;;\n{answers}esac\n')
    fake_go.chmod(fake_go.stat().st_mode | stat.S_IEXEC)
    home = tmp_path / "fabric"
    return home, run_script(home, str(tools))


def test_missing_go_is_reported_with_what_to_do(tmp_path):
    home = tmp_path / "fabric"
    result = run_script(home, path_without_go(tmp_path))
    assert result.returncode == 2
    assert "no 'go' on PATH" in result.stderr
    assert "run scripts/install-fabric again" in result.stderr
    # The reason is kept for the test suite and `recfin network up` to show.
    assert "no 'go' on PATH" in (home / "install-error.txt").read_text()


def test_refused_download_names_the_commit_and_keeps_the_error(tmp_path):
    # A go that answers like a module proxy refusing the version.
    home, result = run_with_fake_go(tmp_path, "  install) echo 'go: example: 403 Forbidden' >&2; exit 1 ;;\n")
    assert result.returncode == 3
    recorded = (home / "install-error.txt").read_text()
    assert PINNED_COMMIT in recorded
    assert "403 Forbidden" in recorded
    assert "What to do" in recorded
    assert not (home / "installed-commit").exists()


def test_second_run_is_a_no_op_when_the_pinned_build_is_present(tmp_path):
    home = tmp_path / "fabric"
    (home / "bin").mkdir(parents=True)
    (home / "config").mkdir()
    for tool in ("peer", "orderer", "configtxgen", "osnadmin", "configtxlator"):
        binary = home / "bin" / tool
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    for name in ("core.yaml", "orderer.yaml"):
        (home / "config" / name).write_text("{}\n")
    (home / "installed-commit").write_text(PINNED_COMMIT + "\n")
    # No go on PATH: a no-op run must not need it.
    result = run_script(home, path_without_go(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "already installed" in result.stderr


def test_a_sample_configuration_the_module_cache_cannot_give_is_a_recorded_failure(tmp_path):
    # the tools build, then `go mod download -json` answers as it does for a refused version: JSON with Error
    home, result = run_with_fake_go(tmp_path, "  install) exit 0 ;;\n  mod) echo '{\"Path\": \"x\", "
                                              "\"Error\": \"reading proxy: 403 Forbidden\"}'; exit 1 ;;\n")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    recorded = (home / "install-error.txt").read_text()
    assert "sample configuration could not be taken from the module cache" in recorded
    assert "reading proxy: 403 Forbidden" in recorded
    assert not (home / "installed-commit").exists()


def test_a_go_that_fails_before_answering_in_json_has_its_own_words_recorded(tmp_path):
    home, result = run_with_fake_go(tmp_path, "  install) exit 0 ;;\n  mod) echo 'go: go.mod requires go >= 1.99 "
                                              "(running go 1.26.8)' >&2; exit 1 ;;\n")
    assert result.returncode == 3, result.stderr
    assert "go: go.mod requires go >= 1.99 (running go 1.26.8)" in (home / "install-error.txt").read_text()
