"""An org's users: issued from its own CA, revoked through a CRL in its MSP on the channel.

Issuance and the CRL are checked with `cryptography` against the org's real CA certificate; the
revocation's config update against the channel config built from the topology (channel_fixtures)
and the product's own policy checker. Submitting goes through the `peer` CLI, scripted as in
test_org_membership.py: it hands out the config block and, once an update is sent, the config
with that update's write set in it; nothing of Fabric's MSP is imitated.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from fabric_protos.msp import msp_config_pb2

from cli.connection import default_user
from client import atomic_file
from network import channel_config as channel_config_module
from network import config_signing, crl, crypto, membership, org_keys, profiles
from network.crypto import CaFilesError, cert_attrs, issued_by, load_cert, load_key, org_crypto
from network.errors import NodeTimeoutError
from network.org_change import plan_remove
from network.org_definition import MSP_KEY, revocation_list
from network.org_membership import PolicyNotSatisfiedError
from network.org_users import (AlreadyRevokedError, CaFolder, OrgUserError, OrgUsers, add_to_network, add_user,
                               keys_folder_org, list_users, plan_revoke)

from .channel_fixtures import channel_config, crl_without_aki, kept_crl, with_crls
from .scripted_channel import ChannelTakingUpdates, ScriptedChannel, host

SUPPLIER1_CODE = "91310000MA1K00002C"


def _cert(root, org, user):
    return load_cert(org_crypto(root, org.name, org.domain).user_msp(user) / "signcerts" / "cert.pem")


def _admin(root, org):
    return config_signing.load_admin(org_crypto(root, org.name, org.domain).user_msp(org.admin), org.msp_id)


# ---- issuing ----------------------------------------------------------------------------------------------
def test_a_new_user_chains_to_the_org_ca_as_a_client_with_the_attributes_and_is_recorded(topology, data_root):
    org = topology.org("supplier")
    issued = add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    paths = org_crypto(data_root, org.name, org.domain)
    cert = _cert(data_root, org, "supplier9")
    assert issued_by(cert, load_cert(paths.ca_cert))
    assert [a.value for a in cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)] == ["client"]
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == f"supplier9@{org.domain}"
    assert cert_attrs(cert) == {"recfin.role": "creditor", "recfin.enterprise": SUPPLIER1_CODE}
    assert issued_by(load_cert(paths.user_tls("supplier9") / "client.crt"), load_cert(paths.tlsca_cert))
    assert len(list((paths.user_msp("supplier9") / "keystore").glob("*_sk"))) == 1
    assert issued.summary()["serial"] == f"{cert.serial_number:x}"
    # the rest of the tooling sees it: the effective topology, and so profiles and `--as supplier/supplier9`
    effective = membership.effective(topology, data_root)
    assert [u.name for u in effective.org("supplier").users][-1] == "supplier9"
    profile = profiles.build(effective, data_root, "supplier")
    assert profile.user("supplier9").attrs["recfin.enterprise"] == SUPPLIER1_CODE
    assert profile.user("supplier9").cert == paths.user_msp("supplier9") / "signcerts" / "cert.pem"


def test_the_enterprise_defaults_to_the_orgs_one_and_the_role_follows_the_org(topology, data_root):
    bank = topology.org("bank")
    add_user(CaFolder(data_root, bank), "officer3", {})
    assert cert_attrs(_cert(data_root, bank, "officer3")) == {"recfin.role": "financier",
                                                             "recfin.enterprise": "91110000MA1K00006B"}
    regulator = topology.org("regulator")
    add_user(CaFolder(data_root, regulator), "inspector3", {})
    assert cert_attrs(_cert(data_root, regulator, "inspector3")) == {"recfin.role": "regulator"}


@pytest.mark.parametrize("name, attrs, refusal", [
    ("supplier1", {"recfin.enterprise": SUPPLIER1_CODE}, "supplier1 is already a user of supplier"),
    ("admin", {"recfin.enterprise": SUPPLIER1_CODE}, "admin is already a user of supplier"),
    ("supplier9", {}, "give the new user's with --attr recfin.enterprise=CREDIT_CODE"),
    ("supplier9", {"recfin.role": "financier", "recfin.enterprise": SUPPLIER1_CODE},
     "recfin.role=financier does not fit supplier, a supplier org"),
    ("Supplier9", {"recfin.enterprise": SUPPLIER1_CODE}, "lower-case letters"),
    ("s" * 60, {"recfin.enterprise": SUPPLIER1_CODE}, "caps at 64 characters"),
])
def test_a_user_that_exists_or_does_not_fit_the_org_is_refused_and_nothing_written(topology, data_root, name, attrs,
                                                                                   refusal):
    before = sorted(data_root.rglob("*"))
    with pytest.raises(OrgUserError, match=refusal):
        add_user(CaFolder(data_root, topology.org("supplier")), name, attrs)
    assert sorted(data_root.rglob("*")) == before


def test_without_the_ca_key_on_this_host_nothing_is_issued(topology, data_root):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    paths.ca_key.unlink()                  # as on a host whose org made its keys elsewhere (`recfin org keys`)
    with pytest.raises(OrgUserError, match=r"supplier's CA key is not on this host .*ca\.key is missing.*--keys"):
        add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    assert not paths.user_dir("supplier9").exists()
    assert membership.load_state(data_root) == {"added": [], "removed": []}


def _without(cert, _key):
    cert.unlink()


def _another_ca(cert, key):
    """Another CA in place of the org's, certificate and key (as a CA made anew would be): not its MSP's CA."""
    other_key, other_cert = crypto.make_ca("ca.elsewhere.example", "elsewhere")
    cert.write_bytes(other_cert.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(other_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))


def _another_key(_cert, key):
    key.write_bytes(crypto.new_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))


@pytest.mark.parametrize("damage, file, refusal", [
    (_without, "ca", r"ca/ca\.pem is missing"),
    (_without, "tlsca", r"tlsca/tlsca\.pem is missing"),
    (_another_ca, "ca", r"ca/ca\.pem is not the CA certificate in the org's MSP \(.*msp/cacerts\)"),
    (_another_ca, "tlsca", r"tlsca/tlsca\.pem is not the CA certificate in the org's MSP"),
    (_another_key, "ca", r"ca/ca\.key is not the key of .*ca/ca\.pem"),
], ids=["no-ca-cert", "no-tlsca-cert", "other-ca-cert", "other-tlsca-cert", "other-ca-key"])
def test_ca_files_that_are_not_the_orgs_ca_issue_nothing_and_no_ca_is_made(topology, data_root, damage, file,
                                                                           refusal):
    """A CA made in place of a missing certificate would overwrite the org's CA key and issue from a CA the
    channel does not know."""
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    damage(getattr(paths, f"{file}_cert"), getattr(paths, f"{file}_key"))
    before = {p: p.read_bytes() for p in data_root.rglob("*") if p.is_file()}
    with pytest.raises(OrgUserError, match=refusal + r".*Nothing was written"):
        add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    with pytest.raises(CaFilesError, match=refusal):
        crypto.issue_user(paths, "supplier9", "client", {"recfin.enterprise": SUPPLIER1_CODE})
    assert {p: p.read_bytes() for p in data_root.rglob("*") if p.is_file()} == before


def test_the_generator_refuses_half_a_ca_rather_than_replace_its_key(topology, data_root):
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    key = paths.ca_key.read_bytes()
    paths.ca_cert.unlink()
    with pytest.raises(CaFilesError, match=r"ca/ca\.pem is missing beside .*ca/ca\.key: restore it"):
        crypto.generate(topology, data_root)
    assert paths.ca_key.read_bytes() == key and not paths.ca_cert.exists()


def test_an_issued_certificate_ends_no_later_than_its_ca(topology, data_root):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    ca_cert = load_cert(paths.ca_cert)
    assert _cert(data_root, org, "supplier1").not_valid_after_utc <= ca_cert.not_valid_after_utc
    # a CA with a year left: what it issues ends with it
    ca_key = load_key(paths.ca_key)
    now = dt.datetime.now(dt.timezone.utc)
    short_lived = (x509.CertificateBuilder().subject_name(ca_cert.subject).issuer_name(ca_cert.subject)
                   .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                   .add_extension(ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value,
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(ca_key, hashes.SHA256()))
    issued = crypto.issue(ca_key, short_lived, crypto.new_key(), cn="someone", org="supplier")
    assert issued.not_valid_after_utc == short_lived.not_valid_after_utc
    assert issued_by(issued, short_lived)


@pytest.mark.parametrize("org_name, attrs, refusal", [
    ("supplier", {"recfin.enterprise": SUPPLIER1_CODE, "hf.Registrar.Roles": "client"},
     "--attr hf.Registrar.Roles: a user's certificate carries recfin.role and recfin.enterprise only"),
    ("bank", {"recfin.enterprize": "91110000MA1K00006B"}, "--attr recfin.enterprize"),
    ("bank", {"recfin.enterprise": SUPPLIER1_CODE},
     f"recfin.enterprise={SUPPLIER1_CODE} is not an enterprise of bank, whose users act for 91110000MA1K00006B"),
    ("regulator", {"recfin.enterprise": SUPPLIER1_CODE}, "whose users act for none"),
])
def test_attributes_outside_recfins_or_an_enterprise_the_org_lacks_are_refused(topology, data_root, org_name, attrs,
                                                                                refusal):
    before = sorted(data_root.rglob("*"))
    with pytest.raises(OrgUserError, match=refusal):
        add_user(CaFolder(data_root, topology.org(org_name)), "newcomer", attrs)
    assert sorted(data_root.rglob("*")) == before


def test_a_user_for_another_of_the_orgs_enterprises_is_issued(topology, data_root):
    supplier = topology.org("supplier")
    add_user(CaFolder(data_root, supplier), "supplier9", {"recfin.enterprise": "91320500MA1K00003D"})
    assert cert_attrs(_cert(data_root, supplier, "supplier9"))["recfin.enterprise"] == "91320500MA1K00003D"


# ---- runs at once -------------------------------------------------------------------------------------------
def _add_in_process(root, org, name, results):
    try:
        add_user(CaFolder(root, org), name, {"recfin.enterprise": SUPPLIER1_CODE})
        results.put((name, "issued"))
    except OrgUserError as exc:
        results.put((name, str(exc)))


def _run_at_once(root, org, names):
    """add_user for each name, each in its own process, all started before any is waited for."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    runs = [context.Process(target=_add_in_process, args=(root, org, name, results)) for name in names]
    for run in runs:
        run.start()
    outcomes = [results.get(timeout=120) for _ in runs]
    for run in runs:
        run.join()
    return outcomes


