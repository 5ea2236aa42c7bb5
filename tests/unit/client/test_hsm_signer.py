"""The PKCS#11 HSM signer, against a real token (SoftHSM2): signatures a peer accepts, and errors that say what to do."""
from __future__ import annotations

import grp
import hashlib
import json
import os
import pickle
import pwd
import stat
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from client.gateway import (
    HSMError, HSMSignerFactory, HSMSignerFile, HSMSignerOptions, Identity, connect, hashing, key_id_for,
    open_msp_folder,
)
from client.gateway import hsm, hsm_msp
from client.gateway.hsm import certificate_request, generate_private_key, import_private_key

from .gateway_fakes import FakeTransport, is_low_s, key_pem, make_key_and_cert
from .softhsm import private_key_ids, softhsm
from .test_gateway_signing import P384_ORDER, verify_like_a_peer


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


@pytest.fixture
def factory(token):
    with HSMSignerFactory(token.library) as made:
        yield made


def user_options(token, **changes) -> HSMSignerOptions:
    options = {"token_label": token.token, "user_pin": token.pin, "key_id": key_id_for(token.user_key.public_key())}
    return HSMSignerOptions(**{**options, **changes})


def test_signatures_made_in_the_token_verify_with_the_certificate_and_are_all_low_s(token, factory):
    public_key = Identity("Org1MSP", token.user_cert).certificate.public_key()
    with factory.new_signer(user_options(token)) as signer:
        assert signer.curve.name == "secp256r1" and signer.key_id == key_id_for(public_key)
        for n in range(300):   # about half of the raw signatures have a high S: each must come out low
            message = f"proposal {n}".encode()
            signature = signer(hashing.sha256(message))
            verify_like_a_peer(public_key, signature, message)


def test_a_key_is_found_by_its_label_too(token, factory):
    with factory.new_signer(user_options(token, key_id=None, key_label="user")) as signer:
        assert signer.key_id == key_id_for(token.user_key.public_key())
        verify_like_a_peer(token.user_key.public_key(), signer(hashing.sha256(b"by label")), b"by label")


def test_a_submit_signed_in_the_hsm_is_what_a_peer_verifies(token, factory):
    """The whole SDK path: the Gateway hashes each message, the HSM signs the digest, and every request a
    peer or orderer checks (proposal, transaction, commit status, events) verifies with the user's certificate."""
    identity = Identity("SupplierMSP", token.user_cert)
    transport = FakeTransport()
    with factory.new_signer(user_options(token)) as signer, \
            connect(identity=identity, signer=signer, transport=transport) as gateway:
        network = gateway.get_network("receivables-channel")
        network.get_contract("receivables").submit_transaction("Confirm", "R-1")
        network.get_contract("receivables").evaluate_transaction("Get", "R-1")
        network.chaincode_events("receivables", start_block=0).close()

    public_key = identity.certificate.public_key()
    (endorse,) = transport.requests("endorse")
    (submit,) = transport.requests("submit")
    (commit,) = transport.requests("commit_status")
    (evaluate,) = transport.requests("evaluate")
    (events,) = transport.requests("chaincode_events")
    verify_like_a_peer(public_key, endorse.proposed_transaction.signature, endorse.proposed_transaction.proposal_bytes)
    verify_like_a_peer(public_key, submit.prepared_transaction.signature, submit.prepared_transaction.payload)
    verify_like_a_peer(public_key, commit.signature, commit.request)
    verify_like_a_peer(public_key, evaluate.proposed_transaction.signature, evaluate.proposed_transaction.proposal_bytes)
    verify_like_a_peer(public_key, events.signature, events.request)


