"""`recfin hsm`: a refusal names only ways on the CLI has (a key on a curve Fabric does not verify, another
key under the user's CKA_ID), and link or import where the MSP folder's hsm-signer.yaml is not a regular file
is refused before the token or the folder is changed."""
from __future__ import annotations

import os
import re
import stat

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pkcs11.util.ec import decode_ec_private_key

from cli.main import main
from client.gateway import key_id_for
from client.gateway.hsm import destroy_key_pair, import_private_key
from network import profiles
from network.crypto import load_key

from ..client.softhsm import private_key_ids
from . import test_hsm_commands

token, data_root, run = test_hsm_commands.token, test_hsm_commands.data_root, test_hsm_commands.run


def _store_private_key(token, key: ec.EllipticCurvePrivateKey, key_id: bytes) -> None:
    """Put ``key`` into the token under ``key_id`` as another tool would, with no check of what it is."""
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    module_token = pkcs11.lib(os.path.realpath(token.library)).get_token(token_label=token.token)
    with module_token.open(rw=True, user_pin=token.pin) as session:
        session.create_object({**decode_ec_private_key(der), pkcs11.Attribute.ID: key_id,
                               pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.PRIVATE: True,
                               pkcs11.Attribute.SIGN: True})


def _supplier2(data_root):
    user = profiles.load("supplier", data_root).user("supplier2")
    return user, key_id_for(load_key(user.key).public_key())


def _named_commands_exist(message: str) -> None:
    """Every `recfin hsm COMMAND` the message names is one, and every --curve given is one generate takes."""
    hsm = main.commands["hsm"]
    named = re.findall(r"recfin hsm (\w+)", message)
    assert named and all(name in hsm.commands for name in named), named
    curve = next(p for p in hsm.commands["generate"].params if p.name == "curve")
    curves = re.findall(r"--curve ([\w-]+)", message)
    assert curves and all(c in curve.type.choices for c in curves), curves
    user_add = main.commands["org"].commands["user"].commands["add"]
    assert "recfin org user add ORG USER --csr FILE" in message
    assert any("--csr" in p.opts for p in user_add.params)


@pytest.mark.parametrize("command", ["link", "import"])
def test_a_key_on_a_curve_fabric_does_not_verify_is_refused_naming_the_commands_that_put_one_it_does(
        runner, token, data_root, command):
    user, key_id = _supplier2(data_root)
    _store_private_key(token, ec.generate_private_key(ec.SECP256K1()), key_id)   # under the user's CKA_ID
    try:
        result = run(runner, token, command, "--as", "supplier/supplier2", "--token", token.token,
                     "--data-root", str(data_root))
        assert private_key_ids(token) >= {key_id}   # the refused key stays: only the user may delete it
    finally:
        destroy_key_pair(token.library, token.token, token.pin, key_id)
    assert result.exit_code == 1, result.output
    refused = (f"Error: the key with CKA_ID {key_id.hex()} in token '{token.token}' is on curve secp256k1, "
               "not P-256 or P-384, which Fabric's MSPs verify. Sign with a P-256 or P-384 key: import the "
               "user's keystore key (recfin hsm import; first delete this key with the HSM's tool if it "
               "holds that key's CKA_ID)")
    assert result.output.startswith(refused), result.output
    _named_commands_exist(result.output)
    assert not (user.msp_dir / "hsm-signer.yaml").exists()


def test_import_over_another_key_under_the_users_id_says_to_delete_it_not_to_give_an_id_import_takes_none(
        runner, token, data_root):
    user, key_id = _supplier2(data_root)
    _store_private_key(token, ec.generate_private_key(ec.SECP256R1()), key_id)
    try:
        before = private_key_ids(token)
        result = test_hsm_commands.import_supplier2(runner, token, data_root)
        assert private_key_ids(token) == before
    finally:
        destroy_key_pair(token.library, token.token, token.pin, key_id)
    assert result.exit_code == 1, result.output
    assert result.output == (f"Error: token '{token.token}' already holds another private key with CKA_ID "
                             f"{key_id.hex()}, this key's own ID (Fabric's SKI of it), so nothing was "
                             "imported: delete that key with the HSM's tool, then import again\n")
    assert not any(p.name == "key_id" for p in main.commands["hsm"].commands["import"].params)
    assert not (user.msp_dir / "hsm-signer.yaml").exists()


@pytest.mark.parametrize("kind", ["folder", "symlink to a device"])
@pytest.mark.parametrize("command", ["link", "import"])
def test_a_signer_file_place_that_no_file_can_take_is_refused_before_the_token_or_the_folder_changes(
        runner, token, data_root, command, kind):
    user, key_id = _supplier2(data_root)
    if command == "link":   # the user's key is in the token, so the test signature would pass
        import_private_key(token.library, token.token, token.pin, load_key(user.key))
    signer_file = user.msp_dir / "hsm-signer.yaml"
    if kind == "folder":
        signer_file.mkdir()
    else:
        signer_file.symlink_to("/dev/null")
    user.msp_dir.chmod(0o775)   # as made under umask 002: hsm link and import take go-w off it before writing
    try:
        before = private_key_ids(token)
        result = run(runner, token, command, "--as", "supplier/supplier2", "--token", token.token,
                     "--data-root", str(data_root))
        assert private_key_ids(token) == before
    finally:
        destroy_key_pair(token.library, token.token, token.pin, key_id)
    assert result.exit_code == 1, result.output
    what = "a folder" if kind == "folder" else "a symlink to a device"
    assert result.output == (f"Error: {signer_file} is {what}, not a regular file, so hsm-signer.yaml cannot "
                             "be written there; nothing was changed. Move it out of the MSP folder (or "
                             "remove it), then run this again\n")
    assert stat.S_IMODE(user.msp_dir.stat().st_mode) == 0o775
    assert signer_file.is_dir() if kind == "folder" else os.readlink(signer_file) == "/dev/null"
