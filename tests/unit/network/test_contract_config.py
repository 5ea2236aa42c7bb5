"""The contract's network configuration, derived from the topology the channel has now, and what follows
from it: the files every chaincode server reads, the definition's version, collections and policy, and the
new definition `recfin org add|remove` deploy."""
from __future__ import annotations

import base64
import dataclasses
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from fabric_protos.peer import policy_pb2

from chaincode.feature_contract import feature_collections_json
from chaincode.receivables import config as contract
from network import Network, ccservers, contract_config, crypto, membership, org_definition
from network.errors import ChaincodeError, ToolError, TopologyError
from network.fabric_bin import FabricInstall, REPO_ROOT
from network.org_change import OrgChangeError
from network.org_membership import OrgMembership
from network.tools import Result
from network.topology import load as load_topology
from network.topology import parse

from .test_deploy import RecordingSupervisor, ScriptedPeer, verbs

CODE = "91110000MA1K00007E"
SHIPPED_COLLECTIONS = REPO_ROOT / "chaincode" / "receivables" / "collections_config.json"
BANK2_PAIR = "terms-SupplierMSP-Bank2MSP"


def doc_of(topology) -> dict:
    return topology.model_dump(mode="json", exclude_none=True)


def with_bank2(topology):
    return membership.with_orgs(topology, [*topology.orgs, membership.new_org_spec(topology, "bank2", "bank", CODE)])


# ---- the derivation ---------------------------------------------------------------------------
def test_the_default_topology_gives_the_default_configuration_and_the_shipped_collections(topology):
    assert contract_config.network_config(topology) == contract.DEFAULT_CONFIG
    assert contract_config.derived_collections(topology) == json.loads(SHIPPED_COLLECTIONS.read_text()), \
        "chaincode/receivables/collections_config.json is stale: regenerate it from the default topology"
    assert contract_config.endorsement_policy(topology) == (
        "OutOf(2, 'BankMSP.peer', 'CoreEnterpriseMSP.peer', 'RegulatorMSP.peer', 'SupplierMSP.peer')")
    assert contract_config.definition_version(topology) == f"1.0+cfg.{contract.digest(contract.DEFAULT_CONFIG)[:12]}"


def test_an_added_bank_gets_its_role_its_collection_and_a_place_in_the_policy(topology, tmp_path):
    membership.record_added(tmp_path, membership.new_org_spec(topology, "bank2", "bank", CODE))
    effective = membership.effective(topology, tmp_path)
    cfg = contract_config.network_config(effective)
    assert cfg.org_roles["Bank2MSP"] == ("financier",)
    assert cfg.msps_with_role("financier") == ["Bank2MSP", "BankMSP"]
    assert BANK2_PAIR in {c["name"] for c in contract_config.derived_collections(effective)}
    assert "'Bank2MSP.peer'" in contract_config.endorsement_policy(effective)
    assert contract_config.definition_version(effective) != contract_config.definition_version(topology)


def test_the_contract_block_sets_the_contract_rules(topology):
    doc = doc_of(topology) | {"contract": {"require_attestation": True, "attestation_sources": ["reference-tax"],
                                           "max_payment_term_days": 180, "attesting_roles": ["financier"]}}
    cfg = contract_config.network_config(parse(doc))
    assert (cfg.require_attestation, cfg.attestation_sources, cfg.max_payment_term_days, cfg.attesting_roles) == \
        (True, ("reference-tax",), 180, ("financier",))
    assert cfg.org_roles == contract.DEFAULT_CONFIG.org_roles


@pytest.mark.parametrize("contract_block, message", [
    ({"attesting_roles": ["auditor"]}, "topology.yaml: contract.attesting_roles: attesting_roles: auditor is not one of"),
    ({"attesting_roles": ["financier", "regulator"]},
     "topology.yaml: contract.attesting_roles: regulator may not attest: the regulator reads everything but changes "
     "only freeze state"),
    ({"max_payment_term_days": 0}, "topology.yaml: contract.max_payment_term_days: 0 days: a claim may fall due at most"),
    ({"require_attestations": True}, "topology.yaml: contract.require_attestations: Extra inputs are not permitted"),
])
def test_a_bad_contract_block_is_reported_by_field(topology, contract_block, message):
    with pytest.raises(TopologyError, match=message):
        parse(doc_of(topology) | {"contract": contract_block})