def test_users_added_at_once_are_all_recorded(topology, data_root):
    org = topology.org("supplier")
    names = [f"emp{i}" for i in range(8)]
    outcomes = _run_at_once(data_root, org, names)
    assert sorted(outcomes) == [(name, "issued") for name in names]
    assert sorted(u.name for u in membership.recorded_users(data_root, "supplier")) == names
    paths = org_crypto(data_root, org.name, org.domain)
    for name in names:
        assert issued_by(_cert(data_root, org, name), load_cert(paths.ca_cert))


def test_one_name_added_at_once_is_issued_once_with_its_own_key(topology, data_root):
    org = topology.org("supplier")
    outcomes = _run_at_once(data_root, org, ["dup"] * 4)
    issued = [o for o in outcomes if o[1] == "issued"]
    assert len(issued) == 1
    assert all("dup is already a user of supplier" in said or "exists, though supplier records no user dup" in said
               for _name, said in outcomes if said != "issued")
    assert [u.name for u in membership.recorded_users(data_root, "supplier")] == ["dup"]
    msp = org_crypto(data_root, org.name, org.domain).user_msp("dup")
    key_file, = (msp / "keystore").glob("*_sk")
    assert load_key(key_file).public_key() == _cert(data_root, org, "dup").public_key()


def test_a_failed_record_removes_only_the_new_users_folder(topology, data_root, monkeypatch):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(membership, "record_user", disk_full)
    before = sorted(p for p in data_root.rglob("*") if p.name != membership.LOCK_FILE)
    with pytest.raises(OSError, match="No space left"):
        add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    assert not paths.user_dir("supplier9").exists()
    assert sorted(p for p in data_root.rglob("*") if p.name != membership.LOCK_FILE) == before