def test_threads_share_one_signer_and_each_signature_verifies(token, factory):
    public_key = token.user_key.public_key()
    failures: list[BaseException] = []
    with factory.new_signer(user_options(token)) as shared:
        def sign_many(thread: int) -> None:
            try:
                with factory.new_signer(user_options(token)) as own:   # and a session of its own
                    for n in range(25):
                        message = f"thread {thread} message {n}".encode()
                        for signer in (shared, own):
                            verify_like_a_peer(public_key, signer(hashing.sha256(message)), message)
            except BaseException as error:   # noqa: BLE001 - reported by the main thread
                failures.append(error)

        threads = [threading.Thread(target=sign_many, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_a_closed_signer_refuses_to_sign_and_closing_the_factory_closes_its_signers(token):
    factory = HSMSignerFactory(token.library)
    first, second = factory.new_signer(user_options(token)), factory.new_signer(user_options(token))
    first.close()
    with pytest.raises(HSMError, match="closed; make a new one"):
        first(hashing.sha256(b"x"))
    assert not second.closed
    factory.close()
    assert second.closed
    with pytest.raises(HSMError, match="closed"):
        second(hashing.sha256(b"x"))


def test_a_digest_no_peer_verifies_is_refused(token, factory):
    with factory.new_signer(user_options(token)) as signer, pytest.raises(ValueError, match="32-byte SHA-256"):
        signer(hashing.sha384(b"a proposal"))


# ---- errors that name what was wrong and what to do -----------------------------------------------------------


def test_a_missing_library_is_named_with_how_to_install_softhsm(tmp_path):
    with pytest.raises(HSMError, match=r"PKCS#11 library .*/nowhere\.so not found: .*apt-get install softhsm2"):
        HSMSignerFactory(tmp_path / "nowhere.so")


def test_a_file_that_is_not_a_pkcs11_module_is_named(tmp_path):
    not_a_module = tmp_path / "libnot.so"
    not_a_module.write_text("plain text")
    with pytest.raises(HSMError, match=r"cannot load .*libnot\.so as a PKCS#11 module"):
        HSMSignerFactory(not_a_module)


def test_an_unknown_token_label_lists_the_tokens_there(token, factory):
    with pytest.raises(HSMError, match=rf"no token labelled 'vault' in .*its tokens: '{token.empty_token}', "
                                       rf"'{token.token}'.*--init-token"):
        factory.new_signer(user_options(token, token_label="vault"))


def test_a_wrong_pin_is_named_by_the_token(token, factory):
    with pytest.raises(HSMError, match=rf"wrong user PIN for token '{token.token}'.*too many wrong tries"):
        factory.new_signer(user_options(token, user_pin="0000"))


def test_a_wrong_pin_is_refused_while_the_process_is_logged_in_with_the_right_one(token, factory):
    with factory.new_signer(user_options(token)):
        with pytest.raises(HSMError, match=rf"wrong user PIN for token '{token.token}'.*different PIN"):
            factory.new_signer(user_options(token, user_pin="0000"))


def test_a_login_made_by_other_pkcs11_code_never_passes_for_a_checked_pin(token, factory):
    # Other code of the process logs in to the token: the token then answers any second login "already logged
    # in" without checking its PIN, so no PIN given to a signer can be checked, the wrong one nor the right one.
    other = pkcs11.lib(os.path.realpath(token.library)).get_token(token_label=token.token).open(user_pin=token.pin)
    try:
        for pin in ("0000", token.pin):
            with pytest.raises(HSMError, match=rf"token '{token.token}' .* already logged in by other PKCS#11 code "
                                               r"of this process, so the PIN given cannot be checked .*: have that "
                                               r"code log out \(close its sessions on the token\) before signers "
                                               r"are made here$"):
                factory.new_signer(user_options(token, user_pin=pin))
    finally:
        other.close()   # logs the process out
    with pytest.raises(HSMError, match="wrong user PIN .*too many wrong tries"):   # the token checks again
        factory.new_signer(user_options(token, user_pin="0000"))
    with factory.new_signer(user_options(token)) as signer:
        verify_like_a_peer(token.user_key.public_key(), signer(hashing.sha256(b"checked")), b"checked")


def test_no_such_key_lists_the_keys_in_the_token(token, factory):
    with pytest.raises(HSMError, match=r"no private key with CKA_ID 6e6f6e65 in token .*its private keys: "
                                       r"CKA_ID .* label 'user'.*recfin hsm import"):
        factory.new_signer(user_options(token, key_id=b"none"))
    with pytest.raises(HSMError, match=r"no private key with label 'nobody'"):
        factory.new_signer(user_options(token, key_id=None, key_label="nobody"))


def test_a_token_without_keys_says_how_to_put_one_there(token, factory):
    with pytest.raises(HSMError, match=rf"no private key with CKA_ID 6e6f6e65 in token '{token.empty_token}' of .*, "
                                       r"which holds no private key: import the user's key \(recfin hsm import\) "
                                       r"or make one there \(recfin hsm generate\)$"):
        factory.new_signer(user_options(token, token_label=token.empty_token, key_id=b"none"))


# the way on from a key Fabric cannot verify: either command that puts a P-256 or P-384 key in the token
WAY_ON = (r"Sign with a P-256 or P-384 key: import the user's keystore key \(recfin hsm import; first "
          r"delete this key with the HSM's tool if it holds that key's CKA_ID\), or make one in the token "
          r"\(recfin hsm generate --curve P-256 or --curve P-384\) and have the org's CA issue a new user's "
          r"certificate for it \(recfin org user add ORG USER --csr FILE, then recfin hsm link\)$")


def test_a_key_that_is_not_ec_is_refused_saying_how_to_put_one_fabric_verifies_there(token, factory):
    with pytest.raises(HSMError, match=r"is RSA, not EC: Fabric client identities sign with ECDSA P-256 or "
                                       r"P-384\. " + WAY_ON):
        factory.new_signer(user_options(token, key_id=token.rsa_key_id))


def test_an_ec_key_on_another_curve_is_refused_saying_how_to_put_one_fabric_verifies_there(token, factory):
    with pytest.raises(HSMError, match=r"is on curve secp256k1, not P-256 or P-384, which Fabric's MSPs "
                                       r"verify\. " + WAY_ON):
        factory.new_signer(user_options(token, key_id=token.k1_key_id))


def test_options_without_a_key_are_refused():
    with pytest.raises(HSMError, match="key_id .* or key_label"):
        HSMSignerOptions(token_label="recfin", user_pin="1")


def test_a_signer_whose_session_the_module_ended_says_to_reconnect_and_make_a_new_one(token, monkeypatch):
    # Other code of the process finalises and re-initialises the module (as after an HSM reset): the signer's
    # session and the process's login are gone.
    factory = HSMSignerFactory(token.library)
    signer = factory.new_signer(user_options(token))
    monkeypatch.setenv("SOFTHSM2_CONF", token.config)   # SoftHSM2 reads it again when initialised
    pkcs11.lib(os.path.realpath(token.library)).reinitialize()
    with pytest.raises(HSMError, match=rf"^token '{token.token}' of .* no longer knows this process's session or "
                                       r"login \(PKCS#11 SessionHandleInvalid\): .*reconnect the HSM and make a "
                                       r"new signer"):
        signer(hashing.sha256(b"after the reset"))
    factory.close()   # the ended session and login are let go, not an error
    assert signer.closed
    with HSMSignerFactory(token.library) as again, again.new_signer(user_options(token)) as fresh:
        verify_like_a_peer(token.user_key.public_key(), fresh(hashing.sha256(b"logged in again")), b"logged in again")


def test_a_forked_child_refuses_its_parents_signers_and_factory_and_the_parent_signs_on(token):
    """PKCS#11 sessions, logins and the module's initialisation do not carry over a fork (nor a lock another
    thread held then): in the child, what the parent made refuses, saying to make a new factory there."""
    factory = HSMSignerFactory(token.library)
    signer = factory.new_signer(user_options(token))
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: report each attempt through the pipe, never return into pytest
        try:
            outcomes = []
            for attempt in (lambda: signer(hashing.sha256(b"child")),
                            lambda: signer.public_key(),
                            lambda: factory.new_signer(user_options(token))):
                try:
                    attempt()
                    outcomes.append("used")
                except HSMError as error:
                    outcomes.append(str(error))
            factory.close()   # lets go of the parent's session without ending it
            outcomes.append(f"closed {signer.closed}")
            os.write(writing, "\n".join(outcomes).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        outcomes = pipe.read().split("\n")
    os.waitpid(pid, 0)
    *refusals, closed = outcomes
    assert len(refusals) == 3 and closed == "closed True", outcomes
    for refusal in refusals:
        assert f"was set up in process {os.getpid()}, and this process ({pid}) was forked from it" in refusal
        assert refusal.endswith("Make a new HSMSignerFactory in this process and its signers with new_signer")
    verify_like_a_peer(token.user_key.public_key(), signer(hashing.sha256(b"parent")), b"parent")
    factory.close()


_FORKING_PROGRAM = """
import json, os, sys
from client.gateway import HSMError, HSMSignerFactory, HSMSignerOptions, hashing
library, token, pin = sys.argv[1:4]
options = HSMSignerOptions(token, pin, key_label="user")
factory = HSMSignerFactory(library)
signer = factory.new_signer(options)
reading, writing = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        outcomes = []
        for attempt in (lambda: signer(hashing.sha256(b"child")),
                        lambda: HSMSignerFactory(library).new_signer(options)(hashing.sha256(b"child")).hex()):
            try:
                outcomes.append(attempt())
            except HSMError as error:
                outcomes.append(str(error))
        os.write(writing, json.dumps(outcomes).encode())
    finally:
        os._exit(0)
os.close(writing)
outcomes = json.loads(os.fdopen(reading).read())
os.waitpid(pid, 0)
print(json.dumps({"parent": os.getpid(), "child": pid, "outcomes": outcomes,
                  "parent_signs_on": signer(hashing.sha256(b"parent")).hex()}))
"""


def run_forking_program(token, tmp_path, reset_on_fork: bool) -> dict:
    """A process that loads the module and signs, then forks: in the child, the parent's signer, and a new factory's.
    In a process of its own, so that the module is initialised with this configuration of SoftHSM2."""
    config = tmp_path / "softhsm2.conf"
    config.write_text(Path(token.config).read_text() + f"library.reset_on_fork = {str(reset_on_fork).lower()}\n")
    done = subprocess.run([sys.executable, "-c", _FORKING_PROGRAM, token.library, token.token, token.pin],
                          capture_output=True, text=True, env={**os.environ, "SOFTHSM2_CONF": str(config)},
                          cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    ran = json.loads(done.stdout)
    verify_like_a_peer(token.user_key.public_key(), bytes.fromhex(ran["parent_signs_on"]), b"parent")
    assert ran["outcomes"][0].startswith(f"this HSM signer (token '{token.token}') was set up in process "
                                         f"{ran['parent']}, and this process ({ran['child']}) was forked from it")
    return ran


def test_a_forked_child_makes_its_own_signers_where_the_module_starts_afresh(token, tmp_path):
    """The child forgets the parent's module and login: a new factory there initialises the module again (PKCS#11
    has a child call C_Initialize), logs in, and signs; the parent's signer still refuses there."""
    ran = run_forking_program(token, tmp_path, reset_on_fork=True)
    verify_like_a_peer(token.user_key.public_key(), bytes.fromhex(ran["outcomes"][1]), b"child")


def test_a_module_that_cannot_start_afresh_in_a_child_says_to_load_it_after_fork_or_spawn(token, tmp_path):
    ran = run_forking_program(token, tmp_path, reset_on_fork=False)
    assert ran["outcomes"][1] == (
        f"the PKCS#11 module {token.library} cannot be initialised in this process ({ran['child']}, PKCS#11: "
        "Initialisation error (already initialized). Should never see this.): process "
        f"{ran['parent']} initialised it before this process was forked from it, and the module does not start "
        "afresh in a forked child. Load the module only after fork (make the HSMSignerFactory in each process that "
        "signs, never in their parent), or start the processes with the spawn method "
        "(multiprocessing.get_context('spawn')); SoftHSM2 starts afresh in a child with library.reset_on_fork = "
        "true in its configuration (SOFTHSM2_CONF)")


def test_signers_and_factories_cannot_be_sent_to_another_process(token, factory):
    with factory.new_signer(user_options(token)) as signer:
        for made, what in [(signer, "HSM signers"), (factory, "HSM signer factories")]:
            with pytest.raises(HSMError, match=rf"^{what} cannot be sent to another process: make one there"):
                pickle.dumps(made)   # as multiprocessing does with a spawned process's arguments
        verify_like_a_peer(token.user_key.public_key(), signer(hashing.sha256(b"still here")), b"still here")


def test_a_module_other_code_loaded_through_a_symlink_is_shared_not_initialised_twice(token, tmp_path):
    # A fresh process: this one has loaded the module already. Other code loads it through a symlink, then a
    # factory is made through the symlink's target (and the other way round): one module, both sign.
    link = tmp_path / "libvendor.so"
    link.symlink_to(os.path.realpath(token.library))
    for first, second in [(link, os.path.realpath(token.library)), (os.path.realpath(token.library), link)]:
        program = f"""
import pkcs11
from client.gateway import HSMSignerFactory, HSMSignerOptions, hashing
pkcs11.lib({str(first)!r})
with HSMSignerFactory({str(second)!r}) as factory:
    with factory.new_signer(HSMSignerOptions({token.token!r}, {token.pin!r}, key_label="user")) as signer:
        print(len(signer(hashing.sha256(b"x"))) > 0)
"""
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                              env={**os.environ, "SOFTHSM2_CONF": token.config}, cwd=os.getcwd())
        assert (done.returncode, done.stdout.strip()) == (0, "True"), done.stderr


def test_a_failed_signer_leaves_no_login_behind(token, factory):
    with pytest.raises(HSMError, match="no private key"):
        factory.new_signer(user_options(token, key_id=b"none"))
    # Logged out again: a wrong PIN is now checked by the token itself, not against this process's login.
    with pytest.raises(HSMError, match="too many wrong tries"):
        factory.new_signer(user_options(token, user_pin="0000"))


# ---- putting keys into the token -----------------------------------------------------------------------------


def test_an_imported_key_signs_in_the_token_and_importing_it_again_changes_nothing(token, factory):
    key = ec.generate_private_key(ec.SECP384R1())
    key_id = import_private_key(token.library, token.token, token.pin, key, key_label="imported-p384")
    assert key_id == key_id_for(key.public_key())
    assert import_private_key(token.library, token.token, token.pin, key) == key_id
    with factory.new_signer(user_options(token, key_id=key_id)) as signer:
        assert signer.curve.name == "secp384r1"
        assert signer.public_key().public_numbers() == key.public_key().public_numbers()
        for n in range(50):
            signature = signer(hashing.sha256(b"%d" % n))
            verify_like_a_peer(key.public_key(), signature, b"%d" % n)
            assert is_low_s(signature, P384_ORDER)


def test_another_key_under_a_taken_id_is_refused(token):
    key_id = key_id_for(token.user_key.public_key())
    with pytest.raises(HSMError, match=rf"already holds another private key with CKA_ID {key_id.hex()}"):
        import_private_key(token.library, token.token, token.pin, ec.generate_private_key(ec.SECP256R1()),
                           key_id=key_id)


def test_a_label_another_private_key_has_is_refused_and_signers_choosing_by_it_still_find_one(token, factory):
    key = ec.generate_private_key(ec.SECP256R1())
    key_id = import_private_key(token.library, token.token, token.pin, key, key_label="taken-label")
    assert import_private_key(token.library, token.token, token.pin, key, key_label="taken-label") == key_id
    keys = private_key_ids(token)
    taken = rf"^token '{token.token}' of .* already holds a private key labelled 'taken-label' \(CKA_ID {key_id.hex()}\)"
    with pytest.raises(HSMError, match=taken + r".*: choose another key_label"):
        import_private_key(token.library, token.token, token.pin, ec.generate_private_key(ec.SECP256R1()),
                           key_label="taken-label")
    with pytest.raises(HSMError, match=taken):
        generate_private_key(token.library, token.token, token.pin, key_label="taken-label")
    assert private_key_ids(token) == keys   # refused before anything was made
    with factory.new_signer(user_options(token, key_id=None, key_label="taken-label")) as signer:
        assert signer.key_id == key_id


def token_storing(monkeypatch, refuse_at: int, error: Exception) -> None:
    """The token's sessions refuse the refuse_at-th object stored (1: the private key, 2: its public object)."""
    real = hsm._token_session

    @contextmanager
    def refusing(*args):
        with real(*args) as session:
            class Refusing:
                stored = 0

                def __getattr__(self, name):
                    return getattr(session, name)

                def create_object(self, template):
                    Refusing.stored += 1
                    if Refusing.stored == refuse_at:
                        raise error
                    return session.create_object(template)
            yield Refusing()

    monkeypatch.setattr(hsm, "_token_session", refusing)


def test_an_import_whose_public_object_fails_leaves_no_private_key_and_a_retry_imports_it(token, factory, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    before = private_key_ids(token)
    with monkeypatch.context() as patched:
        token_storing(patched, 2, pkcs11.DeviceError())
        with pytest.raises(HSMError, match=rf"^token '{token.token}' of .*: PKCS#11 DeviceError: check the HSM"):
            import_private_key(token.library, token.token, token.pin, key)
    assert private_key_ids(token) == before
    key_id = import_private_key(token.library, token.token, token.pin, key)
    with factory.new_signer(user_options(token, key_id=key_id)) as signer:
        verify_like_a_peer(key.public_key(), signer(hashing.sha256(b"retried")), b"retried")


def test_a_token_taking_no_key_from_outside_says_to_make_the_key_there(token, monkeypatch):
    before = private_key_ids(token)
    token_storing(monkeypatch, 1, pkcs11.TemplateInconsistent())
    with pytest.raises(HSMError, match=r"refused to store the private key \(PKCS#11 TemplateInconsistent\): many "
                                       r"HSMs take no private key from outside\. Make the key in the token instead "
                                       r"\(recfin hsm generate --csr"):
        import_private_key(token.library, token.token, token.pin, ec.generate_private_key(ec.SECP256R1()))
    assert private_key_ids(token) == before


def test_a_private_key_left_without_its_public_object_is_completed_for_its_own_key_only(token, factory, monkeypatch):
    key = ec.generate_private_key(ec.SECP384R1())
    with monkeypatch.context() as patched:    # a run stopped between the two objects: the private one stays
        token_storing(patched, 2, pkcs11.DeviceError())
        patched.setattr(hsm, "_destroy_quietly", lambda objects: None)
        with pytest.raises(HSMError):
            import_private_key(token.library, token.token, token.pin, key)
    key_id = key_id_for(key.public_key())
    assert key_id in private_key_ids(token)
    with pytest.raises(HSMError, match=rf"already holds another private key with CKA_ID {key_id.hex()}"):
        import_private_key(token.library, token.token, token.pin, ec.generate_private_key(ec.SECP384R1()),
                           key_id=key_id)
    assert import_private_key(token.library, token.token, token.pin, key) == key_id
    with factory.new_signer(user_options(token, key_id=key_id)) as signer:
        assert signer.public_key().public_numbers() == key.public_key().public_numbers()   # completed


def test_a_key_generated_in_the_token_signs_its_certificate_request(token, factory):
    key_id, public_key = generate_private_key(token.library, token.token, token.pin, key_label="generated")
    assert key_id == key_id_for(public_key)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "supplier9@supplier")])
    with factory.new_signer(user_options(token, key_id=key_id)) as signer:
        request = x509.load_pem_x509_csr(certificate_request(signer, public_key, subject))
    assert request.is_signature_valid
    assert request.subject == subject and request.public_key() == public_key


def test_the_token_tells_a_generated_key_from_an_imported_one(token, factory):
    generated, _ = generate_private_key(token.library, token.token, token.pin)
    imported = import_private_key(token.library, token.token, token.pin, ec.generate_private_key(ec.SECP256R1()))
    with factory.new_signer(user_options(token, key_id=generated)) as signer:
        assert signer.key_origin() == {"local": True, "never_extractable": True, "always_sensitive": True,
                                       "extractable": False, "sensitive": True}
    with factory.new_signer(user_options(token, key_id=imported)) as signer:
        origin = signer.key_origin()
    assert origin["local"] is False and (origin["extractable"], origin["sensitive"]) == (False, True)


def test_a_generated_key_without_a_label_is_labelled_by_its_key_id_as_fabrics_tools_do(token, factory):
    key_id, _ = generate_private_key(token.library, token.token, token.pin)
    with factory.new_signer(user_options(token, key_id=None, key_label=key_id.hex())) as signer:
        assert signer.key_id == key_id


def test_a_token_that_will_not_name_a_new_pair_is_named_and_keeps_no_half_made_key(token, monkeypatch):
    def refuses(*_):   # a token whose policy keeps CKA_ID as the key was made with
        raise pkcs11.AttributeReadOnly()

    before = private_key_ids(token)
    monkeypatch.setattr(hsm, "_name_key_pair", refuses)
    with pytest.raises(HSMError, match=rf"^token '{token.token}' of .*: PKCS#11 AttributeReadOnly: check the HSM"):
        generate_private_key(token.library, token.token, token.pin)
    assert private_key_ids(token) == before


# ---- an MSP folder whose key is in the HSM -------------------------------------------------------------------


def hsm_msp_folder(tmp_path, token, cert: bytes, key_id: bytes, pin_env: str = "TEST_HSM_PIN"):
    (tmp_path / "signcerts").mkdir(parents=True)
    (tmp_path / "signcerts" / "cert.pem").write_bytes(cert)
    HSMSignerFile(token.library, token.token, key_id, pin_env).write(tmp_path)
    return tmp_path


def test_an_msp_folder_with_an_hsm_signer_file_signs_in_the_hsm(token, tmp_path, monkeypatch):
    folder = hsm_msp_folder(tmp_path, token, token.user_cert, key_id_for(token.user_key.public_key()))
    assert not (folder / "keystore").exists()
    monkeypatch.setenv("TEST_HSM_PIN", token.pin)
    with open_msp_folder(folder, "SupplierMSP") as (identity, signer):
        assert identity.credentials == token.user_cert and identity.msp_id == "SupplierMSP"
        verify_like_a_peer(token.user_key.public_key(), signer(hashing.sha256(b"from the msp")), b"from the msp")
    with pytest.raises(HSMError, match="closed"):
        signer(hashing.sha256(b"after"))


def test_an_msp_folder_without_the_pin_variable_says_which_to_set(token, tmp_path, monkeypatch):
    folder = hsm_msp_folder(tmp_path, token, token.user_cert, key_id_for(token.user_key.public_key()))
    monkeypatch.delenv("TEST_HSM_PIN", raising=False)
    with pytest.raises(HSMError, match=rf"set TEST_HSM_PIN to the user PIN of token '{token.token}'"):
        with open_msp_folder(folder, "SupplierMSP"):
            pass


def test_an_msp_folder_whose_hsm_key_is_not_the_certificates_is_refused(token, tmp_path, monkeypatch):
    other_key, other_cert = make_key_and_cert("someone-else")
    folder = hsm_msp_folder(tmp_path, token, other_cert, key_id_for(token.user_key.public_key()))
    monkeypatch.setenv("TEST_HSM_PIN", token.pin)
    with pytest.raises(HSMError, match=r"is not the key of the certificate in .*signcerts: name the certificate's "
                                       rf"own key \(its CKA_ID is .* {key_id_for(other_key.public_key()).hex()}\)"):
        with open_msp_folder(folder, "SupplierMSP"):
            pass


def user_and_group_database(monkeypatch, *, group_name: str, members=(), others_with_it_as_primary=()):
    """The users and groups the permission check sees: the owner of the test's files (this process's user), and
    their group named group_name with these supplementary members and these other users having it as primary."""
    owner_uid, owner_gid = os.geteuid(), os.getegid()
    owner = pwd.struct_passwd(("owner", "x", owner_uid, owner_gid, "", "/", "/bin/sh"))
    others = [pwd.struct_passwd((name, "x", 60000 + n, owner_gid, "", "/", "/bin/sh"))
              for n, name in enumerate(others_with_it_as_primary)]
    group = grp.struct_group((group_name, "x", owner_gid, list(members)))
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: {u.pw_uid: u for u in [owner, *others]}[uid])
    monkeypatch.setattr(pwd, "getpwall", lambda: [owner, *others])
    monkeypatch.setattr(grp, "getgrgid", lambda gid: {owner_gid: group}[gid])


