"""`recfin hsm`: a profile user's key moved into a real PKCS#11 token (SoftHSM2), and commands then signing there;
and a user whose key is born in the token, issued by the org's CA from its certificate request."""
from __future__ import annotations

import contextlib
import json
import os

import click
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import cli.connection
from cli.connection import who_acts_options, with_options
from cli.main import main
from client.gateway import HSMSignerFile, Identity, connect, key_id_for
from client.gateway.hsm import HSMError, generate_private_key
from network import crypto, profiles
from network.crypto import cert_attrs, issued_by, load_cert, load_key, org_crypto
from network.errors import NetworkError
from network.topology import load

from ..client.gateway_fakes import FakeTransport
from ..client.softhsm import private_key_ids, softhsm
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


def import_supplier2(runner, token, data_root):
    return run(runner, token, "import", "--as", "supplier/supplier2", "--token", token.token,
               "--data-root", str(data_root))


def submit_as(monkeypatch, org, user, data_root):
    """One transaction through cli.connection.open_session, the path of every `--as ORG/USER` command, against
    the SDK's recording transport; the endorse and submit requests it signed."""
    transport = FakeTransport()
    monkeypatch.setattr("client.gateway.connect",
                        lambda address, *, identity, signer, **tls: connect(identity=identity, signer=signer,
                                                                            transport=transport))
    with cli.connection.open_session(org, user, data_root) as session:
        session.gateway.get_network("receivables").get_contract("receivables").submit_transaction("Confirm", "R-1")
    (endorse,) = transport.requests("endorse")
    (submit,) = transport.requests("submit")
    return endorse, submit


def verify_signed_by(certificate_pem: bytes, endorse, submit) -> None:
    public_key = Identity("SupplierMSP", certificate_pem).certificate.public_key()
    verify_like_a_peer(public_key, endorse.proposed_transaction.signature, endorse.proposed_transaction.proposal_bytes)
    verify_like_a_peer(public_key, submit.prepared_transaction.signature, submit.prepared_transaction.payload)


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
    # the token says the key was not made there (CKA_LOCAL false): an auditor sees it was imported
    assert json.loads(checked.output) == {
        "user": "supplier/supplier1", "key": "hsm", "token": token.token, "key_id": imported["key_id"],
        "key_origin": {"local": False, "never_extractable": False, "always_sensitive": False,
                       "extractable": False, "sensitive": True},
        "signs_for_certificate": True}

    # Run again once the keystore file is offline (and the profile no longer lists it): it says why there is
    # nothing to import, and what to do if the key is not in the token after all.
    profiles.write_all(load(), data_root)
    rerun = run(runner, token, "import", "--as", "supplier/supplier1", "--token", token.token,
                "--data-root", str(data_root))
    assert rerun.exit_code == 1
    assert rerun.output == (f"Error: the key of supplier/supplier1 is no longer in {user.msp_dir / 'keystore'}: it "
                            f"signs in token '{token.token}' (hsm-signer.yaml). If the key is in the token (`recfin "
                            "hsm check --as supplier/supplier1` proves it), there is nothing to do; else restore the "
                            "keystore file from offline storage and run this again\n")

    # Every command acting as the user opens its session through cli.connection.open_session: check each
    # signature of one transaction as a peer would.
    monkeypatch.setenv("RECFIN_HSM_PIN", token.pin)
    verify_signed_by(user.cert.read_bytes(), *submit_as(monkeypatch, "supplier", "supplier1", data_root))


def _stray_key_file(msp, name="0" * 64 + "_sk"):
    """A key no certificate is for, in the user's keystore (left there by a run stopped before its certificate)."""
    stray = msp / "keystore" / name
    stray.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return stray


