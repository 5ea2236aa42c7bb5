"""A revocation whose local writes stopped part way (a peer's MSP folder not writable, a full disk) is finished by
running it again or by `recfin org user list --sync`: every MSP folder the CRL goes to, and the org's connection
profile, is checked, and the verifying MSP's copy (the org's CRL as every later step reads it) is written last."""
from __future__ import annotations

import pytest

from network import crl, membership, profiles
from network.crypto import load_cert, load_key, org_crypto
from network.org_users import AlreadyRevokedError, CaFolder, OrgUsers, add_user

from .channel_fixtures import channel_config, kept_crl
from .scripted_channel import ChannelTakingUpdates, host

CODE = "91310000MA1K00002C"


@pytest.fixture
def revoking(fake_fabric, topology, data_root):
    """supplier9 issued and in the connection profiles, on a channel that takes the revocation."""
    add_user(CaFolder(data_root, topology.org("supplier")), "supplier9", {"recfin.enterprise": CODE})
    profiles.write_all(membership.effective(topology, data_root), data_root)
    return ChannelTakingUpdates(topology, channel_config(topology, data_root))


def _stop_writing_at(monkeypatch, stopped_at):
    real = crl.write_atomically

    def failing(target, data, **kw):
        if target == stopped_at:
            raise OSError(28, "No space left on device")
        return real(target, data, **kw)

    monkeypatch.setattr(crl, "write_atomically", failing)
    return real


@pytest.mark.parametrize("finish", ["revoke again", "sync"])
def test_a_revocation_whose_peer_write_failed_is_finished_by_the_next_run(revoking, topology, data_root,
                                                                          monkeypatch, finish):
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    peer_crl = paths.node_dir("peer0.supplier.recfin.local") / "msp" / "crls" / crl.CRL_FILE
    real = _stop_writing_at(monkeypatch, peer_crl)
    with pytest.raises(OSError, match="No space left"):
        OrgUsers(host(topology, data_root, revoking)).revoke("supplier", "supplier9")
    # the verifying MSP's copy comes last: it is not there yet, nor the profile's mark
    assert kept_crl(paths) is None and not peer_crl.exists()
    assert not profiles.load("supplier", data_root).user("supplier9").revoked

    monkeypatch.setattr(crl, "write_atomically", real)      # the disk has room again
    users = OrgUsers(host(topology, data_root, revoking))
    if finish == "revoke again":
        with pytest.raises(AlreadyRevokedError, match=r"nothing to submit\. This host did not have that CRL yet"):
            users.revoke("supplier", "supplier9")
    else:
        assert peer_crl in users.sync("supplier").written
    serial = load_cert(paths.user_msp("supplier9") / "signcerts" / "cert.pem").serial_number
    for folder in crl.local_folders(paths):
        kept = kept_crl(paths, folder)
        assert kept is not None and kept.get_revoked_certificate_by_serial_number(serial) is not None, folder
    assert profiles.load("supplier", data_root).user("supplier9").revoked


def test_a_peer_folder_missing_the_crl_is_written_though_the_verifying_msp_has_it(revoking, topology, data_root):
    """A peer folder without the org's CRL (its write failed, or the folder was put back from a copy) gets it:
    only the folders behind are written."""
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    serial = load_cert(paths.user_msp("supplier9") / "signcerts" / "cert.pem").serial_number
    made = crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [], serial)
    crl.write_local(paths, crl.pem(made))
    peer_crl = paths.node_dir("peer0.supplier.recfin.local") / "msp" / "crls" / crl.CRL_FILE
    peer_crl.unlink()
    users = OrgUsers(host(topology, data_root, revoking))

    assert users.keep_locally(topology.org("supplier"), [made]) == [peer_crl]
    assert peer_crl.read_bytes() == crl.pem(made)
    assert users.keep_locally(topology.org("supplier"), [made]) == []


def test_a_profile_left_unmarked_after_the_crl_was_written_is_marked(revoking, topology, data_root):
    paths = org_crypto(data_root, "supplier", topology.org("supplier").domain)
    serial = load_cert(paths.user_msp("supplier9") / "signcerts" / "cert.pem").serial_number
    made = crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [], serial)
    crl.write_local(paths, crl.pem(made))           # the run stopped before profiles.mark_revoked
    assert not profiles.load("supplier", data_root).user("supplier9").revoked

    users = OrgUsers(host(topology, data_root, revoking))
    assert users.keep_locally(topology.org("supplier"), [made]) == []     # every folder has it: none written
    assert profiles.load("supplier", data_root).user("supplier9").revoked