# ---- each org's role ----------------------------------------------------------------------------
def test_every_org_of_the_topology_file_states_its_role(topology):
    assert [(o.name, o.role) for o in topology.orgs] == [
        ("coreenterprise", "core_enterprise"), ("supplier", "supplier"), ("bank", "financier"),
        ("regulator", "regulator")]


def test_an_org_without_role_takes_it_from_its_users_recfin_role(topology):
    doc = doc_of(topology)
    del doc["orgs"][2]["role"]
    assert parse(doc).org("bank").role == "financier"


@pytest.mark.parametrize("role, users, message", [
    ("supplier", None, r"orgs\[2\]: role is supplier, but user officer1's recfin.role financier"),
    (None, [{"name": "a"}, {"name": "b"}], r"orgs\[2\]: role: give what the org's parties are"),
    ("lender", None, r"orgs\[2\].role: Input should be 'core_enterprise', 'supplier', 'financier' or 'regulator'"),
])
def test_a_missing_unknown_or_contradicted_role_is_named(topology, role, users, message):
    doc = doc_of(topology)
    bank = doc["orgs"][2]
    bank.pop("role")
    if role:
        bank["role"] = role
    if users:
        bank["users"] = users
    with pytest.raises(TopologyError, match=message):
        parse(doc)


@pytest.mark.parametrize("role, add_role", [("core_enterprise", "core-enterprise"), ("supplier", "supplier"),
                                            ("financier", "bank"), ("regulator", "regulator")])
def test_no_configuration_is_derived_while_a_role_has_no_org(topology, tmp_path, role, add_role):
    """Without a regulator org, say, nothing could be frozen and UpgradeLedger, which the regulator org's admin
    runs, could never run. The topology still loads (`recfin org add` loads it to add the org); what is refused is
    the configuration every deploy, compose file and bundle derives from it, naming the role and its remedy."""
    doc = doc_of(topology)
    doc["orgs"] = [o for o in doc["orgs"] if o["role"] != role]
    path = tmp_path / "topology.yaml"
    path.write_text(json.dumps(doc))
    roleless = load_topology(path)
    for derive in (contract_config.network_config, contract_config.definition_version,
                   contract_config.endorsement_policy, lambda t: contract_config.write(t, tmp_path / "out")):
        with pytest.raises(ChaincodeError) as refused:
            derive(roleless)
        assert str(refused.value).startswith(f"no org of the network holds the role {role}, which the receivables "
                                             f"contract needs (")
        assert f"add one with `recfin org add NAME --role {add_role}`" in str(refused.value)
    assert not (tmp_path / "out").exists()
    enterprise = None if role == "regulator" else "91110000MA1K00007E"
    added = membership.new_org_spec(roleless, "newcomer", add_role, enterprise)      # as `recfin org add` adds it
    grown = membership.with_orgs(roleless, [*roleless.orgs, added])
    assert contract_config.network_config(grown).msps_with_role(role) == ["NewcomerMSP"]


# ---- the files ------------------------------------------------------------------------------------
def test_the_written_files_are_what_the_servers_and_the_approval_read(topology, tmp_path):
    files = contract_config.write(topology, tmp_path)
    assert files.config_file == tmp_path / "chaincode" / "receivables" / "network_config.json"
    assert contract.load_config({contract.CONFIG_ENV: str(files.config_file)}) == contract.DEFAULT_CONFIG
    assert json.loads(files.collections_file.read_text()) == json.loads(SHIPPED_COLLECTIONS.read_text())
    assert files.version == contract_config.definition_version(topology)


def test_a_collection_once_written_stays_after_its_org_leaves(topology, tmp_path):
    contract_config.write_collections(with_bank2(topology), tmp_path)
    path = contract_config.write_collections(topology, tmp_path)         # bank2 gone again
    names = [c["name"] for c in json.loads(path.read_text())]
    assert names == ["terms-SupplierMSP-BankMSP", BANK2_PAIR]
    assert "Bank2MSP" not in contract_config.network_config(topology).org_roles


