import hashlib
import ipaddress
import os
import re
import shutil
import stat

import pytest
import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from client.gateway import open_msp_folder
from client.gateway.hsm import HSMError
from client.gateway.hsm_msp import HSM_SIGNER_FILE, HSMSignerFile
from network import crypto
from network.crypto import cert_attrs, fabric_ski, load_cert, load_key, org_crypto
from network.topology import DEFAULT_TOPOLOGY
from network.topology import load as load_topology


def ou(cert):
    return [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]


def sans(cert):
    ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(ext.get_values_for_type(x509.DNSName)) | {str(i) for i in ext.get_values_for_type(x509.IPAddress)}


def keystore_key(msp):
    keys = list((msp / "keystore").glob("*_sk"))
    assert len(keys) == 1
    return keys[0], load_key(keys[0])


def same_public_key(key, cert):
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key.public_key().public_bytes(*fmt) == cert.public_key().public_bytes(*fmt)


@pytest.fixture(scope="module")
def supplier(crypto_root, topology):
    org = topology.org("supplier")
    return org_crypto(crypto_root, org.name, org.domain)


def test_cas_are_self_signed_p256_cas(supplier):
    for path in (supplier.ca_cert, supplier.tlsca_cert):
        cert = load_cert(path)
        cert.verify_directly_issued_by(cert)
        assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert cert.public_key().curve.name == "secp256r1"
    assert load_cert(supplier.ca_cert).subject != load_cert(supplier.tlsca_cert).subject


def test_peer_identity_chains_to_the_org_ca_with_the_peer_ou(supplier, topology):
    node = topology.node("peer0.supplier")
    msp = supplier.node_dir(node.hostname) / "msp"
    cert = load_cert(msp / "signcerts" / "cert.pem")
    cert.verify_directly_issued_by(load_cert(supplier.ca_cert))
    with pytest.raises((ValueError, InvalidSignature)):     # another issuer's name, or its name and not its key
        cert.verify_directly_issued_by(load_cert(supplier.tlsca_cert))
    assert ou(cert) == ["peer"]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    path, key = keystore_key(msp)
    assert same_public_key(key, cert)
    assert path.name == fabric_ski(cert.public_key()).hex() + "_sk"
    assert cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest == fabric_ski(cert.public_key())


def test_peer_tls_cert_has_sans_and_both_usages(supplier, topology):
    node = topology.node("peer0.supplier")
    tls = supplier.node_dir(node.hostname) / "tls"
    cert = load_cert(tls / "server.crt")
    cert.verify_directly_issued_by(load_cert(supplier.tlsca_cert))
    assert load_cert(tls / "ca.crt") == load_cert(supplier.tlsca_cert)
    assert {"peer0.supplier.recfin.local", "localhost", "127.0.0.1"} <= sans(cert)
    ips = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address("127.0.0.1") in ips
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in eku and ExtendedKeyUsageOID.CLIENT_AUTH in eku
    assert same_public_key(load_key(tls / "server.key"), cert)


def test_orderers_have_the_orderer_ou(crypto_root, topology):
    oo = topology.orderer_org
    paths = org_crypto(crypto_root, oo.name, oo.domain)
    for node in topology.orderers():
        cert = load_cert(paths.node_dir(node.hostname) / "msp" / "signcerts" / "cert.pem")
        cert.verify_directly_issued_by(load_cert(paths.ca_cert))
        assert ou(cert) == ["orderer"]
        assert node.hostname in sans(load_cert(paths.node_dir(node.hostname) / "tls" / "server.crt"))


def test_orderer_admin_has_a_tls_client_cert_for_osnadmin(crypto_root, topology):
    oo = topology.orderer_org
    paths = org_crypto(crypto_root, oo.name, oo.domain)
    cert = load_cert(paths.user_tls(oo.admin) / "client.crt")
    cert.verify_directly_issued_by(load_cert(paths.tlsca_cert))
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert same_public_key(load_key(paths.user_tls(oo.admin) / "client.key"), cert)
    assert ou(load_cert(paths.user_msp(oo.admin) / "signcerts" / "cert.pem")) == ["admin"]


def test_admin_and_users_roles_and_attributes(supplier, topology):
    org = topology.org("supplier")
    admin = load_cert(supplier.user_msp(org.admin) / "signcerts" / "cert.pem")
    assert ou(admin) == ["admin"] and cert_attrs(admin) == {}
    for user in org.users:
        msp = supplier.user_msp(user.name)
        cert = load_cert(msp / "signcerts" / "cert.pem")
        cert.verify_directly_issued_by(load_cert(supplier.ca_cert))
        assert ou(cert) == ["client"]
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == f"{user.name}@{org.domain}"
        assert cert_attrs(cert) == user.attrs
        assert same_public_key(keystore_key(msp)[1], cert)