def test_a_signer_file_others_could_have_written_is_refused_as_ssh_refuses_its_config(token, tmp_path, monkeypatch):
    # The file names a library the process loads and runs: whoever can write it can run code as the user.
    monkeypatch.setenv("TEST_HSM_PIN", token.pin)
    folder = tmp_path / "msp"
    folder.mkdir(mode=0o755)
    old_umask = os.umask(0o002)   # a shared-group umask: the file is still written for its owner alone to change
    try:
        hsm_msp_folder(folder, token, token.user_cert, key_id_for(token.user_key.public_key()))
    finally:
        os.umask(old_umask)
    signer_file = folder / "hsm-signer.yaml"
    assert signer_file.stat().st_mode & 0o777 == 0o644
    with open_msp_folder(folder, "SupplierMSP"):
        pass

    user_and_group_database(monkeypatch, group_name="staff", members=["owner", "colleague"])   # a shared group
    shared = ", which is not its owner's private group"
    for changed, mode, who, why in [(signer_file, 0o664, "its group staff", shared), (signer_file, 0o646, "others", ""),
                                    (folder, 0o775, "its group staff", shared), (folder, 0o757, "others", "")]:
        original = changed.stat().st_mode & 0o777
        changed.chmod(mode)
        try:
            with pytest.raises(HSMError, match=rf"^{changed} can be written by {who} "
                                               rf"\({stat.filemode(changed.stat().st_mode)}\){why}: hsm-signer.yaml "
                                               rf"names a library .*; check its content, then chmod go-w {changed}$"):
                with open_msp_folder(folder, "SupplierMSP"):
                    pass
        finally:
            changed.chmod(original)

    if os.geteuid() == 0:
        os.chown(signer_file, 65534, -1)   # another user's file (root may own it, as ssh allows)
        stranger = 65534
    else:
        stranger = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: stranger + 1)
    with pytest.raises(HSMError, match=rf"^{signer_file} is owned by user id {stranger}, not by you .*chown it"):
        HSMSignerFile.read(folder)