def test_report_compares_the_configuration_with_what_is_deployed(topology, tmp_path):
    assert contract_config.report(topology, tmp_path)["deployed"] is False
    ccservers.save_deployment(tmp_path, ccservers.Deployment(          # what a plain deploy records
        "receivables", contract_config.definition_version(topology), 1, topology.chaincode.contract,
        contract_config.endorsement_policy(topology), contract_config.collections_sha256(topology, tmp_path), 0, {},
        contract_config.digest(topology)))
    report = contract_config.report(topology, tmp_path, {"version": contract_config.definition_version(topology),
                                                         "sequence": 1, "approvals": {"BankMSP": True}})
    assert report["deployed"] and report["committed"] and report["approvals"] == {"BankMSP": True}
    assert contract_config.report(with_bank2(topology), tmp_path)["deployed"] is False


# ---- org add and remove deploy a new definition ---------------------------------------------------
def deployed_on(topology, data_root):
    """The default topology's chaincode deployed in data_root on a scripted peer CLI, then bank2's crypto."""
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    net.tools = ScriptedPeer(topology)
    net.deploy_chaincode()
    crypto.generate(with_bank2(topology), data_root)
    return net


@pytest.fixture
def deployed(topology, data_root, fake_fabric):
    """deployed_on the test's data folder."""
    return deployed_on(topology, data_root)


def bank2_recorded(net, data_root, topology):
    """bank2 as `org add` leaves it before the chaincode step: recorded, in the topology, its peer answering."""
    spec = membership.new_org_spec(topology, "bank2", "bank", CODE)
    membership.record_added(data_root, spec)
    before, net.topology = net.topology, membership.effective(topology, data_root)
    net.tools.orgs.append("Bank2MSP")
    net.tools.installed["Bank2MSP"] = set()
    return spec, before


def test_adding_a_bank_deploys_a_definition_whose_configuration_names_it(deployed, data_root, topology):
    net, peer = deployed, deployed.tools
    spec, before = bank2_recorded(net, data_root, topology)
    net.supervisor.started.clear()
    OrgMembership(net)._join_chaincode(spec, before)

    assert peer.committed["sequence"] == 2 and peer.committed["version"] == contract_config.definition_version(net.topology)
    cfg = contract.read_config(contract_config.config_path(data_root, "receivables"))
    assert cfg.org_roles["Bank2MSP"] == ("financier",)
    approval = verbs(peer, "approveformyorg")[-1][2]
    collections = json.loads(open(approval[approval.index("--collections-config") + 1]).read())
    assert BANK2_PAIR in {c["name"] for c in collections}
    assert "'Bank2MSP.peer'" in approval[approval.index("--signature-policy") + 1]
    # every org's server, the new bank's included, restarted with the new configuration
    assert sorted(s.name for s in net.supervisor.started) == sorted(f"receivables.{o.name}" for o in net.topology.orgs)
    assert all(contract.load_config(s.env) == cfg for s in net.supervisor.started)
    dep = ccservers.load_deployment(data_root, "receivables")
    assert set(dep.package_ids) == {o.msp_id for o in net.topology.orgs}


FEATURES = "chaincode.feature_contract:FeatureContract"


def deploy_features(net, tmp_path, collections_text: str) -> None:
    """A second chaincode with its own collections, given from a folder that is gone afterwards (a test's)."""
    given = tmp_path / "given" / "collections.json"
    given.parent.mkdir()
    given.write_text(collections_text)
    net.deploy_chaincode(name="features", contract=FEATURES, version="1.0", collections_config=given)
    shutil.rmtree(given.parent)


def feature_approvals(peer, msp_id):
    return [args for _, msp, args in verbs(peer, "approveformyorg")
            if msp == msp_id and args[args.index("--name") + 1] == "features"]


def test_a_new_org_approves_another_chaincode_with_the_collections_it_was_committed_with(
        deployed, data_root, topology, tmp_path):
    net, peer = deployed, deployed.tools
    deploy_features(net, tmp_path, feature_collections_json())
    spec, before = bank2_recorded(net, data_root, topology)
    OrgMembership(net)._join_chaincode(spec, before)

    [approval] = feature_approvals(peer, "Bank2MSP")
    assert int(approval[approval.index("--sequence") + 1]) == peer.others["features"].committed["sequence"] == 1
    assert open(approval[approval.index("--collections-config") + 1]).read() == feature_collections_json()
    assert peer.others["features"].committed["approvals"]["Bank2MSP"] is True
    assert "Bank2MSP" in ccservers.load_deployment(data_root, "features").package_ids
    assert peer.committed["sequence"] == 2          # the topology's chaincode: a new definition naming bank2


