"""`recfin host`: a company joins the channel and approves the chaincode from its own bundle.

The `peer` CLI's answers are scripted (the seam is the Tools object that runs the binaries);
what is checked is what a company's admin would run: the bundle's own files and identities,
the peers by hostname, the sequence arithmetic, and refusals that say what to do.
"""
import base64
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fabric_protos.peer import policy_pb2

from cli.main import main
from network import bundle, contract_config
from network.bundle_host import BundleHost, HostOperations
from network.errors import ChaincodeError, NetworkError, ToolError
from network.fabric_bin import FabricInstall
from network.org_definition import signature_policy

from .channel_fixtures import channel_config, config_block
from .scripted_peer import ScriptedPeer




@pytest.fixture
def fabric(fake_fabric, docker) -> FabricInstall:
    """The placeholder Fabric install: its base core.yaml is what the `peer` CLI is given. Docker, which `status`
    asks of the chaincode server's container, is the scripted one (which says nothing of it: health unknown)."""
    return FabricInstall.locate()


def scripted(fabric, hosts, **kwargs) -> ScriptedPeer:
    return ScriptedPeer(hosts, fabric=fabric, **kwargs)


def as_bundled(root: Path, relative: str, data: bytes | None) -> None:
    """The bundle as `recfin org bundle` would have written it from a data folder holding ``data`` at
    ``relative`` (None: not holding it): the file and bundle.json's record of it, not a file changed since."""
    manifest = json.loads((root / bundle.MANIFEST).read_text())
    manifest[bundle.DIGESTS].pop(relative, None)
    if data is None:
        (root / relative).unlink()
        manifest["files"].remove(relative)
    else:
        (root / relative).write_bytes(data)
        manifest[bundle.DIGESTS][relative] = bundle.file_digest(root / relative)
    (root / bundle.MANIFEST).write_text(json.dumps(manifest))


# ---- opening a bundle -----------------------------------------------------------------

def test_the_bundle_records_the_network_it_was_made_for(unpacked, hosts):
    host = BundleHost.open(unpacked)
    assert (host.org, host.msp_id) == ("supplier", "SupplierMSP")
    assert host.topology.addressing == "hostnames"
    assert [o.msp_id for o in host.topology.orgs] == [o.msp_id for o in hosts.orgs]
    assert host.chaincode_version == contract_config.definition_version(hosts)
    assert "data_root" not in yaml.safe_load((unpacked / bundle.TOPOLOGY_FILE).read_text())
    assert bundle.TOPOLOGY_FILE in json.loads((unpacked / bundle.MANIFEST).read_text())["files"]


def test_a_folder_that_is_not_a_bundle_is_refused(tmp_path):
    with pytest.raises(NetworkError, match="holds no bundle.json: point --bundle at the folder"):
        BundleHost.open(tmp_path)


def test_a_bundle_from_before_topology_yaml_says_to_write_it_again(unpacked):
    (unpacked / bundle.TOPOLOGY_FILE).unlink()
    with pytest.raises(NetworkError, match=r"has no topology.yaml .*`recfin org bundle supplier`"):
        BundleHost.open(unpacked)


def test_an_edited_topology_is_refused_rather_than_approving_another_definition(unpacked):
    path = unpacked / bundle.TOPOLOGY_FILE
    doc = yaml.safe_load(path.read_text())
    doc["contract"] = {**doc.get("contract", {}), "max_payment_term_days": 90}
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(NetworkError, match="does not match bundle.json"):
        BundleHost.open(unpacked)


@pytest.mark.parametrize("data, why", [
    (b"orgs: 2026-02-30\n", r"cannot read the value 2026-02-30 at line 1, column 7 \(day is out of range for month\)"),
    (b"name: \xff\xfe\n", r"not UTF-8 text"),
    (b"[" * 100_000, r"nested too deeply to be a topology"),
    (b'name: !!int ""\n', r"the tag !!int at line 1, column 7: tags are not read in a topology"),
    (b"name: &n recfin\n", r"the anchor &n at line 1, column 7: anchors and aliases"),
])
def test_a_topology_that_cannot_be_loaded_is_refused_saying_why(unpacked, data, why):
    (unpacked / bundle.TOPOLOGY_FILE).write_bytes(data)
    with pytest.raises(NetworkError, match=rf"topology.yaml is not this bundle's network \({why}.*\): .*`recfin org "
                                           rf"bundle supplier`"):
        BundleHost.open(unpacked)