@pytest.mark.parametrize("group_name, members, others_with_it_as_primary, accepted", [
    ("owner", [], [], True),                  # a user private group (Debian, Ubuntu): no one else can write
    ("owner", ["owner"], [], True),           # the owner listed as its member changes nothing
    ("owner", ["owner", "guest"], [], False),  # named as the owner, yet another user is in it
    ("owner", [], ["guest"], False),          # another user has it as primary group
    ("users", [], [], False),                 # not named as the owner: a shared group
])
def test_a_group_writable_folder_is_trusted_only_when_the_group_is_the_owners_private_group(
        token, tmp_path, monkeypatch, group_name, members, others_with_it_as_primary, accepted):
    monkeypatch.setenv("TEST_HSM_PIN", token.pin)
    folder = hsm_msp_folder(tmp_path, token, token.user_cert, key_id_for(token.user_key.public_key()))
    user_and_group_database(monkeypatch, group_name=group_name, members=members,
                            others_with_it_as_primary=others_with_it_as_primary)
    for changed in (folder, folder / "hsm-signer.yaml"):
        changed.chmod(changed.stat().st_mode | stat.S_IWGRP)
    if accepted:
        assert HSMSignerFile.read(folder).token_label == token.token
    else:
        with pytest.raises(HSMError, match=rf"can be written by its group {group_name} \(.*\), which is not its "
                                           r"owner's private group"):
            HSMSignerFile.read(folder)


