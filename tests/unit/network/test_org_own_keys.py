"""A joining company makes its own keys on its own host; no other host ever holds them.

`recfin org keys` generates the org's crypto (the project's generator) and a public definition on
the company's host; `recfin org add --definition` builds the update from that file on a channel
admin's host (which never sees a key of the org); the update goes through `org sign` and `org
submit --channel-only`; the bundle written on the network's host holds the org's certificates
only, and `recfin host adopt-keys` puts the company's own keys into it. The `peer` CLI is the
scripted seam of scripted_channel.py.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fabric_protos.common import configtx_pb2

from cli.host_commands import host as host_group
from cli.org_commands import org
from network import bundle, config_signing, crl, crypto, membership, org_definition_file, org_keys, profiles
from network.bundle_host import BundleHost
from network.bundle_keys import AdoptKeysError, adopt_keys
from network.crypto import org_crypto
from network.errors import NetworkError, TopologyError
from network.org_change import OrgChangeError, carried_org, plan_add_defined
from network.org_definition import decode_anchor_peers, decode_msp, msp_value
from network.org_definition_file import OrgDefinitionError
from network.org_users import list_users

from .channel_fixtures import certificates_only_bundle, channel_config
from .scripted_channel import ScriptedChannel, admins_host, host, with_update

CODE = "91110000MA1K00007E"
OTHER_CODE = "91310000MA1K000019"


def private_key_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes())


@pytest.fixture
def company(hosts, tmp_path) -> org_keys.OrgKeys:
    """bank2's keys, made on its own host from the network's topology (on hostnames, as a bundle has it)."""
    return org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "bank2-host" / "keys")


@pytest.fixture
def sent(company, tmp_path) -> Path:
    """The definition as it arrives on the channel admin's host: the one file the company sends."""
    (tmp_path / "inbox").mkdir()
    return Path(shutil.copy(company.definition_path, tmp_path / "inbox"))


@pytest.fixture
def channel(fake_fabric, hosts, network_host) -> ScriptedChannel:
    return ScriptedChannel(hosts, channel_config(hosts, network_host))


def company_ca(company: org_keys.OrgKeys) -> bytes:
    return (company.crypto / "ca" / "ca.pem").read_bytes()


def test_the_definition_holds_the_orgs_public_msp_and_no_private_key(company):
    text = company.definition_path.read_text()
    assert "PRIVATE KEY" not in text
    key_files = private_key_files(company.root)
    assert (company.crypto / "ca" / "ca.key") in key_files and (company.crypto / "ca" / "ca.key").stat().st_mode & 0o077 == 0
    for key_file in key_files:           # no line of any key's body, whatever wraps it
        body = [line for line in key_file.read_text().splitlines() if line and not line.startswith("-----")]
        assert not any(line in text for line in body), f"{key_file.name} is in the definition"
    doc = json.loads(text)
    assert doc["msp"]["ca_cert"].encode() == company_ca(company)
    assert doc["org"]["msp_id"] == "Bank2MSP" and doc["anchor_peers"] == [{"host": "peer0.bank2.recfin.local",
                                                                           "port": 11051}]
    assert not (company.root / "crypto" / "orderer").exists()     # this org's material alone