def test_a_company_issues_from_its_own_keys_folder(topology, tmp_path):
    made = org_keys.make(topology, "bank3", "bank", "91110000MA1K00008H", tmp_path / "bank3-keys")
    spec = keys_folder_org(made.root, "Bank3MSP")
    add_user(CaFolder(made.root, spec), "officer3", {})
    cert = _cert(made.root, spec, "officer3")
    assert issued_by(cert, load_cert(org_crypto(made.root, "bank3", spec.domain).ca_cert))
    assert cert_attrs(cert)["recfin.enterprise"] == "91110000MA1K00008H"
    assert [u.name for u in keys_folder_org(made.root, "bank3").users][-1] == "officer3"
    # running `org keys` again keeps the keys and does not take the recorded user for another spec
    org_keys.make(topology, "bank3", "bank", "91110000MA1K00008H", tmp_path / "bank3-keys")
    with pytest.raises(OrgUserError, match="officer3 is already a user of bank3"):
        add_user(CaFolder(made.root, keys_folder_org(made.root, "bank3")), "officer3", {})


# ---- the CRL ----------------------------------------------------------------------------------------------
def test_a_crl_is_signed_by_the_ca_names_it_by_its_key_and_keeps_earlier_entries(topology, data_root):
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    ca_key, ca_cert = load_key(paths.ca_key), load_cert(paths.ca_cert)
    first = crl.extended(ca_key, ca_cert, [], 1111)
    assert first.is_signature_valid(ca_cert.public_key()) and first.issuer == ca_cert.subject
    aki = first.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    assert aki == ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert crl.number(first) == 1 and first.get_revoked_certificate_by_serial_number(1111) is not None
    second = crl.extended(ca_key, ca_cert, [crl.load(crl.pem(first))], 2222)
    assert crl.number(second) == 2 and set(crl.revoked_serials([second])) == {1111, 2222}
    assert crl.revoked_serials([second])[1111] == crl.revoked_serials([first])[1111]   # its date is kept
    assert crl.of_ca(crl.pem(second), ca_cert) is not None
    # another org's CA is not the issuer Fabric would match it to
    bank_ca = load_cert(org_crypto(data_root, "bank", topology.org("bank").domain).ca_cert)
    assert crl.of_ca(crl.pem(second), bank_ca) is None


