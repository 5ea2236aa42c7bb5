"""`org user add` stopped part way (killed, the host down) and run again.

The run is stopped for real: a forked process whose issuing step ends the process (os._exit, as SIGKILL
or a power cut would, so no cleanup runs) after the user's signing certificate is written. Run again, the
same request finishes that identity; a second certificate of the name would share the first's client id.
"""
from __future__ import annotations

import multiprocessing
import os

import pytest

from network import crypto, membership, profiles
from network.crypto import cert_attrs, issued_by, load_cert, org_crypto
from network.org_users import CaFolder, OrgUserError, add_to_network, add_user

from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, host

SUPPLIER1_CODE = "91310000MA1K00002C"
SUPPLIER2_CODE = "91320500MA1K00003D"


def _killed_after(step: str, root, org) -> None:
    if step == "signing certificate":
        crypto._OrgIssuer.tls_pair = lambda *_args, **_kwargs: os._exit(9)
    else:
        membership.record_user = lambda *_args, **_kwargs: os._exit(9)
    add_user(CaFolder(root, org), "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})


def _run_killed(step: str, root, org) -> None:
    run = multiprocessing.get_context("fork").Process(target=_killed_after, args=(step, root, org))
    run.start()
    run.join(120)
    assert run.exitcode == 9


@pytest.mark.parametrize("step", ["signing certificate", "CA's copy"])
def test_a_run_killed_part_way_is_finished_by_the_same_run_again_with_its_certificate(topology, data_root,
                                                                                      step):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    _run_killed(step, data_root, org)
    left = load_cert(paths.user_msp("supplier8") / "signcerts" / "cert.pem")
    assert membership.recorded_users(data_root, "supplier") == []

    add_user(CaFolder(data_root, org), "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})

    cert = load_cert(paths.user_msp("supplier8") / "signcerts" / "cert.pem")
    assert cert.serial_number == left.serial_number         # no second certificate of the name
    assert load_cert(paths.issued_cert("supplier8")) == cert
    assert cert_attrs(cert) == {"recfin.role": "creditor", "recfin.enterprise": SUPPLIER1_CODE}
    assert issued_by(load_cert(paths.user_tls("supplier8") / "client.crt"), load_cert(paths.tlsca_cert))
    assert [u.name for u in membership.recorded_users(data_root, "supplier")] == ["supplier8"]
    # nothing left to finish
    assert sorted(p.name for p in paths.user_dir("supplier8").iterdir()) == ["msp", "tls"]


def test_a_killed_run_asked_otherwise_is_refused_naming_what_it_was_asked_and_nothing_changes(topology,
                                                                                              data_root):
    org = topology.org("supplier")
    _run_killed("signing certificate", data_root, org)
    before = _files(data_root)
    with pytest.raises(OrgUserError, match=rf"stopped part way .*recfin.enterprise={SUPPLIER1_CODE}.*"
                                           rf"Run it again asked the same to finish it"):
        add_user(CaFolder(data_root, org), "supplier8", {"recfin.enterprise": SUPPLIER2_CODE})
    assert _files(data_root) == before


def _files(root):
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name != membership.LOCK_FILE}


def test_a_folder_holding_a_valid_unrecorded_identity_is_not_to_be_moved_away(topology, data_root):
    """A folder no run of this version claimed (no issuing.json), holding a certificate no CRL revokes:
    moved away, the name would be issued again, a second certificate of the same client id beside an
    unrevoked one."""
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    add_user(CaFolder(data_root, org), "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})
    # as an earlier version's run left it, stopped before recording the user
    (data_root / membership.STATE_FILE).unlink()
    paths.issued_cert("supplier8").unlink()             # ... and before the CA's copy
    with pytest.raises(OrgUserError, match=r"no CRL revokes.*leave that folder where it is.*"
                                           r"recfin org user revoke supplier supplier8") as refused:
        add_user(CaFolder(data_root, org), "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})
    assert "move that folder away" not in str(refused.value)


def _killed_writing_profiles(members) -> None:
    profiles.write_all = lambda *_args, **_kwargs: os._exit(9)
    add_to_network(members, "supplier", "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})


def test_a_run_killed_writing_the_profiles_is_finished_by_the_same_run_again(topology, data_root):
    """On the network's data folder the connection profiles are written again with the new user: a run
    killed there left the user recorded and the profiles without it, and the run again was refused (the
    name taken)."""
    profiles.write_all(topology, data_root)
    members = host(topology, data_root, ScriptedChannel(topology, channel_config(topology, data_root)))
    run = multiprocessing.get_context("fork").Process(target=_killed_writing_profiles, args=(members,))
    run.start()
    run.join(120)
    assert run.exitcode == 9

    # run again as a new process would: the network loaded afresh
    again = host(topology, data_root, ScriptedChannel(topology, channel_config(topology, data_root)))
    add_to_network(again, "supplier", "supplier8", {"recfin.enterprise": SUPPLIER1_CODE})

    assert profiles.load("supplier", data_root).user("supplier8").attrs["recfin.enterprise"] == SUPPLIER1_CODE
    assert [u.name for u in membership.recorded_users(data_root, "supplier")] == ["supplier8"]