def test_a_stray_key_beside_the_certificates_is_passed_over_and_the_certificates_is_imported(runner, token,
                                                                                             data_root):
    user = profiles.load("supplier", data_root).user("supplier4")
    stray = _stray_key_file(user.msp_dir)          # sorts before the certificate's key
    # a profile an earlier version wrote names the first key it found
    profile_file = profiles.profiles_dir(data_root) / "supplier.json"
    written = json.loads(profile_file.read_text())
    written["users"]["supplier4"]["key"] = str(stray)
    profile_file.write_text(json.dumps(written))
    result = run(runner, token, "import", "--as", "supplier/supplier4", "--token", token.token,
                 "--data-root", str(data_root), "--json")
    assert result.exit_code == 0, result.output
    ski = key_id_for(x509.load_pem_x509_certificate(user.cert.read_bytes()))
    assert json.loads(result.output)["keystore_key"] == str(user.key) and user.key.name == f"{ski.hex()}_sk"
    assert ski in private_key_ids(token) and key_id_for(load_key(stray).public_key()) not in private_key_ids(token)


def test_a_keystore_key_that_is_not_the_certificates_is_refused_before_it_reaches_the_token(runner, token, data_root,
                                                                                          monkeypatch, tmp_path):
    user = profiles.load("supplier", data_root).user("supplier3")
    own = user.key.rename(tmp_path / user.key.name)
    stray = _stray_key_file(user.msp_dir)
    before = private_key_ids(token)
    result = run(runner, token, "import", "--as", "supplier/supplier3", "--token", token.token,
                 "--data-root", str(data_root))
    assert result.exit_code == 1 and result.output == (
        f"Error: {stray} is not the key of the certificate {user.cert}, so nothing was imported: put the "
        f"certificate's key (keystore/{own.name}) back in the keystore and run this again\n")
    assert private_key_ids(token) == before and not (user.msp_dir / "hsm-signer.yaml").exists()
    # the user's folder was left as it was: with its key back, commands acting as the user sign with it
    stray.unlink()
    own.rename(user.key)
    verify_signed_by(user.cert.read_bytes(), *submit_as(monkeypatch, "supplier", "supplier3", data_root))


@contextlib.contextmanager
def _test_signature_fails(*_args, **_kwargs):
    raise HSMError("the key in the token does not sign for the certificate")
    yield


def test_a_failed_test_signature_takes_the_key_it_imported_out_of_the_token_again(runner, token, data_root,
                                                                                  monkeypatch):
    user = profiles.load("supplier", data_root).user("supplier2")
    ski = key_id_for(x509.load_pem_x509_certificate(user.cert.read_bytes()))
    assert ski not in private_key_ids(token)
    with monkeypatch.context() as patched:
        patched.setattr("client.gateway.hsm_msp.open_hsm_key", _test_signature_fails)
        failed = run(runner, token, "import", "--as", "supplier/supplier2", "--token", token.token,
                     "--data-root", str(data_root))
    assert failed.exit_code == 1 and "does not sign for the certificate" in failed.output, failed.output
    assert ski not in private_key_ids(token) and not (user.msp_dir / "hsm-signer.yaml").exists()

    # imported (and checked) once: a later run whose check fails leaves that key where it was
    done = run(runner, token, "import", "--as", "supplier/supplier2", "--token", token.token,
               "--data-root", str(data_root))
    assert done.exit_code == 0, done.output
    with monkeypatch.context() as patched:
        patched.setattr("client.gateway.hsm_msp.open_hsm_key", _test_signature_fails)
        again = run(runner, token, "import", "--as", "supplier/supplier2", "--token", token.token,
                    "--data-root", str(data_root))
    assert again.exit_code == 1 and ski in private_key_ids(token)