# ---- the config update ------------------------------------------------------------------------------------
def _msp(config, msp_id):
    outer = msp_config_pb2.MSPConfig.FromString(
        config.channel_group.groups["Application"].groups[msp_id].values[MSP_KEY].value)
    return msp_config_pb2.FabricMSPConfig.FromString(outer.config)


def test_the_update_changes_only_the_orgs_revocation_list_and_needs_its_admin(topology, data_root):
    org = topology.org("supplier")
    add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    org = membership.effective(topology, data_root).org("supplier")
    current = channel_config(topology, data_root)
    cert = _cert(data_root, org, "supplier9")
    change = plan_revoke(current, "receivables", CaFolder(data_root, org), "supplier9", cert, _admin(data_root, org))
    summary = change.summary()
    # the value exists at version 0: it is changed, not new, though the read set does not list it
    assert [(c["element"], c["version"], c["new_version"]) for c in summary["changes"]] == [
        ("/Channel/Application/SupplierMSP/MSP", 0, 1)]
    written = change.update.write_set.groups["Application"].groups["SupplierMSP"]
    assert (written.version, change.update.write_set.groups["Application"].version) == (2, 1)   # carried, not bumped
    before, after = _msp(current, "SupplierMSP"), msp_config_pb2.FabricMSPConfig.FromString(
        msp_config_pb2.MSPConfig.FromString(written.values[MSP_KEY].value).config)
    assert list(after.revocation_list) == [change.crl_pem]
    del after.revocation_list[:]
    assert after == before                     # nothing else of the MSP changes
    assert summary["policy_satisfied"] and summary["signed_by"] == ["SupplierMSP"]
    assert summary["verdict"] == ("/Channel/Application/SupplierMSP/Admins (OR('SupplierMSP.admin')) needs 1 of 1 "
                                  "principals: met by SupplierMSP.admin")
    unsigned = plan_revoke(current, "receivables", CaFolder(data_root, org), "supplier9", cert, None)
    assert not unsigned.verdict.ok and unsigned.verdict.missing == ["SupplierMSP.admin"]
    bank_admin = _admin(data_root, topology.org("bank"))
    signed_by_bank = plan_revoke(current, "receivables", CaFolder(data_root, org), "supplier9", cert, bank_admin)
    assert not signed_by_bank.verdict.ok       # another org's admin does not satisfy the supplier's Admins


def test_a_revocation_matches_the_channels_ca_after_a_stray_begin_line_as_fabric_reads_it(topology, data_root):
    # the org's cacerts/ file as configtxgen keeps it whole: Fabric's MSP reads the CA certificate after the BEGIN
    # line Go's pem.Decode passes over
    org = topology.org("supplier")
    add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    org = membership.effective(topology, data_root).org("supplier")
    current = channel_config(topology, data_root)
    value = current.channel_group.groups["Application"].groups["SupplierMSP"].values[MSP_KEY]
    conf = _msp(current, "SupplierMSP")
    conf.root_certs[0] = b"-----BEGIN CERTIFICATE-----\n" + conf.root_certs[0]
    value.value = msp_config_pb2.MSPConfig(type=0, config=conf.SerializeToString()).SerializeToString()
    cert = _cert(data_root, org, "supplier9")
    change = plan_revoke(current, "receivables", CaFolder(data_root, org), "supplier9", cert, None)
    assert cert.serial_number in crl.revoked_serials([change.crl])