def test_the_kept_collections_follow_the_committed_definition(deployed, data_root, topology, tmp_path):
    net, peer = deployed, deployed.tools
    deploy_features(net, tmp_path, feature_collections_json())
    narrower = feature_collections_json(("BankMSP", "SupplierMSP"))
    deploy_features(net, tmp_path, narrower)        # an upgrade: sequence 2 with other collections
    spec, before = bank2_recorded(net, data_root, topology)
    OrgMembership(net)._join_chaincode(spec, before)

    [approval] = feature_approvals(peer, "Bank2MSP")
    assert int(approval[approval.index("--sequence") + 1]) == 2
    assert open(approval[approval.index("--collections-config") + 1]).read() == narrower


def test_deploying_the_same_definition_again_keeps_the_collections_an_older_record_lacks(deployed, data_root,
                                                                                          tmp_path):
    net, peer = deployed, deployed.tools
    deploy_features(net, tmp_path, feature_collections_json())
    kept = ccservers.committed_collections_file(data_root, "features")
    kept.unlink()                                   # as a host that kept no copy left it
    deploy_features(net, tmp_path, feature_collections_json())
    assert peer.others["features"].committed["sequence"] == 1      # nothing new committed
    assert kept.read_text() == feature_collections_json()


def test_org_add_without_the_collections_names_the_deploy_that_completes_it(deployed, data_root, topology,
                                                                           tmp_path):
    net, peer = deployed, deployed.tools
    deploy_features(net, tmp_path, feature_collections_json())
    ccservers.committed_collections_file(data_root, "features").unlink()
    spec, before = bank2_recorded(net, data_root, topology)
    with pytest.raises(ChaincodeError, match="recfin chaincode deploy --name features --contract "
                                             f"{FEATURES} --version 1.0 --collections-config"):
        OrgMembership(net)._join_chaincode(spec, before)

    deploy_features(net, tmp_path, feature_collections_json())     # as the error says, bank2 now among the orgs
    [approval] = feature_approvals(peer, "Bank2MSP")               # the deploy's, of its new sequence
    assert int(approval[approval.index("--sequence") + 1]) == peer.others["features"].committed["sequence"] == 2
    OrgMembership(net)._join_chaincode(spec, before)               # and `org add` again: approved already
    assert feature_approvals(peer, "Bank2MSP") == [approval]
    assert peer.others["features"].committed["approvals"]["Bank2MSP"] is True
    assert ccservers.committed_collections_file(data_root, "features").read_text() == feature_collections_json()
    assert "Bank2MSP" in ccservers.load_deployment(data_root, "features").package_ids


@pytest.mark.parametrize("policy, from_topology, flag", [
    (None, False, " --channel-policy"),
    ("OutOf(2, 'SupplierMSP.peer', 'BankMSP.peer')", True, ""),
    ("AND('SupplierMSP.peer', 'BankMSP.peer')", False, " --signature-policy \"AND('SupplierMSP.peer', 'BankMSP.peer')\""),
    ("AND('SupplierMSP.peer', 'BankMSP.peer')", None, " --signature-policy \"AND('SupplierMSP.peer', 'BankMSP.peer')\""),
])
def test_the_advised_deploy_gives_the_committed_endorsement_policy_again(data_root, policy, from_topology, flag):
    """Following the advice must not commit a new definition under another policy (a chaincode deployed with
    --channel-policy would otherwise get the topology's)."""
    from network.org_membership import _policy_flag
    dep = ccservers.Deployment("features", "1.0", 1, FEATURES, policy, "ab" * 32, 1, {},
                               signature_policy_from_topology=from_topology)
    assert _policy_flag(dep) == flag


