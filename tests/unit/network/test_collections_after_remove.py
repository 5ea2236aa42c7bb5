"""The collections of the chaincode deployed again after `recfin org remove`: every earlier collection stays (Fabric
never lets a definition drop one or change its blockToLive), but no member policy may still name the MSP that left,
which the channel refuses at approval ("collection member ... is not part of the channel"). Derived collections drop
it from their member policies and keep their endorsement policies as written (Fabric checks none against the
channel); a fixed collections file whose member policy names it is refused before anything changes."""
from __future__ import annotations

import json
import re

import pytest

from chaincode.receivables import config as contract
from network import Network, ccservers, config_policy, contract_config, crypto, membership
from network.errors import ChaincodeError, ToolError
from network.fabric_bin import FabricInstall
from network.org_change import OrgChangeError
from network.org_membership import OrgMembership
from network.topology import parse

from .scripted_peer import ScriptedPeer
from .test_deploy import RecordingSupervisor, verbs

CODE = "91110000MA1K00007E"
BANK2_PAIR = "terms-SupplierMSP-Bank2MSP"


def with_bank2(topology):
    return membership.with_orgs(topology, [*topology.orgs, membership.new_org_spec(topology, "bank2", "bank", CODE)])


def by_name(collections: list[dict]) -> dict[str, dict]:
    return {c["name"]: c for c in collections}


def member_msps(collections: list[dict]) -> set[str]:
    """The MSP IDs the collections' member policies name."""
    return {msp for c in collections for msp in config_policy.msp_ids_in(c["policy"])}


class FabricLikePeer(ScriptedPeer):
    """The scripted peer CLI, refusing an approval as Fabric's lifecycle validates its collections: a member not in
    the channel, and an earlier collection missing or with another blockToLive. Approvals count for one sequence,
    as on a channel; each approval's collections are kept as they were approved."""

    def __init__(self, topology):
        super().__init__(topology)
        self.committed_collections: dict[str, dict] = {}
        self.approved_collections: list[list[dict]] = []

    def _approveformyorg(self, msp, args, env):
        collections = json.loads(open(args[args.index("--collections-config") + 1]).read())
        for name, collection in by_name(collections).items():
            for member in config_policy.msp_ids_in(collection["policy"]):
                if member not in self.orgs:
                    raise ToolError(f"Error: collection-name: {name} -- collection member '{member}' is not part "
                                    f"of the channel", returncode=1)
        for name, earlier in self.committed_collections.items():
            if name not in by_name(collections):
                raise ToolError(f"Error: existing collection [{name}] missing in the proposed collection "
                                f"configuration", returncode=1)
            if by_name(collections)[name]["blockToLive"] != earlier["blockToLive"]:
                raise ToolError(f"Error: the BlockToLive in an existing collection [{name}] modified", returncode=1)
        self.approved_collections.append(collections)
        return super()._approveformyorg(msp, args, env)

    def _commit(self, msp, args, env):
        self.committed_collections = by_name(json.loads(open(args[args.index("--collections-config") + 1]).read()))
        result = super()._commit(msp, args, env)
        self.definition(args).approved = set()          # the next sequence needs every approval again
        return result


def network_with_bank2(topology, data_root, tools_class=FabricLikePeer):
    """The chaincode deployed for the default orgs and bank2, as `org add bank2` leaves it."""
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    net.tools = tools_class(topology)
    net.deploy_chaincode()
    crypto.generate(with_bank2(topology), data_root)
    spec = membership.new_org_spec(topology, "bank2", "bank", CODE)
    membership.record_added(data_root, spec)
    before, net.topology = net.topology, membership.effective(topology, data_root)
    net.tools.orgs.append("Bank2MSP")
    net.tools.installed["Bank2MSP"] = set()
    members = OrgMembership(net)
    members._join_chaincode(spec, before)
    return net, members


# ---- the derivation ---------------------------------------------------------------------------------------------
def test_after_a_bank_leaves_its_collection_stays_without_its_msp(topology, tmp_path):
    grown = with_bank2(topology)
    contract_config.write_collections(grown, tmp_path)               # deployed with bank2
    before = by_name(json.loads(contract_config.collections_path(tmp_path, "receivables").read_text()))
    after_path = contract_config.write_collections(topology, tmp_path)      # what `org remove bank2` approves
    after = by_name(json.loads(after_path.read_text()))

    assert set(after) == set(before)                                  # every collection stays
    assert member_msps(list(after.values())) == {"BankMSP", "RegulatorMSP", "SupplierMSP"}
    kept = after[BANK2_PAIR]
    assert kept["policy"] == "OR('RegulatorMSP.member', 'SupplierMSP.member')"
    # the pair's terms stay as both agreed them: the supplier alone can never write them again
    assert kept["endorsementPolicy"] == {"signaturePolicy": "AND('SupplierMSP.peer', 'Bank2MSP.peer')"}
    unchanged = ("requiredPeerCount", "maxPeerCount", "blockToLive", "memberOnlyRead", "memberOnlyWrite",
                 "endorsementPolicy")
    assert {k: kept[k] for k in unchanged} == {k: before[BANK2_PAIR][k] for k in unchanged}
    assert after["terms-SupplierMSP-BankMSP"] == before["terms-SupplierMSP-BankMSP"]