def test_writing_the_signer_file_makes_a_group_writable_folder_of_the_callers_its_owners_alone(token, tmp_path,
                                                                                            monkeypatch):
    """The generator makes MSP folders under the umask: 002 gives drwxrwxr-x, refused with a shared group."""
    user_and_group_database(monkeypatch, group_name="staff", members=["owner", "colleague"])
    folder = tmp_path / "msp"
    folder.mkdir()
    folder.chmod(0o777)
    assert hsm_msp.tighten_folder(folder) == "drwxrwxrwx -> drwxr-xr-x"
    assert hsm_msp.tighten_folder(folder) is None     # nothing more to do
    folder.chmod(0o775)
    monkeypatch.setenv("TEST_HSM_PIN", token.pin)
    hsm_msp_folder(folder, token, token.user_cert, key_id_for(token.user_key.public_key()))
    assert folder.stat().st_mode & 0o777 == 0o755
    with open_msp_folder(folder, "SupplierMSP"):
        pass


def test_another_users_group_writable_folder_is_left_as_it_is_and_refused(token, tmp_path, monkeypatch):
    user_and_group_database(monkeypatch, group_name="staff", members=["owner", "colleague"])
    folder = tmp_path / "msp"
    folder.mkdir()
    folder.chmod(0o775)
    real_uid = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real_uid + 1)   # the folder is now someone else's
    assert hsm_msp.tighten_folder(folder) is None
    # refused: as another user's (or, the caller being root, as root's that a shared group can write)
    with pytest.raises(HSMError, match=r"is owned by user id|can be written by its group staff"):
        HSMSignerFile(token.library, token.token, b"\x01").write(folder)
    assert folder.stat().st_mode & 0o777 == 0o775 and not (folder / "hsm-signer.yaml").exists()


