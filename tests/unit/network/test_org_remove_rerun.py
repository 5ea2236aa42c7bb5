"""`org remove` (and `org submit` of a removal) whose chaincode step failed finishes when run again, and a removal
that would leave another deployed chaincode needing the leaving org is refused before anything changes: judged by
the orgs the channel's config has, as Fabric would judge the endorsements of their peers."""
from __future__ import annotations

import json
import re
import shlex

import pytest

from network import Network, ccservers, channel_config as config_of_channel, config_policy, membership, org_change
from network.errors import ChaincodeError
from network.fabric_bin import FabricInstall
from network.org_change import OrgChangeError
from network.org_definition import signature_policy
from network.org_membership import OrgMembership, _names_unendorsable

from .channel_fixtures import channel_config
from .scripted_peer import ScriptedPeer
from .test_collections_after_remove import network_with_bank2, with_bank2
from .test_deploy import RecordingSupervisor


def _fetched(members, config):
    """The channel config the scripted ordering service hands out to members."""
    members.fetch_config = lambda via: config
    return members


def _reloaded(topology, data_root, peer):
    """A Network loaded afresh from the data folder, as the next `recfin` command gets it."""
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    net.tools = peer
    return net


@pytest.mark.parametrize("again", ["org remove", "org submit"])
def test_a_removal_whose_deploy_failed_finishes_when_run_again(topology, data_root, fake_fabric, monkeypatch,
                                                               tmp_path, again):
    net, members = network_with_bank2(topology, data_root)
    peer = net.tools
    removal = org_change.plan_remove(net.topology, data_root, channel_config(with_bank2(topology), data_root), "bank2")
    path = members.write_update(removal, tmp_path / "remove-bank2.tx")
    peer.orgs.remove("Bank2MSP")                                       # the config update went in

    def timed_out(*_args, **_kwargs):
        raise ChaincodeError("peer0.bank timed out approving")
    monkeypatch.setattr(net, "deploy_chaincode", timed_out)
    with pytest.raises(ChaincodeError, match="timed out approving"):
        members._after_remove(net.topology.org("bank2"))
    assert "bank2" not in membership.load_state(data_root)["removed"]   # still here, to be finished
    assert ccservers.load_deployment(data_root, "receivables").sequence == 2

    reloaded = _fetched(OrgMembership(_reloaded(topology, data_root, peer)), channel_config(topology, data_root))
    assert "bank2" in [o.name for o in reloaded.topology.orgs]
    if again == "org remove":
        assert reloaded.remove("bank2") is None                          # the update skipped: the channel has it
    else:
        assert reloaded.submit_update_file(path).applied
    assert "bank2" in membership.load_state(data_root)["removed"]
    deployed = ccservers.load_deployment(data_root, "receivables")
    assert deployed.sequence == 3 and "Bank2MSP" not in deployed.package_ids
    assert peer.committed["sequence"] == 3 and "Bank2MSP" not in peer.committed["approvals"]
    assert "bank2" not in [o.name for o in reloaded.topology.orgs]
    assert "channel update" not in peer.verbs()


NAMES_BANK2 = "AND('Bank2MSP.peer', 'BankMSP.peer')"
WITHOUT_BANK2 = "AND('BankMSP.peer', 'SupplierMSP.peer')"
STAYING = "BankMSP, CoreEnterpriseMSP, RegulatorMSP, SupplierMSP"     # the channel config's orgs, sorted


def _notes(tmp_path, members: str):
    """A collections file of one collection, 'notes', whose member policy is OR(members)."""
    notes = tmp_path / "notes.json"
    notes.write_text(json.dumps([{"name": "notes", "policy": f"OR({members})", "requiredPeerCount": 0,
                                  "maxPeerCount": 1, "blockToLive": 0, "memberOnlyRead": True,
                                  "memberOnlyWrite": True}]))
    return notes


