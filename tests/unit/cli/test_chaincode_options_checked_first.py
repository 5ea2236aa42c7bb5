"""`recfin chaincode deploy` and `restart` refuse a --name, --version, --signature-policy or --contract that cannot
be deployed as a usage error (exit 2) naming the option, before anything runs (docs/cli.md, "Bad input").

Before, each was found inside the deploy: after the Fabric tools were looked for (so a machine without them was
told to build Fabric, and then refused the option), and a --contract the servers cannot import only once every org
had approved the new definition and the running servers had been stopped for ones that never started. A blank
--name (an unset variable) stood for the default: the topology's chaincode, or every deployed one for `restart`.
"""
from __future__ import annotations

import sys

import pytest
import yaml

from cli import chaincode_commands
from cli.main import main
from network import ccservers
from network.topology import DEFAULT_TOPOLOGY


@pytest.fixture
def opened(monkeypatch):
    """What the command asked of the network: nothing, where its line was refused."""
    asked = []

    class Network:
        def deploy_chaincode(self, **given):
            asked.append(("deploy", given))
            from network.control import DeployResult
            return DeployResult(given["name"] or "receivables", "1.0", 1, False, {})

        def start_chaincode_servers(self, name=None, restart=False):
            asked.append(("restart", name))
            return []

    monkeypatch.setattr(chaincode_commands, "open_network", lambda *args, **kwargs: asked.append("opened") or Network())
    return asked


@pytest.mark.parametrize("args, option, said", [
    (["--name", ""], "--name", "chaincode name '' is not one Fabric accepts"),
    (["--name", "qscc"], "--name", "chaincode name 'qscc' is a Fabric system chaincode's"),
    (["--version", ""], "--version", "chaincode version '' is not one Fabric accepts"),
    (["--version", "1 1"], "--version", "chaincode version '1 1' is not one Fabric accepts"),
    (["--signature-policy", "AND('BankMSP.peer'"], "--signature-policy", "endorsement policy: policy "),
    (["--signature-policy", ""], "--signature-policy", "endorsement policy: policy ''"),
    (["--contract", "chaincode.receivables"], "--contract", "'chaincode.receivables': expected module:Class"),
    (["--contract", "nosuchmodule:Nothing"], "--contract", "cannot import nosuchmodule"),
    (["--contract", "chaincode.receivables:Nothing"], "--contract", "module chaincode.receivables has no Nothing"),
    (["--contract", "os:system"], "--contract", "system is not a Contract class"),
])
def test_deploy_refuses_the_option_before_anything_runs(runner, opened, args, option, said):
    result = runner.invoke(main, ["chaincode", "deploy", *args])
    assert result.exit_code == 2, result.output
    error = " ".join(result.stderr.splitlines()[-1].split())
    assert error.startswith(f"Error: Invalid value for '{option}': ") and said in error, error
    assert error.endswith("; nothing was deployed"), error
    assert opened == []


@pytest.mark.parametrize("name", ["", "no such"])
def test_restart_refuses_a_name_no_chaincode_can_have_rather_than_restart_every_one(runner, opened, name):
    result = runner.invoke(main, ["chaincode", "restart", "--name", name])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--name': chaincode name {name!r} is not one Fabric accepts" in result.stderr
    assert result.stderr.rstrip().endswith("; nothing was restarted") and opened == []


def test_the_options_the_deploy_can_take_reach_it(runner, opened):
    result = runner.invoke(main, ["chaincode", "deploy", "--name", "ledgery", "--version", "1.1+rc.2",
                                  "--contract", "chaincode.receivables:ReceivablesContract",
                                  "--signature-policy", "AND('BankMSP.peer','SupplierMSP.peer')"])
    assert result.exit_code == 0, result.output
    [_, (_, given)] = opened
    assert (given["name"], given["version"], given["contract"], given["signature_policy"]) == (
        "ledgery", "1.1+rc.2", "chaincode.receivables:ReceivablesContract", "AND('BankMSP.peer','SupplierMSP.peer')")