def test_a_relative_library_is_written_as_an_absolute_path(runner, token, data_root, monkeypatch, tmp_path):
    library = os.path.abspath(token.library)
    monkeypatch.chdir(os.path.dirname(os.path.dirname(library)))
    relative = os.path.relpath(library)
    assert not os.path.isabs(relative)
    result = run(runner, token, "import", "--as", "supplier/supplier4", "--token", token.token,
                 "--library", relative, "--data-root", str(data_root), "--json")
    assert result.exit_code == 0, result.output
    user = profiles.load("supplier", data_root).user("supplier4")
    assert HSMSignerFile.read(user.msp_dir).library == library
    monkeypatch.chdir(tmp_path)   # and from another folder, the user still signs in the token
    checked = run(runner, token, "check", "--as", "supplier/supplier4", "--data-root", str(data_root), "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["key"] == "hsm"


def test_a_users_new_key_meeting_the_old_one_under_org_user_gets_a_label_of_its_own(runner, token, tmp_path):
    # the same user with another key (a network made again): hsm-signer.yaml names the key by CKA_ID, so the default
    # label must not stop the import; a label given with --key-label is the caller's to keep unique
    keys = {}
    for name in ("first", "again"):
        root = tmp_path / name
        crypto.generate(load(), root)
        profiles.write_all(load(), root)
        keys[name] = key_id_for(load_cert(profiles.load("supplier", root).user("supplier3").cert)).hex()
        result = run(runner, token, "import", "--as", "supplier/supplier3", "--token", token.token,
                     "--data-root", str(root), "--json")
        assert result.exit_code == 0, result.output
        checked = run(runner, token, "check", "--as", "supplier/supplier3", "--data-root", str(root), "--json")
        assert checked.exit_code == 0, checked.output
    assert keys["first"] != keys["again"]
    assert (f"another key in the token holds the label supplier/supplier3: this one is labelled "
            f"supplier/supplier3 {keys['again'][:16]}") in result.stderr
    chosen = tmp_path / "chosen"
    crypto.generate(load(), chosen)
    profiles.write_all(load(), chosen)
    refused = run(runner, token, "import", "--as", "supplier/supplier3", "--token", token.token,
                  "--data-root", str(chosen), "--key-label", "supplier/supplier3")
    assert refused.exit_code == 1 and "nothing was imported (give another --key-label)" in refused.output


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


@pytest.mark.parametrize("command", ["import", "link"])
def test_the_orgs_admin_keeps_its_keystore_key_for_the_networks_own_tooling(runner, token, data_root, command):
    admin = profiles.load("supplier", data_root).user("admin")
    before = private_key_ids(token)
    result = run(runner, token, command, "--as", "supplier/admin", "--token", token.token,
                 "--data-root", str(data_root))
    assert result.exit_code == 1
    assert result.output.startswith("Error: supplier/admin is the org's admin: the peer CLI, `recfin org` and "
                                    "`recfin network up` sign with its keystore key"), result.output
    assert "Keep the admin's key in its keystore" in result.output
    assert not (admin.msp_dir / "hsm-signer.yaml").exists() and private_key_ids(token) == before


def test_import_without_a_keystore_key_says_to_restore_it_or_link(runner, token, data_root):
    user = profiles.load("supplier", data_root).user("supplier2")
    user.key.unlink()
    profiles.write_all(load(), data_root)
    result = import_supplier2(runner, token, data_root)
    assert result.exit_code == 1
    assert result.output == (f"Error: no key of supplier/supplier2 in {user.msp_dir / 'keystore'} to import: restore "
                             "its keystore file (*_sk) and run this again; for a key already in a token, run "
                             "`recfin hsm link --as supplier/supplier2`\n")


def test_import_needs_to_be_told_whose_key(runner, token, data_root):
    result = run(runner, token, "import", "--token", token.token, "--data-root", str(data_root))
    assert result.exit_code == 2 and "--as ORG[/USER]" in result.output


def test_generate_makes_the_key_in_the_token_and_a_request_it_signed(runner, token, tmp_path):
    csr_file = tmp_path / "supplier9.csr"
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--csr", str(csr_file), "--json")
    assert result.exit_code == 0, result.output
    request = x509.load_pem_x509_csr(csr_file.read_bytes())
    assert request.is_signature_valid
    assert json.loads(result.output)["key_id"] == key_id_for(request.public_key()).hex()
    # only the CN: `org user add --csr` gives the user the org's subject and OU, whatever a request says
    assert request.subject.rfc4514_string() == "CN=supplier9@supplier"
    assert [p.name for p in tmp_path.iterdir()] == ["supplier9.csr"]   # no temporary file left beside it


@pytest.mark.parametrize("option", ["--organization", "--org-unit"])
def test_generate_has_no_subject_options_the_ca_would_ignore(runner, token, tmp_path, option):
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "x", option, "y",
                 "--csr", str(tmp_path / "x.csr"))
    assert result.exit_code == 2 and f"No such option '{option}'" in result.output


