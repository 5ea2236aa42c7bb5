"""A kept certificate beside a key that is not its own is never taken for a complete pair.

Issuing a lost key again writes the new key before its certificate: a run stopped between the two leaves the
old certificate beside the new key. The next run issues the certificate again for that key (a node's or the
admin's signing MSP, any TLS pair nothing pins) rather than keep a pair no peer or client could use; a client
user's is refused as a lost key, and a pinned orderer's TLS pair is refused before anything is written."""
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from network import crypto
from network.configtx import genesis_block_path
from network.crypto import CaFilesError, LostKeyError, holds_key_of, load_cert, org_crypto


class Stopped(BaseException):
    """What a KeyboardInterrupt is to the generator: not an error it could catch."""


def _stop_after_a_key(monkeypatch):
    """The generator's next run stops right after it writes a private key file."""
    real = crypto._write

    def write(path, data, mode=0o644):
        real(path, data, mode)
        if path.name.endswith(("_sk", ".key")):
            raise Stopped()
    monkeypatch.setattr(crypto, "_write", write)
    return real


def _other_key_pem() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@pytest.mark.parametrize("folder", ["msp", "tls"])
def test_a_run_stopped_reissuing_a_lost_peer_key_is_completed_by_the_next(topology, data_root, monkeypatch,
                                                                         folder):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    node_dir = paths.node_dir(topology.peers(org.name)[0].hostname)
    if folder == "msp":
        cert_path = node_dir / "msp" / "signcerts" / "cert.pem"
        for key in (node_dir / "msp" / "keystore").glob("*_sk"):
            key.unlink()
    else:
        cert_path = node_dir / "tls" / "server.crt"
        (node_dir / "tls" / "server.key").unlink()
    real = _stop_after_a_key(monkeypatch)
    with pytest.raises(Stopped):
        crypto.generate(topology, data_root)
    monkeypatch.setattr(crypto, "_write", real)
    said = []
    crypto.generate(topology, data_root, say=said.append)
    keys = (list((node_dir / "msp" / "keystore").glob("*_sk")) if folder == "msp"
            else [node_dir / "tls" / "server.key"])
    assert len(keys) == 1
    assert holds_key_of(keys[0], load_cert(cert_path))
    assert any(str(cert_path) in line and "issued again" in line for line in said)


def test_a_client_user_whose_keystore_key_is_not_its_certificates_is_refused(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    user = org.users[0].name
    (key,) = (paths.user_msp(user) / "keystore").glob("*_sk")
    key.unlink()
    other = _other_key_pem()
    ski = crypto.fabric_ski(serialization.load_pem_private_key(other, None).public_key()).hex()
    (key.parent / f"{ski}_sk").write_bytes(other)     # as a run stopped issuing it a new key would leave it
    cert_before = (paths.user_msp(user) / "signcerts" / "cert.pem").read_bytes()
    with pytest.raises(LostKeyError, match="has no key for"):
        crypto.generate(topology, data_root)
    assert (paths.user_msp(user) / "signcerts" / "cert.pem").read_bytes() == cert_before


def test_a_pinned_orderers_tls_key_not_its_certificates_is_refused(topology, data_root):
    oo = topology.orderer_org
    paths = org_crypto(data_root, oo.name, oo.domain)
    tls = paths.node_dir(topology.orderers()[0].hostname) / "tls"
    block = genesis_block_path(data_root, topology.channel)
    block.parent.mkdir(parents=True, exist_ok=True)
    block.write_bytes(b"genesis")       # the channel exists, and (no configtx.yaml) pins this orderer
    (tls / "server.key").write_bytes(_other_key_pem())
    cert_before = (tls / "server.crt").read_bytes()
    with pytest.raises(CaFilesError, match=r"server\.key is not the key of .*server\.crt.*restore the key"):
        crypto.generate(topology, data_root)
    assert (tls / "server.crt").read_bytes() == cert_before


def test_an_encrypted_keystore_key_is_kept_as_the_certificates(topology, data_root):
    org = topology.org("bank")
    paths = org_crypto(data_root, org.name, org.domain)
    (key_path,) = (paths.user_msp(org.admin) / "keystore").glob("*_sk")
    key = crypto.load_key(key_path)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.BestAvailableEncryption(b"secret")))
    cert_before = (paths.user_msp(org.admin) / "signcerts" / "cert.pem").read_bytes()
    crypto.generate(topology, data_root)
    assert (paths.user_msp(org.admin) / "signcerts" / "cert.pem").read_bytes() == cert_before