def test_removing_it_again_keeps_its_collection_and_drops_it_from_the_configuration(deployed, data_root, topology):
    net, peer = deployed, deployed.tools
    spec, before = bank2_recorded(net, data_root, topology)
    members = OrgMembership(net)
    members._join_chaincode(spec, before)

    membership.record_removed(data_root, "bank2")
    before, net.topology = net.topology, membership.effective(topology, data_root)
    peer.orgs.remove("Bank2MSP")
    members._redeploy(ccservers.load_deployment(data_root, "receivables"), before)

    assert peer.committed["sequence"] == 3
    assert peer.committed["version"] == contract_config.definition_version(topology)   # the first configuration again
    assert "Bank2MSP" not in contract.read_config(contract_config.config_path(data_root, "receivables")).org_roles
    approval = verbs(peer, "approveformyorg")[-1][2]
    names = [c["name"] for c in json.loads(open(approval[approval.index("--collections-config") + 1]).read())]
    assert names == ["terms-SupplierMSP-BankMSP", BANK2_PAIR]


def test_a_policy_given_at_deploy_is_kept_when_the_orgs_change(deployed, data_root, topology):
    net, peer = deployed, deployed.tools
    custom = "AND('BankMSP.peer', 'SupplierMSP.peer')"
    net.deploy_chaincode(signature_policy=custom)
    spec, before = bank2_recorded(net, data_root, topology)
    OrgMembership(net)._join_chaincode(spec, before)
    approval = verbs(peer, "approveformyorg")[-1][2]
    assert approval[approval.index("--signature-policy") + 1] == custom


class CommitFailsOnce(ScriptedPeer):
    """The peer CLI whose next commit fails (the orderers unreachable for a moment), once."""

    fail_next_commit = False

    def _commit(self, msp, args, env):
        if self.fail_next_commit:
            self.fail_next_commit = False
            raise ToolError("peer lifecycle chaincode commit failed: orderer unreachable", stdout="", stderr="",
                            returncode=1)
        return super()._commit(msp, args, env)


def committed_policy(peer) -> str:
    """The endorsement policy of the last definition committed (the one the channel now has)."""
    commit = verbs(peer, "commit")[-1][2]
    return commit[commit.index("--signature-policy") + 1]


@pytest.mark.parametrize("older_record", [False, True], ids=["recorded", "record-without-its-source"])
def test_org_add_run_again_after_its_commit_failed_derives_the_policy_with_the_new_org(
        topology, data_root, fake_fabric, older_record):
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    net.tools = peer = CommitFailsOnce(topology)
    net.deploy_chaincode()                                   # the four orgs, the derived policy
    if older_record:                                         # written before the record said where its policy came from
        dep = ccservers.load_deployment(data_root, "receivables")
        ccservers.save_deployment(data_root, dataclasses.replace(dep, signature_policy_from_topology=None))
    crypto.generate(with_bank2(topology), data_root)
    spec, before = bank2_recorded(net, data_root, topology)
    peer.fail_next_commit = True
    with pytest.raises(ToolError):
        OrgMembership(net)._join_chaincode(spec, before)     # `org add bank2` stops with the error

    # `recfin org add bank2` again: a fresh Network has bank2 from membership.yaml, so `before` has it too
    again = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    again.tools = peer
    OrgMembership(again)._join_chaincode(spec, again.topology)

    derived = contract_config.endorsement_policy(again.topology)
    assert "'Bank2MSP.peer'" in derived and committed_policy(peer) == derived
    dep = ccservers.load_deployment(data_root, "receivables")
    assert (dep.signature_policy, dep.signature_policy_from_topology) == (derived, True)
    assert peer.committed["version"] == contract_config.definition_version(again.topology)


def test_org_add_run_again_after_a_later_step_failed_passes_over_another_chaincode_s_approval(
        topology, data_root, fake_fabric, tmp_path):
    """Fabric refuses an org's second approval of the sequence in force (isAttemptToRedefine): the run again must
    not ask for it, or an `org add` that stopped after approving another chaincode could never finish."""
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    net.tools = peer = CommitFailsOnce(topology)
    net.deploy_chaincode()
    deploy_features(net, tmp_path, feature_collections_json())
    crypto.generate(with_bank2(topology), data_root)
    spec, before = bank2_recorded(net, data_root, topology)
    peer.fail_next_commit = True
    with pytest.raises(ToolError, match="commit failed"):
        OrgMembership(net)._join_chaincode(spec, before)     # features approved for bank2, then receivables stops
    assert len(feature_approvals(peer, "Bank2MSP")) == 1

    again = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    again.tools = peer
    OrgMembership(again)._join_chaincode(spec, again.topology)

    assert len(feature_approvals(peer, "Bank2MSP")) == 1 and peer.others["features"].committed["approvals"]["Bank2MSP"]
    assert peer.committed["sequence"] == 2 and peer.committed["approvals"]["Bank2MSP"] is True
    assert "Bank2MSP" in ccservers.load_deployment(data_root, "features").package_ids