def test_a_keystore_without_a_key_says_to_restore_it_or_link_the_hsm_key(tmp_path):
    _, cert = make_key_and_cert("lost")
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "keystore").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(cert)
    with pytest.raises(ValueError, match=r"no private key in .*keystore \(expected \*_sk or \*.pem\): restore it, "
                                         r"or run `recfin hsm link` if the key is in an HSM"):
        with open_msp_folder(tmp_path, "Org1MSP"):
            pass


def test_a_broken_hsm_signer_file_says_what_it_needs(tmp_path):
    (tmp_path / "hsm-signer.yaml").write_text("library: /x.so\ntoken: t\n")
    with pytest.raises(HSMError, match=r"needs library, token, key_id \(hex\)"):
        HSMSignerFile.read(tmp_path)


@pytest.mark.parametrize("key_id, problem", [
    ('!!int ""', r"the tag !!int at line 3, column 9: tags are not read in an HSM signer description"),  # IndexError
    ('!!timestamp "x"', r"the tag !!timestamp at line 3, column 9"),                                # AttributeError
    ("&k 8b7be0f8", r"the anchor &k at line 3, column 9"),
    # YAML 1.1 reads it as 10, another key: the loader refuses a leading zero wherever it stands
    ("0012", r"the number 0012 at line 3, column 9 has a leading 0.*quote it if it is text"),
    ("0x1F", r"key_id not read as text: write it in quotes"),
    ("8b7be0fz", r"key_id is not hex: non-hexadecimal number found"),
])
def test_an_hsm_signer_file_yaml_cannot_read_as_written_is_refused_saying_why(tmp_path, key_id, problem):
    path = tmp_path / "hsm-signer.yaml"
    path.write_text(f"library: /x.so\ntoken: t\nkey_id: {key_id}\n")
    with pytest.raises(HSMError, match=rf"^{path} is not an HSM signer description \({problem}.*\): it needs library, "
                                       r"token, key_id \(hex\) and optionally pin_env"):
        HSMSignerFile.read(tmp_path)