def test_a_collection_whose_members_all_left_is_taken_on_by_the_regulators(topology):
    gone = {"name": "terms-OldSupplierMSP-OldBankMSP", "policy": "OR('OldBankMSP.member', 'OldSupplierMSP.member')",
            "requiredPeerCount": 0, "maxPeerCount": 3, "blockToLive": 0, "memberOnlyRead": True,
            "memberOnlyWrite": True,
            "endorsementPolicy": {"signaturePolicy": "AND('OldSupplierMSP.member', 'OldBankMSP.member')"}}
    staying = {"name": "terms-SupplierMSP-OldBankMSP", "policy": "OR( 'SupplierMSP.member','RegulatorMSP.member' )",
               "requiredPeerCount": 0, "maxPeerCount": 3, "blockToLive": 7, "memberOnlyRead": True,
               "memberOnlyWrite": True, "endorsementPolicy": {"channelConfigPolicy": "/Channel/Application/Writers"}}
    *_, kept_staying, kept_gone = contract_config.derived_collections(topology, [staying, gone])
    # the endorsement policy naming only orgs that left stays: nobody can write the departed pair's record
    assert kept_gone == {**gone, "policy": "OR('RegulatorMSP.member')"}
    assert kept_staying == staying              # naming only orgs of the channel: as it was written


def test_a_collection_with_no_member_left_and_no_regulator_is_refused_by_name(topology):
    doc = topology.model_dump(mode="json", exclude_none=True)
    doc["orgs"] = [o for o in doc["orgs"] if o["role"] != "regulator"]
    gone = {"name": "terms-OldSupplierMSP-OldBankMSP", "policy": "OR('OldBankMSP.member')", "blockToLive": 0}
    # the orgs of the channel hold no regulator role: no configuration is derived for them at all
    with pytest.raises(ChaincodeError, match=r"no org of the network holds the role regulator, .*"
                                             r"`recfin org add NAME --role regulator`"):
        contract_config.derived_collections(parse(doc), [gone])
    # nor is a configuration without a regulator org accepted written by hand; made without that check, it has no
    # org to take the collection on either
    org_roles = {o["msp_id"]: (o["role"],) for o in doc["orgs"]}
    with pytest.raises(ValueError, match="org_roles\n.*names no org with the regulator role"):
        contract.NetworkConfig(org_roles=org_roles)
    without_regulator = contract.DEFAULT_CONFIG.model_copy(update={"org_roles": org_roles})
    with pytest.raises(ChaincodeError, match=r"collection terms-OldSupplierMSP-OldBankMSP would have no member left "
                                             r"in the channel .*recfin org add NAME --role regulator"):
        contract_config.kept_collection(gone, without_regulator)


@pytest.mark.parametrize("endorsement", [
    "AND('Supplier2MSP.member', 'BankMSP.member')",
    "OutOf(2, 'BankMSP.member', 'SupplierMSP.member', 'Supplier2MSP.member')",
    "OR(AND('BankMSP.member', 'Supplier2MSP.member'), 'SupplierMSP.admin')",
    "AND('Supplier2MSP.member', 'Bank2MSP.member')",
], ids=["the departed org's AND", "OutOf", "nested", "every org gone"])
def test_a_kept_collection_keeps_its_endorsement_policy_as_written(topology, endorsement):
    """Fabric checks a collection's member policy against the channel, never its endorsement policy, which governs
    a write to the collection in place of the chaincode's: one without the departed org would let the orgs that stay
    rewrite alone what it agreed to (the bank alone, the departed supplier's offer terms)."""
    collection = {"name": "terms-Supplier2MSP-BankMSP",
                  "policy": "OR('BankMSP.member', 'RegulatorMSP.member', 'Supplier2MSP.member')", "blockToLive": 0,
                  "endorsementPolicy": {"signaturePolicy": endorsement}}
    kept = contract_config.derived_collections(topology, [collection])[-1]
    assert kept == {**collection, "policy": "OR('BankMSP.member', 'RegulatorMSP.member')"}