def test_an_update_from_the_definition_is_signed_elsewhere_submitted_and_recorded_with_certificates_only(
        company, sent, channel, hosts, network_host, tmp_path):
    admin_host = admins_host(hosts, network_host, tmp_path / "bank-host", "bank")
    writer = host(hosts, admin_host, channel)
    change = writer.plan_add_definition(org_definition_file.read(sent), sign_as=["bank"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    assert not (admin_host / "crypto" / "bank2").exists()        # nothing of bank2 written on the admin's host
    assert private_key_files(admin_host) == private_key_files(admin_host / "crypto" / "bank")

    group = change.update.write_set.groups["Application"].groups["Bank2MSP"]
    assert decode_msp(group).root_certs == (company_ca(company),)
    # the very MSP value the company's own folder encodes, so its identities verify in the channel
    assert group.values["MSP"].value == msp_value("Bank2MSP", company.crypto / "msp").value
    assert decode_anchor_peers(group) == [("peer0.bank2.recfin.local", 11051)]
    assert carried_org(change.update).org == company.definition.org
    assert change.verdict.missing and not change.verdict.ok

    channel.after = with_update(change.current, change.update)
    for org_name in ("supplier", "coreenterprise"):
        other = admins_host(hosts, network_host, tmp_path / f"{org_name}-host", org_name)
        host(hosts, other, channel).sign_update_file(path, org_name)
    with pytest.raises(OrgChangeError, match=r"bank2's keys are not in this data folder .*recfin org keys"):
        host(hosts, network_host, channel).submit_update_file(path)
    said: list[str] = []
    checked = host(hosts, network_host, channel, said).submit_update_file(path, channel_only=True)
    assert checked.verdict.ok and len(channel.updates) == 1
    assert "recfin host adopt-keys --bundle DIR --keys DIR" in "\n".join(said)
    assert "bank2" in [o.name for o in membership.effective(hosts, network_host).orgs]
    held = org_crypto(network_host, "bank2", "bank2.recfin.local")
    assert held.ca_cert.read_bytes() == company_ca(company) and private_key_files(held.root) == []
    assert held.public_only

    # recording it again (the channel has it) keeps the same certificates and sends nothing
    host(hosts, network_host, channel).submit_update_file(path, channel_only=True)
    assert len(channel.updates) == 1 and held.ca_cert.read_bytes() == company_ca(company)
    # the generator never issues bank2 a CA of its own here: the channel knows the company's
    crypto.generate(membership.effective(hosts, network_host), network_host)
    assert held.public_only and held.ca_cert.read_bytes() == company_ca(company)
    # every other org's bundle carries bank2's certificates
    bank = bundle.write(hosts, network_host, "bank", tmp_path / "bank-bundle")
    assert (bank.root / "crypto" / "bank2" / "ca" / "ca.pem").read_bytes() == company_ca(company)


@pytest.fixture
def keyless_bundle(company, hosts, network_host, tmp_path) -> Path:
    """bank2's bundle from the network's host after its add was recorded there (certificates only)."""
    return certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle")


def test_the_bundle_comes_without_the_keys_and_the_company_puts_its_own_in(company, keyless_bundle):
    manifest = json.loads((keyless_bundle / bundle.MANIFEST).read_text())
    assert manifest["package_id"] is None and "recfin host adopt-keys" in manifest["missing"][0]
    assert "recfin host adopt-keys" in (keyless_bundle / "README.md").read_text()
    assert private_key_files(keyless_bundle) == []
    with pytest.raises(NetworkError, match=r"lacks bank2's own keys.*recfin host adopt-keys"):
        BundleHost.open(keyless_bundle)

    done = adopt_keys(keyless_bundle, company.root)
    assert done.package_id and done.missing == []
    opened = BundleHost.open(keyless_bundle)
    assert opened.package_id == done.package_id and opened.org == "bank2"
    env = keyless_bundle / "chaincode" / "receivables" / "bank2" / "chaincode.env"
    assert env.read_text() == f"CHAINCODE_ID={done.package_id}\n"
    keys = private_key_files(keyless_bundle)
    assert keys and all(p.relative_to(keyless_bundle).parts[:2] == ("crypto", "bank2") for p in keys
                        if p.suffix != ".gz")
    assert not (keyless_bundle / "crypto" / "bank2" / "ca" / "ca.key").exists()
    profile = json.loads((keyless_bundle / "profiles" / "bank2.json").read_text())
    assert profile["users"]["admin"]["key"].endswith("_sk")
    manifest = json.loads((keyless_bundle / bundle.MANIFEST).read_text())
    assert manifest["package_id"] == done.package_id and manifest["missing"] == []
    assert set(manifest["files"]) >= {"crypto/bank2/users/admin@bank2.recfin.local/msp/signcerts/cert.pem",
                                      "chaincode/receivables/bank2/chaincode.env"}


def test_adopt_keys_from_inside_the_bundle_names_files_under_the_install_root(company, keyless_bundle,
                                                                              monkeypatch):
    """`--bundle .`, as `org bundle` and `--bundle <path>` write them: the profile is used where the bundle is
    unpacked, from any folder."""
    profile_path = keyless_bundle / "profiles" / "bank2.json"
    written = json.loads(profile_path.read_text())
    monkeypatch.chdir(keyless_bundle)
    result = CliRunner().invoke(host_group, ["adopt-keys", "--bundle", ".", "--keys", str(company.root), "--json"])
    assert result.exit_code == 0, result.output
    adopted = json.loads(profile_path.read_text())
    assert adopted["peers"] == written["peers"] and adopted["orderers"] == written["orderers"]
    files = files_named(adopted)
    assert f"{bundle.DEFAULT_INSTALL_ROOT}/crypto/bank2/tlsca/tlsca.pem" in files
    assert any(f.endswith("_sk") for f in files)                   # the admin's key, adopted
    assert all(f.startswith(f"{bundle.DEFAULT_INSTALL_ROOT}/crypto/") for f in files), files


def test_the_adopt_keys_command_a_keyless_bundle_gives_opens_its_install_root(company, keyless_bundle, hosts,
                                                                               network_host, tmp_path):
    # the README's `recfin host` commands quote the install root for the shell; the one that completes a
    # bundle without its keys, in its README, bundle.json and the warning `org bundle` prints, did not
    install_root = "/srv/recfin bank2"
    written = bundle.write(hosts, network_host, "bank2", tmp_path / "spaced", Path(install_root))
    readme = (written.root / bundle.README_FILE).read_text()
    for text in (readme, *written.missing):
        command = re.search(r"recfin host adopt-keys [^`\n]*", text).group(0)
        words = shlex.split(command.replace("<that folder>", "KEYS"))
        assert words[words.index("--bundle") + 1] == install_root, command
        assert words[words.index("--keys") + 1] == "KEYS"
    with pytest.raises(NetworkError, match=r"lacks bank2's own keys"):   # the note is still told apart
        BundleHost.open(written.root)
    assert adopt_keys(written.root, company.root).missing == []


def files_named(document) -> list[str]:
    """Every file a connection profile names (its values under crypto/)."""
    if isinstance(document, dict):
        return [f for value in document.values() for f in files_named(value)]
    if isinstance(document, list):
        return [f for value in document for f in files_named(value)]
    return [document] if isinstance(document, str) and "crypto/" in document else []


def test_adopted_keys_and_the_package_are_their_owners_alone_in_a_bundle_others_can_list(company, keyless_bundle):
    """Unpacked at /var/recfin (0755) under umask 022; a key the company's folder holds readable by others (copied
    there loosely) is still its owner's alone in the bundle, as is the package carrying the peers' client key."""
    old_umask = os.umask(0o022)
    try:
        keyless_bundle.chmod(0o755)
        loose = next(company.crypto.glob("users/admin@*/msp/keystore/*_sk"))
        loose.chmod(0o644)
        adopt_keys(keyless_bundle, company.root)
    finally:
        os.umask(old_umask)
    secrets = private_key_files(keyless_bundle)       # the package holds the key gzipped: listed apart
    packages = list((keyless_bundle / "chaincode").rglob("*.tar.gz"))
    assert loose.name in {p.name for p in secrets} and len(packages) == 1
    assert {p.stat().st_mode & 0o777 for p in [*secrets, *packages]} == {0o600}
    readme = (keyless_bundle / "README.md").read_text()
    assert "Keep chaincode/receivables/bank2/*.tar.gz private too" in readme


def test_a_rewrite_of_the_bundle_that_fails_leaves_each_file_whole(company, keyless_bundle, monkeypatch):
    before = {name: (keyless_bundle / name).read_bytes() for name in ("README.md", bundle.MANIFEST)}

    def unwritable(*_args):
        return "a README the file system cannot take: \udc80"     # fails midway, as a full disk would
    monkeypatch.setattr(bundle, "_readme", unwritable)
    with pytest.raises(UnicodeEncodeError):
        adopt_keys(keyless_bundle, company.root)
    assert (keyless_bundle / "README.md").read_bytes() == before["README.md"]
    # the keyless bundle's manifest, whole, less the digests of what a run again writes anew (the README)
    manifest = json.loads(before[bundle.MANIFEST])
    manifest[bundle.DIGESTS] = {path: digest for path, digest in manifest[bundle.DIGESTS].items()
                                if path not in bundle.REWRITTEN}
    assert json.loads((keyless_bundle / bundle.MANIFEST).read_text()) == manifest
    assert not [p for p in keyless_bundle.rglob(".*.tmp")]


def test_keys_of_another_ca_are_refused_and_nothing_is_copied(company, keyless_bundle, hosts, tmp_path):
    impostor = org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "elsewhere")
    with pytest.raises(AdoptKeysError, match=r"not the ones the channel has for Bank2MSP: their CA certificate"):
        adopt_keys(keyless_bundle, impostor.root)
    assert private_key_files(keyless_bundle) == []
    with pytest.raises(AdoptKeysError, match=r"no keys of bank2 in .*recfin org keys bank2 --out"):
        adopt_keys(keyless_bundle, tmp_path)

    mixed = tmp_path / "mixed"
    shutil.copytree(company.root, mixed)
    peer_cert = org_crypto(mixed, "bank2", "bank2.recfin.local").node_dir("peer0.bank2.recfin.local") / "msp" / \
        "signcerts" / "cert.pem"
    shutil.copyfile(impostor.crypto / "nodes" / "peer0.bank2.recfin.local" / "msp" / "signcerts" / "cert.pem",
                    peer_cert)
    with pytest.raises(AdoptKeysError, match=r"cert.pem .* is not issued by bank2's own CA"):
        adopt_keys(keyless_bundle, mixed)
    assert private_key_files(keyless_bundle) == []


def _edit_manifest(bundle_root: Path, change) -> None:
    path = bundle_root / bundle.MANIFEST
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("change, refusal", [
    (lambda doc: doc.pop("install_root"), r"bundle.json lacks install_root: .*`recfin org bundle bank2`"),
    (lambda doc: doc.update(install_root=""), r"bundle.json has a bad install_root \(''"),
    (lambda doc: doc.update(files=5), r"bundle.json has a bad files \(5, not a list of strings\): "
                                      r".*`recfin org bundle bank2`"),
    (lambda doc: doc.update(missing="bank2's own keys"), r"has a bad missing \(\"bank2's own keys\", not a list"),
    (lambda doc: doc.update(files=["README.md", 7]), r"has a bad files \(\['README.md', 7\], not a list of strings"),
])
def test_a_manifest_of_a_bad_shape_is_refused_by_adopt_keys_and_nothing_is_copied(company, keyless_bundle, change,
                                                                                   refusal):
    _edit_manifest(keyless_bundle, change)
    with pytest.raises(NetworkError, match=refusal):
        adopt_keys(keyless_bundle, company.root)
    assert private_key_files(keyless_bundle) == []
    result = CliRunner().invoke(host_group, ["adopt-keys", "--bundle", str(keyless_bundle), "--keys", str(company.root)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)      # a refusal, not a crash
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1


def test_another_orgs_bundle_with_its_adopted_keys_is_never_replaced(company, keyless_bundle, hosts, network_host):
    """bank2's company completed its bundle in a folder; writing bank's bundle there would delete bank2's keys."""
    adopt_keys(keyless_bundle, company.root)
    before = {p.relative_to(keyless_bundle): p.read_bytes() for p in keyless_bundle.rglob("*") if p.is_file()}
    siblings = sorted(p.name for p in keyless_bundle.parent.iterdir())
    with pytest.raises(NetworkError, match=r"bank2-bundle holds bank2's bundle \(Bank2MSP\), not bank's \(BankMSP\): "
                                           r"choose another --out"):
        bundle.write(hosts, network_host, "bank", keyless_bundle)
    assert {p.relative_to(keyless_bundle): p.read_bytes() for p in keyless_bundle.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in keyless_bundle.parent.iterdir()) == siblings       # nothing built beside it
    result = CliRunner().invoke(org, ["bundle", "bank", "--data-root", str(network_host), "--out", str(keyless_bundle)])
    assert result.exit_code == 1 and "holds bank2's bundle (Bank2MSP)" in result.output
    assert private_key_files(keyless_bundle) and BundleHost.open(keyless_bundle).org == "bank2"


# ---- a definition that is not what it says -----------------------------------------------------
def _altered(sent: Path, tmp_path: Path, change) -> Path:
    doc = json.loads(sent.read_text())
    change(doc)
    path = tmp_path / "altered.definition.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_definition_with_a_foreign_certificate_is_refused(sent, prepared_hosts, tmp_path):
    supplier = org_crypto(prepared_hosts, "supplier", "supplier.recfin.local")
    foreign_admin = (supplier.user_msp("admin") / "signcerts" / "cert.pem").read_text()
    path = _altered(sent, tmp_path, lambda d: d.update(admin_cert=foreign_admin))
    with pytest.raises(OrgDefinitionError, match=r"admin_cert \(.*\) is not issued by the org's CA .* but by "
                                                 r".*CN=ca.supplier.recfin.local"):
        org_definition_file.read(path)
    path = _altered(sent, tmp_path, lambda d: d["msp"].update(ca_cert=supplier.ca_cert.read_text()))
    with pytest.raises(OrgDefinitionError, match="admin_cert .* is not issued by the org's CA"):
        org_definition_file.read(path)
    path = _altered(sent, tmp_path, lambda d: d["msp"].update(tlsca_cert=foreign_admin))
    with pytest.raises(OrgDefinitionError, match="msp.tlsca_cert .* is not a CA that signed itself"):
        org_definition_file.read(path)


def test_a_definition_carrying_a_key_or_no_admin_ou_is_refused(company, sent, tmp_path):
    key = (company.crypto / "ca" / "ca.key").read_text()
    path = _altered(sent, tmp_path, lambda d: d.update(admin_cert=d["admin_cert"] + key))
    with pytest.raises(OrgDefinitionError, match="holds a private key: an org definition is public"):
        org_definition_file.read(path)
    for without in ("admin", "peer"):      # no admins to sign its config, or no peers to endorse for it
        path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].pop(without))
        with pytest.raises(OrgDefinitionError, match="node_ous must map roles .*admin, peer, client among them"):
            org_definition_file.read(path)
    path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].update(admin="officers"))
    with pytest.raises(OrgDefinitionError, match="carries OU admin, not the admin OU 'officers'"):
        org_definition_file.read(path)


