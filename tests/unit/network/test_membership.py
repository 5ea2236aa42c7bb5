"""The channel's orgs beyond topology.yaml: a new org's spec, the recorded changes, the removal guard."""
from __future__ import annotations

import pytest

from network import Network, membership
from network.errors import NetworkError, TopologyError
from network.org_change import OrgChangeError
from network.org_membership import OrgMembership


def test_a_new_bank_org_follows_the_topologys_conventions(topology):
    spec = membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B")
    assert (spec.msp_id, spec.domain) == ("Bank2MSP", "bank2.recfin.local")
    peer = spec.peers[0]
    # Past every port in use: peers up to 10051/10052, operations up to 9643, chaincode servers up to 9994.
    assert (peer.port, peer.chaincode_port, peer.operations_port, spec.chaincode_server_port) == (11051, 11052, 9644, 9995)
    assert [u.name for u in spec.users] == ["officer1", "officer2"]
    assert all(u.attrs == {"recfin.role": "financier", "recfin.enterprise": "91110000MA1K00006B"} for u in spec.users)
    assert membership.org_role(spec) == "bank" and spec.role == "financier"     # the contract role its MSP gets
    assert membership.msp_id_for("second-bank") == "SecondBankMSP"


@pytest.mark.parametrize("name, role, enterprise, message", [
    ("bank", "bank", "91110000MA1K00006B", "already in the network"),
    ("bank2", "lender", "91110000MA1K00006B", "choose one of"),
    ("bank2", "bank", None, "--enterprise"),
    # the rule in one line, not the patterns of the MSP ID and domain derived from the name
    ("Bank 2", "bank", "91110000MA1K00006B",
     r"^'Bank 2' cannot be an org's name: use lower-case letters, digits and '-', starting with a letter$"),
    # a regulator's users act for no enterprise: its certificates would carry recfin.enterprise
    ("bank2", "regulator", "91110000MA1K00006B", "a regulator org's users act for no enterprise"),
])
def test_a_bad_new_org_is_refused_with_the_reason(topology, name, role, enterprise, message):
    with pytest.raises(NetworkError, match=message):
        membership.new_org_spec(topology, name, role, enterprise)


def test_a_new_org_whose_names_do_not_fit_is_refused_as_given_not_as_membership_yaml(topology):
    """The org the command names is what does not fit, not a file: the refusal must not send the operator to
    membership.yaml, which holds only the orgs added before."""
    name = "abcdefghij" * 2 + "abcdefgh"   # its peer's client certificate name runs to 65 characters
    with pytest.raises(TopologyError) as refused:
        membership.new_org_spec(topology, name, "bank", "91110000MA1K00007E")
    assert str(refused.value).startswith(f"the org as given: org {name}: a certificate of it would be named ")
    assert "membership.yaml" not in str(refused.value)


def test_recorded_additions_and_removals_shape_the_networks_orgs(topology, tmp_path):
    spec = membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B")
    membership.record_added(tmp_path, spec)
    membership.record_removed(tmp_path, "regulator")
    net = Network(topology, data_root=tmp_path)
    assert [o.name for o in net.topology.orgs] == ["coreenterprise", "supplier", "bank", "bank2"]
    assert net.topology.org("Bank2MSP").peers[0].port == 11051
    assert "peer0.bank2" in [n.name for n in net.topology.peers()]
    # Removing an added org forgets its spec and records that it left.
    membership.record_removed(tmp_path, "bank2")
    assert membership.load_state(tmp_path) == {"added": [], "removed": ["regulator", "bank2"]}
    assert [o.name for o in membership.effective(topology, tmp_path).orgs] == ["coreenterprise", "supplier", "bank"]


def test_an_org_of_topology_yaml_added_again_takes_its_place_until_it_leaves_again(topology, tmp_path):
    membership.record_removed(tmp_path, "bank")
    left = membership.effective(topology, tmp_path)
    again = membership.new_org_spec(left, "bank", "bank", enterprise="91110000MA1K00006B")
    membership.record_added(tmp_path, again)
    orgs = membership.effective(topology, tmp_path).orgs
    assert [o.name for o in orgs] == ["coreenterprise", "supplier", "bank", "regulator"]
    assert orgs[2] == again and orgs[2] != topology.org("bank")
    membership.record_removed(tmp_path, "bank")
    assert [o.name for o in membership.effective(topology, tmp_path).orgs] == ["coreenterprise", "supplier",
                                                                                "regulator"]