@pytest.mark.parametrize("where, problem", [
    ("x" * 300 + ".csr", "File name too long: give the path of a file to write"),   # a name no file system takes
    ("mistyped/x.csr", "its folder {folder} is missing: create it first"),
    ("a-file/x.csr", "Not a directory: give the path of a file to write"),
])
def test_a_request_that_cannot_be_written_is_refused_before_a_key_is_made(runner, token, tmp_path, where, problem):
    # a name too long failed only once the key was made; a mistyped folder was said to be "not a folder"
    (tmp_path / "a-file").write_text("kept\n", encoding="utf-8")
    before = private_key_ids(token)
    csr_file = tmp_path / where
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--csr", str(csr_file))
    assert result.exit_code == 2, result.output
    assert (f"Invalid value for '--csr': cannot write {csr_file}: {problem.format(folder=csr_file.parent)}; nothing "
            "was generated") in result.output
    assert private_key_ids(token) == before and [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_an_existing_request_this_user_cannot_read_is_refused_as_there_not_as_unreadable(runner, token, tmp_path,
                                                                                          monkeypatch):
    csr_file = tmp_path / "supplier9.csr"
    csr_file.write_text("an earlier run's request\n", encoding="utf-8")
    real_access = os.access
    # faked: root reads every file, whatever its mode
    monkeypatch.setattr(os, "access", lambda target, mode, *a, **k:
                        False if mode & os.R_OK and os.fsdecode(target) == str(csr_file)
                        else real_access(target, mode, *a, **k))
    before = private_key_ids(token)
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--csr", str(csr_file))
    assert result.exit_code == 2, result.output
    assert f"{csr_file} already exists" in result.output and "readable" not in result.output
    assert private_key_ids(token) == before


def test_generate_refuses_an_existing_request_before_it_makes_a_key(runner, token, tmp_path):
    csr_file = tmp_path / "supplier9.csr"
    first = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                "--csr", str(csr_file), "--json")
    assert first.exit_code == 0, first.output
    request, keys = csr_file.read_bytes(), private_key_ids(token)

    again = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                "--csr", str(csr_file))
    assert again.exit_code == 2, again.output
    assert f"{csr_file} already exists" in again.output and "give another --csr path" in again.output
    # the first key's request is kept, and the token holds no second key with none
    assert csr_file.read_bytes() == request and private_key_ids(token) == keys
    assert [p.name for p in tmp_path.iterdir()] == ["supplier9.csr"]


def test_generate_refuses_a_label_another_key_in_the_token_has_before_it_makes_a_key(runner, token, tmp_path):
    first = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                "--csr", str(tmp_path / "first.csr"), "--key-label", "supplier9", "--json")
    assert first.exit_code == 0, first.output
    keys = private_key_ids(token)

    again = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                "--csr", str(tmp_path / "second.csr"), "--key-label", "supplier9")
    assert again.exit_code == 1, again.output
    assert again.output.startswith(f"Error: token '{token.token}' of {token.library} already holds a private key "
                                   f"labelled 'supplier9' (CKA_ID {json.loads(first.output)['key_id']})")
    assert "choose another key_label, or first delete that key with the HSM's tool; nothing was generated (give " \
           "another --key-label)" in again.output
    # signers choosing the key by its label still find the one key, and no request was written for none
    assert private_key_ids(token) == keys and [p.name for p in tmp_path.iterdir()] == ["first.csr"]