def test_a_definition_whose_anchor_peer_is_not_one_of_its_own_peers_is_refused(sent, hosts, tmp_path):
    assert org_definition_file.read(sent).anchor_peers == (("peer0.bank2.recfin.local", 11051),)   # as written
    other = hosts.peers("supplier")[0]
    for anchor, problem in [
            ({"host": other.hostname, "port": other.ports["port"]}, r"is not one of bank2's own peers"),
            ({"host": "peer0.bank2.recfin.local", "port": 11052}, r"is not one of bank2's own peers"),
            ({"host": "a b\nc", "port": 11051}, r"its host is not a DNS name"),
            ({"host": 11051, "port": 11051}, r"its host is not a DNS name"),
            ({"host": "peer0.bank2.recfin.local", "port": True}, r"its port must be a whole number from 1 to 65535"),
            ({"host": "peer0.bank2.recfin.local", "port": 11051.9}, r"its port must be a whole number"),
            ({"host": "peer0.bank2.recfin.local", "port": "11051"}, r"its port must be a whole number"),
            ({"host": "peer0.bank2.recfin.local", "port": 0}, r"its port must be a whole number")]:
        path = _altered(sent, tmp_path, lambda d: d["anchor_peers"].append(anchor))
        with pytest.raises(OrgDefinitionError) as refused:
            org_definition_file.read(path)
        message = str(refused.value)
        assert re.search(problem, message) and "\n" not in message, message
        assert f"anchor peer {json.dumps(anchor['host'])}:{json.dumps(anchor['port'])}" in message
        assert "peer0.bank2.recfin.local:11051" in message and "recfin org keys" in message
    for shape in ([], {"host": "peer0.bank2.recfin.local", "port": 11051}, [{"host": "peer0.bank2.recfin.local"}]):
        path = _altered(sent, tmp_path, lambda d: d.update(anchor_peers=shape))
        with pytest.raises(OrgDefinitionError, match=r"anchor_peers must list the org's peer"):
            org_definition_file.read(path)


