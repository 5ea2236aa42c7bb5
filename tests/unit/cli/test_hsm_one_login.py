"""`recfin hsm import` and `generate` log in to the token once per run, so a wrong PIN costs one of the token's
tries (an HSM locks the user PIN after a few); and a signer file that is not a regular file is an error, never a
silent fall-back to the keystore key."""
from __future__ import annotations

import json

import pytest

from client.gateway import open_msp_folder
from client.gateway.hsm import HSMError
from network import profiles

from ..client import softhsm
from . import test_hsm_commands

token, data_root, run = test_hsm_commands.token, test_hsm_commands.data_root, test_hsm_commands.run
logins = softhsm.logins


def test_a_wrong_pin_on_import_is_tried_once_and_nothing_is_written(runner, token, data_root, logins):
    result = run(runner, token, "import", "--as", "supplier/supplier2", "--token", token.token,
                 "--data-root", str(data_root), pin="0000")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: wrong user PIN for token '{token.token}'")
    assert logins == ["0000"]
    assert not (profiles.load("supplier", data_root).user("supplier2").msp_dir / "hsm-signer.yaml").exists()


def test_an_import_logs_in_once_for_the_check_the_import_and_the_test_signature(runner, token, data_root, logins):
    result = run(runner, token, "import", "--as", "supplier/supplier3", "--token", token.token,
                 "--data-root", str(data_root), "--json")
    assert result.exit_code == 0, result.output
    assert logins == [token.pin]
    assert json.loads(result.stdout)["user"] == "supplier/supplier3"


def test_a_wrong_pin_on_generate_is_tried_once_and_makes_no_request(runner, token, tmp_path, logins):
    csr = tmp_path / "officer9.csr"
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "officer9@bank",
                 "--csr", str(csr), pin="0000")
    assert result.exit_code == 1 and "wrong user PIN" in result.output
    assert logins == ["0000"] and not csr.exists()


def test_generate_logs_in_once_for_the_key_and_the_request_it_signs(runner, token, tmp_path, logins):
    csr = tmp_path / "officer8.csr"
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "officer8@bank",
                 "--csr", str(csr))
    assert result.exit_code == 0, result.output
    assert logins == [token.pin] and csr.is_file()


def _signer_file_that_is_not_a_file(msp_dir, kind: str):
    signer_file = msp_dir / "hsm-signer.yaml"
    if kind == "dangling symlink":
        signer_file.symlink_to(msp_dir / "moved-away.yaml")
        return signer_file, "is a symlink to nothing"
    if kind == "symlink loop":
        signer_file.symlink_to(signer_file)
        return signer_file, "is a symlink loop"
    if kind == "symlink to a folder":     # its target is there: it is what it points at, not "nothing"
        signer_file.symlink_to(msp_dir / "signcerts")
    elif kind == "symlink to /dev/null":
        signer_file.symlink_to("/dev/null")
    else:
        signer_file.mkdir()
    return signer_file, "is not a regular file"


NOT_A_FILE = ["dangling symlink", "folder", "symlink loop", "symlink to a folder", "symlink to /dev/null"]


@pytest.mark.parametrize("kind", NOT_A_FILE)
def test_a_signer_file_that_is_not_a_file_is_refused_not_taken_for_a_keystore_folder(data_root, kind):
    user = profiles.load("supplier", data_root).user("supplier1")   # its keystore key is still there
    signer_file, said = _signer_file_that_is_not_a_file(user.msp_dir, kind)
    with pytest.raises(HSMError) as refused:
        with open_msp_folder(user.msp_dir, "SupplierMSP"):
            pass
    assert str(refused.value).startswith(f"{signer_file} {said}, so the HSM key of this MSP folder cannot be read; "
                                         "the keystore key is not used instead")


@pytest.mark.parametrize("kind", NOT_A_FILE)
def test_check_of_a_user_whose_signer_file_is_not_a_file_says_so(runner, token, data_root, kind):
    user = profiles.load("supplier", data_root).user("supplier1")
    signer_file, said = _signer_file_that_is_not_a_file(user.msp_dir, kind)
    result = run(runner, token, "check", "--as", "supplier/supplier1", "--data-root", str(data_root), "--json")
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {signer_file} {said}")