def test_earlier_revocations_on_the_channel_are_kept_and_a_revoked_user_is_refused(topology, data_root):
    ca = CaFolder(data_root, topology.org("supplier"))
    current = channel_config(topology, data_root)
    first = plan_revoke(current, "receivables", ca, "supplier2", _cert(data_root, ca.org, "supplier2"), None)
    group = current.channel_group.groups["Application"].groups["SupplierMSP"]
    group.values[MSP_KEY].CopyFrom(first.update.write_set.groups["Application"].groups["SupplierMSP"].values[MSP_KEY])
    second = plan_revoke(current, "receivables", ca, "supplier3", _cert(data_root, ca.org, "supplier3"), None)
    serials = {_cert(data_root, ca.org, u).serial_number for u in ("supplier2", "supplier3")}
    assert set(crl.revoked_serials([second.crl])) == serials and crl.number(second.crl) == 2
    assert len(revocation_list(second.update.write_set.groups["Application"].groups["SupplierMSP"])) == 1
    with pytest.raises(AlreadyRevokedError, match="supplier2 of supplier is already revoked: CRL number 1"):
        plan_revoke(current, "receivables", ca, "supplier2", _cert(data_root, ca.org, "supplier2"), None)


def test_a_crl_kept_in_the_orgs_msp_folder_reaches_the_channel_definitions(topology, data_root):
    """configtx (genesis) and org definitions read crls/ of the verifying MSP, as configtxgen does."""
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    made = crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [], 77)
    crl.write_local(paths, crl.pem(made))
    assert list(_msp(channel_config(topology, data_root), "SupplierMSP").revocation_list) == [crl.pem(made)]
    assert (paths.node_dir("peer0.supplier.recfin.local") / "msp" / "crls" / "crl.pem").read_bytes() == crl.pem(made)