def test_a_request_that_appears_while_the_key_is_made_is_kept_and_the_new_key_goes(runner, token, tmp_path,
                                                                                 monkeypatch):
    csr_file = tmp_path / "supplier9.csr"
    before = private_key_ids(token)
    make_key = generate_private_key

    def another_run_writes_first(*args, **kwargs):
        made = make_key(*args, **kwargs)
        csr_file.write_text("another run's request\n")
        return made

    monkeypatch.setattr("client.gateway.hsm.generate_private_key", another_run_writes_first)
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--csr", str(csr_file))
    assert result.exit_code == 1, result.output
    assert result.output == (f"Error: {csr_file} was written by another process while the key pair was made: that "
                             "file is kept and the new key pair was deleted from the token again; give another "
                             "--csr path\n")
    assert csr_file.read_text() == "another run's request\n" and private_key_ids(token) == before


@pytest.mark.parametrize("common_name", ["", "x" * 65])
def test_a_common_name_a_certificate_cannot_hold_is_refused_before_a_key_is_made(runner, token, tmp_path,
                                                                                 common_name):
    before = private_key_ids(token)
    result = run(runner, token, "generate", "--token", token.token, "--common-name", common_name,
                 "--csr", str(tmp_path / "x.csr"))
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--common-name'" in result.output and "1 to 64 characters" in result.output
    assert private_key_ids(token) == before and list(tmp_path.iterdir()) == []


def test_a_key_born_in_the_token_becomes_a_new_users_identity_and_never_touches_the_disk(runner, token, data_root,
                                                                                        tmp_path, monkeypatch):
    """The documented sequence: hsm generate -> org user add --csr -> hsm link -> commands --as the user."""
    code = "91310000MA1K00002C"
    csr_file = tmp_path / "supplier9.csr"
    generated = run(runner, token, "generate", "--token", token.token, "--common-name", "someone@elsewhere",
                    "--csr", str(csr_file), "--json")
    assert generated.exit_code == 0, generated.output
    key_id = json.loads(generated.output)["key_id"]

    added = runner.invoke(main, ["org", "user", "add", "supplier", "supplier9", "--csr", str(csr_file),
                                 "--attr", f"recfin.enterprise={code}", "--data-root", str(data_root), "--json"])
    assert added.exit_code == 0, added.output
    issued = json.loads(added.stdout)
    assert (issued["key"], issued["key_id"]) == ("csr", key_id)
    paths = org_crypto(data_root, "supplier", "supplier.recfin.local")
    msp = paths.user_msp("supplier9")
    cert = load_cert(msp / "signcerts" / "cert.pem")
    # the request's key, the org's subject and attributes (not the request's), from the org's CA
    assert cert.public_key() == x509.load_pem_x509_csr(csr_file.read_bytes()).public_key()
    assert key_id_for(cert).hex() == key_id and issued_by(cert, load_cert(paths.ca_cert))
    assert cert.subject.rfc4514_string() == "CN=supplier9@supplier.recfin.local,OU=client,O=supplier.recfin.local,C=CN"
    assert cert_attrs(cert) == {"recfin.role": "creditor", "recfin.enterprise": code}
    # no signing key on disk, anywhere in the MSP folder (the TLS client pair is a file key, as documented)
    assert [p for p in msp.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes()] == []

    linked = run(runner, token, "link", "--as", "supplier/supplier9", "--token", token.token,
                 "--data-root", str(data_root), "--json")
    assert linked.exit_code == 0, linked.output
    assert json.loads(linked.output)["key_id"] == key_id
    assert HSMSignerFile.read(msp) == HSMSignerFile(os.path.abspath(token.library), token.token, bytes.fromhex(key_id))

    checked = run(runner, token, "check", "--as", "supplier/supplier9", "--data-root", str(data_root), "--json")
    assert checked.exit_code == 0, checked.output
    # what an auditor asks the token: made there (CKA_LOCAL), never readable out of it
    assert json.loads(checked.output)["key_origin"] == {"local": True, "never_extractable": True,
                                                        "always_sensitive": True, "extractable": False,
                                                        "sensitive": True}
    shown = run(runner, token, "check", "--as", "supplier/supplier9", "--data-root", str(data_root))
    assert ("key_origin: local yes, never_extractable yes, always_sensitive yes, extractable no, sensitive yes\n"
            in shown.output), shown.output

    monkeypatch.setenv("RECFIN_HSM_PIN", token.pin)
    verify_signed_by((msp / "signcerts" / "cert.pem").read_bytes(),
                     *submit_as(monkeypatch, "supplier", "supplier9", data_root))
    crypto.generate(load(), data_root)   # `recfin network up` later leaves the identity as it is
    assert load_cert(msp / "signcerts" / "cert.pem") == cert and not any((msp / "keystore").glob("*_sk"))


