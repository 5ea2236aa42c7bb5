"""A deploy weighed against what the channel holds, not only against this data folder's record, with the peer
CLI's answers scripted (scripted_peer): the version a deploy given none takes, and `recfin chaincode config`'s
answer to whether a plain deploy would change the definition deployed."""
import pytest
from click.testing import CliRunner

from cli.main import main
from network import ccservers, contract_config
from network.errors import ChaincodeError

from .test_deploy import scripted_network, verbs


@pytest.fixture
def net(topology, data_root, fake_fabric):
    return scripted_network(topology, data_root)


def _upgrade_committed_but_not_recorded(net, version: str) -> None:
    """A deploy of version whose commit landed, after which the run was killed before writing its record."""
    run = net.tools.run

    def killed_after_the_commit(tool, args, env=None, **kw):
        result = run(tool, args, env, **kw)
        if args[:3] == ["lifecycle", "chaincode", "commit"]:
            raise KeyboardInterrupt()
        return result
    net.tools.run = killed_after_the_commit
    with pytest.raises(KeyboardInterrupt):
        net.deploy_chaincode(version=version)
    net.tools.run = run


def test_a_deploy_given_no_version_does_not_put_the_recorded_version_back_over_a_later_one(net, data_root):
    net.deploy_chaincode()                                          # 1.0, sequence 1, recorded
    _upgrade_committed_but_not_recorded(net, "1.1")                 # 1.1, sequence 2, on the channel only
    in_force = dict(net.tools.committed)
    calls = len(net.tools.calls)
    with pytest.raises(ChaincodeError) as refused:
        net.deploy_chaincode()
    message = str(refused.value)
    assert f"version {in_force['version']} at sequence 2" in message          # the channel's
    assert "records version 1.0+cfg." in message and "at sequence 1" in message      # the record's
    assert "as sequence 3" in message and "`--version 1.1`" in message    # what it would do, the way on
    assert net.tools.committed == in_force                                    # the channel keeps 1.1
    assert [c[0] for c in net.tools.calls[calls:]] == ["querycommitted"]      # nothing installed or approved
    assert ccservers.load_deployment(data_root, "receivables").sequence == 1
    kept = net.deploy_chaincode(version="1.1")          # the way on: recorded, not committed again
    assert (kept.version, kept.sequence, kept.changed) == (in_force["version"], 2, False)
    assert ccservers.load_deployment(data_root, "receivables").version == in_force["version"]
    assert net.deploy_chaincode().changed is False                            # and plain deploys from then on


def test_a_version_given_still_replaces_the_definition_in_force(net):
    net.deploy_chaincode()
    _upgrade_committed_but_not_recorded(net, "1.1")
    back = net.deploy_chaincode(version="1.0")
    assert (back.sequence, back.changed) == (3, True)
    assert net.tools.committed["version"].startswith("1.0+cfg.")


def test_a_lost_record_of_the_same_version_is_still_recorded_given_no_version(net, data_root):
    first = net.deploy_chaincode()
    ccservers.state_file(data_root, "receivables").unlink()
    again = net.deploy_chaincode()
    assert (again.version, again.sequence, again.changed) == (first.version, 1, False)
    assert not verbs(net.tools, "commit")[1:]


GIVEN_POLICY = "AND('BankMSP.peer', 'SupplierMSP.peer')"
FEATURES = "chaincode.feature_contract:FeatureContract"


def test_config_says_a_definition_deployed_with_another_policy_is_not_what_a_plain_deploy_keeps(
        net, data_root):
    net.deploy_chaincode(signature_policy=GIVEN_POLICY)
    report = contract_config.report(net.topology, data_root)
    assert report["deployed_endorsement_policy"] == GIVEN_POLICY
    assert report["endorsement_policy"] == contract_config.endorsement_policy(net.topology)
    assert (report["deployed"], report["deployed_differs"]) == (False, ["endorsement policy"])
    assert net.deploy_chaincode().changed is True       # as it said: a plain deploy commits a new sequence
    report = contract_config.report(net.topology, data_root)
    assert (report["deployed"], report["deployed_differs"]) == (True, [])
    assert net.deploy_chaincode().changed is False          # and now, as it says, none


def test_config_says_a_definition_deployed_with_other_collections_is_not_what_a_plain_deploy_keeps(
        net, data_root, tmp_path):
    given = tmp_path / "collections.json"
    given.write_text("[]")
    net.deploy_chaincode(collections_config=given)
    assert contract_config.report(net.topology, data_root)["deployed_differs"] == ["collections"]
    assert not contract_config.collections_path(data_root, "receivables").is_file()    # the report wrote none
    assert net.deploy_chaincode().changed is True
    assert contract_config.report(net.topology, data_root)["deployed"] is True


