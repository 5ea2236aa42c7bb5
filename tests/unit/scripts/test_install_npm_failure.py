"""scripts/install where node and npm are on PATH and `npm ci` fails (the registry unreachable, say): it says so and
installs the rest, and leaves no node_modules behind, so that its next run tries again and the Node comparison tests
fail naming the folder (tests/unit/node_packages.py) instead of running against half an install. A node_modules that
lacks the package the tests need (an npm ci cut short, a stray `npm install`) is installed again too: the tests' "run
scripts/install" must be what installs it. So is one installed from another package-lock.json than the one there now,
whatever the files' times say."""
import os
from pathlib import Path

from ..node_packages import CLIENT_PACKAGE, SHIM_PACKAGE
from .test_install_venv import calls, checkout_with_stand_ins, run_install

NODE_FOLDERS = ("bench/node", "tests/unit/chaincode/node_shim")
NPM_CI = "npm ci --no-audit --no-fund --loglevel=error"


def checkout_with_node_folders(tmp_path: Path, npm: str) -> tuple[Path, Path]:
    """The stand-in checkout with both Node folders (a lock file each), a node 20, and an npm that logs each call to
    calls.txt, then runs the shell lines ``npm`` in the folder it was called in."""
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    for folder in NODE_FOLDERS:
        (checkout / folder).mkdir(parents=True)
        (checkout / folder / "package-lock.json").write_text("{}\n")
    (tools / "node").write_text("#!/bin/sh\necho v20.11.1\n")
    (tools / "npm").write_text(f'#!/bin/sh\necho "npm $*" >> "{tmp_path / "calls.txt"}"\n{npm}\n')
    for tool in ("node", "npm"):
        (tools / tool).chmod(0o755)
    return checkout, tools


def checkout_whose_npm_ci_fails(tmp_path: Path) -> tuple[Path, Path]:
    """The stand-in checkout whose npm writes part of node_modules, then fails as npm ci does when the registry does
    not answer."""
    return checkout_with_node_folders(
        tmp_path, "mkdir -p node_modules/@grpc\necho 'npm error network request failed' >&2\nexit 1")


def test_a_failed_npm_ci_is_reported_and_leaves_no_node_modules_so_the_next_run_tries_again(tmp_path):
    checkout, tools = checkout_whose_npm_ci_fails(tmp_path)
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr     # the rest installed
    assert ("npm ci in bench/node failed: the tests that compare with the benchmark's Node client fail until it "
            "succeeds (run scripts/install again); the rest works") in result.stderr
    assert "npm ci in tests/unit/chaincode/node_shim failed" in result.stderr
    assert not [folder for folder in NODE_FOLDERS if (checkout / folder / "node_modules").exists()]

    run_install(checkout, tools)
    assert [call for call in calls(tmp_path) if call.startswith("npm ci")] == [NPM_CI] * 4


# npm ci as it succeeds: each folder gets the package its comparisons need, and another beside it
INSTALLS_THE_FOLDERS_PACKAGE = f"""mkdir -p node_modules/@grpc
case "$PWD" in
  */bench/node) mkdir -p node_modules/{CLIENT_PACKAGE} ;;
  *) mkdir -p node_modules/{SHIM_PACKAGE} ;;
esac"""


def test_a_node_modules_without_the_package_the_tests_need_is_installed_again(tmp_path):
    checkout, tools = checkout_with_node_folders(tmp_path, INSTALLS_THE_FOLDERS_PACKAGE)
    an_hour_ago = checkout.stat().st_mtime - 3600
    for folder in NODE_FOLDERS:
        (checkout / folder / "node_modules" / "@grpc").mkdir(parents=True)       # what an npm ci cut short left
        os.utime(checkout / folder / "package-lock.json", (an_hour_ago, an_hour_ago))   # older than node_modules
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    assert "installing the benchmark's Node client (npm ci in bench/node)" in result.stderr
    assert "installing the official Node chaincode shim (npm ci in tests/unit/chaincode/node_shim)" in result.stderr
    assert (checkout / "bench/node/node_modules" / CLIENT_PACKAGE).is_dir()
    assert (checkout / "tests/unit/chaincode/node_shim/node_modules" / SHIM_PACKAGE).is_dir()

    run_install(checkout, tools)                # installed now: not again
    assert [call for call in calls(tmp_path) if call.startswith("npm ci")] == [NPM_CI] * 2


def test_a_changed_lock_file_is_installed_even_when_it_is_older_than_node_modules(tmp_path):
    # a new release unpacked over the checkout (an archive, `cp -p`, `rsync -a`) gives the lock file its commit time
    checkout, tools = checkout_with_node_folders(tmp_path, INSTALLS_THE_FOLDERS_PACKAGE)
    assert run_install(checkout, tools).returncode == 0
    lock = checkout / "bench/node/package-lock.json"
    a_day_ago = (checkout / "bench/node/node_modules").stat().st_mtime - 86400
    lock.write_text('{"lockfileVersion": 3}\n')
    os.utime(lock, (a_day_ago, a_day_ago))
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    assert "installing the benchmark's Node client (npm ci in bench/node)" in result.stderr
    assert "npm ci in tests/unit/chaincode/node_shim" not in result.stderr      # its lock file is unchanged
    assert [call for call in calls(tmp_path) if call.startswith("npm ci")] == [NPM_CI] * 3
