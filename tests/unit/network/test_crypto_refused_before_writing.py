"""A generator run that refuses, for whichever org, writes nothing and issues nothing again, for any org.

The topologies here move the network to another listen_host, so every kept node and chaincode server TLS
certificate lacks a SAN it now wants and a passing run issues it again, the orderers' first. The refusal is
in an org after the orderer org: before, the orderers' certificates (and those of the orgs before the refused
one) had been issued again by the time it came, and the refused run changed the data folder.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from network import crypto, membership
from network.crypto import org_crypto
from network.errors import NetworkError
from network.topology import Topology, parse

from .channel_fixtures import ca_ending_in

MOVED_HOST = "127.0.0.2"
ACME_CODE = "91310000MA1K00009X"


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under root: a file's bytes, mode and mtime, a folder's mode and mtime."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        content = path.read_bytes() if path.is_file() else None
        out[str(path.relative_to(root))] = (content, info.st_mode, info.st_mtime_ns)
    return out


def _changed(before: dict[str, tuple], after: dict[str, tuple]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def _moved(topology: Topology, **changes) -> Topology:
    """The topology at MOVED_HOST, with changes made to its document (orgs: a function of the org list)."""
    doc = topology.model_dump(mode="json", exclude_none=True)
    doc["listen_host"] = MOVED_HOST
    if "orgs" in changes:
        doc["orgs"] = changes["orgs"](doc["orgs"])
    return parse(doc, "moved")


def _org_renamed_domain(orgs: list[dict]) -> list[dict]:
    # the review's case: an org's domain and a peer's port changed too
    orgs[0]["domain"] = "other.example"
    orgs[1]["peers"][0]["port"] += 100
    return orgs


def _users_key_lost(topology: Topology, data_root: Path) -> None:
    paths = _regulator(topology, data_root)
    for key in (paths.user_msp("inspector2") / "keystore").glob("*_sk"):
        key.unlink()


def _ca_ended(topology: Topology, data_root: Path) -> None:
    ca_ending_in(_regulator(topology, data_root), -1)


def _tls_ca_key_missing(topology: Topology, data_root: Path) -> None:
    _regulator(topology, data_root).tlsca_key.unlink()


def _peer_certificate_damaged(topology: Topology, data_root: Path) -> None:
    paths = _regulator(topology, data_root)
    (paths.node_dir(topology.peers("regulator")[0].hostname) / "tls" / "server.crt").write_bytes(b"cut short")


def _record_unstartable(topology: Topology, data_root: Path) -> None:
    # a CA that kept no record of what it issued, and a user's folder gone: whether it had one is unknown
    paths = _regulator(topology, data_root)
    shutil.rmtree(paths.issued_dir)
    shutil.rmtree(paths.user_dir("inspector2"))


def _regulator(topology: Topology, data_root: Path) -> crypto.OrgCrypto:
    org = topology.org("regulator")
    return org_crypto(data_root, org.name, org.domain)


@pytest.mark.parametrize("damage, changes, refusal", [
    (None, {"orgs": _org_renamed_domain}, r"treasurer@other\.example is gone"),
    (_users_key_lost, {}, r"inspector2.*keystore has no key"),
    (_ca_ended, {}, r"regulator/ca/ca\.pem ended on"),
    (_tls_ca_key_missing, {}, r"tlsca\.key is missing beside"),
    (_peer_certificate_damaged, {}, r"server\.crt is damaged"),
    (_record_unstartable, {}, r"inspector2 of regulator has no certificate here"),
], ids=["an org's domain changed", "a user's key lost", "a CA ended", "a TLS CA's key missing",
        "a certificate damaged", "a record that cannot be started"])
def test_a_refusal_in_a_later_org_leaves_every_file_as_it_was(topology, data_root, damage, changes, refusal):
    if damage is not None:
        damage(topology, data_root)
    before = _snapshot(data_root)
    said = []
    with pytest.raises(NetworkError, match=refusal):
        crypto.generate(_moved(topology, **changes), data_root, say=said.append)
    assert _changed(before, _snapshot(data_root)) == []
    assert not [line for line in said if "issued again" in line]     # nothing was


def test_a_new_org_before_the_refused_one_gets_no_folder(topology, data_root):
    # a new org is made (CAs and all) by a passing run; listed first, its CAs were written before the refusal
    acme = membership.new_org_spec(topology, "acme", "bank", ACME_CODE)
    grown = membership.with_orgs(topology, [acme, *topology.orgs])
    _users_key_lost(grown, data_root)
    before = _snapshot(data_root)
    with pytest.raises(NetworkError, match=r"inspector2.*keystore has no key"):
        crypto.generate(grown, data_root)
    assert _changed(before, _snapshot(data_root)) == []
    assert not (data_root / "crypto" / "acme").exists()


def test_a_refused_run_says_the_ca_ending_soon_it_met_and_nothing_issued(topology, data_root):
    bank = org_crypto(data_root, "bank", topology.org("bank").domain)
    ca_ending_in(bank, 10)
    _users_key_lost(topology, data_root)
    said = []
    with pytest.raises(NetworkError, match="inspector2"):
        crypto.generate(_moved(topology), data_root, say=said.append)
    assert [line for line in said if "ends on" in line] == said
    assert len(said) == 1 and str(bank.ca_cert) in said[0]


def test_a_passing_run_issues_again_and_says_each_once_in_the_orgs_order(topology, data_root):
    bank = org_crypto(data_root, "bank", topology.org("bank").domain)
    ca_ending_in(bank, 10)
    moved = _moved(topology)
    said = []
    crypto.generate(moved, data_root, say=said.append)
    notices = [i for i, line in enumerate(said) if "ends on" in line]
    assert len(notices) == 1                                    # said by the writing run alone
    reissued = [line for line in said if "issued again" in line]
    orderers = [node.hostname for node in moved.orderers()]
    assert [host for host in orderers
            if any(f"/{host}/tls/server.crt" in line for line in reissued)] == orderers
    assert "/crypto/orderer/" in said[0]                       # the orderer org's first, as before
    bank_lines = [i for i, line in enumerate(said) if "/crypto/bank/" in line]
    supplier_lines = [i for i, line in enumerate(said) if "/crypto/supplier/" in line]
    # the bank CA's notice comes with its org: after the supplier's lines, before the bank's certificates
    assert max(supplier_lines) < notices[0] < min(i for i in bank_lines if i != notices[0])
    orderer_org = org_crypto(data_root, moved.orderer_org.name, moved.orderer_org.domain)
    for host in orderers:
        cert = crypto.load_cert(orderer_org.node_dir(host) / "tls" / "server.crt")
        assert MOVED_HOST in crypto.san_names(cert)