def test_attributes_are_raw_json_as_fabric_ca_writes_them(supplier, topology):
    user = topology.org("supplier").users[0]
    cert = load_cert(supplier.user_msp(user.name) / "signcerts" / "cert.pem")
    raw = cert.extensions.get_extension_for_oid(crypto.ATTRS_OID).value.value
    assert raw.startswith(b'{"attrs":{')
    assert b'"recfin.role":"creditor"' in raw


def test_every_msp_enables_node_ous(supplier, topology):
    org = topology.org("supplier")
    node = topology.node("peer0.supplier")
    for msp in (supplier.msp_dir, supplier.user_msp(org.admin), supplier.node_dir(node.hostname) / "msp"):
        conf = yaml.safe_load((msp / "config.yaml").read_text())["NodeOUs"]
        assert conf["Enable"] is True
        for role in ("Client", "Peer", "Admin", "Orderer"):
            ident = conf[f"{role}OUIdentifier"]
            assert ident["OrganizationalUnitIdentifier"] == role.lower()
            assert (msp / ident["Certificate"]).is_file()
        assert not (msp / "admincerts").exists()
    assert sorted(p.name for p in supplier.msp_dir.iterdir()) == ["cacerts", "config.yaml", "tlscacerts"]


def test_private_keys_are_not_world_readable(supplier):
    # every file holding a private key, found by its contents, not its name: the CAs' and TLS pairs' keys too
    keys = [p for p in supplier.root.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes()]
    # every keystore's key and both CAs' among them, so keys written elsewhere fail here instead of going unchecked
    assert {key.parent for key in keys if key.name.endswith("_sk")} == set(supplier.root.rglob("keystore"))
    assert {supplier.ca_key, supplier.tlsca_key} <= set(keys) and any(key.name == "server.key" for key in keys)
    assert [str(key) for key in keys if key.stat().st_mode & 0o077] == []


def test_no_folder_the_generator_makes_is_writable_by_others_whatever_the_umask(tmp_path, topology):
    """Under umask 000 a folder made with mkdir's default is anyone's to write: another local user could rename a
    certificate or key away and put their own in its place. Key folders are their owner's alone."""
    mine = tmp_path / "mine"
    mine.mkdir()
    mine.chmod(0o775)                       # the user's own folder: left as it is
    old = os.umask(0)
    try:
        crypto.generate(topology, mine / "net")
    finally:
        os.umask(old)
    assert stat.S_IMODE(mine.stat().st_mode) == 0o775
    folders = [mine / "net", *(p for p in (mine / "net").rglob("*") if p.is_dir())]
    assert [p for p in folders if p.stat().st_mode & 0o022] == []
    bank = org_crypto(mine / "net", "bank", topology.org("bank").domain)
    host = topology.chaincode_server_host(topology.org("bank"))
    key_folders = [bank.ca_key.parent, bank.tlsca_key.parent, bank.user_msp("officer1") / "keystore",
                   bank.user_tls("officer1"), bank.node_dir("peer0.bank.recfin.local") / "tls",
                   bank.chaincode_server_tls(host), bank.chaincode_client_tls(host)]
    assert {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in key_folders} == {str(p): "0o700" for p in key_folders}
    assert stat.S_IMODE((bank.user_msp("officer1") / "signcerts").stat().st_mode) == 0o755