def test_config_prints_the_deployed_policy_and_what_differs(net, data_root, tmp_path, monkeypatch):
    net.deploy_chaincode(signature_policy=GIVEN_POLICY)
    monkeypatch.setenv("RECFIN_HOME", str(data_root.parent))          # its data folder: <RECFIN_HOME>/network
    for var in ("RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG", "RECFIN_TOPOLOGY"):
        monkeypatch.delenv(var, raising=False)
    result = CliRunner().invoke(main, ["chaincode", "config"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines() if ": " in line)
    assert lines["deployed_endorsement_policy"] == GIVEN_POLICY and lines["deployed"] in ("False", "no")
    assert "the deployed definition differs in: endorsement policy" in result.output


def test_the_deployed_policy_typed_otherwise_is_no_new_sequence(net, data_root):
    first = net.deploy_chaincode(signature_policy="AND('BankMSP.peer','SupplierMSP.peer')")
    calls = len(net.tools.calls)
    again = net.deploy_chaincode(signature_policy="AND( 'BankMSP.peer', 'SupplierMSP.peer' )")
    assert (again.sequence, again.changed) == (first.sequence, False)
    assert [c[0] for c in net.tools.calls[calls:]] == ["querycommitted"]         # no approval round
    assert ccservers.load_deployment(data_root, "receivables").signature_policy == \
        "AND('BankMSP.peer','SupplierMSP.peer')"                                 # the text the channel has
    other = net.deploy_chaincode(signature_policy="AND('BankMSP.peer', 'RegulatorMSP.peer')")
    assert (other.sequence, other.changed) == (2, True)                  # another rule: a new sequence
    same = "OutOf(2, 'BankMSP.peer', 'RegulatorMSP.peer')"
    assert net.deploy_chaincode(signature_policy=same).changed is False                      # the same


def test_config_takes_the_deployed_policy_typed_otherwise_as_deployed(net, data_root, topology):
    derived = contract_config.endorsement_policy(topology)
    net.deploy_chaincode(signature_policy=derived.replace(", ", ","))
    report = contract_config.report(net.topology, data_root)
    assert (report["deployed"], report["deployed_differs"]) == (True, [])
    assert net.deploy_chaincode().changed is False


def test_a_policy_the_peer_cannot_read_is_refused_before_anything_is_written(net, data_root):
    with pytest.raises(ChaincodeError, match=r"^endorsement policy: policy \"OR\('BankMSP.peer'\": "
                                             r"ends early"):
        net.deploy_chaincode(signature_policy="OR('BankMSP.peer'")
    assert net.tools.calls == [] and not (data_root / "chaincode").exists()


def servers_moved(topology, by: int):
    """The topology with every org's chaincode_server_port moved by `by`, as an edit of topology.yaml."""
    return topology.model_copy(update={"orgs": [
        org.model_copy(update={"chaincode_server_port": org.chaincode_server_port + by})
        for org in topology.orgs]})


def test_a_restart_refuses_servers_where_the_installed_packages_do_not_dial(net, data_root, topology):
    """chaincode_server_port edited in topology.yaml after the deploy: restarted there, the servers would look
    healthy while every org's peer dials the address its installed package names."""
    deployed = net.deploy_chaincode()
    net.topology = servers_moved(topology, 500)
    net.supervisor.started.clear()
    bank = topology.org("bank")
    with pytest.raises(ChaincodeError) as refused:
        net.start_chaincode_servers(restart=True)
    message = str(refused.value)
    assert f"receivables.bank (now at {topology.listen_host}:{bank.chaincode_server_port + 500})" in message
    assert "Nothing was stopped: run `recfin chaincode deploy`" in message
    assert net.supervisor.stopped == [] and net.supervisor.started == []
    moved = net.deploy_chaincode()                                  # the way on: packages for the new ports
    assert (moved.sequence, moved.changed) == (deployed.sequence + 1, True)
    net.supervisor.started.clear()
    assert len(net.start_chaincode_servers(restart=True)) == len(topology.orgs)


def test_a_restart_names_the_whole_deploy_of_another_chaincode(net, data_root, topology, tmp_path):
    collections = tmp_path / "collections.json"
    collections.write_text("[]")
    net.deploy_chaincode(name="features", contract=FEATURES, version="2.0", collections_config=collections,
                         signature_policy="OR('BankMSP.peer')", allow_one_org_policy=True)
    net.topology = servers_moved(topology, 500)
    kept = ccservers.committed_collections_file(data_root, "features")
    with pytest.raises(ChaincodeError, match=(
            rf"run `recfin chaincode deploy --name features --contract {FEATURES} --version 2.0 "
            rf"--collections-config {kept} --signature-policy \"OR\('BankMSP.peer'\)\" --allow-one-org-policy`")):
        net.start_chaincode_servers("features", restart=True)


def test_a_deploy_given_no_contract_keeps_the_contract_deployed_under_that_name(net, data_root):
    """Taken from the topology, the receivables contract would be committed under `features`, a new
    sequence."""
    net.deploy_chaincode(name="features", contract=FEATURES, version="2.0", signature_policy=None)
    net.supervisor.running.clear()                   # its servers died: the deploy starts them again
    net.supervisor.started.clear()
    again = net.deploy_chaincode(name="features", version="2.0", signature_policy=None)
    assert (again.sequence, again.changed) == (1, False)
    assert ccservers.load_deployment(data_root, "features").contract == FEATURES
    assert len(net.supervisor.started) == len(net.topology.orgs)
    assert all(spec.argv[-2:] == ["--contract", FEATURES] for spec in net.supervisor.started)
    given = net.deploy_chaincode(name="features", version="2.0", signature_policy=None,
                                 contract=net.topology.chaincode.contract)
    assert (given.sequence, given.changed) == (2, True)             # given, it is set


def test_config_says_deployed_when_a_plain_deploy_keeps_another_contract(net, data_root):
    net.deploy_chaincode(contract=FEATURES)
    report = contract_config.report(net.topology, data_root)
    assert (report["deployed"], report["deployed_differs"]) == (True, [])
    assert net.deploy_chaincode().changed is False          # as it says
    assert ccservers.load_deployment(data_root, "receivables").contract == FEATURES