def _deploy_ledgerx(net, topology, tmp_path, names_it):
    """ledgerx deployed with an endorsement policy or a collection naming Bank2MSP (or, "policy with collections",
    its policy naming it and a collection that does not); the refusal it brings, as a pattern."""
    contract = topology.chaincode.contract
    if names_it == "collections":
        net.deploy_chaincode("ledgerx", contract, "1.0", signature_policy=None,
                             collections_config=_notes(tmp_path, "'Bank2MSP.member', 'BankMSP.member'"))
        named = "the member policy of its collections notes names Bank2MSP"
        options = re.escape(" --collections-config FILE (a copy of ") + ".*" + re.escape(" --channel-policy")
    else:
        notes = _notes(tmp_path, "'SupplierMSP.member', 'BankMSP.member'") if names_it != "policy" else None
        net.deploy_chaincode("ledgerx", contract, "1.0", collections_config=notes, signature_policy=NAMES_BANK2)
        named = rf"its endorsement policy {re.escape(NAMES_BANK2)} names Bank2MSP, and the peers of the orgs that " \
                rf"stay \({STAYING}\) cannot meet it"
        kept = ccservers.committed_collections_file(net.data_root, "ledgerx")
        options = (re.escape(f" --collections-config {kept}") if notes else "") + \
            re.escape(f" --signature-policy POLICY (naming only {STAYING}, or --channel-policy)")
    return rf"ledgerx: {named}.*; deploy it again with `recfin chaincode deploy --name ledgerx --contract " \
           rf"{re.escape(contract)} --version 1\.0{options}`"


def _advised(text: str) -> list[str]:
    """The `recfin chaincode deploy` command text advises, as its words."""
    return shlex.split(re.search(r"`(recfin chaincode deploy [^`]*)`", text).group(1))


def _deploy_as_advised(net, words: list[str], topology, tmp_path, names_it):
    """`recfin chaincode deploy` as advised: its --collections-config FILE, where it names a copy to make, and its
    --signature-policy POLICY given as the chaincode is to have them without Bank2MSP."""
    def option(flag):
        return words[words.index(flag) + 1] if flag in words else None
    collections = option("--collections-config")
    if collections == "FILE":
        collections = _notes(tmp_path, "'BankMSP.member'")
    policy = {None: "topology", "POLICY": WITHOUT_BANK2}.get(option("--signature-policy"))
    return net.deploy_chaincode(option("--name"), option("--contract"), option("--version"),
                                collections_config=collections,
                                signature_policy=None if "--channel-policy" in words else policy)


@pytest.mark.parametrize("names_it", ["policy", "policy with collections", "collections"])
def test_a_removal_is_refused_while_another_chaincode_needs_the_org(topology, data_root, fake_fabric, tmp_path,
                                                                    names_it):
    net, members = network_with_bank2(topology, data_root, ScriptedPeer)
    peer = net.tools
    net.deploy_chaincode("ledgery", topology.chaincode.contract, "1.0")     # the topology's derived policy: any two
    refusal = _deploy_ledgerx(net, topology, tmp_path, names_it)
    committed_with = ccservers.load_deployment(data_root, "ledgerx").collections_sha256
    removal = org_change.plan_remove(net.topology, data_root, channel_config(with_bank2(topology), data_root), "bank2")
    path = members.write_update(removal, tmp_path / "remove-bank2.tx")
    calls, stopped, state = len(peer.calls), len(net.supervisor.stopped), membership.load_state(data_root)
    records = {d.name: d for d in ccservers.deployments(data_root)}

    with_it = channel_config(with_bank2(topology), data_root)
    for attempt in (lambda: members.plan_remove("bank2", current=with_it),       # --dry-run, --update-out
                    lambda: _fetched(members, with_it).remove("bank2"),
                    lambda: _fetched(members, with_it).submit_update_file(path)):
        with pytest.raises(OrgChangeError, match=refusal) as refused:
            attempt()
        assert "ledgery" not in str(refused.value) and "Stopped before anything changed" in str(refused.value)
    assert len(peer.calls) == calls and len(net.supervisor.stopped) == stopped
    assert membership.load_state(data_root) == state
    assert {d.name: d for d in ccservers.deployments(data_root)} == records

    # deployed again as the refusal says, while Bank2MSP is in the channel: the removal goes through
    _deploy_as_advised(net, _advised(str(refused.value)), topology, tmp_path, names_it)
    redeployed = ccservers.load_deployment(data_root, "ledgerx")
    assert redeployed.sequence == 2
    if names_it == "policy with collections":       # the definition keeps the collection it was committed with
        assert redeployed.collections_sha256 == committed_with
        assert all("--collections-config" in args for verb, _msp, args, _env in peer.calls[calls:]
                   if verb in ("approveformyorg", "commit"))
    peer.orgs.remove("Bank2MSP")
    members._after_remove(net.topology.org("bank2"))
    assert "bank2" in membership.load_state(data_root)["removed"]


