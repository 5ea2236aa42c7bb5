"""scripts/install-fabric: the failure paths a new operator meets first, and what a failed build leaves.

The success path builds Fabric for real and is exercised by every run of
scripts/install; these tests pin down what the script says when it cannot, with a
scripted `go` first on PATH.
"""
import fcntl
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from network.errors import MissingBinariesError
from network.fabric_bin import FABRIC_COMMIT as PINNED_COMMIT, FABRIC_RELEASE, NETWORK_TOOLS, FabricInstall

from .test_install_venv import checkout_with_stand_ins

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "install-fabric"
TOOLS = ("peer", "orderer", "configtxgen", "osnadmin", "configtxlator")


def run_script(fabric_home: Path, path: str, as_given: str | None = None) -> subprocess.CompletedProcess:
    """The script run with RECFIN_FABRIC_HOME ``fabric_home``, or ``as_given`` (a path from the folder above it)."""
    env = {"PATH": path, "HOME": str(fabric_home), "RECFIN_FABRIC_HOME": as_given or str(fabric_home)}
    return subprocess.run([shutil.which("bash"), str(SCRIPT)], env=env, cwd=fabric_home.parent, capture_output=True,
                          text=True, timeout=60)


def path_without_go(tmp_path: Path) -> str:
    """A PATH with the tools the script needs but no `go`."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("cat", "mkdir", "rm", "grep", "head", "mktemp", "cut", "sed", "dirname", "install", "mv", "chmod",
                 "python3"):
        # python3 as this interpreter: a version manager's shim on PATH needs bash and more to find one
        found = sys.executable if tool == "python3" else shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    return str(tools)


def path_with_fake_go(tmp_path: Path, answers: str, version: str = "go1.26.4", toolchain: str = "local",
                      proxy: str = "https://proxy.golang.org,direct") -> Path:
    """The PATH folder of ``path_without_go`` with a `go` of ``version``, GOTOOLCHAIN ``toolchain`` and
    GOPROXY ``proxy`` that answers each other subcommand as ``answers`` (shell case arms) says, and logs its
    calls to go-calls.txt."""
    tools = Path(path_without_go(tmp_path))
    fake_go = tools / "go"
    fake_go.write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/go-calls.txt"\ncase "$1 $2" in\n'
                       f'  "env GOVERSION") echo {version} ;;\n  "env GOTOOLCHAIN") echo {toolchain} ;;\n'
                       f'  "env GOPROXY") echo "{proxy}" ;;\n'
                       f'  env*) echo fake ;;\nesac\ncase "$1" in\n{answers}esac\n')
    fake_go.chmod(fake_go.stat().st_mode | stat.S_IEXEC)
    return tools


def run_with_fake_go(tmp_path: Path, answers: str, version: str = "go1.26.4", toolchain: str = "local",
                     home_as_given: str | None = None, proxy: str = "https://proxy.golang.org,direct",
                     ) -> tuple[Path, subprocess.CompletedProcess]:
    """The script run with the `go` of ``path_with_fake_go``; returns the Fabric home it installed into
    (``tmp_path``/fabric, which may hold an earlier install; RECFIN_FABRIC_HOME names it as ``home_as_given``
    from ``tmp_path`` when given) and the run."""
    tools = path_with_fake_go(tmp_path, answers, version, toolchain, proxy)
    home = tmp_path / "fabric"
    return home, run_script(home, str(tools), home_as_given)


def go_installs(tmp_path: Path) -> list[str]:
    """The `go install` calls the fake go got."""
    calls = tmp_path / "go-calls.txt"
    if not calls.exists():
        return []
    return [call for call in calls.read_text().splitlines() if call.startswith("install")]


def earlier_install(home: Path, commit: str) -> None:
    """Tools, base configuration and installed-commit as a successful build of ``commit`` leaves them."""
    (home / "bin").mkdir(parents=True, exist_ok=True)
    (home / "config").mkdir(exist_ok=True)
    for tool in TOOLS:
        binary = home / "bin" / tool
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    for name in ("core.yaml", "orderer.yaml"):
        (home / "config" / name).write_text("{}\n")
    (home / "installed-commit").write_text(commit + "\n")


# A `go install` that builds the named tools into GOBIN, as the real one does (which takes only an absolute GOBIN)
BUILDS = ('  install) case "$GOBIN" in /*) ;; *) echo "go: cannot install, GOBIN must be an absolute path" >&2; '
          'exit 1 ;; esac\n    for tool in ' + " ".join(TOOLS) + '; do printf "#!/bin/sh\\n" > "$GOBIN/$tool"; '
          'chmod 755 "$GOBIN/$tool"; done ;;\n')


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
    # the way round a refusing proxy that it gives needs git, which nothing installs
    assert "set GOPROXY=direct where the source host is reachable and git is installed" in recorded
    assert not (home / "installed-commit").exists()


def test_a_refused_download_names_the_release_placed_by_hand_as_the_way_round_needing_no_proxy(tmp_path):
    # where every proxy refuses the commit (the README's known 403), a release's tools placed by hand are the
    # way on: what to do names them, the folders they go in, and that they are then taken as they are
    home, result = run_with_fake_go(tmp_path, "  install) echo 'go: example: 403 Forbidden' >&2; exit 1 ;;\n")
    assert result.returncode == 3
    reason, what_to_do = (home / "install-error.txt").read_text().splitlines()
    assert "403 Forbidden" in reason
    assert (f"or, where none serves it, put an official Fabric {FABRIC_RELEASE} release's "
            f"{' '.join(NETWORK_TOOLS)} in {home / 'bin'} and its core.yaml and orderer.yaml in "
            f"{home / 'config'}: recfin then uses them as they are") in what_to_do
    assert what_to_do in result.stderr


def go_install_saying(*lines: str) -> str:
    """A `go install` (a case arm) that writes ``lines`` on stderr and fails."""
    return "  install) " + "".join(f"echo '{line}' >&2; " for line in lines) + "exit 1 ;;\n"


def test_the_recorded_reason_is_gos_error_not_its_progress(tmp_path):
    # go reports each module it fetches on stderr before the error that stops it
    refused = "go: github.com/x/y@v1.2.0: reading https://proxy/x/y: 403 Forbidden"
    home, result = run_with_fake_go(tmp_path, go_install_saying(
        "go: downloading github.com/hyperledger/fabric v0.0.0-20250101000000-86c1172bec37", refused))
    assert result.returncode == 3, result.stderr
    reason = (home / "install-error.txt").read_text().splitlines()[0]
    assert reason.endswith(f"failed: {refused}"), reason


def test_a_toolchain_go_could_not_fetch_is_recorded_with_the_go_to_install(tmp_path):
    # an older go with GOTOOLCHAIN=auto switches to the go Fabric's go.mod asks for, which the proxy refuses
    home, result = run_with_fake_go(tmp_path, go_install_saying(
        "go: downloading go1.26.4 (linux/amd64)",
        "go: download go1.26.4: golang.org/toolchain@v0.0.1-go1.26.4.linux-amd64: 403 Forbidden"),
        version="go1.25.3", toolchain="auto")
    assert result.returncode == 3, result.stderr
    reason, what_to_do = (home / "install-error.txt").read_text().splitlines()
    assert "go: download go1.26.4: golang.org/toolchain" in reason
    assert what_to_do.startswith("What to do: install Go 1.26.4 or newer"), what_to_do


@pytest.mark.parametrize("said", [
    "go build github.com/hyperledger/fabric/cmd/peer: /usr/local/go/pkg/tool/linux_amd64/link: signal: killed",
    "go: creating work dir: mkdir /tmp/go-build123: no space left on device",
])
def test_a_build_short_of_memory_or_disk_says_so_rather_than_blame_the_proxy(tmp_path, said):
    home, result = run_with_fake_go(tmp_path, go_install_saying(
        "go: downloading github.com/hyperledger/fabric v1.4.0-rc1.0.20260618074816-86c1172bec37", said))
    assert result.returncode == 3, result.stderr
    reason, what_to_do = (home / "install-error.txt").read_text().splitlines()
    assert reason.endswith(f"failed: {said}")
    assert what_to_do.startswith("What to do: this machine ran short of disk or memory"), what_to_do
    assert "GOFLAGS=-p=1" in what_to_do and "GOPROXY" not in what_to_do


SUMDB_UNREACHED = ('go: github.com/hyperledger/fabric@v1.4.0-rc1.0.20260618074816-86c1172bec37: verifying module: '
                   'github.com/hyperledger/fabric@v1.4.0-rc1.0.20260618074816-86c1172bec37: Get "https://sum.golang.org'
                   '/lookup/github.com/hyperledger/fabric@v1.4.0-rc1.0.20260618074816-86c1172bec37": dial tcp: lookup '
                   'sum.golang.org: no such host')


def test_a_checksum_database_go_cannot_reach_is_named_rather_than_the_proxy(tmp_path):
    # the proxy served the modules; what failed is the check against sum.golang.org
    home, result = run_with_fake_go(tmp_path, go_install_saying(
        "go: downloading github.com/hyperledger/fabric v1.4.0-rc1.0.20260618074816-86c1172bec37", SUMDB_UNREACHED))
    assert result.returncode == 3, result.stderr
    reason, what_to_do = (home / "install-error.txt").read_text().splitlines()
    assert reason.endswith(f"failed: {SUMDB_UNREACHED}")
    assert "could not check them against the checksum database that 'go env GOSUMDB' names" in what_to_do
    assert "GOPROXY" not in what_to_do


def test_a_checksum_mismatch_is_not_told_to_go_round_the_checksum_database(tmp_path):
    # content altered on the way: the advice stays the proxy's, never a way round the check
    home, result = run_with_fake_go(tmp_path, go_install_saying(
        "verifying github.com/hyperledger/fabric@v1.4.0-rc1.0.20260618074816-86c1172bec37: checksum mismatch",
        "SECURITY ERROR"))
    assert result.returncode == 3, result.stderr
    what_to_do = (home / "install-error.txt").read_text().splitlines()[1]
    assert "GOSUMDB" not in what_to_do and "GOPROXY" in what_to_do


def test_second_run_is_a_no_op_when_the_pinned_build_is_present(tmp_path):
    home = tmp_path / "fabric"
    earlier_install(home, PINNED_COMMIT)
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


def test_a_failed_build_of_a_new_pin_leaves_no_tools_of_the_old_one(tmp_path):
    # the pin moved since the last install, and the proxy refuses the new commit
    earlier_install(tmp_path / "fabric", "0ldc0mmit")
    home, result = run_with_fake_go(tmp_path, "  install) echo 'go: example: 403 Forbidden' >&2; exit 1 ;;\n")
    assert result.returncode == 3, result.stderr
    assert not [tool for tool in TOOLS if (home / "bin" / tool).exists()]
    assert not (home / "installed-commit").exists()
    assert not list(home.glob("build.*")), "the build folder is removed"
    # so the test suite and `recfin network up` see Fabric as missing, with the recorded reason
    assert "peer" in FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)}).missing()
    assert "403 Forbidden" in (home / "install-error.txt").read_text()


def test_tools_of_a_build_cut_short_are_not_moved_in(tmp_path):
    # go install built peer, then failed on orderer: no half of a build is left in bin
    home, result = run_with_fake_go(tmp_path, '  install) printf "#!/bin/sh\\n" > "$GOBIN/peer"; '
                                              'chmod 755 "$GOBIN/peer"; echo "go: build failed" >&2; exit 1 ;;\n')
    assert result.returncode == 3, result.stderr
    assert not (home / "bin" / "peer").exists()
    assert not list(home.glob("build.*"))


def test_a_build_moves_its_tools_and_configuration_in_then_records_the_commit(tmp_path):
    home, result = run_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (home / "installed-commit").read_text().strip() == PINNED_COMMIT
    assert all((home / "bin" / tool).is_file() for tool in TOOLS)
    assert (home / "config" / "configtx.yaml").read_text() == "# configtx.yaml\n"
    assert not list(home.glob("build.*"))
    assert FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)}).missing() == []


def test_the_tools_are_stamped_with_the_release_and_commit_as_fabrics_makefile_does(tmp_path):
    # Fabric's Makefile links its version and commit into common/metadata; a plain `go install` leaves them
    # "latest" and "development build", which `peer version`, each node's /version endpoint and so the Fabric
    # version of a benchmark report (bench/profiling.py) then say
    home, result = run_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path))
    assert result.returncode == 0, result.stderr
    [install] = go_installs(tmp_path)
    metadata = "github.com/hyperledger/fabric/common/metadata"
    assert (f"-ldflags -X {metadata}.Version={FABRIC_RELEASE} -X {metadata}.CommitSHA={PINNED_COMMIT[:7]} "
            in install), install
    assert install.endswith(" ".join(f"github.com/hyperledger/fabric/cmd/{tool}@{PINNED_COMMIT}" for tool in TOOLS))


@pytest.mark.parametrize("placed_by_hand, killed_moving", [(False, "configtxlator"), (True, "configtxgen")])
def test_a_run_killed_while_moving_the_tools_in_is_built_again_by_the_next(tmp_path, placed_by_hand, killed_moving):
    # kill -9 (or a power cut) among the moves into bin: what the run leaves must not pass for a set placed by
    # hand, or the next run keeps it unbuilt (and keeps it once the pin moves); nor may the new tools mix with
    # those of a set placed by hand that lacked one (peer), which a build then fills
    home = tmp_path / "fabric"
    if placed_by_hand:
        earlier_install(home, PINNED_COMMIT)
        (home / "installed-commit").unlink()
        (home / "bin" / "peer").unlink()
        for tool in TOOLS[1:]:
            (home / "bin" / tool).write_text("#!/bin/sh\necho placed by hand\n")
    tools = path_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path))
    (tools / "mv").unlink()
    (tools / "mv").write_text(f'#!/bin/sh\ncase "$3" in */{killed_moving}) kill -9 $PPID; exit 1 ;; esac\n'
                              f'exec {shutil.which("mv")} "$@"\n')
    (tools / "mv").chmod(0o755)
    killed = run_script(home, str(tools))
    assert killed.returncode == -9, killed.stderr
    (tools / "mv").unlink()
    (tools / "mv").symlink_to(shutil.which("mv"))
    again = run_script(home, str(tools))
    assert again.returncode == 0, again.stderr
    assert len(go_installs(tmp_path)) == 2, again.stderr
    assert (home / "installed-commit").read_text().strip() == PINNED_COMMIT
    assert not [tool for tool in TOOLS if "placed by hand" in (home / "bin" / tool).read_text()]
    assert not list(home.glob("build.*"))


def test_a_run_killed_while_removing_another_commits_tools_leaves_none_taken_for_a_set_placed_by_hand(tmp_path):
    # the pin moved: a run killed (kill -9, a power cut) among the removals of the old build must not leave that
    # build whole without its installed-commit, which every later run would keep as placed by hand
    home = tmp_path / "fabric"
    earlier_install(home, "0ldc0mmit")
    tools = path_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path))
    (tools / "rm").unlink()
    # the first removal of the old build (a tool or its record) goes through, the second is where the run dies
    removed_one = tmp_path / "removed-one"
    (tools / "rm").write_text(f'#!/bin/sh\ncase "$*" in *"{home}/bin/"*|*"{home}/installed-commit"*)\n'
                              f'  [ -e "{removed_one}" ] && {{ kill -9 $PPID; exit 1; }}; : > "{removed_one}" ;; esac\n'
                              f'exec {shutil.which("rm")} "$@"\n')
    (tools / "rm").chmod(0o755)
    killed = run_script(home, str(tools))
    assert killed.returncode == -9, killed.stderr
    assert FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)}).missing()    # the old build is not run
    (tools / "rm").unlink()
    (tools / "rm").symlink_to(shutil.which("rm"))
    again = run_script(home, str(tools))
    assert again.returncode == 0, again.stderr
    assert go_installs(tmp_path), again.stderr
    assert (home / "installed-commit").read_text().strip() == PINNED_COMMIT


def sample_configuration(tmp_path: Path) -> str:
    """The `go mod download -json` answer (a case arm) naming a module folder that holds the sample configuration."""
    module = tmp_path / "module"
    (module / "sampleconfig").mkdir(parents=True)
    for name in ("core.yaml", "orderer.yaml", "configtx.yaml"):
        (module / "sampleconfig" / name).write_text(f"# {name}\n")
    return f"  mod) echo '{{\"Dir\": \"{module}\"}}' ;;\n"


@pytest.mark.parametrize("as_given", ["fabric", "./elsewhere/../fabric"])
def test_a_relative_fabric_home_is_installed_into_from_the_callers_folder(tmp_path, as_given):
    (tmp_path / "elsewhere").mkdir()
    home, result = run_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path), home_as_given=as_given)
    assert result.returncode == 0, result.stderr
    assert (home / "installed-commit").read_text().strip() == PINNED_COMMIT
    assert FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)}).missing() == []


def test_a_go_older_than_fabric_asks_for_exits_2_naming_both_versions(tmp_path):
    # Debian's golang packages set GOTOOLCHAIN=local: go cannot fetch the newer toolchain itself
    home, result = run_with_fake_go(tmp_path, BUILDS, version="go1.22.2", toolchain="local")
    assert result.returncode == 2, result.stderr
    recorded = (home / "install-error.txt").read_text()
    assert "go1.22.2" in recorded and "1.26.4" in recorded and "GOTOOLCHAIN=local" in recorded
    calls = (tmp_path / "go-calls.txt").read_text().splitlines()
    assert not [call for call in calls if call.startswith("install")]


@pytest.mark.parametrize("go_env_version, go_version", [
    ("go1.19.8", "go version go1.19.8 linux/amd64"),     # Debian 12's: no toolchain switching yet
    ("", "go version go1.13.8 linux/amd64"),             # Ubuntu 20.04's: no GOVERSION yet either
])
def test_a_go_too_old_to_fetch_a_toolchain_is_told_to_install_one_not_to_set_gotoolchain(tmp_path, go_env_version,
                                                                                        go_version):
    # before Go 1.21 no GOTOOLCHAIN fetches a newer go (such a go prints the variable empty), so setting it helps
    # nothing; and before 1.16 `go env GOVERSION` prints an empty line, so the version comes from `go version`
    home, result = run_with_fake_go(tmp_path, BUILDS + f"  version) echo '{go_version}' ;;\n",
                                    version=go_env_version, toolchain="")
    assert result.returncode == 2, result.stderr
    recorded = (home / "install-error.txt").read_text()
    assert go_version.split()[2] in recorded and "older than Go 1.21" in recorded, recorded
    assert "install Go 1.26.4 or newer (https://go.dev/dl)" in recorded and "GOTOOLCHAIN" not in recorded
    assert not go_installs(tmp_path)


@pytest.mark.parametrize("toolchain", ["auto", "go1.22.2+auto", "path"])
def test_an_older_go_that_may_fetch_the_newer_toolchain_goes_on_to_build(tmp_path, toolchain):
    home, result = run_with_fake_go(tmp_path, "  install) echo 'go: example: 403 Forbidden' >&2; exit 1 ;;\n",
                                    version="go1.22.2", toolchain=toolchain)
    assert result.returncode == 3, result.stderr
    calls = (tmp_path / "go-calls.txt").read_text().splitlines()
    assert [call for call in calls if call.startswith("install")]


def test_tools_recorded_as_another_commits_build_count_as_missing_naming_both_commits(tmp_path):
    home = tmp_path / "fabric"
    earlier_install(home, "0ldc0mmit")
    fabric = FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)})
    [entry] = fabric.missing()
    assert "0ldc0mmit" in entry and PINNED_COMMIT in entry
    with pytest.raises(MissingBinariesError, match="0ldc0mmit.*run scripts/install-fabric"):
        fabric.require(("peer",))
    (home / "installed-commit").write_text(PINNED_COMMIT + "\n")
    assert fabric.missing() == []
    (home / "installed-commit").unlink()     # tools put there by hand: taken as they are
    assert fabric.missing() == []


def test_the_pinned_commit_is_the_same_in_the_script_the_network_package_and_the_readme():
    [in_script] = re.findall(r"^FABRIC_COMMIT=(\w+)$", SCRIPT.read_text(), re.MULTILINE)
    assert in_script == PINNED_COMMIT
    assert f"commit `{PINNED_COMMIT}`" in (ROOT / "README.md").read_text()


def test_the_release_is_the_same_in_the_script_the_network_package_and_the_readme_and_said_once_in_the_script():
    # the script links FABRIC_RELEASE into the tools (`peer version`, the benchmark report) and the network package
    # runs that release's images: a pin moved in one file alone would stamp tools with another release than they are
    script = SCRIPT.read_text()
    [in_script] = re.findall(r"^FABRIC_RELEASE=(\S+)", script, re.MULTILINE)
    assert in_script == FABRIC_RELEASE
    # its messages say $FABRIC_RELEASE, so moving the pin leaves none of them naming the old release
    spelt = [line for line in script.splitlines()
             if FABRIC_RELEASE in line and not line.startswith("FABRIC_RELEASE=")]
    assert spelt == []
    readme_releases = set(re.findall(r"Fabric v?(\d+\.\d+\.\d+)", (ROOT / "README.md").read_text()))
    assert readme_releases == {FABRIC_RELEASE}


def hand_placed(home: Path, tools: tuple[str, ...] = TOOLS,
                configs: tuple[str, ...] = ("core.yaml", "orderer.yaml")) -> None:
    """Tools and base configuration put in place by hand (an official release's), with no installed-commit."""
    (home / "bin").mkdir(parents=True)
    (home / "config").mkdir()
    for tool in tools:
        binary = home / "bin" / tool
        binary.write_text(f"#!/bin/sh\necho hand-placed {tool}\n")
        binary.chmod(0o755)
    for name in configs:
        (home / "config" / name).write_text("# hand-placed\n")


@pytest.mark.parametrize("tools", [TOOLS, NETWORK_TOOLS], ids=["all five", "the four recfin runs"])
def test_tools_placed_by_hand_are_kept_and_used_without_a_build(tmp_path, tools):
    # the workaround where the proxy refuses Fabric: an official release's tools put into .fabric/bin
    home = tmp_path / "fabric"
    hand_placed(home, tools)
    (home / "install-error.txt").write_text("go install of Fabric failed: 403 Forbidden\n")
    result = run_script(home, path_without_go(tmp_path))     # no go: nothing may be built
    assert result.returncode == 0, result.stderr
    [said] = result.stderr.splitlines()
    assert "placed by hand" in said and str(home / "bin") in said
    assert all((home / "bin" / tool).read_text() == f"#!/bin/sh\necho hand-placed {tool}\n"
               for tool in tools)
    assert not (home / "installed-commit").exists()
    assert not (home / "install-error.txt").exists(), "the reason of an earlier failed build is stale"
    assert FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)}).missing() == []