def test_a_definition_that_clashes_with_the_network_here_is_refused(sent, channel, hosts, network_host):
    membership.record_added(network_host, membership.new_org_spec(hosts, "bank3", "bank", CODE))   # same ports
    members = host(hosts, network_host, channel)
    with pytest.raises(OrgChangeError, match=r"bank2 as its definition gives it does not fit the network .*"
                                             r"recfin org keys --topology"):
        members.plan_add_definition(org_definition_file.read(sent))
    membership.record_removed(network_host, "bank3")
    membership.record_added(network_host, org_definition_file.read(sent).org)
    with pytest.raises(OrgChangeError, match=r"bank2 \(Bank2MSP\) is already an org of the network"):
        host(hosts, network_host, channel).plan_add_definition(org_definition_file.read(sent))


def test_a_definition_under_the_msp_id_of_an_org_that_left_is_refused_unless_it_is_that_org(
        fake_fabric, hosts, network_host, tmp_path):
    """coreenterprise left; keys made elsewhere for core-enterprise carry CoreEnterpriseMSP with another CA. The
    definition of coreenterprise itself (its CA the one this data folder holds) brings it back."""
    membership.record_removed(network_host, "coreenterprise")
    left = membership.effective(hosts, network_host)
    channel = ScriptedChannel(hosts, channel_config(left, network_host))
    impostor = org_keys.make(left, "core-enterprise", "core-enterprise", OTHER_CODE, tmp_path / "impostor")
    assert impostor.definition.org.msp_id == "CoreEnterpriseMSP"
    with pytest.raises(OrgChangeError, match="core-enterprise would take the MSP ID CoreEnterpriseMSP, which is "
                                             "coreenterprise's.*the definition's CA is not the one .* holds for "
                                             "coreenterprise"):
        host(hosts, network_host, channel).plan_add_definition(impostor.definition)
    assert not channel.updates
    returning = org_definition_file.from_crypto(hosts, network_host, "coreenterprise")
    change = host(hosts, network_host, channel).plan_add_definition(returning, sign_as=["bank", "supplier"])
    assert change.org.msp_id == "CoreEnterpriseMSP" and change.verdict.ok