def test_a_contract_is_imported_from_where_the_servers_run(runner, opened, monkeypatch, tmp_path):
    """`python -m chaincode` runs in the checkout, which comes first on its path: a contract module there is one the
    servers import, though this process (run from elsewhere) would not find it; the path is left as it was."""
    (tmp_path / "house_rules.py").write_text(
        "from chaincode.contract import Contract\n\n\nclass HouseRules(Contract):\n    pass\n")
    monkeypatch.setattr(ccservers, "REPO_ROOT", tmp_path)
    monkeypatch.delitem(sys.modules, "house_rules", raising=False)
    path = list(sys.path)
    result = runner.invoke(main, ["chaincode", "deploy", "--name", "house", "--contract", "house_rules:HouseRules"])
    assert result.exit_code == 0, result.output
    assert opened[1][1]["contract"] == "house_rules:HouseRules" and sys.path == path


@pytest.mark.parametrize("policy", ["OR('SupplierMSP.peer')", "OutOf(1, 'BankMSP.peer', 'SupplierMSP.peer')",
                                    "AND('BankMSP.peer', 'BankMSP.admin')"])
def test_a_policy_one_org_could_meet_alone_is_refused_before_anything_runs(runner, opened, policy):
    # --help says so; it was refused inside the deploy, after the Fabric tools were looked for, so a machine
    # without them was told to build Fabric first, and only then refused the policy
    result = runner.invoke(main, ["chaincode", "deploy", "--signature-policy", policy])
    assert result.exit_code == 2, result.output
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert error.startswith("Error: Invalid value for '--signature-policy': endorsement policy "), error
    assert "Nothing was deployed" in error and "--allow-one-org-policy" in error
    assert opened == []


def test_a_policy_one_org_could_meet_alone_reaches_the_deploy_with_the_opt_in(runner, opened):
    result = runner.invoke(main, ["chaincode", "deploy", "--signature-policy", "OR('SupplierMSP.peer')",
                                  "--allow-one-org-policy"])
    assert result.exit_code == 0, result.output
    [_, (_, given)] = opened
    assert (given["signature_policy"], given["allow_one_org_policy"]) == ("OR('SupplierMSP.peer')", True)


def _a_channel_of_one_org(tmp_path, recorded_by: str) -> list[str]:
    """The --topology option (if any) of a channel whose one org's peers alone meet its MAJORITY Endorsement: one
    topology.yaml defines that way, or the packaged four orgs of which the data folder records three removed."""
    document = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    if recorded_by == "topology.yaml":
        document["orgs"] = document["orgs"][:1]
        (tmp_path / "one_org.yaml").write_text(yaml.safe_dump(document))
        return ["--topology", str(tmp_path / "one_org.yaml")]
    data_root = tmp_path / "home" / "network"
    data_root.mkdir(parents=True)
    (data_root / "membership.yaml").write_text(yaml.safe_dump({"added": [], "removed": [org["name"] for org in document["orgs"][1:]]}))
    return []


@pytest.mark.parametrize("recorded_by", ["topology.yaml", "membership.yaml"])
def test_the_channel_policy_on_a_channel_of_one_org_is_refused_before_the_fabric_tools_are_looked_for(
        runner, tmp_path, recorded_by):
    # --help says so; it was refused inside the deploy, after the Fabric tools were looked for (the runner's install
    # is empty), so a machine without them was told to build Fabric first, and only then refused the policy
    topology = _a_channel_of_one_org(tmp_path, recorded_by)
    result = runner.invoke(main, ["chaincode", "deploy", *topology, "--channel-policy"])
    assert result.exit_code == 2, result.output
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert error.startswith("Error: --channel-policy: the channel's Endorsement policy as recfin writes it, "
                            "MAJORITY Endorsement over its 1 org(s), is met by the peers of "), error
    assert "Nothing was deployed" in error and "--allow-one-org-policy" in error and "Fabric" not in error


def test_the_channel_policy_on_a_channel_of_two_orgs_or_more_reaches_the_deploy(runner, monkeypatch):
    from network.control import DeployResult, Network

    asked = []
    monkeypatch.setattr(Network, "deploy_chaincode",
                        lambda net, **given: asked.append(given) or DeployResult("receivables", "1.0", 1, False, {}))
    result = runner.invoke(main, ["chaincode", "deploy", "--channel-policy"])
    assert result.exit_code == 0, result.output
    assert [(given["signature_policy"], given["allow_one_org_policy"]) for given in asked] == [(None, False)]
