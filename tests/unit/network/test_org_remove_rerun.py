"""`org remove` (and `org submit` of a removal) whose chaincode step failed finishes when run again, and a removal
that would leave another deployed chaincode needing the leaving org is refused before anything changes."""
from __future__ import annotations

import json
import re

import pytest

from network import Network, ccservers, membership, org_change
from network.errors import ChaincodeError
from network.fabric_bin import FabricInstall
from network.org_change import OrgChangeError
from network.org_membership import OrgMembership

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



@pytest.mark.parametrize("names_it", ["policy", "collections"])
def test_a_removal_is_refused_while_another_chaincode_needs_the_org(topology, data_root, fake_fabric, tmp_path,
                                                                    names_it):
    net, members = network_with_bank2(topology, data_root, ScriptedPeer)
    peer = net.tools
    net.deploy_chaincode("ledgery", topology.chaincode.contract, "1.0")     # the topology's derived policy: any two
    if names_it == "policy":
        net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0", signature_policy=NAMES_BANK2)
        named = rf"its endorsement policy {re.escape(NAMES_BANK2)} names Bank2MSP"
        options = re.escape(" --signature-policy POLICY (naming only ") + ".*" + re.escape(", or --channel-policy)")
    else:
        notes = tmp_path / "notes.json"
        notes.write_text(json.dumps([{"name": "notes", "policy": "OR('Bank2MSP.member', 'BankMSP.member')",
                                      "requiredPeerCount": 0, "maxPeerCount": 1, "blockToLive": 0,
                                      "memberOnlyRead": True, "memberOnlyWrite": True}]))
        net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0", collections_config=notes,
                             signature_policy=None)
        named = "the member policy of its collections notes names Bank2MSP"
        options = re.escape(" --collections-config FILE (a copy of ") + ".*" + re.escape(" --channel-policy")
    refusal = rf"ledgerx: {named}; deploy it again with `recfin chaincode deploy --name ledgerx --contract " \
              rf"{re.escape(topology.chaincode.contract)} --version 1\.0{options}`"
    calls, stopped, state = len(peer.calls), len(net.supervisor.stopped), membership.load_state(data_root)
    records = {d.name: d for d in ccservers.deployments(data_root)}

    with_it = channel_config(with_bank2(topology), data_root)
    for attempt in (lambda: members.plan_remove("bank2", current=with_it),       # --dry-run, --update-out
                    lambda: _fetched(members, with_it).remove("bank2"),
                    lambda: members._after_remove(net.topology.org("bank2"))):   # the update in from another host
        with pytest.raises(OrgChangeError, match=refusal) as refused:
            attempt()
        assert "ledgery" not in str(refused.value) and "Stopped before anything changed" in str(refused.value)
    assert len(peer.calls) == calls and len(net.supervisor.stopped) == stopped
    assert membership.load_state(data_root) == state
    assert {d.name: d for d in ccservers.deployments(data_root)} == records

    # deployed again as the refusal says, while Bank2MSP is in the channel: the removal goes through
    if names_it == "policy":
        net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0",
                             signature_policy="AND('BankMSP.peer', 'SupplierMSP.peer')")
    else:
        notes.write_text(notes.read_text().replace("'Bank2MSP.member', ", ""))
        net.deploy_chaincode("ledgerx", topology.chaincode.contract, "1.0", collections_config=notes,
                             signature_policy=None)
    peer.orgs.remove("Bank2MSP")
    members._after_remove(net.topology.org("bank2"))
    assert "bank2" in membership.load_state(data_root)["removed"]