def test_a_manifest_without_the_package_id_is_refused(unpacked):
    path = unpacked / bundle.MANIFEST
    doc = json.loads(path.read_text())
    del doc["package_id"]
    path.write_text(json.dumps(doc))
    with pytest.raises(NetworkError, match="lacks package_id"):
        BundleHost.open(unpacked)


@pytest.mark.parametrize("field, value, refusal", [
    ("org", None, r"has a bad org \(None, not a non-empty string\): .*`recfin org bundle ORG`"),
    ("msp_id", 5, r"has a bad msp_id \(5, not a non-empty string\): .*`recfin org bundle supplier`"),
    ("install_root", ["/var/recfin"], r"has a bad install_root \(\['/var/recfin'\], not a non-empty string\)"),
    ("package_id", "", r"has a bad package_id \('', not a non-empty string or null\)"),
    ("missing", {"a": 1}, r"has a bad missing \(\{'a': 1\}, not a list of strings\)"),
    ("files", None, r"has a bad files \(None, not a list of strings\)"),
])
def test_a_manifest_field_of_the_wrong_shape_is_named(unpacked, field, value, refusal):
    path = unpacked / bundle.MANIFEST
    path.write_text(json.dumps({**json.loads(path.read_text()), field: value}))
    with pytest.raises(NetworkError, match=refusal):
        BundleHost.open(unpacked)


def test_a_manifest_msp_id_other_than_its_topologys_is_refused_naming_both(unpacked):
    """The peer CLI acts as the topology's MSP ID; the manifest's would be shown and looked up among
    approvals."""
    path = unpacked / bundle.MANIFEST
    path.write_text(json.dumps({**json.loads(path.read_text()), "msp_id": "BankMSP"}))
    with pytest.raises(NetworkError, match=r"bundle.json gives supplier the MSP ID 'BankMSP', but its "
                                           r"topology.yaml gives 'SupplierMSP' \(was either edited\?\): "
                                           r".*write it again with `recfin org bundle supplier`"):
        BundleHost.open(unpacked)


@pytest.mark.parametrize("text, why", [("[1]", r"a JSON list, not an object"),
                                       # deeper than the JSON parser's stack: a RecursionError, not a crash
                                       ('{"org": ' * 100_000, r"JSON nested too deeply to be a manifest")])
def test_a_manifest_that_is_not_a_json_object_is_refused(unpacked, text, why):
    (unpacked / bundle.MANIFEST).write_text(text)
    with pytest.raises(NetworkError, match=rf"cannot be read as a bundle manifest \({why}\)"):
        BundleHost.open(unpacked)


# ---- join ---------------------------------------------------------------------------------

def test_join_runs_peer_channel_join_as_the_bundles_admin_against_its_own_peer(unpacked, fabric, hosts):
    peer = scripted(fabric, hosts)
    joined = HostOperations(BundleHost.open(unpacked), peer).join()
    assert joined == {"peer0.supplier": True}
    (_, _, list_args, _), (_, _, join_args, join_env) = peer.calls
    assert list_args == ["channel", "list"]
    assert join_args == ["channel", "join", "-b", str(unpacked / "channel" / "receivables.block")]
    supplier = hosts.peers("supplier")[0]
    assert join_env["CORE_PEER_ADDRESS"] == f"{supplier.hostname}:{supplier.ports['port']}"
    assert join_env["CORE_PEER_LOCALMSPID"] == "SupplierMSP"
    assert Path(join_env["CORE_PEER_MSPCONFIGPATH"]).is_relative_to(unpacked / "crypto" / "supplier" / "users")
    assert Path(join_env["CORE_PEER_TLS_ROOTCERT_FILE"]) == unpacked / "crypto/supplier/tlsca/tlsca.pem"
    # The CLI's client settings: the Fabric install's base core.yaml, where the shared calls look.
    config = Path(join_env["FABRIC_CFG_PATH"])
    assert (config / "core.yaml").read_text() == (fabric.config_dir / "core.yaml").read_text()