def test_an_incomplete_set_placed_by_hand_is_built_over_and_kept_when_the_build_fails(tmp_path):
    # orderer.yaml is missing, so the build runs; the proxy refuses it, and the tools placed by hand stay
    hand_placed(tmp_path / "fabric", configs=("core.yaml",))
    home, result = run_with_fake_go(tmp_path, "  install) echo 'go: example: 403 Forbidden' >&2; exit 1 ;;\n")
    assert result.returncode == 3, result.stderr
    assert all((home / "bin" / tool).read_text() == f"#!/bin/sh\necho hand-placed {tool}\n"
               for tool in TOOLS)
    assert FabricInstall.locate({"RECFIN_FABRIC_HOME": str(home)}).missing() == ["orderer.yaml"]


def test_the_tools_a_hand_placed_set_needs_are_the_ones_recfin_runs():
    [in_script] = re.findall(r"^NETWORK_TOOLS=\((.*)\)$", SCRIPT.read_text(), re.MULTILINE)
    assert tuple(in_script.split()) == NETWORK_TOOLS


def test_a_fabric_home_that_cannot_be_made_exits_2_naming_the_folder_and_what_to_do(tmp_path):
    # RECFIN_FABRIC_HOME under a regular file: mkdir alone stopped the script with exit 1, which no one reads
    (tmp_path / "afile").write_text("")
    home, result = run_with_fake_go(tmp_path, BUILDS, home_as_given="afile/fabric")
    assert result.returncode == 2, result.stderr
    [said] = result.stderr.splitlines()
    assert f"cannot make or write the Fabric folder {tmp_path}/afile/fabric (mkdir: " in said
    assert "Not a directory" in said
    assert "set RECFIN_FABRIC_HOME to a folder this user can create and write" in said
    assert said.endswith("then run scripts/install-fabric again")
    assert not go_installs(tmp_path)


