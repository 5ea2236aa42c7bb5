"""`recfin hsm`: a profile user's key moved into a real PKCS#11 token (SoftHSM2), and commands then signing there."""
from __future__ import annotations

import json

import pytest
from cryptography import x509

import cli.connection
from cli.main import main
from client.gateway import HSMSignerFile, Identity, connect, key_id_for
from network import crypto, profiles
from network.topology import load

from ..client.gateway_fakes import FakeTransport
from ..client.softhsm import softhsm
from ..client.test_gateway_signing import verify_like_a_peer


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


@pytest.fixture
def data_root(tmp_path):
    root = tmp_path / "network"
    topology = load()
    crypto.generate(topology, root)
    profiles.write_all(topology, root)
    return root


def run(runner, token, *args, pin=None):
    return runner.invoke(main, ["hsm", *args], env={"RECFIN_HSM_PIN": token.pin if pin is None else pin})


def test_import_moves_signing_into_the_token_and_commands_then_sign_there(runner, token, data_root, monkeypatch):
    user = profiles.load("supplier", data_root).user("supplier1")
    result = run(runner, token, "import", "--as", "supplier/supplier1", "--token", token.token,
                 "--data-root", str(data_root), "--json")
    assert result.exit_code == 0, result.output
    imported = json.loads(result.output)
    certificate = x509.load_pem_x509_certificate(user.cert.read_bytes())
    # Fabric's SKI: the same name the keystore file has, so the certificate tells which key is the user's
    assert imported["key_id"] == key_id_for(certificate).hex() == user.key.name.removesuffix("_sk")
    assert HSMSignerFile.read(user.msp_dir) == HSMSignerFile(token.library, token.token, key_id_for(certificate))

    again = run(runner, token, "import", "--as", "supplier/supplier1", "--token", token.token,
                "--data-root", str(data_root), "--json")
    assert again.exit_code == 0 and json.loads(again.output)["key_id"] == imported["key_id"]

    user.key.rename(user.key.with_suffix(".offline"))    # from now on only the token can sign for the user
    checked = run(runner, token, "check", "--as", "supplier/supplier1", "--data-root", str(data_root), "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output) == {"user": "supplier/supplier1", "key": "hsm", "token": token.token,
                                          "key_id": imported["key_id"], "signs_for_certificate": True}

    # Every command acting as the user opens its session through cli.connection.open_session: run one
    # transaction through it, against the SDK's recording transport, and check each signature as a peer would.
    transport = FakeTransport()
    monkeypatch.setattr(cli.connection, "connect",
                        lambda address, *, identity, signer, **tls: connect(identity=identity, signer=signer,
                                                                            transport=transport))
    monkeypatch.setenv("RECFIN_HSM_PIN", token.pin)
    with cli.connection.open_session("supplier", "supplier1", data_root) as session:
        session.gateway.get_network("receivables").get_contract("receivables").submit_transaction("Confirm", "R-1")
    public_key = Identity("SupplierMSP", user.cert.read_bytes()).certificate.public_key()
    (endorse,) = transport.requests("endorse")
    (submit,) = transport.requests("submit")
    verify_like_a_peer(public_key, endorse.proposed_transaction.signature, endorse.proposed_transaction.proposal_bytes)
    verify_like_a_peer(public_key, submit.prepared_transaction.signature, submit.prepared_transaction.payload)


def test_check_of_a_keystore_user_says_so(runner, token, data_root):
    result = run(runner, token, "check", "--as", "bank/officer1", "--data-root", str(data_root), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["key"] == "keystore"


def test_a_wrong_pin_is_one_line_naming_the_token(runner, token, data_root):
    result = run(runner, token, "import", "--as", "supplier/supplier2", "--token", token.token,
                 "--data-root", str(data_root), pin="0000")
    assert result.exit_code == 1
    assert f"Error: wrong user PIN for token '{token.token}'" in result.output
    assert not (profiles.load("supplier", data_root).user("supplier2").msp_dir / "hsm-signer.yaml").exists()


def test_import_needs_to_be_told_whose_key(runner, token, data_root):
    result = run(runner, token, "import", "--token", token.token, "--data-root", str(data_root))
    assert result.exit_code == 2 and "--as ORG[/USER]" in result.output


def test_generate_makes_the_key_in_the_token_and_a_request_it_signed(runner, token, tmp_path):
    csr_file = tmp_path / "supplier9.csr"
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--organization", "supplier", "--csr", str(csr_file), "--json")
    assert result.exit_code == 0, result.output
    request = x509.load_pem_x509_csr(csr_file.read_bytes())
    assert request.is_signature_valid
    assert json.loads(result.output)["key_id"] == key_id_for(request.public_key()).hex()
    assert request.subject.rfc4514_string() == "O=supplier,OU=client,CN=supplier9@supplier"