def test_an_update_file_adding_an_org_under_the_msp_id_of_one_that_left_is_not_submitted(
        fake_fabric, hosts, network_host, tmp_path):
    """Written by another tool (or a host that has not recorded the removal), the add reaches the network host as
    a signed file: `org submit` holds it to the same rule as a definition, before anything is sent."""
    membership.record_removed(network_host, "coreenterprise")
    left = membership.effective(hosts, network_host)
    channel = ScriptedChannel(hosts, channel_config(left, network_host))
    impostor = org_keys.make(left, "core-enterprise", "core-enterprise", OTHER_CODE, tmp_path / "impostor")
    change = plan_add_defined(left, network_host, channel_config(left, network_host), impostor.definition, ["bank"])
    path = host(hosts, network_host, channel).write_update(change, tmp_path / "add.tx")
    other = admins_host(hosts, network_host, tmp_path / "supplier-host", "supplier")
    host(hosts, other, channel).sign_update_file(path, "supplier")
    with pytest.raises(OrgChangeError, match="core-enterprise would take the MSP ID CoreEnterpriseMSP, which is "
                                             "coreenterprise's.*the update's CA is not the one .* holds for "
                                             "coreenterprise"):
        host(hosts, network_host, channel).submit_update_file(path, channel_only=True)
    assert not channel.updates
    assert "core-enterprise" not in [o.name for o in membership.effective(hosts, network_host).orgs]