def digest_tree(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def test_generation_is_idempotent_and_fills_gaps(data_root, topology):
    before = digest_tree(data_root / "crypto")
    crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    # the admin's identity: a client user's is never issued again (test_org_user_identities.py)
    signcert = paths.user_msp(org.admin) / "signcerts" / "cert.pem"
    for f in (paths.user_msp(org.admin) / "keystore").iterdir():
        f.unlink()
    signcert.unlink()
    crypto.generate(topology, data_root)
    after = digest_tree(data_root / "crypto")
    assert after[str(signcert.relative_to(data_root / "crypto"))] != before[str(signcert.relative_to(data_root / "crypto"))]
    load_cert(signcert).verify_directly_issued_by(load_cert(paths.ca_cert))   # same CA, kept
    assert after[str(paths.ca_cert.relative_to(data_root / "crypto"))] == before[str(paths.ca_cert.relative_to(data_root / "crypto"))]


def key_moved_into_an_hsm(msp, offline):
    """`recfin hsm import`, then the keystore key moved to offline storage, as the command says to do."""
    key_path, _ = keystore_key(msp)
    HSMSignerFile("/opt/hsm/libpkcs11.so", "recfin", fabric_ski(load_cert(msp / "signcerts" / "cert.pem")
                                                                 .public_key())).write(msp)
    key_path.rename(offline / key_path.name)


def test_a_user_whose_key_went_into_an_hsm_keeps_its_identity_through_generation(data_root, topology, tmp_path):
    org = topology.org("supplier")
    msp = org_crypto(data_root, org.name, org.domain).user_msp("supplier1")
    cert_before = (msp / "signcerts" / "cert.pem").read_bytes()
    key_moved_into_an_hsm(msp, tmp_path)
    crypto.generate(topology, data_root)     # what `recfin network up` and `prepare` run
    assert (msp / "signcerts" / "cert.pem").read_bytes() == cert_before
    assert list((msp / "keystore").iterdir()) == []
    assert (msp / HSM_SIGNER_FILE).is_file()


def test_a_user_whose_signer_file_is_a_symlink_to_nothing_is_not_taken_for_one_whose_key_is_lost(data_root,
                                                                                                   topology, tmp_path):
    # hsm-signer.yaml moved away behind a symlink: the key is safe in the HSM, so the user is not to be revoked;
    # opening the folder names the broken file instead
    org = topology.org("supplier")
    msp = org_crypto(data_root, org.name, org.domain).user_msp("supplier3")
    cert_before = (msp / "signcerts" / "cert.pem").read_bytes()
    key_moved_into_an_hsm(msp, tmp_path)
    (msp / HSM_SIGNER_FILE).rename(tmp_path / "moved.yaml")
    (msp / HSM_SIGNER_FILE).symlink_to(tmp_path / "gone.yaml")
    crypto.generate(topology, data_root)     # what `recfin network up` and `prepare` run
    assert (msp / "signcerts" / "cert.pem").read_bytes() == cert_before
    with pytest.raises(HSMError, match=rf"^{re.escape(str(msp / HSM_SIGNER_FILE))} is a symlink to nothing"):
        with open_msp_folder(msp, "SupplierMSP"):
            pass


def test_a_certificate_issued_for_a_key_held_elsewhere_is_kept_without_a_keystore_key(data_root, topology):
    # `recfin org user add --csr`: the key is in an HSM, the folder holds the certificate only
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    held_elsewhere = ec.generate_private_key(ec.SECP384R1())
    shutil.rmtree(paths.user_dir("officer1"))       # issued afresh, for the key held elsewhere
    crypto.issue_user(paths, "officer1", "client", {"recfin.role": "financier"}, held_elsewhere.public_key())
    msp = paths.user_msp("officer1")
    cert = load_cert(msp / "signcerts" / "cert.pem")
    assert cert.public_key() == held_elsewhere.public_key() and not any((msp / "keystore").glob("*_sk"))
    assert cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest == \
        fabric_ski(held_elsewhere.public_key())
    assert (msp / crypto.KEY_ELSEWHERE_FILE).is_file()
    crypto.generate(topology, data_root)
    assert load_cert(msp / "signcerts" / "cert.pem") == cert and not any((msp / "keystore").glob("*_sk"))


@pytest.mark.parametrize("folder", ["peer", "admin"])
def test_a_node_or_admin_keystore_lost_by_accident_gets_a_new_identity_that_can_sign(data_root, topology, folder):
    """A node or admin left with a certificate it cannot sign for would fail late, deep in Fabric."""
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    msp = {"peer": paths.node_dir(topology.peers("supplier")[0].hostname) / "msp",
           "admin": paths.user_msp(org.admin)}[folder]
    cert_before = load_cert(msp / "signcerts" / "cert.pem")
    key_path, _ = keystore_key(msp)
    key_path.unlink()
    crypto.generate(topology, data_root)
    key_path, key = keystore_key(msp)
    cert = load_cert(msp / "signcerts" / "cert.pem")
    assert cert != cert_before and cert.public_key() == key.public_key()
    assert cert.subject == cert_before.subject


def test_a_client_users_lost_key_is_not_replaced_by_a_new_certificate(data_root, topology):
    """A new certificate of the same subject would keep the user's client id (its party bindings) under a
    serial no CRL lists: a revoked user whose key file is deleted would act again."""
    org = topology.org("supplier")
    msp = org_crypto(data_root, org.name, org.domain).user_msp("supplier2")
    key_path, _ = keystore_key(msp)
    key_path.unlink()
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.LostKeyError, match=r"has no key for .*cert\.pem.*revoke the user \(recfin org user "
                                                  r"revoke supplier supplier2; .*a new user under another name"):
        crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before