# ---- revoking on the channel, through the peer CLI ------------------------------------------------------------
@pytest.fixture
def running(fake_fabric, topology, data_root):
    add_user(CaFolder(data_root, topology.org("supplier")), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    profiles.write_all(membership.effective(topology, data_root), data_root)
    return ChannelTakingUpdates(topology, channel_config(topology, data_root))


def test_revoke_submits_as_the_orgs_admin_then_writes_the_crl_into_its_msp_folders(running, topology, data_root):
    said = []
    users = OrgUsers(host(topology, data_root, running, said))
    change = users.revoke("supplier", "supplier9")
    (msp, env, sent), = running.updates
    assert msp == "SupplierMSP" and env["CORE_PEER_MSPCONFIGPATH"].endswith("users/admin@supplier.recfin.local/msp")
    assert list(sent.signatures) == []          # `peer channel update` adds the admin's own signature
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    serial = _cert(data_root, topology.org("supplier"), "supplier9").serial_number
    in_channel = revocation_list(running.config.channel_group.groups["Application"].groups["SupplierMSP"])
    assert in_channel == [change.crl_pem] and crl.lists([crl.load(in_channel[0])], serial) is not None
    for folder in [paths.msp_dir, paths.user_msp("supplier1"), paths.user_msp("supplier9"),
                   paths.node_dir("peer0.supplier.recfin.local") / "msp"]:
        assert (folder / "crls" / "crl.pem").read_bytes() == change.crl_pem
    profile = profiles.load("supplier", data_root)
    assert profile.user("supplier9").revoked and not profile.user("supplier1").revoked
    rows = {r["user"]: r for r in list_users(data_root, membership.effective(topology, data_root).org("supplier"))}
    assert rows["supplier9"]["revoked"] and not rows["supplier1"]["revoked"]
    assert any("CRL number 1" in line for line in said)
    with pytest.raises(AlreadyRevokedError):
        users.revoke("supplier", "supplier9")
    assert len(running.updates) == 1


def test_the_default_user_of_a_profile_is_its_first_one_not_revoked(running, topology, data_root):
    OrgUsers(host(topology, data_root, running)).revoke("supplier", "supplier1")
    assert default_user(profiles.load("supplier", data_root)) == "supplier2"


@pytest.mark.parametrize("user, refusal", [("admin", r"supplier's admin.*revoke its users instead\. recfin has no "
                                                     r"command that changes an org's admin"),
                                           ("nobody", "has no user 'nobody'"),
                                           ("../bank", "lower-case letters")])
def test_revoking_the_admin_or_an_unknown_user_is_refused_and_nothing_sent(running, topology, data_root, user,
                                                                          refusal):
    before = sorted(data_root.rglob("*"))
    with pytest.raises(OrgUserError, match=refusal):
        OrgUsers(host(topology, data_root, running)).revoke("supplier", user)
    assert running.updates == [] and sorted(data_root.rglob("*")) == before


def test_signed_by_an_identity_that_is_not_the_orgs_admin_nothing_is_sent(running, topology, data_root):
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    with pytest.raises(PolicyNotSatisfiedError, match=r"needs 1 of 1 principals, has 0: missing 1 of SupplierMSP\.admin"):
        OrgUsers(host(topology, data_root, running)).revoke("supplier", "supplier9", msp_dir=paths.user_msp("supplier1"))
    assert running.updates == [] and not (paths.msp_dir / "crls").exists()


def test_an_org_its_own_crl_locks_out_is_told_the_one_way_out_and_nothing_is_sent(running, topology, data_root):
    """A CRL without an AKI in the bank's MSP (another tool's) fails its admin too, so the bank's own Admins policy,
    which the CRL's replacement needs, can never be met: the refusal says why and what the other orgs run."""
    bad = crl_without_aki(topology, data_root, "bank", 12345)
    running.config = with_crls(running.config, "BankMSP", [bad])
    with pytest.raises(PolicyNotSatisfiedError) as refused:
        OrgUsers(host(topology, data_root, running)).revoke("bank", "officer2")
    said = str(refused.value)
    assert "needs 1 of 1 principals, has 0: missing 1 of BankMSP.admin" in said
    assert "CRL 1 of 1 in BankMSP's MSP in the channel config (issuer CN=ca.bank.recfin.local" in said
    assert "so Fabric fails every identity of BankMSP, its admins' too" in said
    assert "/Channel/Application/BankMSP/Admins (OR('BankMSP.admin'))" in said and "can be met by them only" in said
    assert ("one level up: /Channel/Application/Admins (MAJORITY Admins) lets 3 of the other orgs' admins "
            "(CoreEnterpriseMSP, RegulatorMSP, SupplierMSP) remove BankMSP's group") in said
    # the bank is the channel's last bank org, which `org remove` refuses: another bank org comes first
    assert ("As the channel stands, `recfin org remove bank` is refused: bank is the channel's last bank org: the "
            "receivables contract needs one (add another bank org with `recfin org add NAME --role bank` first). "
            "What it asks comes first, signed by the same admins; then `recfin org remove bank`, then "
            "`recfin org add bank --role bank --enterprise 91110000MA1K00006B` once the org's msp/crls/ holds only "
            "CRLs that carry its CA's key identifier") in said
    assert "Revoke as BankMSP's admin" not in said          # the advice for a wrong signer does not apply
    assert running.updates == []


def test_where_another_org_of_its_role_stays_the_locked_out_org_is_removed_and_added_again_at_once(fake_fabric,
                                                                                                 topology, data_root):
    spec = membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00007E")
    grown = membership.with_orgs(topology, [*topology.orgs, spec])
    crypto.generate(grown, data_root)
    config = with_crls(channel_config(grown, data_root), "BankMSP", [crl_without_aki(grown, data_root, "bank", 12345)])
    members = host(grown, data_root, ChannelTakingUpdates(grown, config))
    members.check_removable_from(grown.org("bank"), config)        # Bank2MSP stays: removing the bank is allowed
    change, _admin_used = OrgUsers(members).plan("bank", "officer2", current=config)
    said = change.summary()["locked_out"]
    assert ("lets 3 of the other orgs' admins (Bank2MSP, CoreEnterpriseMSP, RegulatorMSP, SupplierMSP) remove "
            "BankMSP's group and add it again with a sound MSP: `recfin org remove bank`, then `recfin org add bank "
            "--role bank --enterprise 91110000MA1K00006B` once") in said
    assert "is refused" not in said


def test_with_too_few_other_orgs_to_remove_it_the_locked_out_org_is_told_no_update_can_repair_it(topology,
                                                                                                data_root):
    org = topology.org("bank")
    two_orgs = channel_config(topology, data_root)
    for leaving in ("CoreEnterpriseMSP", "RegulatorMSP"):
        two_orgs = channel_config_module.without_org(two_orgs, leaving)
    two_orgs = with_crls(two_orgs, "BankMSP", [crl_without_aki(topology, data_root, "bank", 12345)])
    change = plan_revoke(two_orgs, "receivables", CaFolder(data_root, org), "officer2",
                         _cert(data_root, org, "officer2"), _admin(data_root, org))
    assert not change.verdict.ok
    assert change.summary()["locked_out"].endswith(
        "/Channel/Application/Admins (MAJORITY Admins) could remove and add BankMSP's group again without its admins, "
        "but it needs 2 of 2 org admins and only 1 other org(s) can sign (SupplierMSP): no config update can "
        "repair BankMSP on this channel")
    sound = plan_revoke(channel_config(topology, data_root), "receivables", CaFolder(data_root, org), "officer2",
                        _cert(data_root, org, "officer2"), None)
    assert not sound.verdict.ok and sound.summary()["locked_out"] is None    # unsigned, not locked out


def test_orgs_their_own_crl_locks_out_too_are_not_counted_among_those_who_can_remove_the_org(topology, data_root):
    """Two of four orgs locked out: the other two cannot meet MAJORITY (3 of 4), as the removal's own verdict finds
    with every other org's admin signing."""
    org = topology.org("bank")
    config = channel_config(topology, data_root)
    for locked in ("bank", "supplier"):
        config = with_crls(config, topology.org(locked).msp_id, [crl_without_aki(topology, data_root, locked, 1)])
    change = plan_revoke(config, "receivables", CaFolder(data_root, org), "officer2", _cert(data_root, org, "officer2"),
                         _admin(data_root, org))
    assert change.summary()["locked_out"].endswith(
        "could remove and add BankMSP's group again without its admins, but it needs 3 of 4 org admins and only 2 "
        "other org(s) can sign (CoreEnterpriseMSP, RegulatorMSP; SupplierMSP is locked out by its own CRL too): no "
        "config update can repair BankMSP on this channel")
    removal = plan_remove(topology, data_root, config, "bank")
    assert sorted(removal.signatures) == ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]
    assert not removal.verdict.ok and removal.verdict.signed_by == ["CoreEnterpriseMSP", "RegulatorMSP"]


