"""The Node client's packages are installed again when bench/node's lock file pins other versions than its
node_modules holds (a pin raised since the last install), so the Node figures are of the versions pinned."""
import json

import pytest

from bench import node_compare

from .test_bench_network_checks import a_path_holding

LOCK = {"lockfileVersion": 3, "packages": {
    "": {"name": "recfin-bench-node"},
    "node_modules/@hyperledger/fabric-gateway": {"version": "1.11.0"},
    "node_modules/@grpc/grpc-js": {"version": "1.14.7"},
    "node_modules/pkcs11js": {"version": "2.1.7", "optional": True},
    "node_modules/eslint": {"version": "9.0.0", "dev": True},
}}


def a_node_folder(tmp_path, installed: dict[str, str]):
    """bench/node with LOCK as its lock file and ``installed`` (package -> version) in its node_modules."""
    folder = tmp_path / "node"
    folder.mkdir()
    (folder / "package-lock.json").write_text(json.dumps(LOCK))
    for name, version in installed.items():
        package = folder / "node_modules" / name
        package.mkdir(parents=True)
        (package / "package.json").write_text(json.dumps({"name": name, "version": version}))
    return folder


def npm_recording(tmp_path, monkeypatch):
    """node 20 and an npm that notes each command it is given in the returned file."""
    said = tmp_path / "npm-commands"
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", node="echo v20.11.1",
                                              npm=f'echo "$@" >> {said}'))
    return said


def test_a_gateway_package_older_than_the_pin_is_installed_again(tmp_path, monkeypatch):
    folder = a_node_folder(tmp_path, {"@hyperledger/fabric-gateway": "1.10.0", "@grpc/grpc-js": "1.14.7"})
    said = npm_recording(tmp_path, monkeypatch)
    assert node_compare.unlike_the_lock(folder) == ["@hyperledger/fabric-gateway 1.10.0, pinned 1.11.0"]
    node_compare.install(folder)
    assert said.read_text().split() == ["ci", "--no-audit", "--no-fund"]


def test_a_pinned_package_missing_beside_the_gateway_is_installed(tmp_path, monkeypatch):
    folder = a_node_folder(tmp_path, {"@hyperledger/fabric-gateway": "1.11.0"})
    said = npm_recording(tmp_path, monkeypatch)
    node_compare.install(folder)
    assert said.read_text().split()[0] == "ci"


def test_the_pinned_versions_in_place_are_not_installed_again(tmp_path, monkeypatch):
    # the optional package (a native module some platforms lack) is not required, nor the development one, which
    # npm ci leaves out under NODE_ENV=production (else every run would install again)
    folder = a_node_folder(tmp_path, {"@hyperledger/fabric-gateway": "1.11.0", "@grpc/grpc-js": "1.14.7"})
    said = npm_recording(tmp_path, monkeypatch)
    node_compare.install(folder)
    assert not said.exists()


def test_bench_nodes_own_node_modules_is_as_its_lock_file_pins():
    # what scripts/install put there: nothing for install() to do before a run
    if not (node_compare.NODE_DIR / "node_modules").is_dir():
        pytest.skip(f"{node_compare.NODE_DIR}/node_modules is not there: scripts/install puts it there")
    assert node_compare.unlike_the_lock(node_compare.NODE_DIR) == []


def test_a_failed_reinstall_says_which_packages_were_not_as_pinned(tmp_path, monkeypatch):
    # the comparison that ran yesterday needs the registry today: the error says why npm ci ran at all
    folder = a_node_folder(tmp_path, {"@hyperledger/fabric-gateway": "1.10.0", "@grpc/grpc-js": "1.14.7"})
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", node="echo v20.11.1",
                                              npm="echo 'npm error network request failed' >&2; exit 1"))
    with pytest.raises(node_compare.NodeClientError) as caught:
        node_compare.install(folder)
    assert str(caught.value).startswith(f"npm ci in {folder} failed (npm error network request failed)")
    assert str(caught.value).endswith(f"; it ran as {folder / 'node_modules'} is not as the lock file pins "
                                      "(@hyperledger/fabric-gateway 1.10.0, pinned 1.11.0)")


def test_the_node_report_names_the_node_and_package_versions_it_ran_on(tmp_path, monkeypatch):
    # the Node figures are of one Node.js and one gateway package: its report says which, as `machine` says
    # which Python and recfin commit produced the Python figures
    folder = a_node_folder(tmp_path, {"@hyperledger/fabric-gateway": "1.11.0", "@grpc/grpc-js": "1.14.7"})
    (folder / "package.json").write_text(json.dumps({"dependencies": {
        "@hyperledger/fabric-gateway": "1.11.0", "@grpc/grpc-js": "1.14.7", "@hyperledger/fabric-protos": "0.3.7"}}))
    samples = json.dumps({"samples": [["register", 0.0, 0.0, 0.2, "committed", "tx-0", "", True]],
                          "exhausted": False, "cpu_s": 0.01})
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", node=(
        f'if [ "$1" = --version ]; then echo v20.11.1; else echo \'{samples}\'; fi')))
    monkeypatch.setattr(node_compare, "NODE_DIR", folder)
    monkeypatch.setattr(node_compare.client_versions, "__defaults__", (folder,))
    monkeypatch.setattr(node_compare, "install", lambda: None)
    monkeypatch.setattr(node_compare, "config", lambda *arguments: {})
    plan = node_compare.Plan("rate", rate=1, warmup=0, duration=1, call_timeout=None)
    report = node_compare.run("register", plan, 0, {}, None, {"clients": 1})
    assert report["settings"]["node_client"] == {
        "node": "v20.11.1",
        "packages": {"@grpc/grpc-js": "1.14.7", "@hyperledger/fabric-gateway": "1.11.0",
                     "@hyperledger/fabric-protos": None}}     # not installed: not read as any version
    assert report["committed"] == 1