@pytest.mark.parametrize("gone", ["ca", "tlsca"])
def test_a_ca_deleted_whole_is_not_made_again_for_an_org_the_channel_knows(data_root, topology, gone):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    shutil.rmtree(paths.root / gone)
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.CaFilesError, match="are missing: restore them from a backup"):
        crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before


def with_channel(topology, root):
    """The channel made in root: its genesis block (a stand-in: generate only looks whether it is there)."""
    block = root / "channel" / f"{topology.channel}.block"
    block.parent.mkdir(parents=True, exist_ok=True)
    block.write_bytes(b"genesis block stand-in")
    return block


def orderer_tls(root, topology):
    oo = topology.orderer_org
    return org_crypto(root, oo.name, oo.domain).node_dir(topology.orderers()[0].hostname) / "tls"


@pytest.mark.parametrize("kind", ["server", "client"])
def test_a_tls_certificate_lost_beside_its_key_is_issued_for_that_key_never_a_new_one(data_root, topology, kind):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    tls = {"server": paths.node_dir(topology.peers("supplier")[0].hostname) / "tls",
           "client": paths.user_tls("supplier1")}[kind]
    key_before = (tls / f"{kind}.key").read_bytes()
    (tls / f"{kind}.crt").unlink()
    crypto.generate(topology, data_root)
    assert (tls / f"{kind}.key").read_bytes() == key_before
    assert same_public_key(load_key(tls / f"{kind}.key"), load_cert(tls / f"{kind}.crt"))


def test_an_orderers_tls_pair_on_a_fresh_network_is_completed(data_root, topology):
    tls = orderer_tls(data_root, topology)
    (tls / "server.key").unlink()           # no channel yet: nothing pins the pair
    crypto.generate(topology, data_root)
    assert same_public_key(load_key(tls / "server.key"), load_cert(tls / "server.crt"))


@pytest.mark.parametrize("lost", [("server.crt",), ("server.key",), ("server.crt", "server.key")])
def test_an_orderer_of_an_existing_channel_missing_half_its_tls_pair_is_refused_not_reissued(data_root, topology,
                                                                                             lost):
    block = with_channel(topology, data_root)
    tls = orderer_tls(data_root, topology)
    for name in lost:
        (tls / name).unlink()
    before = digest_tree(data_root / "crypto")
    missing = " and ".join(str(tls / name) for name in lost)
    with pytest.raises(crypto.CaFilesError, match=rf"^{re.escape(missing)} (is|are) missing, but the channel "
                                                  rf"receivables exists \(its genesis block {re.escape(str(block))}\) "
                                                  rf"and its Raft consenter set .*restore (it|them) from a backup"):
        crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before       # nothing written, the surviving half kept


def test_an_orderer_the_topology_names_since_the_channel_was_made_gets_its_pair(data_root, topology, tmp_path):
    # it has never had one, so nothing pins it: `up` issues it and joins the orderer (osnadmin)
    with_channel(topology, data_root)
    data = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    added = dict(data["orderer_org"]["orderers"][-1], name="orderer9")
    added.update({key: value + 900 for key, value in added.items() if "port" in key})
    data["orderer_org"]["orderers"].append(added)
    (tmp_path / "grown.yaml").write_text(yaml.safe_dump(data))
    grown = load_topology(tmp_path / "grown.yaml")
    crypto.generate(grown, data_root)
    oo = grown.orderer_org
    tls = org_crypto(data_root, oo.name, oo.domain).node_dir(grown.orderers()[-1].hostname) / "tls"
    assert "orderer9" in tls.parent.name
    assert same_public_key(load_key(tls / "server.key"), load_cert(tls / "server.crt"))


def _grown(topology, tmp_path):
    """The topology with an orderer orderer9 added."""
    data = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    added = dict(data["orderer_org"]["orderers"][-1], name="orderer9")
    added.update({key: value + 900 for key, value in added.items() if "port" in key})
    data["orderer_org"]["orderers"].append(added)
    (tmp_path / "grown.yaml").write_text(yaml.safe_dump(data))
    return load_topology(tmp_path / "grown.yaml")