def test_from_a_companys_keys_folder_the_crl_lands_there_and_in_the_network_folder(running, topology, data_root,
                                                                                  tmp_path):
    """A company whose CA keys live apart from the folder it acts from (its bundle): --keys names them."""
    org = topology.org("supplier")
    keys = tmp_path / "supplier-keys"
    shutil.copytree(org_crypto(data_root, org.name, org.domain).root, org_crypto(keys, org.name, org.domain).root)
    org_crypto(data_root, org.name, org.domain).ca_key.unlink()
    # on hostnames, as `recfin org keys` writes it: its anchor peer is the peer's hostname
    org_keys.org_definition_file.write(org_keys.org_definition_file.from_crypto(topology.on_hosts(), keys, "supplier"),
                                       org_keys.definition_path(keys, "supplier"))
    change = OrgUsers(host(topology, data_root, running), keys).revoke("supplier", "supplier2")
    for root in (keys, data_root):
        assert (org_crypto(root, org.name, org.domain).msp_dir / "crls" / "crl.pem").read_bytes() == change.crl_pem
    # the network folder's profile, beside the CRL now in it, says so
    assert profiles.load("supplier", data_root).user("supplier2").revoked
    assert not profiles.load("supplier", data_root).user("supplier1").revoked


def test_a_revocation_whose_wait_stopped_is_completed_here_by_running_it_again(running, topology, data_root):
    """Submitted, the channel took it, but the wait for it gave up: nothing is written here then; the second
    run finds it on the channel, is refused, and writes the channel's CRL here."""
    members = host(topology, data_root, running)

    def gave_up(*_args, **_kwargs):
        raise NodeTimeoutError("orderers: timed out waiting for supplier9's certificate on SupplierMSP's CRL")

    members.wait_for_config = gave_up
    with pytest.raises(NodeTimeoutError):
        OrgUsers(members).revoke("supplier", "supplier9")
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    assert len(running.updates) == 1 and not (paths.msp_dir / "crls").exists()
    assert not profiles.load("supplier", data_root).user("supplier9").revoked

    with pytest.raises(AlreadyRevokedError, match=r"nothing to submit\. This host did not have that CRL yet: it is "
                                                  r"now written into \d+ MSP folder\(s\) of supplier"):
        OrgUsers(members).revoke("supplier", "supplier9")
    assert len(running.updates) == 1
    in_channel = revocation_list(running.config.channel_group.groups["Application"].groups["SupplierMSP"])
    for folder in [paths.msp_dir, paths.user_msp("supplier9"), paths.node_dir("peer0.supplier.recfin.local") / "msp"]:
        assert (folder / "crls" / "crl.pem").read_bytes() == in_channel[0]
    assert profiles.load("supplier", data_root).user("supplier9").revoked
    rows = {r["user"]: r for r in list_users(data_root, membership.effective(topology, data_root).org("supplier"))}
    assert rows["supplier9"]["revoked"]
    with pytest.raises(AlreadyRevokedError, match="; nothing to do$"):      # a third run: this host has it
        OrgUsers(members).revoke("supplier", "supplier9")