@pytest.mark.parametrize("proxy", ["direct", "direct,https://proxy.golang.org", "direct|off"])
def test_a_direct_goproxy_without_git_exits_2_naming_git_before_any_download(tmp_path, proxy):
    home, result = run_with_fake_go(tmp_path, BUILDS, proxy=proxy)      # path_without_go has no git
    assert result.returncode == 2, result.stderr
    recorded = (home / "install-error.txt").read_text()
    assert f"GOPROXY is {proxy}" in recorded and "there is no 'git' on PATH: install git" in recorded
    assert not go_installs(tmp_path)


def test_a_direct_goproxy_with_git_goes_on_to_build(tmp_path):
    tools = path_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path), proxy="direct")
    (tools / "git").symlink_to(tools / "cat")     # found on PATH is all the script asks of it
    home = tmp_path / "fabric"
    result = run_script(home, str(tools))
    assert result.returncode == 0, result.stderr
    assert (home / "installed-commit").read_text().strip() == PINNED_COMMIT


def test_a_proxy_first_in_goproxy_needs_no_git(tmp_path):
    # go turns to direct only where the proxy answers 404 or 410, and says so then
    home, result = run_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path),
                                    proxy="https://proxy.golang.org,direct")
    assert result.returncode == 0, result.stderr
    assert "proxy proxy.golang.org)" in result.stderr