def test_an_orderer_the_channel_was_made_with_is_refused_a_new_pair_even_with_its_whole_folder_gone(data_root,
                                                                                                      topology):
    # no ledger folder here (compose keeps ledgers in volumes; prepare runs before up): the consenters of the
    # configtx.yaml the genesis block was made from say which certificates the channel pins
    from network import configtx

    configtx.write(topology, data_root)
    with_channel(topology, data_root)
    oo = topology.orderer_org
    node_dir = org_crypto(data_root, oo.name, oo.domain).node_dir(topology.orderers()[0].hostname)
    shutil.rmtree(node_dir)
    with pytest.raises(crypto.CaFilesError, match="its Raft consenter set holds this orderer's exact TLS certificate"):
        crypto.generate(topology, data_root)
    assert not node_dir.exists()


def test_a_new_orderer_whose_first_run_stopped_after_its_key_gets_a_certificate_for_that_key(data_root, topology,
                                                                                             tmp_path):
    from network import configtx

    configtx.write(topology, data_root)       # the channel's consenters: orderer9 is not one
    with_channel(topology, data_root)
    grown = _grown(topology, tmp_path)
    crypto.generate(grown, data_root)
    oo = grown.orderer_org
    tls = org_crypto(data_root, oo.name, oo.domain).node_dir(grown.orderers()[-1].hostname) / "tls"
    key = (tls / "server.key").read_bytes()
    (tls / "server.crt").unlink()             # as a run stopped between the key and its certificate leaves it
    crypto.generate(grown, data_root)
    assert (tls / "server.key").read_bytes() == key
    assert same_public_key(load_key(tls / "server.key"), load_cert(tls / "server.crt"))


def _configtx_edited(topology, data_root, edit):
    """data_root's configtx.yaml as the channel was made from it, then edited; returns its path."""
    from network import configtx

    configtx.write(topology, data_root)
    path = data_root / "config" / "configtx.yaml"
    document = yaml.safe_load(path.read_text())
    raft = document["Profiles"][configtx.PROFILE]["Orderer"]["EtcdRaft"]
    if edit == "no consenters":
        raft["Consenters"] = []
    elif edit == "short paths":
        for consenter in raft["Consenters"]:
            consenter["ServerTLSCert"] = consenter["ClientTLSCert"] = "server.crt"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize("edit, damage, problem", [
    (None, b"# \xe9dited by hand\n", "it is not UTF-8 text"),
    (None, b"Note: 2026-13-45\n", "a value YAML cannot build: .+"),
    (None, b"Profiles: [\n", ".+"),
    ("no consenters", b"", "it names no Raft consenter under the profile .+"),     # no Raft channel is made from it
])
def test_a_configtx_yaml_that_cannot_be_read_is_refused_naming_it_when_an_orderer_lacks_its_pair(data_root, topology,
                                                                                                 edit, damage,
                                                                                                 problem):
    path = _configtx_edited(topology, data_root, edit)
    path.write_bytes(path.read_bytes() + damage)
    with_channel(topology, data_root)
    crypto.generate(topology, data_root)        # every orderer's pair is here: the consenters decide nothing
    (orderer_tls(data_root, topology) / "server.key").unlink()
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.CaFilesError, match=rf"^{re.escape(str(path))} cannot be read \({problem}\), and the "
                                                  rf"channel receivables exists .*Restore .* as the genesis block was "
                                                  rf"made from it; if that copy is lost, remove the file"):
        crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before


def _renamed_refused(topology, data_root, generated, ledger, match):
    """The channel made in data_root, the topology's first orderer with a ledger there (ledger) or none (compose
    keeps ledgers in volumes): generate(generated), an orderer's TLS pair incomplete, is refused with match,
    having written nothing."""
    with_channel(topology, data_root)
    if ledger:
        (data_root / "nodes" / topology.orderers()[0].name / "data" / "etcdraft").mkdir(parents=True)
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.CaFilesError, match=match):
        crypto.generate(generated, data_root)
    assert digest_tree(data_root / "crypto") == before


@pytest.mark.parametrize("ledger", [True, False])
def test_an_edited_configtx_yaml_whose_consenters_no_orderer_carries_refuses_an_orderer_a_pair(data_root, topology,
                                                                                                ledger):
    path = _configtx_edited(topology, data_root, "short paths")     # its one consenter "hostname": server.crt
    tls = orderer_tls(data_root, topology)
    (tls / "server.key").unlink()
    orderer = topology.orderers()[0]
    _renamed_refused(topology, data_root, topology, ledger,
                     rf"^{re.escape(orderer.name)} \({re.escape(orderer.hostname)}, {re.escape(str(tls))}\) has no "
                     rf"complete TLS pair, .*but the Raft consenter server\.crt of {re.escape(str(path))} is carried "
                     rf"by no orderer of the topology.* restore it as the genesis block was made from it")