def test_a_revoked_user_whose_folder_was_removed_is_passed_over_and_shown_revoked(company, keyless_bundle, hosts):
    """`recfin org keys` never issues it again, so the keys stay complete without it."""
    keys = org_crypto(company.root, "bank2", company.definition.org.domain)
    leaver = crypto.load_cert(keys.user_msp("officer1") / "signcerts" / "cert.pem")
    revoked = crl.extended(crypto.load_key(keys.ca_key), crypto.load_cert(keys.ca_cert), [], leaver.serial_number)
    crl.write_local(keys, crl.pem(revoked))       # as `org user revoke --keys` leaves the keys folder
    shutil.rmtree(keys.user_dir("officer1"))
    org_keys.make(hosts, "bank2", "bank", CODE, company.root)       # run again: it is not issued again
    assert not keys.user_dir("officer1").exists()

    adopt_keys(keyless_bundle, company.root)
    mine = org_crypto(keyless_bundle, "bank2", keys.domain)
    assert crypto.load_cert(mine.issued_cert("officer1")) == leaver and not mine.user_dir("officer1").exists()
    profile = profiles.load("bank2", keyless_bundle)
    assert profile.user("officer1").revoked and not profile.user("officer2").revoked
    assert [row["user"] for row in list_users(keyless_bundle, company.definition.org) if row["revoked"]] == ["officer1"]


