"""The Node comparison script: it parses, loads the pinned packages, and says plainly when no peer answers."""
import datetime
import json
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bench.node_compare import NODE_DIR, SCRIPT

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node not found on PATH")


def test_the_script_parses():
    subprocess.run([NODE, "--check", str(SCRIPT)], check=True)


def test_the_package_pins_the_official_gateway_client():
    package = json.loads((NODE_DIR / "package.json").read_text())
    assert package["dependencies"]["@hyperledger/fabric-gateway"][0].isdigit()   # an exact version
    assert "@grpc/grpc-js" in package["dependencies"]
    lock = json.loads((NODE_DIR / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@hyperledger/fabric-gateway"]["version"] == \
        package["dependencies"]["@hyperledger/fabric-gateway"]


def an_identity(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench-check")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return {"address": "127.0.0.1:1", "host_name_override": "peer0.supplier.recfin.local",
            "tls_root_cert": str(folder / "cert.pem"), "msp_id": "SupplierMSP",
            "cert": str(folder / "cert.pem"), "key": str(folder / "key.pem")}


@pytest.mark.skipif(not (NODE_DIR / "node_modules" / "@hyperledger" / "fabric-gateway").is_dir(),
                    reason="bench/node has no node_modules: `recfin bench --compare-node` installs them (npm ci)")
def test_with_no_peer_listening_it_exits_with_one_line_saying_how_to_start_the_network(tmp_path):
    actor = an_identity(tmp_path)
    config = {"workload": "register", "pool_size": 0, "channel": "receivables", "chaincode": "receivables",
              "contract": "receivables", "plan": {"mode": "rate", "rate": 1, "warmup": 0, "duration": 1,
                                                  "max_in_flight": 10},
              "actors": {"supplier": actor, "debtor": actor}, "codes": {}, "registration": {}, "face_amount_fen": 0}
    (tmp_path / "config.json").write_text(json.dumps(config))
    done = subprocess.run([NODE, str(SCRIPT), str(tmp_path / "config.json")], cwd=NODE_DIR, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "127.0.0.1:1" in lines[0] and "recfin network up" in lines[0]