@pytest.mark.parametrize("ledger", [True, False])
def test_an_orderer_whose_hostname_the_topology_changed_is_refused_a_pair_ledger_here_or_not(data_root, topology,
                                                                                              tmp_path, ledger):
    _configtx_edited(topology, data_root, None)
    data = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    data["orderer_org"]["orderers"][0]["hostname"] = "o0.example.net"
    (tmp_path / "renamed.yaml").write_text(yaml.safe_dump(data))
    renamed = load_topology(tmp_path / "renamed.yaml")
    old = topology.orderers()[0]
    assert renamed.orderers()[0].name == old.name
    _renamed_refused(topology, data_root, renamed, ledger,
                     rf"^{re.escape(old.name)} \(o0\.example\.net, .*\) has no complete TLS pair, .*but the Raft "
                     rf"consenter {re.escape(old.hostname)} of .* is carried by no orderer of the topology.* give the "
                     rf"orderer back its hostname \({re.escape(old.hostname)}\) in the topology\. Or an orderer was "
                     rf"removed from the topology while it is still a consenter of the channel.*put it back in the "
                     rf"topology")
    oo = renamed.orderer_org
    assert not org_crypto(data_root, oo.name, oo.domain).node_dir("o0.example.net").exists()


def test_an_empty_folder_under_a_renamed_consenters_new_hostname_does_not_make_it_a_follower(data_root, topology,
                                                                                               tmp_path):
    _configtx_edited(topology, data_root, None)
    data = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    data["orderer_org"]["orderers"][0]["hostname"] = "o0.example.net"
    (tmp_path / "renamed.yaml").write_text(yaml.safe_dump(data))
    renamed = load_topology(tmp_path / "renamed.yaml")
    with_channel(topology, data_root)
    # a `mkdir -p`, or a bind mount Docker made for the new hostname: a folder, none of the orderer's material
    oo = renamed.orderer_org
    empty = org_crypto(data_root, oo.name, oo.domain).node_dir("o0.example.net")
    (empty / "tls").mkdir(parents=True)
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.CaFilesError, match=r"o0\.example\.net.* has no complete TLS pair"):
        crypto.generate(renamed, data_root)
    assert digest_tree(data_root / "crypto") == before and not any((empty / "tls").iterdir())


def _without_last_consenter(tmp_path, grown):
    """grown (the topology with orderer9) without the channel's last consenter: the topology dropped it, the
    channel still has it (recfin takes no consenter out of a running channel)."""
    data = yaml.safe_load((tmp_path / "grown.yaml").read_text())
    del data["orderer_org"]["orderers"][-2]
    (tmp_path / "dropped.yaml").write_text(yaml.safe_dump(data))
    return load_topology(tmp_path / "dropped.yaml"), grown.orderers()[-2]


@pytest.mark.parametrize("consenter", ["kept", "dropped"])
@pytest.mark.parametrize("lost", [("server.key",), ("server.crt", "server.key")])
def test_a_follower_orderer_with_a_ledger_missing_its_tls_pair_is_issued_a_new_one(data_root, topology, tmp_path,
                                                                                   lost, consenter):
    # joined after the channel was made, it is not among the consenters of configtx.yaml: the consenters
    # authenticate it by the orderer org's TLS CA, no certificate of it is pinned. A consenter the topology dropped
    # (carried by no orderer) changes nothing: the follower has its own node folder, so it is no renamed consenter
    from network import configtx

    configtx.write(topology, data_root)
    with_channel(topology, data_root)
    grown = _grown(topology, tmp_path)
    crypto.generate(grown, data_root)
    follower = grown.orderers()[-1]
    (data_root / "nodes" / follower.name / "data" / "etcdraft").mkdir(parents=True)
    oo = grown.orderer_org
    tls = org_crypto(data_root, oo.name, oo.domain).node_dir(follower.hostname) / "tls"
    for name in lost:
        (tls / name).unlink()
    crypto.generate(grown if consenter == "kept" else _without_last_consenter(tmp_path, grown)[0], data_root)
    cert = load_cert(tls / "server.crt")
    assert same_public_key(load_key(tls / "server.key"), cert)
    cert.verify_directly_issued_by(load_cert(org_crypto(data_root, oo.name, oo.domain).tlsca_cert))


