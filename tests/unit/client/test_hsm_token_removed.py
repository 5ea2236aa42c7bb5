"""A token that goes away while the process runs (an HSM unplugged, a SoftHSM2 token folder deleted) is an HSMError
saying so, not python-pkcs11's bare exception (a traceback in a command); and a key already under the ID an import
is asked for is taken for the imported one only if it signs for it."""
from __future__ import annotations

import os
import subprocess
import sys

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pkcs11.util.ec import decode_ec_public_key

from client.gateway import HSMError, key_id_for
from client.gateway.hsm import _close_ended_or_not, _token_session, destroy_key_pair, import_private_key

from .softhsm import SO_PIN, USER_PIN, softhsm


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


# A process of its own, with tokens of its own: SoftHSM2 lists its tokens once per process, and the tests' shared
# token must stay. It removes a token's folder as unplugging the HSM would remove the token.
REMOVING = """
import os, shutil, sys
from cryptography.hazmat.primitives.asymmetric import ec
from client.gateway.hsm import HSMError, HSMSignerFactory, HSMSignerOptions, import_private_key
library, tokens = sys.argv[1], sys.argv[2]

def remove(label):
    for folder in os.listdir(tokens):
        if label.encode() in open(os.path.join(tokens, folder, "token.object"), "rb").read():
            shutil.rmtree(os.path.join(tokens, folder))

def outcome(call):
    try:
        call()
        return "done"
    except HSMError as error:
        return f"HSMError: {error}"
    except Exception as error:
        return f"{type(error).__module__}.{type(error).__name__}: {error}"

key_id = import_private_key(library, "kept", PIN, ec.generate_private_key(ec.SECP256R1()))   # both tokens seen
remove("spare")
with HSMSignerFactory(library) as factory:
    print(outcome(lambda: factory.new_signer(HSMSignerOptions("kept", PIN, key_id=key_id)).close()))
    remove("kept")
    print(outcome(lambda: factory.new_signer(HSMSignerOptions("kept", PIN, key_id=key_id))))
    print(outcome(lambda: import_private_key(library, "kept", PIN, ec.generate_private_key(ec.SECP256R1()))))
"""


def test_a_token_removed_while_the_process_runs_is_an_hsm_error(token, tmp_path):
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(config)}
    for label in ("kept", "spare"):
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN,
                        "--pin", USER_PIN], env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", f"PIN = {USER_PIN!r}\n" + REMOVING, token.library,
                           str(tmp_path / "tokens")], env=env, capture_output=True, text=True, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    where = f"token 'kept' of {token.library}"
    check = ": check the HSM (its connection and log) and try again"
    # the other token's removal fails the search of every slot, the kept one's too; then the kept token is gone
    assert done.stdout.splitlines() == [f"HSMError: {where}: PKCS#11 GeneralError{check}"] * 3


@pytest.mark.parametrize("error", [pkcs11.GeneralError, pkcs11.DeviceError, pkcs11.SessionHandleInvalid])
def test_a_session_close_failing_as_the_token_went_away_is_passed_over(error):
    # it is closed in a finally: raising here would take the place of the error that said what went wrong
    class EndedSession:
        def close(self):
            raise error()

    _close_ended_or_not(EndedSession())


def test_a_private_key_under_the_id_that_does_not_sign_for_the_imported_key_is_refused(token):
    imported, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    key_id = key_id_for(imported.public_key())
    try:
        import_private_key(token.library, token.token, token.pin, other, key_id=key_id)
        # the public object beside it made the imported key's: it is no secret, anyone with the PIN could store it
        with _token_session(token.library, token.token, token.pin) as session:
            for stored in session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PUBLIC_KEY,
                                               pkcs11.Attribute.ID: key_id}):
                stored.destroy()
            der = imported.public_key().public_bytes(serialization.Encoding.DER,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
            session.create_object({**decode_ec_public_key(der), pkcs11.Attribute.ID: key_id,
                                   pkcs11.Attribute.TOKEN: True})
        # under its own ID (as `recfin hsm import` imports, giving no key ID): only deleting that key helps
        taken = f"^token '{token.token}' already holds another private key with CKA_ID {key_id.hex()}"
        own_id = (r", this key's own ID \(Fabric's SKI of it\), so nothing was imported: delete that key "
                  r"with the HSM's tool, then import again$")
        with pytest.raises(HSMError, match=taken + own_id):
            import_private_key(token.library, token.token, token.pin, imported)
        # under an ID the caller chose, another one is a way on too
        chosen_id = r", so nothing was imported: give another key_id, or delete that key with the HSM's tool$"
        with pytest.raises(HSMError, match=taken + chosen_id):
            import_private_key(token.library, token.token, token.pin, imported, key_id=key_id)
        # the same key imported again is still let through, its test signature checked: its ID answered each time
        chosen = b"\x01" + key_id
        assert import_private_key(token.library, token.token, token.pin, other, key_id=chosen) == chosen
        assert import_private_key(token.library, token.token, token.pin, other, key_id=chosen) == chosen
    finally:
        for made in (key_id, b"\x01" + key_id):
            destroy_key_pair(token.library, token.token, token.pin, made)