def test_a_bundle_named_from_its_parent_folder_reaches_the_peer_cli_as_absolute_paths(unpacked, fabric, hosts,
                                                                                      monkeypatch):
    # the peer CLI reads a relative MSP or TLS path against FABRIC_CFG_PATH's folder: `--bundle supplier`
    # given from the folder holding it must not reach it as given
    monkeypatch.chdir(unpacked.parent)
    peer = scripted(fabric, hosts)
    HostOperations(BundleHost.open(unpacked.name), peer).join()
    assert peer.calls                          # the join reached the peer CLI: each of its calls is checked below
    for _, _, _, env in peer.calls:
        for key in ("CORE_PEER_MSPCONFIGPATH", "CORE_PEER_TLS_ROOTCERT_FILE", "FABRIC_CFG_PATH"):
            assert Path(env[key]).is_absolute() and Path(env[key]).exists(), (key, env[key])


def test_join_again_changes_nothing(unpacked, fabric, hosts):
    supplier = hosts.peers("supplier")[0]
    peer = scripted(fabric, hosts, joined={f"{supplier.hostname}:{supplier.ports['port']}"})
    assert HostOperations(BundleHost.open(unpacked), peer).join() == {"peer0.supplier": False}
    assert peer.verbs() == ["channel list"]


def test_join_without_the_genesis_block_says_where_it_comes_from(unpacked, fabric, hosts):
    as_bundled(unpacked, "channel/receivables.block", None)       # written before the block existed
    peer = scripted(fabric, hosts)
    with pytest.raises(NetworkError, match=r"receivables.block is missing.*recfin network prepare --hostnames"):
        HostOperations(BundleHost.open(unpacked), peer).join()
    assert peer.calls == []


# ---- approve and commit -------------------------------------------------------------------

def test_first_approval_installs_the_package_and_approves_sequence_one(unpacked, fabric, hosts):
    peer = scripted(fabric, hosts)
    host = BundleHost.open(unpacked)
    approval = HostOperations(host, peer).approve()
    assert (approval.sequence, approval.committed, approval.approved_now) == (1, False, True)
    assert approval.approvals["SupplierMSP"] and not approval.approvals["BankMSP"]
    assert host.package_id in peer.installed["SupplierMSP"]
    approve_args = next(args for verb, _, args, _ in peer.calls if verb == "approveformyorg")
    flag = {approve_args[i]: approve_args[i + 1] for i in range(3, len(approve_args) - 1) if approve_args[i].startswith("-")}
    assert flag["--package-id"] == host.package_id
    assert flag["--version"] == host.chaincode_version and flag["--sequence"] == "1"
    assert flag["--signature-policy"] == contract_config.endorsement_policy(hosts)
    assert flag["--collections-config"] == str(unpacked / "chaincode/receivables/collections_config.json")
    orderer = hosts.orderers()[0]
    assert flag["-o"] == f"{orderer.hostname}:{orderer.ports['port']}"
    assert flag["--cafile"] == str(unpacked / "crypto/orderer/tlsca/tlsca.pem")


def test_approving_again_installs_and_approves_nothing(unpacked, fabric, hosts):
    peer = scripted(fabric, hosts, approved={"SupplierMSP"})
    host = BundleHost.open(unpacked)
    peer.installed["SupplierMSP"].add(host.package_id)
    peer.approved_packages = {("SupplierMSP", 1): host.package_id}
    approval = HostOperations(host, peer).approve()
    assert not approval.approved_now
    assert "install" not in peer.verbs() and "approveformyorg" not in peer.verbs()