def left_by_a_killed_run(home: Path) -> Path:
    """A build folder as a run killed with SIGKILL midway leaves it (its EXIT trap never ran), half built."""
    build = home / "build.Kq93xZ"
    build.mkdir(parents=True)
    (build / "peer").write_text("#!/bin/sh\n")
    return build


@pytest.mark.parametrize("go_install", [BUILDS, go_install_saying("go: example: 403 Forbidden")],
                         ids=["a build that succeeds", "a build the proxy refuses"])
def test_the_next_run_removes_a_build_folder_a_killed_run_left(tmp_path, go_install):
    left = left_by_a_killed_run(tmp_path / "fabric")
    home, _ = run_with_fake_go(tmp_path, go_install + sample_configuration(tmp_path))
    assert not left.exists()
    assert not list(home.glob("build.*"))


def test_a_folder_named_like_a_build_folder_that_holds_other_things_is_kept(tmp_path):
    # RECFIN_FABRIC_HOME may name a folder shared with other work
    theirs = tmp_path / "fabric" / "build.gradle"
    theirs.mkdir(parents=True)
    (theirs / "peer").write_text("not Fabric's\n")
    (theirs / "settings.txt").write_text("kept\n")
    home, result = run_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (theirs / "settings.txt").read_text() == "kept\n"


