"""An org's MSP may hold several CRLs of its CA: a definition or channel that carries two is laid out as
crls/crl.pem and crls/crl_0002.pem (org_definition_file.write_public_msp), and Fabric applies every CRL of
crls/ whose Authority Key Identifier is the CA's. What this host says of a user (`org user list`, the
connection profile's `revoked`, the certificates counted as left to act for a party) reads all of them, and
`org user list --sync` brings every one of the channel's CRLs here, not only the newest.

The CRLs are signed with the org's real CA key and read with `cryptography`; the channel is the scripted
`peer` CLI of test_org_users.py; Fabric's own walk over a revocation list is
client.ledger.revocation.refusing.
"""
from __future__ import annotations

import datetime as dt

import pytest

from cli.connection import default_user
from client.ledger import revocation
from network import crl, membership, profiles
from network.crypto import load_cert, load_key, org_crypto, revocations_unaccounted_for, revoked_by_org
from network.org_users import CaFolder, OrgUsers, add_user, list_users, plan_revoke

from .channel_fixtures import channel_config, with_crls
from .scripted_channel import ChannelTakingUpdates, host

NOW = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)


def supplier(topology, root):
    org = topology.org("supplier")
    return org_crypto(root, org.name, org.domain)


def serial_of(paths, user):
    return load_cert(paths.user_msp(user) / "signcerts" / "cert.pem").serial_number


def ca_crl(paths, serials, number):
    """A CRL of the org's CA listing these serials, as recfin makes them."""
    return crl.build(load_key(paths.ca_key), load_cert(paths.ca_cert), dict.fromkeys(serials, NOW), number)


def second_crl_in_verifying_msp(paths, first, second):
    """The org's verifying MSP as write_public_msp lays out a definition carrying two CRLs of its CA."""
    crl.write_local(paths, crl.pem(first), [paths.msp_dir])
    (paths.msp_dir / "crls" / "crl_0002.pem").write_bytes(crl.pem(second))


def fabric_refuses(paths, folder, serial):
    """Whether Fabric's MSP, given the CRLs of this MSP folder's crls/ (in name order), refuses the serial."""
    held = [p.read_bytes() for p in sorted((folder / "crls").iterdir())]
    found = revocation.refusing(held, load_cert(paths.ca_cert), serial)
    return found is not None and found[2]


def test_a_user_the_second_crl_of_the_ca_lists_is_revoked_everywhere_this_host_says_so(topology, data_root):
    paths = supplier(topology, data_root)
    first, second = serial_of(paths, "supplier1"), serial_of(paths, "supplier2")
    second_crl_in_verifying_msp(paths, ca_crl(paths, [first], 1), ca_crl(paths, [second], 2))
    assert fabric_refuses(paths, paths.msp_dir, second)            # as the channel's MSP made from it does

    assert revoked_by_org(paths, load_cert(paths.user_msp("supplier2") / "signcerts" / "cert.pem"))
    rows = {r["user"]: r["revoked"] for r in list_users(data_root, topology.org("supplier"))}
    assert (rows["supplier1"], rows["supplier2"], rows["supplier3"]) == (True, True, False)
    built = profiles.build(topology, data_root, "supplier")
    assert built.user("supplier2").revoked and not built.user("supplier3").revoked
    assert default_user(built) == "supplier3"                      # never the one the second CRL revokes
    profiles.write_all(topology, data_root)
    assert profiles.mark_revoked(data_root, "supplier", topology.org("supplier").domain) is not None
    assert profiles.load("supplier", data_root).user("supplier2").revoked


def test_certificates_left_to_act_count_a_user_the_second_crl_revokes_as_revoked(fake_fabric, topology,
                                                                                  data_root):
    paths = supplier(topology, data_root)
    second_crl_in_verifying_msp(paths, ca_crl(paths, [serial_of(paths, "supplier1")], 1),
                                ca_crl(paths, [serial_of(paths, "supplier2")], 2))
    channel = ChannelTakingUpdates(topology, channel_config(topology, data_root))
    users = OrgUsers(host(topology, data_root, channel))
    held = {h.user: h.revoked for h in users.held_certificates("supplier")}
    assert (held["supplier1"], held["supplier2"], held["supplier3"]) == (True, True, False)


def test_a_revocation_extends_every_crl_of_the_ca_kept_here(topology, data_root):
    """The next CRL lists what each of them lists, numbered past the highest: the one that replaces them all
    on the channel revokes no one less."""
    paths = supplier(topology, data_root)
    current = channel_config(topology, data_root)       # a channel that has neither of them yet
    first, second = serial_of(paths, "supplier1"), serial_of(paths, "supplier2")
    second_crl_in_verifying_msp(paths, ca_crl(paths, [first], 1), ca_crl(paths, [second], 4))
    org = topology.org("supplier")
    cert = load_cert(paths.user_msp("supplier3") / "signcerts" / "cert.pem")
    change = plan_revoke(current, topology.channel, CaFolder(data_root, org), "supplier3", cert, None)
    assert set(crl.revoked_serials([change.crl])) == {first, second, cert.serial_number}
    assert crl.number(change.crl) == 5