def test_link_refuses_a_token_without_the_certificates_key_and_writes_nothing(runner, token, data_root):
    user = profiles.load("supplier", data_root).user("supplier2")
    result = run(runner, token, "link", "--as", "supplier/supplier2", "--token", token.token,
                 "--data-root", str(data_root))
    ski = key_id_for(x509.load_pem_x509_certificate(user.cert.read_bytes())).hex()
    assert result.exit_code == 1 and f"no private key with CKA_ID {ski}" in result.output, result.output
    assert not (user.msp_dir / "hsm-signer.yaml").exists()


def test_import_into_a_folder_made_under_umask_002_makes_it_its_owners_alone_and_says_so(runner, token, tmp_path):
    """Where each user has a private group, umask 002 is common: an MSP folder made by hand then, or by a generator
    that made folders under the umask, is drwxrwxr-x (recfin's makes them drwxr-xr-x whatever the umask)."""
    old_umask = os.umask(0o002)
    try:
        crypto.generate(load(), tmp_path / "network")
        profiles.write_all(load(), tmp_path / "network")
    finally:
        os.umask(old_umask)
    user = profiles.load("supplier", tmp_path / "network").user("supplier1")
    assert user.msp_dir.stat().st_mode & 0o777 == 0o755
    user.msp_dir.chmod(0o775)           # as a folder made under that umask is
    # a label of its own: another test's supplier1 (another key) may hold the default one in the shared token
    result = run(runner, token, "import", "--as", "supplier/supplier1", "--token", token.token,
                 "--data-root", str(tmp_path / "network"), "--key-label", "umask-002")
    assert result.exit_code == 0, result.output
    assert "msp_folder_tightened: drwxrwxr-x -> drwxr-xr-x\n" in result.output
    assert user.msp_dir.stat().st_mode & 0o777 == 0o755
    again = run(runner, token, "import", "--as", "supplier/supplier1", "--token", token.token,
                "--data-root", str(tmp_path / "network"), "--key-label", "umask-002", "--json")
    assert again.exit_code == 0 and json.loads(again.output)["msp_folder_tightened"] is None, again.output
    checked = run(runner, token, "check", "--as", "supplier/supplier1", "--data-root", str(tmp_path / "network"))
    assert checked.exit_code == 0 and "key: hsm" in checked.output, checked.output


WHO = ("as_", "org", "user", "data_root")


def who_options(command: click.Command) -> list[tuple]:
    return [(p.name, tuple(p.opts), p.hidden, p.metavar, p.type.to_info_dict()) for p in command.params
            if p.name in WHO]


def test_hsm_commands_name_the_user_with_the_very_options_every_acting_command_has():
    one_definition = who_options(click.command()(with_options(lambda **_: None, who_acts_options("who"))))
    assert [name for name, *_ in one_definition] == list(WHO)
    acting_command = main.commands["party"].commands["whoami"]
    for command in [acting_command, *(main.commands["hsm"].commands[n] for n in ("import", "link", "check"))]:
        assert who_options(command) == one_definition, command.name