def test_org_add_refused_another_chaincode_s_definition_names_the_deploy_that_completes_it(
        topology, crypto_root, fake_fabric, tmp_path):
    """A record whose definition is not the one in force (here its policy): the channel refuses the new org's
    approval as different, and `org add` says so, naming both definitions and the deploy of the recorded one, not a
    ToolError. That deploy, run as a shell splits it (the data folder's path holds a space), lets `org add` finish.
    The scripted answer to querycommitted gives no policy or collections: what differs is then not named."""
    data_root = tmp_path / "my network"
    shutil.copytree(crypto_root, data_root)
    net = deployed_on(topology, data_root)
    deploy_features(net, tmp_path, feature_collections_json())
    dep = ccservers.load_deployment(data_root, "features")
    ccservers.save_deployment(data_root, dataclasses.replace(dep, signature_policy="OR('BankMSP.peer')",
                                                             signature_policy_from_topology=False))
    spec, before = bank2_recorded(net, data_root, topology)
    with pytest.raises(ChaincodeError) as refused:
        OrgMembership(net)._join_chaincode(spec, before)
    message = str(refused.value)
    assert message.startswith(
        "features sequence 1: the channel refused Bank2MSP's approval as different from the definition in force "
        f"(version 1.0, sequence 1), the same version and sequence as {ccservers.state_file(data_root, 'features')} "
        "records, but its endorsement policy or collections differ. Deploy the definition the channel should have "
        "for its orgs, Bank2MSP included: the recorded one with `recfin chaincode deploy")
    assert "Bank2MSP" not in ccservers.load_deployment(data_root, "features").package_ids

    command = shlex.split(re.search(r"`(recfin chaincode deploy [^`]*)`", message).group(1))
    assert command[-1] == "--allow-one-org-policy"       # the recorded policy one org meets: deployed knowingly
    options = dict(zip(command[3:-1:2], command[4:-1:2]))
    assert options == {"--name": "features", "--contract": FEATURES, "--version": "1.0",
                       "--collections-config": str(ccservers.committed_collections_file(data_root, "features")),
                       "--signature-policy": "OR('BankMSP.peer')"}
    net.deploy_chaincode(name=options["--name"], contract=options["--contract"], version=options["--version"],
                         collections_config=Path(options["--collections-config"]),
                         signature_policy=options["--signature-policy"], allow_one_org_policy=True)
    OrgMembership(net)._join_chaincode(spec, before)              # `org add bank2` again
    assert "Bank2MSP" in ccservers.load_deployment(data_root, "features").package_ids
    assert net.tools.others["features"].committed["approvals"]["Bank2MSP"] is True


FOUR_ORGS = "OutOf(2, 'BankMSP.peer', 'CoreEnterpriseMSP.peer', 'RegulatorMSP.peer', 'SupplierMSP.peer')"


def features_recorded_with(net, data_root, tmp_path, topology, **record):
    """features deployed with the topology's policy and its collection, its record then changed by ``record``, and
    bank2 recorded: the new org's approval of the record's definition is refused when it is not the one in force."""
    deploy_features(net, tmp_path, feature_collections_json())
    dep = ccservers.load_deployment(data_root, "features")
    ccservers.save_deployment(data_root, dataclasses.replace(dep, **record))
    return bank2_recorded(net, data_root, topology)


