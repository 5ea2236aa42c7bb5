"""A client user is issued a certificate once: the generator (`network up`, `prepare`, `org add`, `org keys`)
never issues a revoked or lost user's identity again, since a new certificate of the same subject would keep
its client id (x509::<subject>::<issuer>), and with it its party bindings, under a serial no CRL lists.

The CRL is the one `recfin org user revoke` writes, submitted through the scripted `peer` CLI of
test_org_users.py; the certificates are checked with `cryptography`.
"""
from __future__ import annotations

import shutil

import pytest

from network import crl, crypto, membership, profiles
from network.crypto import LostKeyError, load_cert, org_crypto
from network.org_users import CaFolder, OrgUserError, OrgUsers, add_user, list_users
from network.topology import PeerOrgSpec

from .channel_fixtures import channel_config, kept_crl
from .scripted_channel import ChannelTakingUpdates, host

SUPPLIER1_CODE = "91310000MA1K00002C"


def files(root):
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def supplier_paths(topology, root):
    org = topology.org("supplier")
    return org_crypto(root, org.name, org.domain)


def listed(topology, root):
    return {row["user"]: row for row in list_users(root, membership.effective(topology, root).org("supplier"))}


@pytest.fixture
def channel(fake_fabric, topology, data_root):
    profiles.write_all(topology, data_root)
    return ChannelTakingUpdates(topology, channel_config(topology, data_root))


def revoke(topology, data_root, channel, user):
    return OrgUsers(host(topology, data_root, channel)).revoke("supplier", user)


def test_a_revoked_user_whose_folder_was_removed_is_not_issued_again(channel, topology, data_root):
    paths = supplier_paths(topology, data_root)
    revoked = load_cert(paths.user_msp("supplier1") / "signcerts" / "cert.pem")
    revoke(topology, data_root, channel, "supplier1")
    shutil.rmtree(paths.user_dir("supplier1"))          # the leaver's files cleaned up
    crypto.generate(topology, data_root)                 # what `network up`, `prepare`, `org add` run
    assert not paths.user_dir("supplier1").exists()
    row = listed(topology, data_root)["supplier1"]
    assert (row["serial"], row["revoked"], row["msp_dir"]) == (f"{revoked.serial_number:x}", True, None)
    profiles.write_all(topology, data_root)
    profile = profiles.load("supplier", data_root)
    assert profile.user("supplier1").revoked and not profile.user("supplier2").revoked


def test_a_name_the_ca_issued_before_is_not_issued_again_by_org_user_add(channel, topology, data_root):
    revoke(topology, data_root, channel, "supplier1")
    supplier = topology.org("supplier")
    # supplier1 taken out of the org's users, as an operator tidying topology.yaml after the revocation
    tidied = PeerOrgSpec.model_validate({**supplier.model_dump(mode="python"),
                                         "users": [u.model_dump(mode="python") for u in supplier.users
                                                   if u.name != "supplier1"]})
    shutil.rmtree(supplier_paths(topology, data_root).user_dir("supplier1"))
    before = files(data_root)
    with pytest.raises(OrgUserError, match=r"supplier's CA issued supplier1 a certificate before \(serial [0-9a-f]+, "
                                           r"revoked; .*\): a name is issued once.*choose another name"):
        add_user(CaFolder(data_root, tidied), "supplier1", dict(tidied.users[0].attrs))
    assert files(data_root) == before


def test_a_lost_folder_is_refused_until_the_user_is_revoked_then_left_without_an_identity(channel, topology,
                                                                                        data_root):
    paths = supplier_paths(topology, data_root)
    shutil.rmtree(paths.user_dir("supplier2"))
    before = files(data_root)
    with pytest.raises(LostKeyError, match=r"supplier2@supplier\.recfin\.local is gone, though supplier's CA issued "
                                           r"supplier2 a certificate .*revoke the user \(recfin org user revoke "
                                           r"supplier supplier2, which takes that copy"):
        crypto.generate(topology, data_root)
    assert files(data_root) == before
    change = revoke(topology, data_root, channel, "supplier2")    # its certificate from the CA's copy
    assert change.serial == load_cert(paths.issued_cert("supplier2")).serial_number
    crypto.generate(topology, data_root)
    assert not paths.user_dir("supplier2").exists() and listed(topology, data_root)["supplier2"]["revoked"]


