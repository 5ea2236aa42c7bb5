"""A chaincode endorsement policy that one org could meet alone is refused before anything runs.

The contract's guarantee that no single org, running altered chaincode on its own peer, can write a key rests, for
every new key and every key without a key-level policy, on the chaincode definition's policy needing the peers of
two orgs. A policy some set of one org's identities meets (OR, OutOf(1, ...), a lone principal, one org named
twice, or naming a client, admin or member principal (an endorsement is a signature, which
an org's client or admin certificate makes as well as its peer) would void it: deploy, topology.yaml and
`recfin org remove|submit --signature-policy` refuse it, saying why and what to give instead."""
import pytest
from click.testing import CliRunner

from cli.main import main
from network import ccservers, contract_config, membership
from network.errors import ChaincodeError, TopologyError
from network.org_change import OrgChangeError
from network.org_membership import OrgMembership
from network.topology import DEFAULT_TOPOLOGY, load

from .test_contract_config import bank2_recorded, committed_policy, deployed_on, remove_bank2_setup
from .test_deploy_against_the_channel import net  # noqa: F401 (a fixture: a Network with the peer CLI scripted)

ONE_ORG_CAN_MEET = [
    "OR('BankMSP.peer', 'SupplierMSP.peer')",
    "OutOf(1, 'BankMSP.peer', 'SupplierMSP.peer', 'RegulatorMSP.peer')",
    "AND('BankMSP.peer')",
    "OutOf(2, 'BankMSP.peer', 'BankMSP.peer')",                       # two peers of one org
    "OR(AND('BankMSP.peer', 'SupplierMSP.peer'), AND('RegulatorMSP.peer', 'RegulatorMSP.peer'))",
]
NOT_PEERS = [
    "AND('BankMSP.member', 'SupplierMSP.member')",
    "AND('BankMSP.peer', 'SupplierMSP.client')",
    "OutOf(2, 'BankMSP.admin', 'SupplierMSP.peer', 'RegulatorMSP.peer')",
]
TWO_ORGS_NEEDED = [
    "AND('BankMSP.peer', 'SupplierMSP.peer')",
    "OutOf(2, 'BankMSP.peer', 'SupplierMSP.peer', 'RegulatorMSP.peer')",
    "OR(AND('BankMSP.peer', 'SupplierMSP.peer'), AND('RegulatorMSP.peer', 'CoreEnterpriseMSP.peer'))",
]


@pytest.fixture
def deployed(topology, data_root, fake_fabric):
    """The topology's chaincode deployed with its derived policy, bank2's crypto made (test_contract_config)."""
    return deployed_on(topology, data_root)


@pytest.mark.parametrize("policy", ONE_ORG_CAN_MEET + NOT_PEERS)
def test_a_policy_one_org_could_meet_alone_is_refused_before_anything_runs(net, data_root, topology, policy):
    with pytest.raises(ChaincodeError) as refused:
        net.deploy_chaincode(signature_policy=policy)
    message = str(refused.value)
    assert policy in message
    assert "one org running altered chaincode on its own peer could write" in message       # the guarantee
    assert contract_config.endorsement_policy(topology) in message                         # what to send
    assert "--channel-policy" in message and "--allow-one-org-policy" in message
    assert net.tools.calls == [] and ccservers.load_deployment(data_root, "receivables") is None


@pytest.mark.parametrize("policy", ONE_ORG_CAN_MEET)
def test_the_refusal_names_the_org_that_meets_it_alone(net, policy):
    with pytest.raises(ChaincodeError, match=r"the peers of \w+MSP( or of \w+MSP)* alone meet it"):
        net.deploy_chaincode(signature_policy=policy)


@pytest.mark.parametrize("policy", NOT_PEERS)
def test_the_refusal_names_the_principals_that_are_not_peers(net, policy):
    with pytest.raises(ChaincodeError, match=r"names '\w+MSP\.(member|client|admin)'.*'<MSP>\.peer'"):
        net.deploy_chaincode(signature_policy=policy)


@pytest.mark.parametrize("policy", TWO_ORGS_NEEDED)
def test_a_policy_every_way_of_meeting_which_takes_two_orgs_peers_is_deployed(net, data_root, policy):
    net.deploy_chaincode(signature_policy=policy)
    assert ccservers.load_deployment(data_root, "receivables").signature_policy == policy