@pytest.mark.parametrize("how", ["org remove", "org submit", "another host's update"])
@pytest.mark.parametrize("names_it", ["policy with collections", "collections"])
def test_a_removal_already_in_the_channel_finishes_and_says_how_to_deploy_the_chaincode_it_strands(
        topology, data_root, fake_fabric, tmp_path, how, names_it):
    """The update went in from another host (or this is a re-run): the org cannot be in the channel again for the
    stranded chaincode's deploy, so the removal is finished and the deploy to run now printed; with the org
    recorded as removed, that deploy approves and commits for the orgs that stay only."""
    net, members = network_with_bank2(topology, data_root, ScriptedPeer)
    peer = net.tools
    _deploy_ledgerx(net, topology, tmp_path, names_it)
    removal = org_change.plan_remove(net.topology, data_root, channel_config(with_bank2(topology), data_root), "bank2")
    path = members.write_update(removal, tmp_path / "remove-bank2.tx")
    peer.orgs.remove("Bank2MSP")                                          # the update went in elsewhere
    _fetched(members, channel_config(topology, data_root))
    said = []
    net.say = said.append

    if how == "org remove":
        assert members.remove("bank2") is None
    elif how == "org submit":
        assert members.submit_update_file(path).applied
    else:
        members._after_remove(net.topology.org("bank2"))
    assert "bank2" in membership.load_state(data_root)["removed"]
    advice = [line for line in said if line.lstrip().startswith("ledgerx needs deploying again")]
    assert len(advice) == 1 and "Bank2MSP has left the channel, so deploy it now" in advice[0]
    assert "--collections-config" in _advised(advice[0])

    reloaded = _reloaded(topology, data_root, peer)                        # the next `recfin chaincode deploy`
    peer.definition(["--name", "ledgerx"]).approved = set()      # as on a channel: approvals count for one sequence
    calls = len(peer.calls)
    result = _deploy_as_advised(reloaded, _advised(advice[0]), topology, tmp_path, names_it)
    assert result.changed and result.sequence == 2
    asked = {msp for verb, msp, _args, _env in peer.calls[calls:]}
    approved = {msp for verb, msp, _args, _env in peer.calls[calls:] if verb == "approveformyorg"}
    assert approved == asked == set(peer.orgs) and "Bank2MSP" not in asked
    commit = next(args for verb, _msp, args, _env in peer.calls[calls:] if verb == "commit")
    assert "bank2" not in " ".join(commit)
    assert "Bank2MSP" not in ccservers.load_deployment(data_root, "ledgerx").package_ids


def test_a_derived_policy_of_another_chaincode_is_checked_as_fixed_at_its_deploy(topology, data_root, fake_fabric):
    """ledgery took the derived policy (any two) of the orgs at its deploy; `org add` only approves that definition
    for a new org. Once the core enterprise and the supplier have been replaced by others, the bank is one of the
    only two orgs of it left: its leaving leaves the policy unmeetable, and is refused, the plain deploy (derived
    anew for the orgs then) said. A chaincode whose policy names the bank but can be met without it is no matter."""
    net = _reloaded(topology, data_root, ScriptedPeer(topology))
    net.deploy_chaincode("ledgery", topology.chaincode.contract, "1.0")
    net.deploy_chaincode("ledgerz", topology.chaincode.contract, "1.0",
                         signature_policy="OR('BankMSP.peer', 'RegulatorMSP.peer')", allow_one_org_policy=True)
    core2 = membership.new_org_spec(topology, "core2", "core-enterprise", "91110000MA1K00008F")
    supplier2 = membership.new_org_spec(membership.with_orgs(topology, [*topology.orgs, core2]), "supplier2",
                                        "supplier", "91110000MA1K00009G")
    orgs = {o.name: o for o in topology.orgs}
    net.topology = membership.with_orgs(topology, [orgs["coreenterprise"], supplier2, orgs["bank"], orgs["regulator"]])
    members = OrgMembership(net)
    current = _renamed(channel_config(topology, data_root), "SupplierMSP", supplier2.msp_id)
    members.check_other_chaincodes_without(orgs["bank"], current)    # two orgs ledgery names stay: CoreEnterpriseMSP

    net.topology = membership.with_orgs(topology, [core2, supplier2, orgs["bank"], orgs["regulator"]])
    current = _renamed(current, "CoreEnterpriseMSP", core2.msp_id)
    with pytest.raises(OrgChangeError) as refused:
        members.check_other_chaincodes_without(orgs["bank"], current)
    message = str(refused.value)
    policy = ccservers.load_deployment(data_root, "ledgery").signature_policy
    assert f"ledgery: its endorsement policy {policy} (derived for the orgs of its deploy) names BankMSP" in message
    assert _advised(message) == ["recfin", "chaincode", "deploy", "--name", "ledgery", "--contract",
                                 topology.chaincode.contract, "--version", "1.0"]
    assert "ledgerz" not in message         # RegulatorMSP stays to meet its OR