def test_a_revoked_user_with_a_lost_key_is_left_as_it_is_and_generation_goes_on(channel, topology, data_root):
    """The remedy LostKeyError names (revoke, then a new user) clears it, for this org and every other."""
    paths = supplier_paths(topology, data_root)
    msp = paths.user_msp("supplier3")
    for key in (msp / "keystore").glob("*_sk"):
        key.unlink()
    with pytest.raises(LostKeyError, match="has no key for"):
        crypto.generate(topology, data_root)
    revoke(topology, data_root, channel, "supplier3")
    add_user(CaFolder(data_root, topology.org("supplier")), "supplier10", {"recfin.enterprise": SUPPLIER1_CODE})
    kept = files(paths.user_dir("supplier3"))
    bank = org_crypto(data_root, "bank", topology.org("bank").domain)
    shutil.rmtree(bank.user_tls("officer1"))             # a gap in another org, filled by the same run
    effective = membership.effective(topology, data_root)
    crypto.generate(effective, data_root)
    assert files(paths.user_dir("supplier3")) == kept and not any((msp / "keystore").glob("*_sk"))
    assert (bank.user_tls("officer1") / "client.crt").is_file()
    assert crl.lists([kept_crl(paths)], load_cert(msp / "signcerts" / "cert.pem").serial_number) is not None


def test_a_user_new_to_the_topology_is_issued_and_recorded_by_the_ca(topology, data_root):
    supplier = topology.org("supplier")
    grown = membership.with_orgs(topology, [
        o if o.name != "supplier" else PeerOrgSpec.model_validate(
            {**o.model_dump(mode="python"), "users": [*(u.model_dump(mode="python") for u in o.users),
                                                      {"name": "supplier7", "attrs": supplier.users[0].attrs}]})
        for o in topology.orgs])
    crypto.generate(grown, data_root)
    paths = supplier_paths(topology, data_root)
    cert = load_cert(paths.user_msp("supplier7") / "signcerts" / "cert.pem")
    assert load_cert(paths.issued_cert("supplier7")) == cert
    shutil.rmtree(paths.user_dir("supplier7"))
    with pytest.raises(LostKeyError, match="supplier7@supplier.recfin.local is gone"):
        crypto.generate(grown, data_root)


def test_a_ca_that_issued_before_its_record_starts_one_from_the_folders_or_refuses_to_guess(topology, data_root):
    paths = supplier_paths(topology, data_root)
    shutil.rmtree(paths.issued_dir)                      # a data folder made before the record was kept
    shutil.rmtree(paths.user_dir("supplier4"))
    before = files(data_root)
    with pytest.raises(LostKeyError, match=r"supplier4 of supplier has no certificate here .*keeps no record of the "
                                           r"identities it issued .*restore the folder from a backup"):
        crypto.generate(topology, data_root)
    assert files(data_root) == before and not paths.issued_dir.exists()

    bank = org_crypto(data_root, "bank", topology.org("bank").domain)
    shutil.rmtree(bank.issued_dir)
    crypto.generate(topology, data_root, only=["bank"])  # every folder there: the record starts from them
    assert {p.name for p in bank.issued_dir.iterdir()} == {f"{u.name}.pem" for u in topology.org("bank").users}
    for user in topology.org("bank").users:
        assert load_cert(bank.issued_cert(user.name)) == load_cert(bank.user_msp(user.name) / "signcerts" / "cert.pem")
    shutil.rmtree(bank.user_dir("officer2"))
    with pytest.raises(LostKeyError, match="officer2@bank.recfin.local is gone"):
        crypto.generate(topology, data_root, only=["bank"])