def test_a_new_orderer_beside_a_consenter_the_topology_dropped_is_refused_naming_both_causes(data_root, topology,
                                                                                            tmp_path):
    from network import configtx

    configtx.write(topology, data_root)
    dropped_topology, dropped = _without_last_consenter(tmp_path, _grown(topology, tmp_path))
    new = dropped_topology.orderers()[-1]
    _renamed_refused(topology, data_root, dropped_topology, False,
                     rf"^{re.escape(new.name)} \({re.escape(new.hostname)}, .*\) has no complete TLS pair, .*the "
                     rf"Raft consenter {re.escape(dropped.hostname)} of .* is carried by no orderer of the topology.* "
                     rf"give the orderer back its hostname .* Or an orderer was removed from the topology while it "
                     rf"is still a consenter of the channel, which recfin cannot remove from a running channel: put "
                     rf"it back in the topology")


def test_a_new_orderer_is_refused_a_pair_while_a_consenter_hostname_is_carried_by_no_orderer(data_root, topology,
                                                                                             tmp_path):
    # the topology both renamed orderer0 and named orderer9: which one the consenter was is not guessed
    from network import configtx

    configtx.write(topology, data_root)
    _grown(topology, tmp_path)
    data = yaml.safe_load((tmp_path / "grown.yaml").read_text())
    data["orderer_org"]["orderers"][0]["hostname"] = "o0.example.net"
    (tmp_path / "both.yaml").write_text(yaml.safe_dump(data))
    both = load_topology(tmp_path / "both.yaml")
    _renamed_refused(topology, data_root, both, False,
                     rf"^{re.escape(both.orderers()[0].name)} \(o0\.example\.net, .*\), "
                     rf"{re.escape(both.orderers()[-1].name)} \(.*\) have no complete TLS pair")


@pytest.mark.parametrize("made", ["genesis block", "ledger"])
def test_an_orgs_crypto_folder_gone_under_an_existing_channel_is_refused_not_made_again(data_root, topology, made):
    if made == "genesis block":
        with_channel(topology, data_root)
    else:
        (data_root / "nodes" / "peer0.bank" / "data" / "ledgersData").mkdir(parents=True)
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    shutil.rmtree(paths.root)
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.CaFilesError, match=rf"^{re.escape(str(paths.root))} is gone .*but the channel "
                                                  rf"receivables exists .*restore the folder from a backup\. No CA "
                                                  rf"is made in its place"):
        crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before and not paths.root.exists()


def test_an_org_being_added_to_an_existing_channel_gets_its_new_folder(data_root, topology):
    with_channel(topology, data_root)
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    shutil.rmtree(paths.root)           # stands for an org the channel does not have yet
    crypto.generate(topology, data_root, adding=["supplier"])
    assert crypto.ca_files_problem(paths) is None and paths.user_msp("supplier1").is_dir()


def test_a_fresh_network_makes_every_org_folder(tmp_path, topology):
    crypto.generate(topology, tmp_path)
    assert all(crypto.ca_files_problem(org_crypto(tmp_path, o.name, o.domain)) is None for o in topology.orgs)


def test_every_issued_certificate_names_its_issuer_by_the_issuers_own_key_identifier(crypto_root):
    # OpenSSL and BoringSSL (grpc's TLS) find the issuer by AKI == the CA's SKI: a mismatch fails every handshake.
    checked = 0
    for org in (crypto_root / "crypto").iterdir():
        cas = [load_cert(org / "ca" / "ca.pem"), load_cert(org / "tlsca" / "tlsca.pem")]
        for path in org.rglob("*"):
            if path.suffix not in (".pem", ".crt") or path.name in ("ca.pem", "tlsca.pem", "ca.crt"):
                continue
            cert = load_cert(path)
            [issuer] = [ca for ca in cas if ca.subject == cert.issuer]
            aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
            assert aki == issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest, path
            cert.verify_directly_issued_by(issuer)
            checked += 1
    assert checked > 40


def generate_stopped_before(monkeypatch, topology, root, stop_before):
    """A generate that stops (as a killed run stops) before writing the first file stop_before(path) picks."""
    real_write = crypto._write

    def write(path, data, mode=0o644):
        if stop_before(path):
            raise KeyboardInterrupt(f"stopped before {path}")
        real_write(path, data, mode)
    with monkeypatch.context() as patched:
        patched.setattr(crypto, "_write", write)
        with pytest.raises(KeyboardInterrupt):
            crypto.generate(topology, root)