def test_a_serial_of_the_second_crl_no_certificate_here_has_is_unaccounted_for(topology, data_root):
    paths = supplier(topology, data_root)
    second_crl_in_verifying_msp(paths, ca_crl(paths, [], 1), ca_crl(paths, [0x5EED], 2))
    assert revocations_unaccounted_for(paths) == [0x5EED]


def test_a_new_user_gets_every_crl_of_the_orgs_msp(topology, data_root):
    paths = supplier(topology, data_root)
    second_crl_in_verifying_msp(paths, ca_crl(paths, [serial_of(paths, "supplier1")], 1),
                                ca_crl(paths, [serial_of(paths, "supplier2")], 2))
    add_user(CaFolder(data_root, topology.org("supplier")), "supplier9",
             {"recfin.enterprise": "91310000MA1K00002C"})
    crls = paths.user_msp("supplier9") / "crls"
    assert {p.name: p.read_bytes() for p in crls.iterdir()} == {
        p.name: p.read_bytes() for p in (paths.msp_dir / "crls").iterdir()}


@pytest.fixture
def two_on_the_channel(fake_fabric, topology, data_root):
    """The channel's MSP of the supplier org holds two CRLs of its CA, each listing a user the other does not
    (an org added from a definition that carried both); this host kept neither."""
    paths = supplier(topology, data_root)
    first = ca_crl(paths, [serial_of(paths, "supplier1")], 3)
    second = ca_crl(paths, [serial_of(paths, "supplier2")], 5)
    config = with_crls(channel_config(topology, data_root), "SupplierMSP", [crl.pem(first), crl.pem(second)])
    profiles.write_all(membership.effective(topology, data_root), data_root)
    return ChannelTakingUpdates(topology, config), first, second


def test_sync_keeps_every_crl_the_channel_has_of_the_orgs_ca(two_on_the_channel, topology, data_root):
    channel, first, second = two_on_the_channel
    paths = supplier(topology, data_root)
    kept = OrgUsers(host(topology, data_root, channel)).sync("supplier")

    assert kept.summary()["channel_crl_number"] == 5 and kept.summary()["channel_crls"] == 2
    assert kept.summary()["revoked_serials"] == [
        f"{s:x}" for s in sorted([serial_of(paths, "supplier1"), serial_of(paths, "supplier2")])]
    for folder in crl.local_folders(paths):
        assert {p.name: p.read_bytes() for p in (folder / "crls").iterdir()} == {
            "crl.pem": crl.pem(second), "crl_0002.pem": crl.pem(first)}, folder
        assert fabric_refuses(paths, folder, serial_of(paths, "supplier1")), folder
    assert kept.folders == crl.local_folders(paths)
    rows = {r["user"]: r["revoked"] for r in list_users(data_root, topology.org("supplier"))}
    assert (rows["supplier1"], rows["supplier2"], rows["supplier3"]) == (True, True, False)
    profile = profiles.load("supplier", data_root)
    assert profile.user("supplier1").revoked and profile.user("supplier2").revoked
    assert OrgUsers(host(topology, data_root, channel)).sync("supplier").written == []   # it has them now


def test_sync_writes_nothing_where_the_channels_crls_are_laid_out_already(two_on_the_channel, topology,
                                                                        data_root):
    """MSP folders written from the channel (crl.pem, crl_0002.pem in the channel's order) have them all."""
    channel, first, second = two_on_the_channel
    paths = supplier(topology, data_root)
    for folder in crl.local_folders(paths):
        crl.write_local(paths, crl.pem(first), [folder])
        (folder / "crls" / "crl_0002.pem").write_bytes(crl.pem(second))
    profiles.write_all(membership.effective(topology, data_root), data_root)
    assert OrgUsers(host(topology, data_root, channel)).sync("supplier").written == []


def test_sync_adds_the_channels_other_crl_beside_a_newer_one_kept_here(two_on_the_channel, topology,
                                                                      data_root):
    """A CRL kept here numbered past the channel's stays as it is; a channel CRL listing a serial it does not
    is written beside it."""
    channel, first, _second = two_on_the_channel
    paths = supplier(topology, data_root)
    newer = ca_crl(paths, [serial_of(paths, "supplier2")], 9)
    crl.write_local(paths, crl.pem(newer))
    OrgUsers(host(topology, data_root, channel)).sync("supplier")
    for folder in crl.local_folders(paths):
        assert {p.name: p.read_bytes() for p in (folder / "crls").iterdir()} == {
            "crl.pem": crl.pem(newer), "crl_0002.pem": crl.pem(first)}, folder