def test_a_kept_collection_that_cannot_be_read_is_refused_naming_its_file(topology, tmp_path):
    path = contract_config.collections_path(tmp_path, "receivables")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps([{"name": "terms-OldMSP-BankMSP", "policy": "OR('OldMSP.member'", "blockToLive": 0}]))
    with pytest.raises(ChaincodeError, match=rf"^collection terms-OldMSP-BankMSP: policy: .*: repair it in "
                                             rf"{re.escape(str(path))}, keeping every collection with its name and "
                                             rf"blockToLive"):
        contract_config.collections_for(topology, tmp_path)


# ---- org remove ---------------------------------------------------------------------------------------------------
def test_org_remove_deploys_collections_the_channel_approves_without_the_org(topology, data_root, fake_fabric):
    net, members = network_with_bank2(topology, data_root)
    peer = net.tools
    peer.orgs.remove("Bank2MSP")              # the config update is in: the steps after it
    members._after_remove(net.topology.org("bank2"))

    approved = peer.approved_collections[-len(topology.orgs):]      # each staying org's, for sequence 3
    assert [c[1] for c in verbs(peer, "approveformyorg")[-len(topology.orgs):]] == [o.msp_id for o in topology.orgs]
    assert all(BANK2_PAIR in by_name(each) and "Bank2MSP" not in member_msps(each) for each in approved)
    assert peer.committed["sequence"] == 3
    assert "Bank2MSP" not in peer.committed["approvals"]
    assert [o.name for o in net.topology.orgs] == [o.name for o in topology.orgs]


def with_fixed_collections(topology, path):
    return topology.model_copy(update={"chaincode": topology.chaincode.model_copy(
        update={"collections_config": path})})


SOLE = "notes-Bank2MSP"          # a collection of the operator's whose one member is bank2


def test_org_remove_refuses_a_fixed_collections_file_naming_the_org_before_anything_changes(
        topology, data_root, fake_fabric, tmp_path):
    fixed = tmp_path / "collections.json"
    sole = {"name": SOLE, "policy": "OR('Bank2MSP.member')", "requiredPeerCount": 0, "maxPeerCount": 1,
            "blockToLive": 0, "memberOnlyRead": True, "memberOnlyWrite": True}
    fixed.write_text(json.dumps([*contract_config.derived_collections(with_bank2(topology)), sole], indent=2))
    net, members = network_with_bank2(with_fixed_collections(topology, fixed), data_root, ScriptedPeer)
    peer = net.tools
    calls, stopped, state = len(peer.calls), len(net.supervisor.stopped), membership.load_state(data_root)
    named = (rf"names Bank2MSP, which leaves the channel, in the member policy of {BANK2_PAIR}, {SOLE}: Fabric refuses "
             rf"to approve a collection whose member is not in the channel. Stopped before anything changed: remove "
             rf"Bank2MSP from those member policies; {SOLE} would have no member left: give it the member policy "
             rf"OR\('RegulatorMSP.member'\), the regulator orgs")
    with pytest.raises(OrgChangeError, match=named):
        members.remove("bank2")
    with pytest.raises(OrgChangeError, match=named):
        members.plan_remove("bank2", current=object())     # --dry-run, --update-out: refused before the plan
    peer.orgs.remove("Bank2MSP")                            # the update went in from another host
    with pytest.raises(OrgChangeError, match=named):
        members._after_remove(net.topology.org("bank2"))
    assert len(peer.calls) == calls and len(net.supervisor.stopped) == stopped
    assert membership.load_state(data_root) == state

    # the file as the refusal says: every collection kept, Bank2MSP gone from their member policies, the regulator
    # the member of the one bank2 alone was; the pair's endorsement policy still names it, which Fabric approves
    fixed.write_text(json.dumps(contract_config.derived_collections(topology, json.loads(fixed.read_text()))))
    repaired = by_name(json.loads(fixed.read_text()))
    assert repaired[SOLE]["policy"] == "OR('RegulatorMSP.member')"
    assert "Bank2MSP" in config_policy.msp_ids_in(repaired[BANK2_PAIR]["endorsementPolicy"]["signaturePolicy"])
    assert contract_config.collections_naming(fixed, "Bank2MSP") == []
    members._after_remove(net.topology.org("bank2"))
    assert "bank2" in membership.load_state(data_root)["removed"]
    assert ccservers.load_deployment(data_root, "receivables").sequence == 3