def answer_as_fabric(held, policy: str, collections: list[str] | None) -> None:
    """querycommitted's answer for the definition in force, with what Fabric's gives besides its version and
    sequence: the endorsement policy (an ApplicationPolicy, base64) and the collections ({} for none)."""
    held.committed["validation_parameter"] = base64.b64encode(policy_pb2.ApplicationPolicy(
        signature_policy=org_definition.signature_policy(policy)).SerializeToString()).decode()
    if collections is not None:
        held.committed["collections"] = {"config": [{"Payload": {"StaticCollectionConfig": {
            "name": name, "required_peer_count": 0, "maximum_peer_count": 2, "member_only_read": True}}}
            for name in collections]} if collections else {}


def refusal(net, spec, before) -> str:
    with pytest.raises(ChaincodeError) as refused:
        OrgMembership(net)._join_chaincode(spec, before)
    return str(refused.value)


def test_org_add_refused_names_the_endorsement_policy_in_force_the_record_does_not_have(
        deployed, data_root, topology, tmp_path):
    """The usual case: the same version and sequence, another policy. The refusal says which policy the channel
    has, for a deploy of the definition in force to give it."""
    net, peer = deployed, deployed.tools
    spec, before = features_recorded_with(net, data_root, tmp_path, topology, signature_policy="OR('BankMSP.peer')",
                                          signature_policy_from_topology=False)
    answer_as_fabric(peer.others["features"], FOUR_ORGS, ["features_private"])
    assert refusal(net, spec, before).startswith(
        "features sequence 1: the channel refused Bank2MSP's approval as different from the definition in force "
        f"(version 1.0, sequence 1), the same version and sequence as {ccservers.state_file(data_root, 'features')} "
        f"records, but its endorsement policy is {FOUR_ORGS} where the record's is OR('BankMSP.peer'). Deploy ")


@pytest.mark.parametrize("in_force, named", [
    (["features_private", "features_shared"],
     "its collections are features_private, features_shared where the record's are features_private"),
    ([], "its collections are none where the record's are features_private"),
    (None, "its collections differ"),       # the policy is the record's, and the answer names no collections
])
def test_org_add_refused_names_the_collections_in_force_when_the_policy_is_the_record_s(
        deployed, data_root, topology, tmp_path, in_force, named):
    """A policy written another way that requires the same (other spaces) is not named as a difference."""
    net, peer = deployed, deployed.tools
    spec, before = features_recorded_with(net, data_root, tmp_path, topology)
    held = peer.others["features"]
    version, policy, _ = held.committed_parameters
    held.committed_parameters = (version, policy, "[]")         # the channel's collections are not the record's
    answer_as_fabric(held, policy.replace(", ", ",").replace("OutOf(2,", "OutOf( 2 ,"), in_force)
    assert f"records, but {named}. Deploy " in refusal(net, spec, before)


def test_org_add_refused_with_the_definition_in_force_unread_says_why_on_one_line(
        deployed, data_root, topology, tmp_path):
    net, peer = deployed, deployed.tools
    spec, before = features_recorded_with(net, data_root, tmp_path, topology, signature_policy="OR('BankMSP.peer')",
                                          signature_policy_from_topology=False)
    peer._querycommitted = lambda msp, args, env: Result(
        "", "2026-12-02 00:00:00.000 UTC 0001 INFO [chaincodeCmd] x\nError: failed to connect to peer0.bank2: context "
            "deadline exceeded\n", 1)
    assert refusal(net, spec, before).startswith(
        "features sequence 1: the channel refused Bank2MSP's approval as different from the definition in force (not "
        "read: peer lifecycle chaincode querycommitted failed: Error: failed to connect to peer0.bank2: context "
        f"deadline exceeded), not the one {ccservers.state_file(data_root, 'features')} records (version 1.0, "
        "sequence 1). Deploy ")


def test_a_policy_given_at_deploy_equal_to_the_derived_one_is_kept_as_given(deployed, data_root, topology):
    net, peer = deployed, deployed.tools
    four = contract_config.endorsement_policy(topology)
    net.deploy_chaincode(signature_policy=four)              # the same definition: nothing committed, recorded as given
    assert ccservers.load_deployment(data_root, "receivables").signature_policy_from_topology is False
    spec, before = bank2_recorded(net, data_root, topology)
    OrgMembership(net)._join_chaincode(spec, before)
    assert committed_policy(peer) == four


