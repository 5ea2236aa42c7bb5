"""A server TLS certificate kept from an earlier run must still name the address its node (or chaincode server) is
dialled at: after listen_host or an org's namespace address changes, a peer's and a chaincode server's are issued
again for their kept keys by the same TLS CA, and the run says so; an orderer's that the channel pins is refused,
as the channel holds that exact certificate."""
import re
import stat

import pytest
import yaml

from network import configtx, crypto
from network.crypto import load_cert, load_key, org_crypto
from network.topology import DEFAULT_TOPOLOGY, OrgNamespace, parse

from .test_crypto import _grown, digest_tree, same_public_key, with_channel
from .test_crypto import sans as san_names


def moved_to(host):
    data = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    data["listen_host"] = host
    return parse(data)


def server_pairs(topology, root):
    """(what, its folder) of every node's and chaincode server's server pair."""
    pairs = []
    for node in topology.nodes():
        org = topology.orderer_org if node.kind == "orderer" else topology.org(node.org_name)
        pairs.append((node.name, org_crypto(root, org.name, org.domain).node_dir(node.hostname) / "tls"))
    for org in topology.orgs:
        host = topology.chaincode_server_host(org)
        pairs.append((f"chaincode server {host}", org_crypto(root, org.name, org.domain).chaincode_server_tls(host)))
    return pairs


def modes_of(tls):
    return tuple(stat.S_IMODE((tls / name).stat().st_mode) for name in ("server.key", "server.crt"))


def test_kept_server_certificates_lacking_a_new_listen_host_are_issued_again_for_their_keys(data_root, topology):
    pairs = server_pairs(topology, data_root)
    keys = {what: (tls / "server.key").read_bytes() for what, tls in pairs}
    (pairs[0][1] / "server.crt").chmod(0o640)       # an operator's own mode is kept too
    modes = {what: modes_of(tls) for what, tls in pairs}
    crypto.generate(moved_to("127.0.0.2"), data_root)
    for what, tls in pairs:
        cert = load_cert(tls / "server.crt")
        assert "127.0.0.2" in san_names(cert), what
        assert (tls / "server.key").read_bytes() == keys[what], what
        assert same_public_key(load_key(tls / "server.key"), cert)
        cert.verify_directly_issued_by(load_cert(tls.parents[2] / "tlsca" / "tlsca.pem"))     # the org's, as before
        assert modes_of(tls) == modes[what] and modes[what][0] == 0o600, what


def test_each_certificate_issued_again_is_said(data_root, topology):
    said = []
    crypto.generate(moved_to("127.0.0.2"), data_root, say=said.append)
    assert len(said) == len(server_pairs(topology, data_root))
    peer = topology.node("peer0.supplier")
    peer_crt = org_crypto(data_root, "supplier", topology.org("supplier").domain).node_dir(peer.hostname) / "tls" / \
        "server.crt"
    assert f"  {peer_crt} issued again for its kept key by supplier's TLS CA: it named {peer.hostname}, " \
           f"{peer.name}, localhost, 127.0.0.1, not 127.0.0.2, where it is dialled now" in said


def test_client_pairs_and_certificates_naming_every_wanted_san_are_left_as_they_are(data_root, topology):
    before = digest_tree(data_root / "crypto")
    said = []
    crypto.generate(topology, data_root, say=said.append)
    assert digest_tree(data_root / "crypto") == before and said == []
    crypto.generate(moved_to("127.0.0.2"), data_root)
    once = digest_tree(data_root / "crypto")
    crypto.generate(moved_to("127.0.0.2"), data_root, say=said.append)
    assert digest_tree(data_root / "crypto") == once and said == []
    changed = {path for path in once if once[path] != before[path]}
    assert changed and all(path.endswith("server.crt") for path in changed)


def test_an_orgs_new_namespace_address_gets_its_chaincode_server_and_peer_certificates_issued_again(data_root,
                                                                                                   topology):
    orgs = [topology.orderer_org.name, *(o.name for o in topology.orgs)]
    placed = topology.in_namespaces({org: OrgNamespace(netns=f"t-{org}", address=f"10.214.0.{i + 2}")
                                     for i, org in enumerate(orgs)})
    crypto.generate(placed, data_root)
    bank = placed.org("bank")
    paths = org_crypto(data_root, bank.name, bank.domain)
    for tls in (paths.node_dir(placed.peers("bank")[0].hostname) / "tls",
                paths.chaincode_server_tls(placed.chaincode_server_host(bank))):
        assert placed.org_host("bank") in san_names(load_cert(tls / "server.crt"))


def test_a_pinned_orderers_certificate_lacking_the_new_listen_host_is_refused_naming_what_to_do(data_root, topology):
    configtx.write(topology, data_root)
    block = with_channel(topology, data_root)
    before = digest_tree(data_root / "crypto")
    orderer = topology.orderers()[0]
    oo = topology.orderer_org
    cert_path = org_crypto(data_root, oo.name, oo.domain).node_dir(orderer.hostname) / "tls" / "server.crt"
    with pytest.raises(crypto.CaFilesError) as refused:
        crypto.generate(moved_to("127.0.0.2"), data_root)
    assert str(refused.value) == (
        f"{orderer.name} is dialled at 127.0.0.2:7050 now, but its TLS certificate {cert_path} names "
        f"{orderer.hostname}, {orderer.name}, localhost, 127.0.0.1, not 127.0.0.2 (the topology wants "
        f"{orderer.hostname}, {orderer.name}, localhost, 127.0.0.2). The channel receivables exists (its genesis "
        f"block {block}) and its Raft consenter set holds this orderer's exact TLS certificate, so none is issued in "
        f"its place: the orderer could not rejoin the channel with it. Give listen_host in the topology back the "
        f"address the certificate names; to run the network at the new address, start a new channel instead: "
        f"`recfin network down --purge` deletes the data folder, ledgers included, and `recfin network up` makes it "
        f"anew")
    assert digest_tree(data_root / "crypto") == before      # refused before anything is written, peers' included


def test_without_configtx_yaml_an_orderer_whose_pair_is_here_counts_as_pinned(data_root, topology):
    with_channel(topology, data_root)
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.CaFilesError, match=re.escape("holds this orderer's exact TLS certificate")):
        crypto.generate(moved_to("127.0.0.2"), data_root)
    assert digest_tree(data_root / "crypto") == before


def test_a_follower_orderers_certificate_is_issued_again_under_the_channel(data_root, topology, tmp_path):
    # the consenters authenticate a follower by the orderer org's TLS CA: no certificate of it is pinned
    configtx.write(topology, data_root)         # the channel's consenters: orderer9 is not one
    with_channel(topology, data_root)
    grown = _grown(topology, tmp_path)
    crypto.generate(grown, data_root)
    follower, oo = grown.orderers()[-1], grown.orderer_org
    paths = org_crypto(data_root, oo.name, oo.domain)
    tls = paths.node_dir(follower.hostname) / "tls"
    key = (tls / "server.key").read_bytes()
    # as issued before listen_host was 127.0.0.1: without it
    old = crypto.issue(load_key(paths.tlsca_key), load_cert(paths.tlsca_cert), load_key(tls / "server.key"),
                       cn=follower.hostname, org=oo.domain, tls=True, server=True, sans=[follower.hostname, "10.9.9.9"])
    (tls / "server.crt").write_bytes(crypto._pem_cert(old))
    crypto.generate(grown, data_root)
    cert = load_cert(tls / "server.crt")
    assert "127.0.0.1" in san_names(cert) and (tls / "server.key").read_bytes() == key
    cert.verify_directly_issued_by(load_cert(paths.tlsca_cert))