def test_a_run_stopped_between_a_users_key_and_certificate_issues_the_certificate_for_that_key(tmp_path, topology,
                                                                                              monkeypatch):
    """The key is written first; the run after must not add a second key beside it, which the profile and
    `recfin hsm import` could take for the user's."""
    generate_stopped_before(monkeypatch, topology, tmp_path, lambda path: path.name == "cert.pem" and "supplier1@" in str(path))
    msp = org_crypto(tmp_path, "supplier", topology.org("supplier").domain).user_msp("supplier1")
    (leftover,) = (msp / "keystore").glob("*_sk")
    crypto.generate(topology, tmp_path)
    key_path, key = keystore_key(msp)
    assert key_path == leftover and same_public_key(key, load_cert(msp / "signcerts" / "cert.pem"))


def test_the_profile_and_keystore_key_are_the_certificates_whatever_else_the_keystore_holds(data_root, topology):
    from network import profiles
    msp = org_crypto(data_root, "supplier", topology.org("supplier").domain).user_msp("supplier1")
    own, _ = keystore_key(msp)
    stray = msp / "keystore" / ("0" * 64 + "_sk")          # sorts first
    stray.write_bytes(crypto._pem_key(crypto.new_key()))
    assert crypto.keystore_key(msp) == own
    assert profiles.build(topology, data_root, "supplier").users["supplier1"].key == own
    own.rename(msp / "keystore" / "priv_sk")                # named otherwise (as cryptogen names it)
    assert crypto.keystore_key(msp) == msp / "keystore" / "priv_sk"


def test_a_first_run_stopped_between_a_new_cas_key_and_its_certificate_completes_that_ca(tmp_path, topology,
                                                                                         monkeypatch):
    org = topology.org("supplier")
    paths = org_crypto(tmp_path, org.name, org.domain)
    generate_stopped_before(monkeypatch, topology, tmp_path, lambda path: path == paths.ca_cert)
    assert paths.ca_key.is_file() and not paths.ca_cert.exists() and not paths.msp_dir.exists()
    key_before = paths.ca_key.read_bytes()
    crypto.generate(topology, tmp_path)
    assert paths.ca_key.read_bytes() == key_before and same_public_key(load_key(paths.ca_key), load_cert(paths.ca_cert))
    assert crypto.ca_files_problem(paths) is None and paths.issued_dir.is_dir()
    peer_cert = load_cert(paths.node_dir(topology.peers("supplier")[0].hostname) / "msp" / "signcerts" / "cert.pem")
    assert crypto.issued_by(peer_cert, load_cert(paths.ca_cert))


def test_a_first_run_stopped_between_the_tls_cas_key_and_certificate_completes_it_with_an_empty_record(
        tmp_path, topology, monkeypatch):
    org = topology.org("bank")
    paths = org_crypto(tmp_path, org.name, org.domain)
    generate_stopped_before(monkeypatch, topology, tmp_path, lambda path: path == paths.tlsca_cert)
    crypto.generate(topology, tmp_path)
    assert crypto.ca_files_problem(paths) is None
    assert crypto.issued_certificates(paths).keys() == {u.name for u in org.users}


def test_half_a_ca_already_in_use_is_still_refused(data_root, topology):
    """Its certificate went after it issued: one made for the key would be another certificate than the
    channel's, even with the org's MSP emptied too."""
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    paths.ca_cert.unlink()
    shutil.rmtree(paths.msp_dir / "cacerts")
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.CaFilesError, match=r"ca\.pem is missing beside .*ca\.key: restore it"):
        crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before


@pytest.mark.parametrize("damaged, what", [("users/supplier1@supplier.recfin.local/msp/signcerts/cert.pem",
                                            "certificate"),
                                           ("ca/ca.key", "private key"), ("ca/ca.pem", "certificate")])
def test_a_damaged_certificate_or_key_is_named_with_what_to_do(data_root, topology, damaged, what):
    path = data_root / "crypto" / "supplier" / damaged
    path.write_bytes(path.read_bytes()[:40])        # cut short
    before = digest_tree(data_root / "crypto")
    with pytest.raises(crypto.DamagedFileError, match=rf"^{path} is damaged: it holds no readable PEM {what} "
                                                      r"\(.*\)\. Restore the file from a backup"):
        crypto.generate(topology, data_root)
    assert digest_tree(data_root / "crypto") == before
    with pytest.raises(crypto.DamagedFileError, match=rf"^{path} is damaged"):
        (load_key if what == "private key" else load_cert)(path)