def test_import_into_a_token_holding_the_users_key_twice_says_to_delete_the_extra_ones(runner, token, data_root):
    # another tool stored the user's key twice under its CKA_ID: `hsm import` takes no key ID to pick one by, so the
    # way out is the HSM's tool, and the token is left as it was
    import pkcs11
    from pkcs11.util.ec import decode_ec_private_key

    user = profiles.load("supplier", data_root).user("supplier2")
    key = load_key(user.key)
    key_id = key_id_for(key.public_key())
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    held = {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY, pkcs11.Attribute.ID: key_id}
    module_token = pkcs11.lib(os.path.realpath(token.library)).get_token(token_label=token.token)
    with module_token.open(rw=True, user_pin=token.pin) as session:
        for _ in range(2):
            session.create_object({**decode_ec_private_key(der), pkcs11.Attribute.ID: key_id,
                                   pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.PRIVATE: True,
                                   pkcs11.Attribute.SIGN: True})
    result = import_supplier2(runner, token, data_root)
    assert result.exit_code == 1
    assert result.output == (f"Error: several private keys in token '{token.token}' have CKA_ID {key_id.hex()}, the "
                             "ID of this user's key, so nothing was imported: delete the extra ones with the HSM's "
                             "tool (keep one), then run this again\n")
    with module_token.open(user_pin=token.pin) as session:
        assert len(list(session.get_objects(held))) == 2
    assert not (user.msp_dir / "hsm-signer.yaml").exists()


# ---- a PIN given as --pin-env; an encrypted keystore key ------------------------------------------------------


@pytest.mark.parametrize("command", [["import", "--as", "supplier/supplier2", "--data-root", "none"],
                                     ["link", "--as", "supplier/supplier2", "--data-root", "none"],
                                     ["generate", "--common-name", "s3@supplier", "--csr", "s3.csr"]])
def test_a_pin_given_as_pin_env_is_refused_before_anything_and_never_shown(runner, command):
    result = runner.invoke(main, ["hsm", *command, "--token", "t", "--pin-env", "4711", "--library", "/nowhere.so"],
                           env={"RECFIN_HSM_PIN": ""})
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--pin-env': it must be the name of the environment variable holding the user PIN" in \
        result.output
    assert "4711" not in result.output and "User PIN" not in result.output   # nothing asked for, nothing echoed


def _encrypt_keystore_key(user) -> None:
    key = load_key(user.key)
    user.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.BestAvailableEncryption(b"pw")))


def test_an_encrypted_keystore_key_tells_the_cli_user_to_decrypt_it_not_to_pass_a_password(data_root):
    user = profiles.load("supplier", data_root).user("supplier2")
    _encrypt_keystore_key(user)
    with pytest.raises(NetworkError) as refused:
        with cli.connection.open_session("supplier", "supplier2", data_root):
            pass
    said = str(refused.value)
    assert said.startswith(f"the private key {user.key} is encrypted, and recfin's commands take no key password: "
                           f"decrypt it (`openssl pkey -in {user.key} -out {user.key}.plain`"), said
    assert "recfin hsm import" in said and "load_msp_folder" not in said


def test_hsm_import_of_an_encrypted_key_says_encrypted_not_damaged(runner, data_root):
    user = profiles.load("supplier", data_root).user("supplier2")
    _encrypt_keystore_key(user)
    result = runner.invoke(main, ["hsm", "import", "--as", "supplier/supplier2", "--token", "t", "--library",
                                  "/nowhere.so", "--data-root", str(data_root)], env={"RECFIN_HSM_PIN": "1"})
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {user.key} holds an encrypted private key, and recfin takes no key "
                                    "password: decrypt it"), result.output
    assert "damaged" not in result.output
