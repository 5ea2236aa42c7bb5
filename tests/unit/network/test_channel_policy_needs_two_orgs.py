"""`--channel-policy` makes the chaincode's endorsement policy the channel's `/Channel/Application/Endorsement`, which
recfin writes as MAJORITY Endorsement over each org's own OR('<MSP>.peer'): two orgs' peers on a channel of two orgs or
more, one org's alone on a channel of one. There it voids the contract's guarantee that no single org writes alone,
so it is refused, before anything runs, as a --signature-policy one org could meet is, unless --allow-one-org-policy."""
import pytest
from click.testing import CliRunner

from cli.main import main
from network import ccservers, configtx
from network.control import Network
from network.errors import ChaincodeError

from .test_deploy import scripted_network


def one_org(topology):
    return topology.model_copy(update={"orgs": topology.orgs[:1]})


@pytest.mark.parametrize("orgs, needed", [(1, 1), (2, 2), (3, 2), (4, 3)])
def test_the_generated_channel_endorsement_policy_needs_a_majority_of_orgs(topology, data_root, orgs, needed):
    channel = topology.model_copy(update={"orgs": topology.orgs[:orgs]})
    assert configtx.endorsement_orgs_needed(channel, data_root) == needed


def test_channel_policy_on_a_one_org_channel_is_refused_before_anything_runs(topology, data_root, fake_fabric):
    net = scripted_network(one_org(topology), data_root)
    with pytest.raises(ChaincodeError) as refused:
        net.deploy_chaincode(name="notes", signature_policy=None)
    message = str(refused.value)
    assert "--channel-policy" in message and "MAJORITY Endorsement" in message
    assert f"the peers of {topology.orgs[0].msp_id} alone" in message
    assert "one org running altered chaincode on its own peer could write" in message
    assert "--allow-one-org-policy" in message and "recfin org add" in message
    assert net.tools.calls == [] and ccservers.load_deployment(data_root, "notes") is None


def test_channel_policy_on_a_one_org_channel_is_deployed_when_asked_for_knowingly(topology, data_root, fake_fabric):
    """A chaincode of its own (the receivables contract needs orgs of every role, so never one org)."""
    net = scripted_network(one_org(topology), data_root)
    net.deploy_chaincode(name="notes", signature_policy=None, allow_one_org_policy=True)
    assert ccservers.load_deployment(data_root, "notes").signature_policy is None


def test_channel_policy_with_the_opt_in_is_deployed_by_the_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    asked = {}

    def deploy_chaincode(net, **options):
        asked.update(options)
        return {"name": "receivables", "version": "1.0", "sequence": 1, "changed": True}

    monkeypatch.setattr(Network, "deploy_chaincode", deploy_chaincode)
    result = CliRunner().invoke(main, ["chaincode", "deploy", "--channel-policy", "--allow-one-org-policy"])
    assert result.exit_code == 0, result.output
    assert (asked["signature_policy"], asked["allow_one_org_policy"]) == (None, True)