def test_an_org_of_topology_yaml_that_comes_back_keeps_its_spec_and_moves_only_the_ports_taken_since(topology):
    """regulator left, then bank2 joined on the ports past the highest then in use: regulator's peer and chaincode
    server ports. Added again, regulator is topology.yaml's regulator but for those."""
    left = membership.with_orgs(topology, [o for o in topology.orgs if o.name != "regulator"])
    bank2 = membership.new_org_spec(left, "bank2", "bank", "91110000MA1K00007E")
    now = membership.with_orgs(topology, [*left.orgs, bank2])
    defined = topology.org("regulator")
    assert (bank2.peers[0].port, bank2.chaincode_server_port) == (defined.peers[0].port, defined.chaincode_server_port)

    again = membership.returning_org_spec(topology, now, "regulator", "regulator")
    assert (again.msp_id, again.domain, again.users) == (defined.msp_id, defined.domain, defined.users)
    peer = again.peers[0]
    assert (peer.port, peer.chaincode_port, peer.operations_port) == (11051, 11052, defined.peers[0].operations_port)
    assert again.chaincode_server_port == 9995
    assert membership.with_orgs(topology, [*now.orgs, again]).org("RegulatorMSP") == again     # nothing clashes
    untouched = membership.returning_org_spec(topology, left, "regulator", "regulator")
    assert untouched == defined


@pytest.mark.parametrize("role, enterprise, message", [
    ("bank", None, "which gives it the role core-enterprise: .* give --role core-enterprise"),
    ("core-enterprise", "91110000MA1K00006B", "whose users act for 91310000MA1K000019, not 91110000MA1K00006B"),
])
def test_an_org_of_topology_yaml_comes_back_only_as_it_is_defined(topology, role, enterprise, message):
    left = membership.with_orgs(topology, [o for o in topology.orgs if o.name != "coreenterprise"])
    with pytest.raises(NetworkError, match=message):
        membership.returning_org_spec(topology, left, "coreenterprise", role, enterprise)


def test_a_new_org_may_not_take_the_msp_id_or_domain_of_an_org_that_left(topology, tmp_path):
    """The contract binds ledger parties to MSP IDs: core-enterprise would be CoreEnterpriseMSP, the MSP ID of
    coreenterprise (topology.yaml's), and bank-2 Bank2MSP, that of bank2 (added, then removed)."""
    membership.record_added(tmp_path, membership.new_org_spec(topology, "bank2", "bank", "91110000MA1K00006B"))
    membership.record_removed(tmp_path, "coreenterprise")
    membership.record_removed(tmp_path, "bank2")
    now = membership.effective(topology, tmp_path)
    departed = membership.departed_orgs(topology, now, tmp_path)
    assert departed == [("coreenterprise", "CoreEnterpriseMSP", "core.recfin.local", "core-enterprise"),
                        ("bank2", "Bank2MSP", "bank2.recfin.local", None)]
    for name, role, taken in [("core-enterprise", "core-enterprise", "the MSP ID CoreEnterpriseMSP, which is "
                                                                     "coreenterprise's"),
                              ("core", "core-enterprise", "the domain core.recfin.local, which is coreenterprise's"),
                              ("bank-2", "bank", "the MSP ID Bank2MSP, which is bank2's")]:
        with pytest.raises(NetworkError, match=f"an org named {name} would take {taken}.*`recfin org add "):
            membership.new_org_spec(now, name, role, "91310000MA1K000019", departed=departed)
        membership.new_org_spec(now, name, role, "91310000MA1K000019")      # the clash is the departed org's alone
    # bank2 itself comes back under its own name (its crypto folder, and CA, are the ones it left with)
    assert membership.new_org_spec(now, "bank2", "bank", "91110000MA1K00006B", departed=departed).msp_id == "Bank2MSP"


def test_a_data_folder_that_lists_an_org_of_topology_yaml_as_added_still_loads(topology, tmp_path):
    """As an `org add` of a topology org that had left recorded it before such a spec took the org's place
    (the name off `removed:`, the spec under `added:`)."""
    again = membership.new_org_spec(membership.with_orgs(topology, [o for o in topology.orgs if o.name != "bank"]),
                                    "bank", "bank", enterprise="91110000MA1K00006B")
    membership.record_added(tmp_path, again)
    assert membership.load_state(tmp_path)["removed"] == []
    net = Network(topology, data_root=tmp_path)
    assert [o.msp_id for o in net.topology.orgs].count("BankMSP") == 1 and net.topology.org("bank") == again