def test_a_user_whose_issuing_failed_leaves_its_name_free(topology, data_root, monkeypatch):
    org = topology.org("supplier")

    def record_fails(*_):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(membership, "record_user", record_fails)
        with pytest.raises(OSError, match="disk full"):
            add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    issued = add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": SUPPLIER1_CODE})
    assert load_cert(supplier_paths(topology, data_root).issued_cert("supplier9")).serial_number == \
        int(issued.summary()["serial"], 16)


@pytest.mark.parametrize("loss, refusal", [
    ("folder", r"supplier2@supplier\.recfin\.local is gone"),
    ("key", r"has no key for .*supplier2@supplier\.recfin\.local/msp/signcerts/cert\.pem"),
])
def test_a_refused_user_stops_the_run_before_anything_of_its_org_is_written(topology, data_root, loss, refusal):
    """The peer's TLS pair, missing too, would be issued first by a run that checked its users last."""
    paths = supplier_paths(topology, data_root)
    peer_tls = paths.node_dir(topology.peers("supplier")[0].hostname) / "tls"
    for name in ("server.crt", "server.key"):
        (peer_tls / name).unlink()
    if loss == "folder":
        shutil.rmtree(paths.user_dir("supplier2"))
    else:
        for key in (paths.user_msp("supplier2") / "keystore").glob("*_sk"):
            key.unlink()
    before = files(paths.root)
    with pytest.raises(LostKeyError, match=refusal):
        crypto.generate(topology, data_root)
    assert files(paths.root) == before and not (peer_tls / "server.crt").exists()


def tidied_away(topology, data_root, channel, user):
    """A CA that issued before its record was kept, with user revoked, its folder removed and the user taken
    out of the org's users, as the advice for such a CA (start_issued_record's LostKeyError) has it."""
    paths = supplier_paths(topology, data_root)
    revoked = load_cert(paths.user_msp(user) / "signcerts" / "cert.pem")
    revoke(topology, data_root, channel, user)
    shutil.rmtree(paths.issued_dir)
    shutil.rmtree(paths.user_dir(user))
    supplier = topology.org("supplier")
    tidied = PeerOrgSpec.model_validate({**supplier.model_dump(mode="python"),
                                         "users": [u.model_dump(mode="python") for u in supplier.users
                                                   if u.name != user]})
    return paths, revoked, tidied


def test_a_ca_without_record_whose_crl_names_a_removed_user_asks_before_issuing_any_name(channel, topology,
                                                                                       data_root):
    paths, revoked, tidied = tidied_away(topology, data_root, channel, "supplier1")
    attrs = dict(tidied.users[0].attrs)
    before = files(data_root)
    with pytest.raises(OrgUserError, match=rf"cannot tell whether it issued supplier1 a certificate: .*its CRL "
                                           rf"lists 1 serial\(s\) no certificate on this host has "
                                           rf"\({revoked.serial_number:x}\).*must never be given to a new user.*"
                                           rf"recfin org user add supplier supplier1 --never-issued"):
        add_user(CaFolder(data_root, tidied), "supplier1", attrs)
    assert files(data_root) == before
    with pytest.raises(OrgUserError, match="supplier8 --never-issued"):
        add_user(CaFolder(data_root, tidied), "supplier8", attrs)     # any name: the CA cannot tell which it issued

    add_user(CaFolder(data_root, tidied), "supplier8", attrs, never_issued=True)   # the operator's word
    issued = load_cert(paths.user_msp("supplier8") / "signcerts" / "cert.pem")
    assert load_cert(paths.issued_cert("supplier8")) == issued
    assert crypto.revocations_unaccounted_for(paths) == [revoked.serial_number]    # kept with the record
    grown = membership.with_recorded_users(tidied, data_root)
    with pytest.raises(OrgUserError, match="supplier9 --never-issued"):
        add_user(CaFolder(data_root, grown), "supplier9", attrs)


