"""An org's config update as a file, submitted from a host other than the one that wrote it.

The file carries the org's spec, signed with the update, so a channel org's admin can submit it
with `channel_only` from its own host, whose data folder holds its admin's MSP folder and the
orderers' TLS CA certificate and nothing else. The `peer` CLI is the scripted seam of
scripted_channel.py, which answers the two config calls.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fabric_protos.common import configtx_pb2

from cli.org_commands import org
from network import bundle, config_signing, membership
from network.crypto import org_crypto
from network.default_paths import TOPOLOGY_VARIABLE
from network.nodeconfig import orderer_tls_ca
from network.org_change import ORG_SPEC_KEY, OrgChangeError, carried_org

from .channel_fixtures import channel_config
from .scripted_channel import BANK2_CODE as CODE
from .scripted_channel import ScriptedChannel, admins_host, host, signed_by_the_admins_as_written, with_update


def test_a_file_signed_on_each_host_is_submitted_channel_only_from_a_fresh_one(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    host(topology, data_root, channel).sign_update_file(path, "supplier")
    said: list[str] = []
    regulator_root = tmp_path / "regulator-host"
    admins_host(topology, data_root, regulator_root, "regulator", orderer_ca=False)
    regulator = host(topology, regulator_root, channel, said)
    with pytest.raises(OrgChangeError, match=f"no TLS CA certificate of the ordering service at "
                                             f"{orderer_tls_ca(topology, regulator_root)}"):
        regulator.sign_update_file(path, "regulator")
    shutil.rmtree(regulator_root)
    admins_host(topology, data_root, regulator_root, "regulator")

    regulator.sign_update_file(path, "regulator")
    checked = regulator.submit_update_file(path, channel_only=True)

    assert (checked.action, checked.msp_id, checked.applied, checked.verdict.ok) == ("add", "Bank2MSP", False, True)
    [(submitter, env, sent)] = channel.updates
    assert submitter == "RegulatorMSP"
    assert env["CORE_PEER_MSPCONFIGPATH"] == str(regulator_root / "crypto" / "regulator" / "users"
                                                 / "admin@regulator.recfin.local" / "msp")
    assert (Path(env["FABRIC_CFG_PATH"]) / "core.yaml").is_file()     # the Fabric install's, for the CLI
    file_update = config_signing.read_update_file(path)[1]
    assert sent.config_update == file_update.config_update             # the bytes every admin signed
    # `peer channel update` signs as the submitter itself: the file's other signatures go with it.
    assert [s.msp_id for s in config_signing.signers(sent)] == ["BankMSP", "SupplierMSP"]
    assert set(channel.verbs()) == {"channel fetch", "channel update"}      # nothing joined, installed, approved
    assert channel.verbs()[-3:] == ["channel fetch", "channel update", "channel fetch"]
    recorded = membership.load_state(regulator_root)["added"]
    assert recorded == [change.org.model_dump(mode="json")]
    assert membership.load_state(data_root)["added"] == []
    assert not list(tmp_path.rglob("pending-*.json"))
    steps = "\n".join(said)
    assert "nothing started or stopped on this host" in steps and "recfin org bundle bank2" in steps
    assert "bank2's keys are not in this data folder" in steps
    assert f"recfin org submit {path} --channel-only --data-root <that folder>" in steps


def applied_from_the_suppliers_host(channel, path: Path, topology, data_root: Path, tmp_path: Path) -> None:
    """The written file signed as supplier and regulator here (with bank's, the policy is met), then submitted
    channel-only from a host holding only the supplier admin's files."""
    for org_name in ("supplier", "regulator"):
        host(topology, data_root, channel).sign_update_file(path, org_name)
    supplier_root = admins_host(topology, data_root, tmp_path / "supplier-host", "supplier")
    host(topology, supplier_root, channel).submit_update_file(path, channel_only=True)


def test_the_host_with_the_bundles_records_an_update_the_channel_already_has(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    applied_from_the_suppliers_host(channel, path, topology, data_root, tmp_path)
    assert len(channel.updates) == 1

    said: list[str] = []
    checked = host(topology, data_root, channel, said).submit_update_file(path, channel_only=True)
    assert checked.applied and checked.summary()["already_applied"] is True
    assert len(channel.updates) == 1                       # not sent again
    assert "  Bank2MSP is already in the channel config: nothing submitted" in said
    assert "bank2" in [o.name for o in membership.effective(topology, data_root).orgs]
    assert not any("keys are not in this data folder" in line for line in said)    # they are here
    with pytest.raises(OrgChangeError, match="already has the update .*nothing to sign"):
        host(topology, data_root, channel).sign_update_file(path, "coreenterprise")


def test_the_new_orgs_peer_starts_only_where_its_keys_are(channel, bank2_update_file, topology, data_root,
                                                          tmp_path, monkeypatch):
    change, path = bank2_update_file
    for org_name in ("supplier", "regulator"):
        host(topology, data_root, channel).sign_update_file(path, org_name)
    supplier_root = admins_host(topology, data_root, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError, match=r"bank2's keys are not in this data folder .*submit with --channel-only"):
        host(topology, supplier_root, channel).submit_update_file(path)
    assert channel.updates == []

    writer = host(topology, data_root, channel)
    finished = []
    monkeypatch.setattr(writer, "_after_add", lambda spec, grown: finished.append(spec.name))
    writer.submit_update_file(path)
    assert len(channel.updates) == 1 and finished == ["bank2"]


def test_an_admin_elsewhere_is_named_when_it_is_not_in_the_data_folder(channel, bank2_update_file, topology,
                                                                      data_root, tmp_path):
    change, path = bank2_update_file
    calls_before = len(channel.calls)
    empty = tmp_path / "empty-host"
    empty.mkdir()
    with pytest.raises(OrgChangeError, match=r"no admin of an org staying in the channel has its MSP folder in "
                                             r".*--as ORG .*--msp-dir.*--bundle"):
        host(topology, empty, channel).submit_update_file(path, channel_only=True)
    with pytest.raises(OrgChangeError, match=r"no admin MSP folder for SupplierMSP at .*give it with --msp-dir"):
        host(topology, empty, channel).submit_update_file(path, channel_only=True, as_org="supplier")
    assert len(channel.calls) == calls_before            # refused before the peer CLI was asked anything


def test_an_applied_update_edited_and_stripped_of_its_signatures_records_nothing(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    applied_from_the_suppliers_host(channel, path, topology, data_root, tmp_path)

    # Someone edits the applied file's spec (its officers act for another enterprise) and drops the
    # signatures it no longer matches.
    channel_id, envelope = config_signing.read_update_file(path)
    update = configtx_pb2.ConfigUpdate.FromString(envelope.config_update)
    document = json.loads(update.isolated_data[ORG_SPEC_KEY])
    for user in document["org"]["users"]:
        user["attrs"]["recfin.enterprise"] = "91310000MA1K000019"
    update.isolated_data[ORG_SPEC_KEY] = json.dumps(document).encode()
    edited = config_signing.write_update_file(tmp_path / "edited.tx", channel_id,
                                              config_signing.envelope(update, []))
    coreenterprise_root = admins_host(topology, data_root, tmp_path / "core-host", "coreenterprise")
    with pytest.raises(OrgChangeError, match="is not the update the channel applied for Bank2MSP"):
        host(topology, coreenterprise_root, channel).submit_update_file(edited, channel_only=True)
    assert membership.load_state(coreenterprise_root)["added"] == []
    # The file the admins signed is recorded there as on any host.
    host(topology, coreenterprise_root, channel).submit_update_file(path, channel_only=True)
    assert membership.load_state(coreenterprise_root)["added"] == [change.org.model_dump(mode="json")]


def test_a_submitter_whose_identity_is_no_admin_is_refused_before_anything_is_sent(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    for org_name in ("supplier", "regulator"):        # with bank's: the policy is met
        host(topology, data_root, channel).sign_update_file(path, org_name)
    # Submitted as the regulator, its signature in the file gives way to the one the `peer` CLI adds: here a
    # client's, not an admin's, which would leave the update one admin short at the ordering service.
    regulator = topology.org("regulator")
    client_msp = org_crypto(data_root, regulator.name, regulator.domain).user_msp(regulator.users[0].name)
    with pytest.raises(OrgChangeError, match="not submitted: signed as the identity in .* would be refused"):
        host(topology, data_root, channel).submit_update_file(path, channel_only=True, as_org="regulator",
                                                             msp_dir=client_msp)
    assert channel.updates == []
    host(topology, data_root, channel).submit_update_file(path, channel_only=True, as_org="regulator")
    assert len(channel.updates) == 1

def test_the_spec_is_signed_with_the_update_and_checked_against_it(bank2_update_file, tmp_path):
    change, path = bank2_update_file
    assert carried_org(change.update).org == change.org and carried_org(change.update).action == "add"
    channel_id, envelope = config_signing.read_update_file(path)
    update = configtx_pb2.ConfigUpdate.FromString(envelope.config_update)
    document = json.loads(update.isolated_data[ORG_SPEC_KEY])
    assert document["org"]["name"] == "bank2" and "key" not in json.dumps(document).lower()

    document["org"]["role"] = "regulator"                  # altered after signing
    update.isolated_data[ORG_SPEC_KEY] = json.dumps(document).encode()
    altered = configtx_pb2.ConfigUpdateEnvelope(config_update=update.SerializeToString(),
                                                signatures=envelope.signatures)
    assert [s.valid for s in config_signing.signers(altered)] == [False]

    document["org"]["role"], document["action"] = change.org.role, "remove"
    update.isolated_data[ORG_SPEC_KEY] = json.dumps(document).encode()
    with pytest.raises(OrgChangeError, match="says it removes Bank2MSP, but its update keeps that org"):
        carried_org(update, path)
    update.isolated_data[ORG_SPEC_KEY] = b"{not json"
    with pytest.raises(OrgChangeError, match="the org spec it carries cannot be read"):
        carried_org(update, path)


def test_a_file_that_names_no_org_says_where_to_submit_it(channel, bank2_update_file, topology, data_root,
                                                          tmp_path):
    change, path = bank2_update_file
    older = signed_by_the_admins_as_written(change, topology, data_root, tmp_path,
                                            lambda update: update.isolated_data.pop(ORG_SPEC_KEY))
    supplier_root = admins_host(topology, data_root, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError, match=r"carries no spec of Bank2MSP, the org it adds .*pending-Bank2MSP.json"
                                             r"\): submit it on the host that wrote it"):
        host(topology, supplier_root, channel).submit_update_file(older, channel_only=True)
    assert channel.updates == []


def test_a_removal_is_submitted_by_an_org_that_stays_from_a_host_that_never_knew_the_org(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    for org_name in ("supplier", "regulator"):
        host(topology, data_root, channel).sign_update_file(path, org_name)
    host(topology, data_root, channel).submit_update_file(path, channel_only=True)    # records bank2 here
    channel.after = None
    writer = host(topology, data_root, channel)
    removal = writer.plan_remove("bank2", sign_as=["bank", "supplier", "bank2"])
    out = writer.write_update(removal, tmp_path / "remove-bank2.tx")
    channel.after = with_update(removal.current, removal.update)

    regulator_root = admins_host(topology, data_root, tmp_path / "regulator-host", "regulator")
    regulator = host(topology, regulator_root, channel)
    with pytest.raises(OrgChangeError, match="bank2 is not an org of the network in .*submit with --channel-only"):
        regulator.submit_update_file(out)
    checked = regulator.submit_update_file(out, channel_only=True)
    assert (checked.action, checked.msp_id) == ("remove", "Bank2MSP")
    submitter, _, sent = channel.updates[-1]
    assert submitter == "RegulatorMSP" and sent.config_update == removal.envelope().config_update
    assert membership.load_state(regulator_root)["removed"] == ["bank2"]


def _bank2_file_and_regulators_bundle(hosts, prepared_hosts, tmp_path) -> tuple[ScriptedChannel, Path, Path]:
    """The channel of a hosts data folder, bank2's update file written and signed there (the channel has it once
    sent), and the regulator's bundle written from that folder."""
    writer_root = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, writer_root)
    channel = ScriptedChannel(hosts, channel_config(hosts, writer_root))
    writer = host(hosts, writer_root, channel)
    change = writer.plan_add("bank2", "bank", CODE, sign_as=["bank", "supplier", "coreenterprise"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    channel.after = with_update(change.current, change.update)
    return channel, path, bundle.write(hosts, writer_root, "regulator", tmp_path / "regulator-bundle").root


def test_submit_from_a_companys_bundle(fake_fabric, hosts, prepared_hosts, tmp_path, monkeypatch):
    """`recfin org submit --channel-only --bundle`: the bundle's network, orderer TLS CA and admin."""
    channel, path, bundle_root = _bank2_file_and_regulators_bundle(hosts, prepared_hosts, tmp_path)

    monkeypatch.setattr("network.control.Tools", lambda fabric, **_: channel)   # the Network the command makes
    runner = CliRunner()
    result = runner.invoke(org, ["submit", str(path), "--bundle", str(bundle_root)])
    assert result.exit_code == 2 and "--bundle submits with --channel-only" in result.output
    result = runner.invoke(org, ["sign", str(path), "--bundle", str(bundle_root), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["signed_now"].startswith("RegulatorMSP ")
    result = runner.invoke(org, ["submit", str(path), "--channel-only", "--bundle", str(bundle_root), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["submitted"], summary["org"], summary["msp_id"]) == (True, "bank2", "Bank2MSP")
    [(submitter, env, sent)] = channel.updates
    assert submitter == "RegulatorMSP" and env["CORE_PEER_MSPCONFIGPATH"].startswith(str(bundle_root))
    assert sorted(s.msp_id for s in config_signing.signers(sent)) == ["BankMSP", "CoreEnterpriseMSP", "SupplierMSP"]
    args = channel.calls[-2][2]
    assert args[args.index("-o") + 1] == hosts.orderers()[0].address        # by hostname, as the bundle says
    assert args[args.index("--cafile") + 1] == str(orderer_tls_ca(hosts, bundle_root))
    assert not membership.state_path(bundle_root).exists()                   # its next bundle names bank2
    assert "not recorded here" in result.stderr
    result = runner.invoke(org, ["submit", str(path), "--channel-only", "--bundle", str(bundle_root)])
    assert result.exit_code == 0, result.output
    assert f"the channel already had the update in {path}: nothing submitted" in result.stdout
    assert "policy:" not in result.stdout and len(channel.updates) == 1


def test_the_new_orgs_anchor_peer_is_addressed_as_the_channels_others_are(fake_fabric, topology, hosts, data_root):
    """A channel made from the hostnames view (compose, separate hosts) gets the new org's anchor peer by
    hostname even when the update is written with the native topology (e.g. on the Docker machine, through
    the published ports); the native channel keeps listen_host."""
    for made_from, anchor in ((hosts, "peer0.bank2.recfin.local"), (topology, "127.0.0.1")):
        members = host(topology, data_root, ScriptedChannel(topology, channel_config(made_from, data_root)))
        summary = members.plan_add("bank2", "bank", CODE).summary()
        assert summary["anchor_peers"] == [f"{anchor}:11051"]


def test_a_file_adding_an_org_whose_name_is_too_long_is_not_submitted(channel, bank2_update_file, topology,
                                                                       data_root, tmp_path):
    """A file written before org names were held to a DNS label's 63 characters, signed by every admin: the org would
    come in under a name its folders, files and bundle cannot carry, so it is refused before anything is sent."""
    change, path = bank2_update_file

    def named_longer(update):
        document = json.loads(update.isolated_data[ORG_SPEC_KEY])
        document["org"]["name"] = "b" * 64
        update.isolated_data[ORG_SPEC_KEY] = json.dumps(document).encode()
    older = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, named_longer)
    supplier_root = admins_host(topology, data_root, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError, match=r"^b{64} \(Bank2MSP\) cannot join: b{64} has 64 characters, over the 63 "
                                             r".*: the company chooses a shorter name with `recfin org keys` and the "
                                             r"update is written again$"):
        host(topology, supplier_root, channel).submit_update_file(older, channel_only=True)
    assert channel.updates == []
    assert membership.load_state(supplier_root)["added"] == []
    before = older.read_bytes()
    with pytest.raises(OrgChangeError, match=r"^b{64} \(Bank2MSP\) cannot join"):
        host(topology, data_root, channel).sign_update_file(older, "coreenterprise")
    assert older.read_bytes() == before                    # nobody signs what cannot be submitted


def test_a_file_adding_an_org_whose_name_ends_in_a_hyphen_is_not_submitted(channel, bank2_update_file,
                                                                           topology, data_root, tmp_path):
    """A file written before org names were held to end in a letter or digit, signed by every admin: the org's nodes
    would carry certificate names that are no DNS names (peer0.bank2-), so it is refused before anything is sent."""
    change, path = bank2_update_file

    def named_with_hyphen(update):
        document = json.loads(update.isolated_data[ORG_SPEC_KEY])
        document["org"]["name"] = "bank2-"
        update.isolated_data[ORG_SPEC_KEY] = json.dumps(document).encode()
    older = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, named_with_hyphen)
    supplier_root = admins_host(topology, data_root, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError, match=r"^bank2- \(Bank2MSP\) cannot join: 'bank2-' ends in a hyphen: .*: the "
                                             r"company drops the hyphen with `recfin org keys` and the update is "
                                             r"written again$"):
        host(topology, supplier_root, channel).submit_update_file(older, channel_only=True)
    assert channel.updates == []
    before = older.read_bytes()
    with pytest.raises(OrgChangeError, match=r"^bank2- \(Bank2MSP\) cannot join"):
        host(topology, data_root, channel).sign_update_file(older, "coreenterprise")
    assert older.read_bytes() == before


def test_submit_from_a_bundle_says_no_topology_the_bundle_did_not_use(fake_fabric, hosts, prepared_hosts, tmp_path,
                                                                      monkeypatch):
    """--bundle gives the network: a RECFIN_TOPOLOGY set on the company's host is not the topology of the host the
    bundles are written from, so the commands said next for that host do not carry it as --topology."""
    channel, path, bundle_root = _bank2_file_and_regulators_bundle(hosts, prepared_hosts, tmp_path)
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(hosts.model_dump_json())
    monkeypatch.setenv(TOPOLOGY_VARIABLE, str(elsewhere))

    monkeypatch.setattr("network.control.Tools", lambda fabric, **_: channel)
    result = CliRunner().invoke(org, ["submit", str(path), "--channel-only", "--bundle", str(bundle_root)])
    assert result.exit_code == 0, result.output
    assert "recfin org bundle bank2" in result.output and str(elsewhere) not in result.output, result.output