def test_the_topologys_derived_policy_and_the_channel_policy_are_deployed(net, data_root, topology):
    net.deploy_chaincode()
    assert ccservers.load_deployment(data_root, "receivables").signature_policy == \
        contract_config.endorsement_policy(topology)
    net.deploy_chaincode(signature_policy=None)
    assert ccservers.load_deployment(data_root, "receivables").signature_policy is None


def test_a_one_org_policy_is_deployed_when_asked_for_knowingly(net, data_root):
    net.deploy_chaincode(signature_policy="OR('BankMSP.peer')", allow_one_org_policy=True)
    assert ccservers.load_deployment(data_root, "receivables").signature_policy == "OR('BankMSP.peer')"


@pytest.mark.parametrize("policy", ["OR('BankMSP.peer', 'SupplierMSP.peer')", "AND('BankMSP.member', 'SupplierMSP.member')"])
def test_topology_yaml_with_such_a_policy_is_refused(tmp_path, policy):
    text = DEFAULT_TOPOLOGY.read_text()
    assert "  endorsement_policy: derived\n" in text
    path = tmp_path / "topology.yaml"
    path.write_text(text.replace("  endorsement_policy: derived\n", f"  endorsement_policy: \"{policy}\"\n"))
    with pytest.raises(TopologyError, match=r"chaincode\.endorsement_policy.*one org running altered chaincode"):
        load(path)
    path.write_text(text.replace("  endorsement_policy: derived\n",
                                 "  endorsement_policy: \"AND('BankMSP.peer', 'SupplierMSP.peer')\"\n"))
    assert load(path).chaincode.endorsement_policy == "AND('BankMSP.peer', 'SupplierMSP.peer')"


def test_deploy_help_says_what_the_opt_in_voids():
    result = CliRunner().invoke(main, ["chaincode", "deploy", "--help"])
    assert result.exit_code == 0
    said = " ".join(result.output.split())
    assert "--allow-one-org-policy" in said and "voids" in said
    assert "peers of two orgs" in said


def test_org_remove_refuses_a_replacement_policy_one_org_could_meet_before_anything_changes(deployed, data_root,
                                                                                           topology):
    net, peer = deployed, deployed.tools
    members = remove_bank2_setup(net, data_root, topology, "AND('Bank2MSP.peer', 'SupplierMSP.peer')")
    calls, stopped, state = len(peer.calls), len(net.supervisor.stopped), membership.load_state(data_root)
    for policy in ("OR('BankMSP.peer', 'SupplierMSP.peer')", "AND('BankMSP.client', 'SupplierMSP.peer')"):
        with pytest.raises(OrgChangeError) as refused:
            members.remove("bank2", signature_policy=policy)
        message = str(refused.value)
        assert "one org running altered chaincode on its own peer could write" in message
        assert "Stopped before anything changed" in message
        assert "'BankMSP.peer', 'CoreEnterpriseMSP.peer', 'RegulatorMSP.peer', 'SupplierMSP.peer')" in message
        assert "recfin chaincode deploy --signature-policy POLICY --allow-one-org-policy" in message
    assert len(peer.calls) == calls and membership.load_state(data_root) == state     # nothing fetched or changed
    peer.orgs.remove("Bank2MSP")            # the update went in (another host submitted it): the steps after it
    with pytest.raises(OrgChangeError, match="alone meet it"):
        members._after_remove(net.topology.org("bank2"), "OR('BankMSP.peer', 'SupplierMSP.peer')")
    assert len(net.supervisor.stopped) == stopped and membership.load_state(data_root) == state


def test_org_add_keeps_a_one_org_policy_deployed_knowingly_rather_than_stranding_the_chaincode(deployed, data_root,
                                                                                              topology):
    net, peer = deployed, deployed.tools
    net.deploy_chaincode(signature_policy="OR('BankMSP.peer', 'SupplierMSP.peer')", allow_one_org_policy=True)
    spec, before = bank2_recorded(net, data_root, topology)
    OrgMembership(net)._join_chaincode(spec, before)
    assert committed_policy(peer) == "OR('BankMSP.peer', 'SupplierMSP.peer')"
    assert "Bank2MSP" in peer.committed["approvals"]


def test_the_opt_in_without_a_signature_policy_or_the_channel_policy_is_a_usage_error():
    result = CliRunner().invoke(main, ["chaincode", "deploy", "--allow-one-org-policy"])
    assert result.exit_code == 2
    assert "--allow-one-org-policy is for a --signature-policy or --channel-policy" in result.output