@pytest.mark.parametrize("committed", [False, True])
def test_an_approval_of_an_earlier_bundles_package_is_made_again_with_this_ones(unpacked, fabric, hosts,
                                                                              committed):
    """The org approved this definition with the package of a bundle written before (its server moved, its
    keys adopted since): the approval is made again with this bundle's package, which its chaincode server
    registers as, at the same sequence, pending or committed."""
    host = BundleHost.open(unpacked)
    held = {"sequence": 1, "version": host.chaincode_version,
            "approvals": {o.msp_id: True for o in hosts.orgs}}
    peer = scripted(fabric, hosts, approved={"SupplierMSP"}, committed=held if committed else None)
    peer.installed["SupplierMSP"].add(host.package_id)
    peer.approved_packages = {("SupplierMSP", 1): "receivables_earlier:" + "0" * 64}
    approval = HostOperations(host, peer).approve()
    assert (approval.sequence, approval.approved_now) == (1, True)
    assert peer.approved_packages[("SupplierMSP", 1)] == host.package_id


def test_a_late_org_approves_the_committed_definition_at_its_sequence(unpacked, fabric, hosts):
    host = BundleHost.open(unpacked)
    committed = {"sequence": 3, "version": host.chaincode_version,
                 "approvals": {o.msp_id: o.msp_id != "SupplierMSP" for o in hosts.orgs}}
    peer = scripted(fabric, hosts, committed=committed)
    approval = HostOperations(host, peer).approve()
    assert (approval.sequence, approval.committed, approval.approved_now) == (3, True, True)
    assert approval.approvals["SupplierMSP"]
    assert "checkcommitreadiness" not in peer.verbs()   # a committed sequence has no readiness


def test_a_new_version_is_approved_at_the_next_sequence(unpacked, fabric, hosts):
    committed = {"sequence": 2, "version": "0.9+cfg.000000000000", "approvals": {}}
    peer = scripted(fabric, hosts, committed=committed)
    approval = HostOperations(BundleHost.open(unpacked), peer).approve()
    assert (approval.sequence, approval.committed) == (3, False)


def test_commit_names_the_orgs_that_have_not_approved_and_commits_nothing(unpacked, fabric, hosts):
    peer = scripted(fabric, hosts, approved={"SupplierMSP", "BankMSP"})
    with pytest.raises(ChaincodeError, match=r"lacks approvals from CoreEnterpriseMSP, RegulatorMSP: they approved nothing for it yet, or "
                       r"another version, endorsement policy or collections.*recfin host approve"):
        HostOperations(BundleHost.open(unpacked), peer).commit()
    assert "commit" not in peer.verbs()


def test_commit_collects_every_orgs_peer_by_hostname_with_the_tls_cas_in_the_bundle(unpacked, fabric, hosts):
    peer = scripted(fabric, hosts, approved={o.msp_id for o in hosts.orgs})
    assert HostOperations(BundleHost.open(unpacked), peer).commit() == 1
    args = next(args for verb, _, args, _ in peer.calls if verb == "commit")
    pairs = [(args[i + 1], args[i + 3]) for i, a in enumerate(args) if a == "--peerAddresses"]
    assert pairs == [(f"{n.hostname}:{n.ports['port']}", str(unpacked / "crypto" / o.name / "tlsca" / "tlsca.pem"))
                     for o in hosts.orgs for n in hosts.peers(o.name)[:1]]
    assert all(Path(tls).is_file() for _, tls in pairs)


def test_commit_of_what_is_already_committed_is_refused(unpacked, fabric, hosts):
    host = BundleHost.open(unpacked)
    peer = scripted(fabric, hosts, committed={"sequence": 1, "version": host.chaincode_version, "approvals": {}})
    with pytest.raises(ChaincodeError, match="already committed at sequence 1"):
        HostOperations(host, peer).commit()


# ---- status and the CLI ------------------------------------------------------------------

def test_status_reports_a_peer_that_cannot_be_reached_instead_of_failing(unpacked, fabric, hosts):
    class Unreachable(ScriptedPeer):
        def run(self, tool, args, env=None, *, check=True, cwd=None):
            raise ToolError("peer channel list failed: connection refused")

    report = HostOperations(BundleHost.open(unpacked), Unreachable(hosts, fabric=fabric)).status()
    assert report["peers"][0]["joined"] is None and "connection refused" in report["peers"][0]["error"]
    assert report["installed"] is None and report["committed"] is None