def test_another_host_gets_the_channels_crl_by_syncing(running, topology, data_root, tmp_path):
    """A second data folder of the org (another host's) learns of a revocation made elsewhere from the channel."""
    other = tmp_path / "other-host"
    shutil.copytree(data_root, other)
    change = OrgUsers(host(topology, data_root, running)).revoke("supplier", "supplier9")
    elsewhere = OrgUsers(host(topology, other, running))
    supplier = membership.effective(topology, other).org("supplier")
    assert not {r["user"]: r for r in list_users(other, supplier)}["supplier9"]["revoked"]
    kept = elsewhere.sync("supplier")
    assert kept.summary()["channel_crl_number"] == 1 and kept.written
    paths = org_crypto(other, "supplier", supplier.domain)
    assert kept_crl(paths) is not None and crl.pem(kept_crl(paths)) == change.crl_pem
    assert {r["user"]: r for r in list_users(other, supplier)}["supplier9"]["revoked"]
    assert profiles.load("supplier", other).user("supplier9").revoked
    assert elsewhere.sync("supplier").written == []           # it has it now
    # the channel's CRL never replaces a newer one kept here
    newer = crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [kept_crl(paths)], 4242)
    crl.write_local(paths, crl.pem(newer))
    assert elsewhere.sync("supplier").written == [] and crl.number(kept_crl(paths)) == 2


def test_a_crl_is_never_half_written_into_crls(topology, data_root, monkeypatch):
    """Fabric's MSP loader reads every file of crls/: the temporary file is written beside it, then renamed in."""
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    renamed = []
    replace = os.replace

    def recording(source, target):
        renamed.append((Path(source), Path(target)))
        return replace(source, target)

    monkeypatch.setattr(atomic_file.os, "replace", recording)
    made = crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [], 77)
    targets = crl.write_local(paths, crl.pem(made))
    assert renamed and {target for _, target in renamed} == set(targets)
    assert not [source for source, _ in renamed if source.parent.name == "crls"]
    assert all(t.read_bytes() == crl.pem(made) for t in targets)
    assert {p.name for t in targets for p in t.parent.iterdir()} == {"crl.pem"}
    assert not [p for t in targets for p in t.parent.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_crl_is_kept_under_the_lock_of_the_roots_written_to_alone(topology, data_root, tmp_path):
    """A root that has the channel's CRL already is not written, nor locked: a read-only bundle install could not
    even create its lock file, and `org user list --sync` there would fail."""
    org = topology.org("supplier")
    keys = tmp_path / "supplier-keys"
    shutil.copytree(org_crypto(data_root, org.name, org.domain).root, org_crypto(keys, org.name, org.domain).root)
    paths = org_crypto(data_root, org.name, org.domain)
    channels = crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [], 5)
    crl.write_local(paths, crl.pem(channels))                 # the network's folder has it already
    (data_root / membership.LOCK_FILE).unlink(missing_ok=True)
    users = OrgUsers(host(topology, data_root, ScriptedChannel(topology, channel_config(topology, data_root))), keys)

    written = users.keep_locally(org, [channels])
    assert written and all(keys in p.parents for p in written)
    assert (keys / membership.LOCK_FILE).is_file() and not (data_root / membership.LOCK_FILE).exists()
    assert users.keep_locally(org, [channels]) == [] and not (data_root / membership.LOCK_FILE).exists()


def test_a_nested_lock_asked_for_out_of_order_is_refused_before_anything_is_taken(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    with membership.locked(first):
        with membership.locked(first, second):          # holds a, takes b after it: the one order
            assert (second / membership.LOCK_FILE).is_file()
    fresh = tmp_path / "a-new"                           # comes before b too, and has no lock file yet
    with membership.locked(second):
        for asked in [(first, second), (first,), (fresh, second)]:
            with pytest.raises(membership.LockOrderError,
                               match=rf"the lock of {asked[0]} is asked for while this thread holds the lock of "
                                     rf"{second}, which comes after it: .*Ask for both in the outer"):
                with membership.locked(*asked):
                    pass
        with membership.locked(second, tmp_path / "c"):  # what it holds, and a folder after it
            pass
    assert not fresh.exists()                            # refused before anything was taken or made
    with membership.locked(first, second):              # every lock was let go
        pass


def test_add_to_network_rewrites_the_profiles(topology, data_root):
    profiles.write_all(topology, data_root)
    members = host(topology, data_root, ScriptedChannel(topology, channel_config(topology, data_root)))
    add_to_network(members, "bank", "officer3", {})
    assert profiles.load("bank", data_root).user("officer3").attrs["recfin.role"] == "financier"
    assert "officer3" in [u.name for u in members.topology.org("bank").users]