def test_a_lost_folder_the_crl_does_not_list_must_be_restored(company, keyless_bundle):
    keys = org_crypto(company.root, "bank2", company.definition.org.domain)
    shutil.rmtree(keys.user_dir("officer2"))
    with pytest.raises(AdoptKeysError, match=r"officer2@bank2\.recfin\.local is missing, though bank2's CA issued "
                                             r"officer2 a certificate .*restore the folder from a backup.*"
                                             r"`recfin org keys` issues no certificate in its place"):
        adopt_keys(keyless_bundle, company.root)
    assert private_key_files(keyless_bundle) == []


def test_keys_made_again_are_kept_and_another_spec_is_refused(company, hosts):
    ca = company_ca(company)
    again = org_keys.make(hosts, "bank2", "bank", CODE, company.root)
    assert company_ca(again) == ca and again.definition == company.definition
    with pytest.raises(org_keys.OrgKeysError, match="made for another spec"):
        org_keys.make(hosts, "bank2", "bank", "91110000MA1K00006B", company.root)


def test_an_address_the_admins_give_a_definition_rides_with_its_spec_and_changes_no_certificate(
        sent, channel, hosts, network_host):
    """The company's certificates name no address: the admins may give its host's (`org add --address`)."""
    members = host(hosts, network_host, channel)
    plain = members.plan_add_definition(org_definition_file.read(sent), sign_as=["bank"])
    addressed = members.plan_add_definition(org_definition_file.read(sent), sign_as=["bank"], address="198.51.100.20")
    assert carried_org(addressed.update).org.address == "198.51.100.20" and carried_org(plain.update).org.address is None
    assert addressed.update.write_set.groups["Application"].groups["Bank2MSP"] == \
        plain.update.write_set.groups["Application"].groups["Bank2MSP"]
    with pytest.raises(TopologyError, match=r"org bank2: address '169\.254\.1\.1' is a link-local address"):
        members.plan_add_definition(org_definition_file.read(sent), address="169.254.1.1")