def _renamed(config, msp_id: str, new_msp_id: str):
    """A copy of the channel config in which org msp_id is named new_msp_id instead: the staying orgs are read from
    the config's application org names alone."""
    group = config.channel_group.groups["Application"].groups[msp_id]
    return config_of_channel.with_org(config_of_channel.without_org(config, msp_id), new_msp_id, group)


def _without_supplier(topology, data_root):
    """The channel config once SupplierMSP has left from another host: this data folder still records it."""
    return config_of_channel.without_org(channel_config(with_bank2(topology), data_root), "SupplierMSP")


SUPPLIER_OR_BANK2 = "OR('Bank2MSP.peer', 'SupplierMSP.peer')"


@pytest.mark.parametrize("how", ["org remove --dry-run", "org remove", "org submit"])
def test_the_orgs_that_stay_are_the_channel_configs_not_the_data_folders(topology, data_root, fake_fabric,
                                                                         tmp_path, how):
    """SupplierMSP already left the channel from another host, and this data folder still records it: a chaincode
    whose policy only Bank2MSP or SupplierMSP can meet is stranded by Bank2MSP's leaving, and the deploy advised
    names only the orgs the channel config has."""
    net, members = network_with_bank2(topology, data_root, ScriptedPeer)
    net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0", signature_policy=SUPPLIER_OR_BANK2,
                         allow_one_org_policy=True)
    assert "supplier" in [o.name for o in members.topology.orgs]
    current = _without_supplier(topology, data_root)
    removal = org_change.plan_remove(net.topology, data_root, current, "bank2")
    path = members.write_update(removal, tmp_path / "remove-bank2.tx")
    attempt = {"org remove --dry-run": lambda: members.plan_remove("bank2", current=current),
               "org remove": lambda: _fetched(members, current).remove("bank2"),
               "org submit": lambda: _fetched(members, current).submit_update_file(path)}[how]
    with pytest.raises(OrgChangeError) as refused:
        attempt()
    message = str(refused.value)
    assert (f"ledgerx: its endorsement policy {SUPPLIER_OR_BANK2} names Bank2MSP, and the peers of the orgs that "
            f"stay (BankMSP, CoreEnterpriseMSP, RegulatorMSP) cannot meet it") in message
    assert "--signature-policy POLICY (naming only BankMSP, CoreEnterpriseMSP, RegulatorMSP, or --channel-policy)" \
        in message
    assert "bank2" not in membership.load_state(data_root)["removed"]


def test_once_the_org_has_left_the_advice_names_the_channel_configs_orgs(topology, data_root, fake_fabric):
    """Bank2MSP's removal went in while SupplierMSP had left too: the removal is finished and the deploy it advises
    for ledgerx names only the orgs the channel config has, not the supplier this data folder still records."""
    net, members = network_with_bank2(topology, data_root, ScriptedPeer)
    net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0", signature_policy=SUPPLIER_OR_BANK2,
                         allow_one_org_policy=True)
    gone = config_of_channel.without_org(_without_supplier(topology, data_root), "Bank2MSP")
    said = []
    net.say = said.append
    assert _fetched(members, gone).remove("bank2") is None                  # the update is in: skipped
    advice = [line for line in said if line.lstrip().startswith("ledgerx needs deploying again")]
    assert len(advice) == 1
    assert "(naming only BankMSP, CoreEnterpriseMSP, RegulatorMSP, or --channel-policy)" in advice[0]
    assert "bank2" in membership.load_state(data_root)["removed"]