def test_status_of_a_joined_peer_with_the_definition_committed(unpacked, fabric, hosts):
    host = BundleHost.open(unpacked)
    supplier = hosts.peers("supplier")[0]
    peer = scripted(fabric, hosts, joined={f"{supplier.hostname}:{supplier.ports['port']}"},
                    committed={"sequence": 1, "version": host.chaincode_version, "approvals": {"SupplierMSP": True}})
    peer.installed["SupplierMSP"].add(host.package_id)
    report = HostOperations(host, peer).status()
    assert report["peers"][0]["joined"] is True and report["installed"] is True
    assert report["committed"] == {"version": host.chaincode_version, "sequence": 1, "approved_by_us": True,
                                   "is_bundle_version": True}


def test_status_of_a_peer_up_but_not_joined_asks_it_for_the_installed_package(unpacked, fabric, hosts):
    """queryinstalled asks the peer, not the channel: the package an earlier approve installed is reported so
    before the peer joins; the committed definition is not asked of a peer outside the channel."""
    host = BundleHost.open(unpacked)
    peer = scripted(fabric, hosts)
    peer.installed["SupplierMSP"].add(host.package_id)
    report = HostOperations(host, peer).status()
    assert (report["peers"][0]["joined"], report["peers"][0]["error"]) == (False, None)
    assert report["installed"] is True and report["committed"] is None
    assert "querycommitted" not in peer.verbs()


def _status_lines(unpacked, *options) -> list[str]:
    """The lines of `host status` of a peer that has not joined or does not answer (exit 1: test_host_status_exit)."""
    result = CliRunner().invoke(main, ["host", "status", "--bundle", str(unpacked), *options])
    assert result.exit_code == 1, result.output
    return result.stdout.splitlines()


def test_the_cli_status_of_a_peer_not_joined_says_installed_and_the_definition_unknown(unpacked, cli_peer):
    package_id = BundleHost.open(unpacked).package_id
    cli_peer.installed["SupplierMSP"].add(package_id)
    assert _status_lines(unpacked)[-3:-1] == [     # then the chaincode server's line
        f"package {package_id}: installed",
        "receivables: committed definition unknown "
        "(peer0.supplier has not joined receivables: `recfin host join`)"]


def test_the_cli_status_of_an_unreachable_peer_says_unknown_not_not_installed(
        unpacked, cli_peer, monkeypatch):
    def refuse(*args, **kwargs):
        raise ToolError("peer channel list failed: connection refused")

    monkeypatch.setattr(cli_peer, "run", refuse)
    package_id = BundleHost.open(unpacked).package_id
    assert _status_lines(unpacked)[-3:-1] == [     # then the chaincode server's line
        f"package {package_id}: unknown (peer0.supplier did not answer: see its error above)",
        "receivables: committed definition unknown (peer0.supplier did not answer: see its error above)"]
    report = json.loads("\n".join(_status_lines(unpacked, "--json")))
    assert (report["installed"], report["committed"]) == (None, None)


def test_the_cli_refuses_a_folder_that_is_not_a_bundle_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["host", "join", "--bundle", str(tmp_path)])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path} holds no bundle.json: point --bundle at the folder `recfin org bundle ORG` wrote, "
        f"as unpacked on this host"]


def test_the_cli_says_when_the_peer_cli_is_not_installed(unpacked, tmp_path, monkeypatch):
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(tmp_path / "no-fabric"))
    result = CliRunner().invoke(main, ["host", "approve", "--bundle", str(unpacked)])
    assert result.exit_code != 0 and "peer not found" in result.output


@pytest.fixture
def cli_peer(monkeypatch, fabric, hosts):
    """The CLI on the placeholder Fabric install, its `peer` runner replaced by the scripted channel."""
    peer = scripted(fabric, hosts)
    monkeypatch.setattr("cli.host_commands.Tools", lambda fabric, timeout: peer)
    return peer