def test_a_topology_user_without_certificate_on_such_a_ca_is_not_issued_by_the_generator(channel, topology,
                                                                                        data_root):
    paths, revoked, tidied = tidied_away(topology, data_root, channel, "supplier1")
    tidied_topology = membership.with_orgs(topology, [tidied if o.name == "supplier" else o for o in topology.orgs])
    crypto.generate(tidied_topology, data_root)          # the record starts, keeping the revoked serial
    assert crypto.revocations_unaccounted_for(paths) == [revoked.serial_number]
    before = files(paths.root)
    with pytest.raises(LostKeyError, match=r"supplier1 of supplier has no certificate here, and supplier's CA cannot "
                                           r"tell whether it issued supplier1 one.*recfin org user add supplier "
                                           r"supplier1 --never-issued.*must never be given to a new user"):
        crypto.generate(topology, data_root)             # supplier1 put back into the org's users
    assert files(paths.root) == before and not paths.user_dir("supplier1").exists()


def record_started_without_its_file(topology, data_root, channel, user):
    """tidied_away, then the record started as an earlier version started it: from the users' folders, without
    ca/issued/unaccounted-revocations.json."""
    paths, revoked, tidied = tidied_away(topology, data_root, channel, user)
    crypto.start_issued_record(paths, tidied.admin, [u.name for u in tidied.users])
    paths.unaccounted_revocations_file.unlink()
    return paths, revoked, tidied


def test_a_record_an_earlier_version_started_without_its_file_still_asks_before_issuing_any_name(channel, topology,
                                                                                                data_root):
    paths, revoked, tidied = record_started_without_its_file(topology, data_root, channel, "supplier1")
    assert crypto.revocations_unaccounted_for(paths) == [revoked.serial_number]
    before = files(data_root)
    with pytest.raises(OrgUserError, match=rf"cannot tell whether it issued supplier1 a certificate: .*"
                                           rf"\({revoked.serial_number:x}\).*supplier1 --never-issued"):
        add_user(CaFolder(data_root, tidied), "supplier1", dict(tidied.users[0].attrs))
    assert files(data_root) == before


def test_a_record_an_earlier_version_started_without_its_file_keeps_the_generator_from_reissuing(channel, topology,
                                                                                                data_root):
    paths, revoked, _ = record_started_without_its_file(topology, data_root, channel, "supplier1")
    before = files(paths.root)
    with pytest.raises(LostKeyError, match=r"supplier1 of supplier has no certificate here, and supplier's CA cannot "
                                           r"tell whether it issued supplier1 one"):
        crypto.generate(topology, data_root)             # supplier1 back in the org's users
    assert files(paths.root) == before and not paths.user_dir("supplier1").exists()


def test_a_record_kept_from_the_start_accounts_for_a_revoked_user_whose_folder_was_removed(channel, topology,
                                                                                          data_root):
    paths = supplier_paths(topology, data_root)
    revoke(topology, data_root, channel, "supplier1")
    shutil.rmtree(paths.user_dir("supplier1"))           # its copy in ca/issued/ stays
    assert crypto.revocations_unaccounted_for(paths) == []
    add_user(CaFolder(data_root, topology.org("supplier")), "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})
    assert (paths.user_msp("supplier8") / "signcerts" / "cert.pem").is_file()


def test_a_ca_without_record_whose_crl_names_only_certificates_here_issues_new_names_as_before(channel, topology,
                                                                                             data_root):
    paths = supplier_paths(topology, data_root)
    revoke(topology, data_root, channel, "supplier1")    # its folder stays: the serial is accounted for
    shutil.rmtree(paths.issued_dir)
    add_user(CaFolder(data_root, topology.org("supplier")), "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})
    assert crypto.revocations_unaccounted_for(paths) == []
    assert not paths.unaccounted_revocations_file.exists()
    assert {p.stem for p in paths.issued_dir.glob("*.pem")} == {u.name for u in topology.org("supplier").users} | {
        "supplier8"}