def remove_bank2_setup(net, data_root, topology, policy):
    """bank2 added and the chaincode deployed for the five orgs with `policy` given at deploy."""
    spec, before = bank2_recorded(net, data_root, topology)
    members = OrgMembership(net)
    members._join_chaincode(spec, before)
    net.deploy_chaincode(signature_policy=policy)
    return members


def test_org_remove_refuses_before_anything_changes_when_the_given_policy_names_the_org(deployed, data_root,
                                                                                       topology):
    net, peer = deployed, deployed.tools
    members = remove_bank2_setup(net, data_root, topology, "AND('Bank2MSP.peer', 'SupplierMSP.peer')")
    calls, stopped, state = len(peer.calls), len(net.supervisor.stopped), membership.load_state(data_root)
    with pytest.raises(OrgChangeError, match=r"names Bank2MSP, which leaves the channel.*--signature-policy "
                                             r"\"OutOf\(2, 'BankMSP.peer', 'CoreEnterpriseMSP.peer'"):
        members.remove("bank2")
    assert len(peer.calls) == calls and membership.load_state(data_root) == state     # no config fetched, nothing

    peer.orgs.remove("Bank2MSP")            # the update went in (another host submitted it): the steps after it
    with pytest.raises(OrgChangeError, match="names Bank2MSP"):
        members._after_remove(net.topology.org("bank2"))
    assert len(net.supervisor.stopped) == stopped and membership.load_state(data_root) == state
    with pytest.raises(OrgChangeError, match="--signature-policy .* names Bank2MSP"):
        members._after_remove(net.topology.org("bank2"), "OR('Bank2MSP.peer', 'BankMSP.peer')")
    # nor one naming an MSP no staying org has (a typo): it could never endorse either
    with pytest.raises(OrgChangeError, match=r"names BankMsp, which no org staying on the channel has: name only "
                                             r"BankMSP, CoreEnterpriseMSP, RegulatorMSP, SupplierMSP"):
        members._after_remove(net.topology.org("bank2"), "AND('BankMsp.peer', 'SupplierMSP.peer')")
    assert len(net.supervisor.stopped) == stopped and membership.load_state(data_root) == state

    replacement = "AND('BankMSP.peer', 'SupplierMSP.peer')"
    members._after_remove(net.topology.org("bank2"), replacement)
    assert committed_policy(peer) == replacement and "Bank2MSP" not in peer.committed["approvals"]
    dep = ccservers.load_deployment(data_root, "receivables")
    assert (dep.signature_policy, dep.signature_policy_from_topology) == (replacement, False)


def test_org_remove_keeps_a_given_policy_that_does_not_name_the_org(deployed, data_root, topology):
    net, peer = deployed, deployed.tools
    custom = "AND('BankMSP.peer', 'SupplierMSP.peer')"
    members = remove_bank2_setup(net, data_root, topology, custom)
    peer.orgs.remove("Bank2MSP")
    members._after_remove(net.topology.org("bank2"))
    assert committed_policy(peer) == custom
    assert [o.name for o in net.topology.orgs] == [o.name for o in topology.orgs]


def test_a_record_without_its_policy_source_of_a_network_lacking_a_regulator_org_is_read(topology, data_root):
    """`org add` of a network's first regulator org on a deployment record written before the record said where its
    policy came from: the candidates the topology gives need only the orgs' MSP IDs, so the contract configuration's
    refusal of a role no org has (no regulator org yet) does not stop it at its chaincode step."""
    before = membership.with_orgs(topology, [o for o in topology.orgs if o.role != contract.REGULATOR])
    with pytest.raises(ChaincodeError):
        contract_config.network_config(before)             # what refused the candidates
    derived = "OutOf(2, 'BankMSP.peer', 'CoreEnterpriseMSP.peer', 'SupplierMSP.peer')"
    record = ccservers.Deployment("receivables", "1.0+cfg.000000000000", 1, "receivables", derived, None, 0,
                                  {o.msp_id: "pkg" for o in before.orgs}, None, signature_policy_from_topology=None)
    follows = OrgMembership._policy_follows_topology
    assert follows(record, before) is True                                   # derived: follows the new org
    assert follows(dataclasses.replace(record, signature_policy="AND('BankMSP.peer', 'SupplierMSP.peer')"),
                   before) is False                                          # given at deploy: kept