def test_the_errors_callers_tell_apart_are_exported_with_the_module():
    # docs/sdk-gateway.md has callers catch hsm.KeyNotFound; `from client.gateway.hsm import *` must give them
    exported = {}
    exec("from client.gateway.hsm import *", exported)
    assert {"KeyNotFound", "KeyLabelTaken", "SeveralKeysMatch"} <= exported.keys()
    assert all(issubclass(exported[name], hsm.HSMError) for name in ("KeyNotFound", "KeyLabelTaken", "SeveralKeysMatch"))


def test_an_hsm_signer_file_that_is_a_folder_is_named(tmp_path):
    (tmp_path / "hsm-signer.yaml").mkdir()
    with pytest.raises(HSMError, match=rf"^{tmp_path / 'hsm-signer.yaml'} is not a regular file, so the HSM key of "
                                       "this MSP folder cannot be read; the keystore key is not used instead"):
        HSMSignerFile.read(tmp_path)


def test_an_hsm_signer_file_written_by_hand_with_quoted_values_is_read(tmp_path):
    (tmp_path / "hsm-signer.yaml").write_text("library: /x.so\ntoken: '0001'\nkey_id: '0012'\n")
    assert HSMSignerFile.read(tmp_path) == HSMSignerFile("/x.so", "0001", b"\x00\x12")


def test_an_msp_folder_without_an_hsm_signer_file_uses_its_keystore(tmp_path):
    key, cert = make_key_and_cert("plain")
    for sub, name, data in [("signcerts", "cert.pem", cert), ("keystore", "key_sk", key_pem(key))]:
        (tmp_path / sub).mkdir()
        (tmp_path / sub / name).write_bytes(data)
    with open_msp_folder(tmp_path, "Org1MSP") as (identity, signer):
        digest = hashlib.sha256(b"keystore").digest()
        verify_like_a_peer(key.public_key(), signer(digest), b"keystore")


def test_an_hsm_signer_is_named_in_errors_by_its_token_key_and_module(token, factory):
    """A call whose HSM gave no signature in time names its signer by repr: the token, key and module to look at,
    not an object's address."""
    signer = factory.new_signer(user_options(token))
    key_id = key_id_for(token.user_key.public_key())
    assert repr(signer) == f"HSMSigner(token {token.token!r}, key id {key_id.hex()}, module {token.library})"