# ---- the commands ---------------------------------------------------------------------------
def test_the_commands_from_keys_to_update_to_a_completed_bundle(fake_fabric, hosts, network_host, prepared_hosts,
                                                               tmp_path, monkeypatch):
    runner = CliRunner()
    # the company has the network's topology.yaml from a bundle (here another org's)
    topology_file = bundle.write(hosts, prepared_hosts, "bank", tmp_path / "bank-bundle").root / bundle.TOPOLOGY_FILE
    keys_dir = tmp_path / "bank2-keys"
    result = runner.invoke(org, ["keys", "bank2", "--role", "bank", "--enterprise", CODE, "--out", str(keys_dir),
                                 "--topology", str(topology_file), "--json"])
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert (made["msp_id"], made["anchor_peers"]) == ("Bank2MSP", "peer0.bank2.recfin.local:11051")
    assert f"recfin org add bank2 --role bank --enterprise {CODE} --definition bank2.definition.json" in result.stderr

    channel = ScriptedChannel(hosts, channel_config(hosts, network_host))
    monkeypatch.setattr("network.control.Tools", lambda fabric, **_: channel)
    result = runner.invoke(org, ["add", "bank2", "--data-root", str(network_host), "--definition", made["definition"],
                                 "--update-out", str(tmp_path / "x.tx")])
    assert result.exit_code == 2 and "give --role" in result.output      # the admins state the role they sign
    for stated in (["--role", "supplier", "--enterprise", CODE], ["--role", "bank", "--enterprise", OTHER_CODE],
                   ["--role", "bank"]):
        result = runner.invoke(org, ["add", "bank2", *stated, "--data-root", str(network_host),
                                     "--definition", made["definition"], "--update-out", str(tmp_path / "x.tx")])
        assert result.exit_code == 2 and f"defines bank2 as a financier acting for {CODE}" in result.output, stated
    base = ["add", "bank2", "--role", "bank", "--enterprise", CODE, "--data-root", str(network_host)]
    result = runner.invoke(org, base + ["--definition", made["definition"]])
    assert result.exit_code == 2 and "--definition is for --update-out" in result.output
    foreign = _altered(Path(made["definition"]), tmp_path, lambda d: d.update(
        admin_cert=(org_crypto(prepared_hosts, "bank", "bank.recfin.local").user_msp("admin") / "signcerts"
                    / "cert.pem").read_text()))
    result = runner.invoke(org, base + ["--definition", str(foreign), "--update-out", str(tmp_path / "x.tx")])
    # the file --definition names is wrong: a usage error naming the option
    assert result.exit_code == 2 and "Invalid value for '--definition'" in result.output
    assert "is not issued by the org's CA" in result.output
    assert channel.calls == [] and not (tmp_path / "x.tx").exists()

    result = runner.invoke(org, base + ["--definition", made["definition"], "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    preview = json.loads(result.stdout)
    assert (preview["anchor_peers"], preview["msp"]["root_certs"], preview["submitted"]) == \
        (["peer0.bank2.recfin.local:11051"], 1, False)
    # what the admins sign besides certificates is shown to them
    assert (preview["role"], preview["enterprises"], preview["users"]) == ("financier", [CODE], ["officer1", "officer2"])
    update = tmp_path / "bank2.tx"
    result = runner.invoke(org, base + ["--definition", made["definition"], "--update-out", str(update), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["role"], summary["enterprises"]) == ("financier", [CODE])
    assert (summary["msp_id"], summary["submitted"], summary["signed_by"]) == \
        ("Bank2MSP", False, ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"])
    assert not (network_host / "crypto" / "bank2").exists()

    written = config_signing.read_update_file(update)[1]
    channel.after = with_update(channel.config, configtx_pb2.ConfigUpdate.FromString(written.config_update))
    result = runner.invoke(org, ["submit", str(update), "--channel-only", "--data-root", str(network_host)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(org, ["bundle", "bank2", "--data-root", str(network_host),
                                 "--out", str(tmp_path / "bank2-bundle"), "--json"])
    assert result.exit_code == 0, result.output
    assert "recfin host adopt-keys" in json.loads(result.stdout)["missing"]
    result = runner.invoke(host_group, ["adopt-keys", "--bundle", str(tmp_path / "bank2-bundle"),
                                        "--keys", str(keys_dir), "--json"])
    assert result.exit_code == 0, result.output
    adopted = json.loads(result.stdout)
    assert adopted["package_id"].startswith("receivables_") and adopted["missing"] is None


def test_every_crl_of_the_keys_folder_reaches_the_bundle_and_each_user_it_revokes_is_shown_revoked(
        company, keyless_bundle, hosts):
    """A keys folder whose MSP holds two CRLs of the org's CA (crl.pem, crl_0002.pem: Fabric applies both): the
    adopted bundle carries both, so its profile and `org user list` show each one's user revoked; adopting
    again writes no CRL file twice."""
    keys = org_crypto(company.root, "bank2", company.definition.org.domain)
    ca_key, ca_cert = crypto.load_key(keys.ca_key), crypto.load_cert(keys.ca_cert)

    def revoking(user, number):
        serial = crypto.load_cert(keys.user_msp(user) / "signcerts" / "cert.pem").serial_number
        return crl.pem(crl.build(ca_key, ca_cert, {serial: dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)}, number))

    crl.write_local(keys, revoking("officer1", 1), [keys.msp_dir])
    (keys.msp_dir / "crls" / "crl_0002.pem").write_bytes(revoking("officer2", 2))

    adopted = adopt_keys(keyless_bundle, company.root)
    mine = org_crypto(keyless_bundle, "bank2", keys.domain)
    assert sorted(p.name for p in (mine.msp_dir / "crls").iterdir()) == ["crl.pem", "crl_0002.pem"]
    assert {(mine.msp_dir / "crls" / name).relative_to(keyless_bundle).as_posix()
            for name in ("crl.pem", "crl_0002.pem")} <= set(adopted.files)
    revoked = {row["user"] for row in list_users(keyless_bundle, company.definition.org) if row["revoked"]}
    assert {"officer1", "officer2"} <= revoked
    assert profiles.load("bank2", keyless_bundle).user("officer2").revoked

    adopt_keys(keyless_bundle, company.root)
    assert sorted(p.name for p in (mine.msp_dir / "crls").iterdir()) == ["crl.pem", "crl_0002.pem"]
