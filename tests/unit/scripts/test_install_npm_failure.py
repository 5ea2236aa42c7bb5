"""scripts/install where node and npm are on PATH but `npm ci` fails (the registry unreachable, say): it says so and
installs the rest, and leaves no node_modules behind, so that its next run tries again and the Node comparison tests
fail naming the folder (tests/unit/node_packages.py) instead of running against half an install."""
from pathlib import Path

from .test_install_venv import calls, checkout_with_stand_ins, run_install

NODE_FOLDERS = ("bench/node", "tests/unit/chaincode/node_shim")


def checkout_whose_npm_ci_fails(tmp_path: Path) -> tuple[Path, Path]:
    """The stand-in checkout with both Node folders, a node 20 and an npm that writes part of node_modules, then
    fails as npm ci does when the registry does not answer."""
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=1000, has_ensurepip=True)
    for folder in NODE_FOLDERS:
        (checkout / folder).mkdir(parents=True)
        (checkout / folder / "package-lock.json").write_text("{}\n")
    (tools / "node").write_text("#!/bin/sh\necho v20.11.1\n")
    (tools / "npm").write_text(f'#!/bin/sh\necho "npm $*" >> "{tmp_path / "calls.txt"}"\n'
                               "mkdir -p node_modules/@grpc\necho 'npm error network request failed' >&2\nexit 1\n")
    for tool in ("node", "npm"):
        (tools / tool).chmod(0o755)
    return checkout, tools


def test_a_failed_npm_ci_is_reported_and_leaves_no_node_modules_so_the_next_run_tries_again(tmp_path):
    checkout, tools = checkout_whose_npm_ci_fails(tmp_path)
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr     # the rest installed
    assert ("npm ci in bench/node failed: the tests that compare with the benchmark's Node client fail until it "
            "succeeds (run scripts/install again); the rest works") in result.stderr
    assert "npm ci in tests/unit/chaincode/node_shim failed" in result.stderr
    assert not [folder for folder in NODE_FOLDERS if (checkout / folder / "node_modules").exists()]

    run_install(checkout, tools)
    assert [call for call in calls(tmp_path) if call.startswith("npm ci")] == [
        "npm ci --no-audit --no-fund --loglevel=error"] * 4