def test_a_channel_org_this_data_folder_does_not_record_endorses_with_one_peer(topology, data_root, fake_fabric):
    """Bank3MSP joined the channel from another host and is not recorded here: its peer can still endorse for
    ledgerx, so Bank2MSP's leaving strands nothing."""
    net, members = network_with_bank2(topology, data_root, ScriptedPeer)
    net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0",
                         signature_policy="OR('Bank2MSP.peer', 'Bank3MSP.peer')", allow_one_org_policy=True)
    with_bank2_config = channel_config(with_bank2(topology), data_root)
    with_bank3 = config_of_channel.with_org(
        with_bank2_config, "Bank3MSP", with_bank2_config.channel_group.groups["Application"].groups["Bank2MSP"])
    assert "Bank3MSP" not in [o.msp_id for o in members.topology.orgs]
    bank2 = members.topology.org("bank2")
    # without Bank3MSP in the channel, Bank2MSP's leaving would strand ledgerx; with it, nothing
    assert [s.name for s in members.stranded_without(bank2, with_bank2_config)] == ["ledgerx"]
    assert members.stranded_without(bank2, with_bank3) == []
    removal = members.plan_remove("bank2", current=with_bank3)                       # not refused
    assert (removal.action, removal.org.msp_id) == ("remove", "Bank2MSP")


NESTED = ("AND(OR(AND('CoreEnterpriseMSP.peer', 'SupplierMSP.peer'), 'RegulatorMSP.peer', 'Bank2MSP.peer'), "
          "'SupplierMSP.peer')")


def test_a_policy_some_of_the_staying_peers_meet_is_not_stranded(topology, data_root, fake_fabric):
    """Fabric's NOutOf is greedy: with every staying peer endorsing, the inner OR uses the supplier's peer for
    AND('CoreEnterpriseMSP.peer', 'SupplierMSP.peer') and the outer 'SupplierMSP.peer' finds none left. A client
    that asks only the regulator's and the supplier's peers meets the policy, so Bank2MSP's leaving strands
    nothing."""
    envelope = signature_policy(NESTED)
    every_peer = [(m, "peer") for m in ("BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP")]
    assert not config_policy.met_by(envelope, every_peer)
    assert config_policy.met_by(envelope, [("RegulatorMSP", "peer"), ("SupplierMSP", "peer")])

    net, members = network_with_bank2(topology, data_root, ScriptedPeer)
    net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0", signature_policy=NESTED)
    assert all(len(members.topology.peers(o.name)) == 1 for o in members.topology.orgs)
    members.plan_remove("bank2", current=channel_config(with_bank2(topology), data_root))      # not refused


def test_no_more_peers_of_an_org_are_tried_than_the_policy_has_leaves_naming_it(monkeypatch):
    """AND over nine staying orgs of three peers each, none of them leaving: every choice fails, so every choice is
    tried; a fourth peer of an org named once can meet nothing a first one could not, so two counts (none, one)
    per org are tried, 2**9 choices, not 4**9."""
    orgs = [f"Org{n}MSP" for n in range(1, 10)]
    policy = "AND(%s)" % ", ".join(f"'{m}.peer'" for m in [*orgs, "LeavingMSP"])
    assert config_policy.leaves_naming(signature_policy(policy)) == {m: 1 for m in [*orgs, "LeavingMSP"]}
    tried = []
    met_by = config_policy.met_by
    monkeypatch.setattr(config_policy, "met_by", lambda envelope, ids: tried.append(ids) or met_by(envelope, ids))
    assert _names_unendorsable(policy, "LeavingMSP", {m: 3 for m in orgs})
    assert len(tried) == 2 ** 9
    # an org named twice: up to two of its five peers are tried, and two meet the policy without the leaving org
    tried.clear()
    assert not _names_unendorsable("OutOf(2, 'AMSP.peer', 'AMSP.peer', 'LeavingMSP.peer')", "LeavingMSP",
                                   {"AMSP": 5})
    assert max(len(ids) for ids in tried) == 2


def test_a_recorded_policy_the_parser_refuses_strands_nothing():
    """Fabric took the policy at commit, so a spelling this parser refuses (an operator it does not know) is not
    read as one the staying orgs cannot meet: the removal is not refused for it."""
    assert not _names_unendorsable("NOT('LeavingMSP.peer')", "LeavingMSP", {"AMSP": 1})