def test_approve_commit_with_approvals_missing_approves_names_who_is_left_and_exits_0(unpacked, cli_peer, hosts):
    result = CliRunner().invoke(main, ["host", "approve", "--bundle", str(unpacked), "--commit", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["approved_now"], out["committed_now"]) == (True, False)
    assert out["waiting_for"] == ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP"]
    assert "commit" not in cli_peer.verbs() and cli_peer.committed is None
    assert "not committed yet: waiting for BankMSP, CoreEnterpriseMSP, RegulatorMSP to approve" in result.stderr


def test_the_cli_joins_approves_and_commits_printing_what_a_script_needs(unpacked, cli_peer, hosts):
    run = CliRunner().invoke
    joined = run(main, ["host", "join", "--bundle", str(unpacked), "--json"])
    assert joined.exit_code == 0, joined.output
    assert json.loads(joined.stdout) == [{"peer": "peer0.supplier", "channel": "receivables", "joined_now": True}]

    approved = run(main, ["host", "approve", "--bundle", str(unpacked), "--json"])
    assert approved.exit_code == 0, approved.output
    result = json.loads(approved.stdout)
    assert (result["sequence"], result["approved_now"], result["already_committed"]) == (1, True, False)
    assert result["waiting_for"] == ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP"]

    refused = run(main, ["host", "commit", "--bundle", str(unpacked)])
    assert refused.exit_code != 0 and "lacks approvals from BankMSP, CoreEnterpriseMSP, RegulatorMSP" in refused.output
    cli_peer.approved |= {o.msp_id for o in hosts.orgs}
    committed = run(main, ["host", "approve", "--bundle", str(unpacked), "--commit", "--json"])
    assert committed.exit_code == 0, committed.output
    assert json.loads(committed.stdout)["committed_now"] is True and cli_peer.committed["sequence"] == 1

    status = run(main, ["host", "status", "--bundle", str(unpacked)])
    assert status.exit_code == 0, status.output
    assert "package" in status.output and "installed" in status.output
    assert f"version {BundleHost.open(unpacked).chaincode_version} sequence 1 committed" in status.output


def test_a_late_orgs_approval_refused_as_different_from_the_definition_in_force_names_the_difference(
        unpacked, fabric, hosts):
    """The definition in force has the bundle's version but another endorsement policy (given at its deploy):
    the channel refuses the approval, and the refusal says which parameter differs and how to put it right,
    not the peer CLI's last line."""
    host = BundleHost.open(unpacked)
    in_force = "OR('BankMSP.peer')"
    parameter = policy_pb2.ApplicationPolicy(signature_policy=signature_policy(in_force)).SerializeToString()
    committed = {"sequence": 3, "version": host.chaincode_version,
                 "validation_parameter": base64.b64encode(parameter).decode(),
                 "approvals": {o.msp_id: o.msp_id != "SupplierMSP" for o in hosts.orgs}}
    peer = scripted(fabric, hosts, committed=committed)
    peer.committed_parameters = (host.chaincode_version, in_force, None)
    with pytest.raises(ChaincodeError) as refused:
        HostOperations(host, peer).approve()
    text = str(refused.value)
    assert f"refused SupplierMSP's approval of receivables {host.chaincode_version} sequence 3" in text
    assert "its endorsement policy is OR('BankMSP.peer') where this bundle's is " in text
    assert "write the bundle again (`recfin org bundle supplier`)" in text
    assert "approvals" in committed and not committed["approvals"]["SupplierMSP"]


# ---- the bundle's files, checked before any `peer` call; a second commit ------------------------

REWRITE = r"ask the network's operator to write it again with `recfin org bundle supplier`"


def _package(root):
    return next((root / "chaincode/receivables/supplier").glob("*.tar.gz"))


def test_a_changed_package_is_refused_before_it_is_installed(unpacked):
    package = _package(unpacked)
    package.write_bytes(package.read_bytes() + b"\0")
    refusal = rf"{re.escape(package.name)} is not the package receivables_.*: it was changed or comes from"
    with pytest.raises(NetworkError, match=rf"{refusal} another bundle; {REWRITE}"):
        BundleHost.open(unpacked)


def test_a_chaincode_env_naming_another_package_is_refused(unpacked):
    env_file = unpacked / "chaincode/receivables/supplier/chaincode.env"
    env_file.write_text("CHAINCODE_ID=receivables_old:" + "0" * 64 + "\n")
    with pytest.raises(NetworkError, match=rf"chaincode.env does not name the ID of .*register as another "
                                           rf"package: {REWRITE}"):
        BundleHost.open(unpacked)


@pytest.mark.parametrize("missing", [
    "crypto/supplier/users/admin@supplier.recfin.local/msp/signcerts/cert.pem",
    "crypto/orderer/tlsca/tlsca.pem", "crypto/bank/tlsca/tlsca.pem"])
def test_a_file_the_peer_cli_reads_is_named_when_missing(unpacked, missing):
    (unpacked / missing).unlink()
    with pytest.raises(NetworkError, match=rf"{missing} is missing from the bundle, and the `peer` CLI reads "
                                           rf"it: {REWRITE}"):
        BundleHost.open(unpacked)


def test_the_genesis_block_of_another_channel_is_refused_before_joining(unpacked, fabric, hosts):
    block = config_block(channel_config(hosts, unpacked), "otherchannel")
    as_bundled(unpacked, "channel/receivables.block", block.SerializeToString())
    peer = scripted(fabric, hosts)
    with pytest.raises(NetworkError, match=rf"receivables.block is the genesis block of channel "
                                           rf"'otherchannel', not of 'receivables'.*{REWRITE}"):
        HostOperations(BundleHost.open(unpacked), peer).join()
    assert peer.calls == []


def test_the_genesis_block_of_the_channel_is_joined(unpacked, fabric, hosts):
    block = config_block(channel_config(hosts, unpacked), "receivables")
    as_bundled(unpacked, "channel/receivables.block", block.SerializeToString())
    peer = scripted(fabric, hosts)
    assert HostOperations(BundleHost.open(unpacked), peer).join() == {"peer0.supplier": True}


def test_host_commit_run_again_once_committed_commits_nothing_and_exits_0(unpacked, cli_peer, hosts):
    cli_peer.approved |= {o.msp_id for o in hosts.orgs}
    first = CliRunner().invoke(main, ["host", "commit", "--bundle", str(unpacked), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["committed_now"] is True

    again = CliRunner().invoke(main, ["host", "commit", "--bundle", str(unpacked), "--json"])
    assert again.exit_code == 0, again.output
    out = json.loads(again.stdout)
    assert (out["sequence"], out["committed_now"]) == (1, False)
    assert cli_peer.verbs().count("commit") == 1
    assert "committed already, at sequence 1: nothing to commit" in again.stderr


def test_status_reads_a_peers_height_where_the_bundle_publishes_its_operations_port(unpacked, fabric, hosts,
                                                                                    monkeypatch):
    """The bundle's compose publishes each peer's operations port on the host's loopback alone (it serves without
    TLS, its /logspec writable): its metrics are asked there, not at the peer's hostname, where nothing answers."""
    from network import compose, probes

    host = BundleHost.open(unpacked)
    supplier = hosts.peers("supplier")[0]
    published = f"127.0.0.1:{supplier.ports['operations_port']}"
    assert f"{published}:{supplier.ports['operations_port']}" in compose.published_ports(supplier)
    asked = []

    def metrics_at(address, timeout=2.0):
        asked.append(address)
        return probes.parse_metrics(f'ledger_blockchain_height{{channel="{hosts.channel}"}} 42\n') \
            if address == published else None
    monkeypatch.setattr(probes, "fetch_metrics", metrics_at)
    peer = scripted(fabric, hosts, joined={f"{supplier.hostname}:{supplier.ports['port']}"})
    report = HostOperations(host, peer).status()
    assert asked == [published]
    assert report["peers"][0]["height"] == 42
