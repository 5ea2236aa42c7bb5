"""A generator run stopped after any file it writes (Ctrl-C, a crash) leaves an org folder the next run completes
into one consistent org: its verifying MSP names the CAs that issued everything in it."""
from cryptography import x509

from network import crypto
from network.crypto import load_cert, org_crypto


class Stopped(BaseException):
    """What a KeyboardInterrupt is to the generator: not an error it could catch."""


def _stop_after(monkeypatch, writes: int) -> None:
    real, left = crypto._write, [writes]

    def write(path, data, mode=0o644):
        if left[0] == 0:
            raise Stopped()
        left[0] -= 1
        real(path, data, mode)
    monkeypatch.setattr(crypto, "_write", write)


def test_a_first_run_stopped_after_any_file_is_completed_by_the_next(topology, tmp_path, monkeypatch):
    org = topology.orderer_org
    written = []
    real = crypto._write
    monkeypatch.setattr(crypto, "_write", lambda path, data, mode=0o644: (written.append(path), real(path, data, mode)))
    crypto.generate(topology, tmp_path / "whole", only=[org.name])
    for stop in range(1, len(written)):
        root = tmp_path / f"stopped-{stop}"
        _stop_after(monkeypatch, stop)
        try:
            crypto.generate(topology, root, only=[org.name])
        except Stopped:
            pass
        monkeypatch.setattr(crypto, "_write", real)
        crypto.generate(topology, root, only=[org.name])          # completes the folder, refusing nothing
        paths = org_crypto(root, org.name, org.domain)
        assert (paths.msp_dir / "cacerts" / "ca.pem").read_bytes() == paths.ca_cert.read_bytes(), stop
        assert (paths.msp_dir / "tlscacerts" / "tlsca.pem").read_bytes() == paths.tlsca_cert.read_bytes(), stop
        ca, tls_ca = load_cert(paths.ca_cert), load_cert(paths.tlsca_cert)
        for node in topology.orderers():
            node_dir = paths.node_dir(node.hostname)
            load_cert(node_dir / "msp" / "signcerts" / "cert.pem").verify_directly_issued_by(ca)
            load_cert(node_dir / "tls" / "server.crt").verify_directly_issued_by(tls_ca)
        assert isinstance(load_cert(paths.user_msp(org.admin) / "signcerts" / "cert.pem"), x509.Certificate)
