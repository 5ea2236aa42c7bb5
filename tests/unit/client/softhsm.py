"""A real PKCS#11 token for the HSM tests: SoftHSM2, its tokens in the test run's temporary folder.

SoftHSM2 reads its configuration (``SOFTHSM2_CONF``) and lists its tokens once, when the process first
initialises the module; tokens made later are not seen. So every token and key the tests need is made
up front, with SoftHSM2's own ``softhsm2-util``, once per test process, whichever test module asks first.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from client.gateway import key_id_for
from client.gateway.hsm import SOFTHSM2_LIBRARY, HSMSignerFactory

from .gateway_fakes import make_key_and_cert

TOKEN = "recfin-test"
EMPTY_TOKEN = "recfin-empty"   # initialised, with the same PINs, and no key in it
USER_PIN = "1234-user"
SO_PIN = "87654321-so"


@dataclass(frozen=True)
class SoftHSM:
    library: str
    token: str
    pin: str
    user_key: ec.EllipticCurvePrivateKey      # imported with softhsm2-util, CKA_ID = its Fabric SKI
    user_cert: bytes                           # the PEM certificate of user_key
    rsa_key_id: bytes                          # an RSA key: not one Fabric signs with
    k1_key_id: bytes                           # an EC key on secp256k1: not a curve Fabric's MSPs verify
    config: str                                # SOFTHSM2_CONF for the module to find these tokens
    empty_token: str = EMPTY_TOKEN


_made: SoftHSM | None = None


def softhsm(tmp_path_factory) -> SoftHSM:
    """The token (made on first use); skips when SoftHSM2 is not installed."""
    global _made
    if _made is not None:
        return _made
    if not Path(SOFTHSM2_LIBRARY).is_file() or shutil.which("softhsm2-util") is None:
        pytest.skip(f"SoftHSM2 is not installed ({SOFTHSM2_LIBRARY} or softhsm2-util missing): "
                    "apt-get install softhsm2 (scripts/install-os-packages does so as root)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(config)}

    def util(*args: str) -> None:
        subprocess.run(["softhsm2-util", *args], env=env, check=True, capture_output=True, text=True)

    for label in (TOKEN, EMPTY_TOKEN):
        util("--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN)
    user_key, user_cert = make_key_and_cert("hsmuser@supplier")
    rsa_key_id, k1_key_id = b"rsa-key", b"k1-key"
    for name, key, key_id in [("user", user_key, key_id_for(user_key.public_key())),
                              ("rsa", rsa.generate_private_key(65537, 2048), rsa_key_id),
                              ("k1", ec.generate_private_key(ec.SECP256K1()), k1_key_id)]:
        pem = folder / f"{name}.pem"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        util("--import", str(pem), "--token", TOKEN, "--label", name, "--id", key_id.hex(), "--pin", USER_PIN)
        pem.unlink()

    # The module reads SOFTHSM2_CONF when it is initialised. Another test may have loaded it already (a
    # command given --library), with the machine's configuration: initialise it again, with this one.
    # The variable is not left set for the rest of the test run.
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    try:
        HSMSignerFactory(SOFTHSM2_LIBRARY).close()
        pkcs11.lib(os.path.realpath(SOFTHSM2_LIBRARY)).reinitialize()   # the same module object the SDK uses
    finally:
        if previous is None:
            del os.environ["SOFTHSM2_CONF"]
        else:
            os.environ["SOFTHSM2_CONF"] = previous
    _made = SoftHSM(SOFTHSM2_LIBRARY, TOKEN, USER_PIN, user_key, user_cert, rsa_key_id, k1_key_id, str(config))
    return _made


def private_key_ids(token: SoftHSM) -> set[bytes]:
    """The CKA_IDs of the private keys in the token, seen by PKCS#11 code of its own (no signer may be open:
    its login would be this code's too)."""
    with pkcs11.lib(os.path.realpath(token.library)).get_token(token_label=token.token).open(
            user_pin=token.pin) as session:
        return {k[pkcs11.Attribute.ID] for k in session.get_objects(
            {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY})}


@pytest.fixture
def logins(monkeypatch) -> list[str]:
    """The PIN of every C_Login this process makes (client.gateway.hsm._log_in), in order."""
    from client.gateway import hsm

    tried = []
    log_in = hsm._log_in

    def counted(token_object, pin, *args):
        tried.append(pin)
        return log_in(token_object, pin, *args)

    monkeypatch.setattr(hsm, "_log_in", counted)
    return tried