def test_a_recorded_org_that_clashes_is_reported_not_ignored(topology, tmp_path):
    spec = membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B")
    clash = spec.model_copy(update={"chaincode_server_port": topology.orgs[0].chaincode_server_port})
    membership.record_added(tmp_path, clash)
    with pytest.raises(TopologyError, match="port 9991 is used twice"):
        membership.effective(topology, tmp_path)


def test_the_last_org_of_a_role_cannot_leave(topology, tmp_path):
    members = OrgMembership(Network(topology, data_root=tmp_path))
    with pytest.raises(OrgChangeError, match="bank is the channel's last bank org"):
        members.check_removable("bank")
    membership.record_added(tmp_path, membership.new_org_spec(topology, "bank2", "bank", "91110000MA1K00006B"))
    members = OrgMembership(Network(topology, data_root=tmp_path))
    assert members.check_removable("bank").msp_id == "BankMSP"
    assert members.check_removable("bank2").msp_id == "Bank2MSP"


@pytest.mark.parametrize("text, problem", [
    ("added: [\n  - name: bank2\n", r"not valid YAML at line \d+"),
    ("added: []\nremoved: [2026-02-30]\n",
     r"cannot read the value 2026-02-30 at line 2, column 11 \(day is out of range for month\)"),
    ('added: []\nremoved: [!!bool "x"]\n',
     r"the tag !!bool at line 2, column 11: tags are not read in a membership record"),
    ("removed: &gone [bank]\nadded: []\n", r"the anchor &gone at line 1, column 10: anchors and aliases"),
    ("- bank2\n", "it holds a list, not a mapping of added, removed and users"),
    ("removed: bank\n", r"a section has the wrong shape \(removed is a str, not a list\)"),
])
def test_a_damaged_membership_file_is_named_with_what_to_do(topology, tmp_path, text, problem):
    (tmp_path / membership.STATE_FILE).write_text(text)
    with pytest.raises(NetworkError, match=rf"^{tmp_path / membership.STATE_FILE} is damaged: {problem}.*: repair it "
                                           rf"\(or restore it from a backup\) and run the command again"):
        Network(topology, data_root=tmp_path)


def test_every_network_command_reports_a_damaged_membership_file_in_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from cli.main import main
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / membership.STATE_FILE).write_text("added: {{\n")
    result = CliRunner().invoke(main, ["network", "status"])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {tmp_path / 'network' / membership.STATE_FILE} "
                                                              f"is damaged: not valid YAML")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("text, problem", [
    ("users: {supplier: [{name: Bad_Name}]}\n", r"user 1 of supplier: name: String should match pattern"),
    ("added: [{name: x}]\n", r"added org 1: role: give what the org's parties are"),
    ("users: {supplier: [plain-string]}\n",
     r"a section has the wrong shape \(entry 1 of users of supplier is a str, not a mapping\)"),
    ("removed: [{name: bank}]\n", r"a section has the wrong shape \(entry 1 of removed is a dict, not a name\)"),
])
def test_a_membership_file_with_a_bad_entry_is_named_damaged_not_a_traceback(topology, tmp_path, text, problem):
    (tmp_path / membership.STATE_FILE).write_text(text)
    with pytest.raises(NetworkError, match=rf"^{tmp_path / membership.STATE_FILE} is damaged: {problem}.*: repair it"):
        Network(topology, data_root=tmp_path)


def test_a_bad_namespace_entry_is_named_damaged(tmp_path):
    (tmp_path / membership.STATE_FILE).write_text("namespaces: {bank2: 5}\n")
    with pytest.raises(NetworkError, match=rf"^{tmp_path / membership.STATE_FILE} is damaged: namespace of bank2: "):
        membership.recorded_namespaces(tmp_path)


def test_down_purge_reports_a_bad_entry_in_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from cli.main import main
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / membership.STATE_FILE).write_text("users: {supplier: [{name: X}]}\n")
    result = CliRunner().invoke(main, ["network", "down", "--purge"])
    assert result.exit_code == 1 and result.output.startswith(
        f"Error: {tmp_path / 'network' / membership.STATE_FILE} is damaged: user 1 of supplier: name: ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