def test_a_run_waits_for_one_installing_now_and_leaves_its_build_folder_alone(tmp_path):
    home = tmp_path / "fabric"
    running = left_by_a_killed_run(home)      # here the folder of the run that holds the lock
    tools = path_with_fake_go(tmp_path, BUILDS + sample_configuration(tmp_path))
    env = {"PATH": str(tools), "HOME": str(home), "RECFIN_FABRIC_HOME": str(home)}
    with open(home / "install.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)      # as the running install holds it
        waiting = subprocess.Popen([shutil.which("bash"), str(SCRIPT)], env=env, stderr=subprocess.PIPE,
                                   text=True)
        try:
            said = waiting.stderr.readline()
            assert f"another scripts/install-fabric is installing into {home}" in said, said
            assert running.exists(), "a build folder of a run that holds the lock is kept"
            # the running install finishes: its tools are in, and its build folder gone
            earlier_install(home, PINNED_COMMIT)
            shutil.rmtree(running)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            rest = waiting.communicate(timeout=60)[1]
    assert waiting.returncode == 0, rest
    assert "already installed" in rest
    assert not go_installs(tmp_path), "nothing is built again"


# scripts/install, after a Fabric build that stopped


def run_install_with_fabric_home(tmp_path: Path, fabric_home: str, **env: str) -> subprocess.CompletedProcess:
    """scripts/install in a checkout whose other steps do nothing, with the real scripts/install-fabric."""
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    shutil.copy(SCRIPT, checkout / "scripts" / "install-fabric")
    env = {"PATH": str(tools), "HOME": str(checkout), "RECFIN_FABRIC_HOME": fabric_home, **env}
    install = checkout / "scripts" / "install"
    return subprocess.run([shutil.which("bash"), str(install)], cwd=checkout, env=env, capture_output=True,
                          text=True, timeout=60)


def test_install_names_no_reason_file_where_the_fabric_folder_could_not_be_made(tmp_path):
    (tmp_path / "afile").write_text("")
    result = run_install_with_fabric_home(tmp_path, f"{tmp_path}/afile/fabric")
    assert result.returncode == 0, result.stderr
    assert "install-error.txt" not in result.stderr
    assert "Fabric is not installed (scripts/install-fabric says why above)" in result.stderr
    assert f"cannot make or write the Fabric folder {tmp_path}/afile/fabric" in result.stderr


def test_install_names_the_reason_file_install_fabric_wrote(tmp_path):
    # no go on the stand-ins' PATH: the reason is recorded in the Fabric folder
    result = run_install_with_fabric_home(tmp_path, f"{tmp_path}/fabric")
    assert result.returncode == 0, result.stderr
    assert f"Fabric is not installed (reason in {tmp_path}/fabric/install-error.txt)" in result.stderr
    assert "no 'go' on PATH" in (tmp_path / "fabric" / "install-error.txt").read_text()


def test_a_required_fabric_whose_folder_cannot_be_made_stops_install_with_exit_2(tmp_path):
    (tmp_path / "afile").write_text("")
    result = run_install_with_fabric_home(tmp_path, f"{tmp_path}/afile/fabric", RECFIN_REQUIRE_FABRIC="1")
    assert result.returncode == 2, result.stderr
    assert f"cannot make or write the Fabric folder {tmp_path}/afile/fabric" in result.stderr
