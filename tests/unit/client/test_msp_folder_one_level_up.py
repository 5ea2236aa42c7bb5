"""load_msp_folder given the user's folder rather than the MSP folder inside it (orgs/org1/users/User1 for
orgs/org1/users/User1/msp, as cryptogen lays them out) names the MSP folder to give. It said only that there was
no certificate in User1/signcerts, which reads as a certificate lost."""

import pytest

from client.gateway import load_msp_folder
from .gateway_fakes import key_pem, make_key_and_cert

KEY, CERT = make_key_and_cert("user1")


def _user_folder(tmp_path):
    user = tmp_path / "users" / "User1@org1.example.com"
    (user / "msp" / "signcerts").mkdir(parents=True)
    (user / "msp" / "keystore").mkdir()
    (user / "msp" / "signcerts" / "cert.pem").write_bytes(CERT)
    (user / "msp" / "keystore" / "priv_sk").write_bytes(key_pem(KEY))
    (user / "tls").mkdir()
    return user


def test_the_users_folder_is_refused_naming_its_msp_folder(tmp_path):
    user = _user_folder(tmp_path)
    with pytest.raises(ValueError, match=(
            rf"^no certificate in {user / 'signcerts'} \(expected \*\.pem\): {user} is the user's folder, not its MSP "
            rf"folder; give {user / 'msp'}$")):
        load_msp_folder(user, "Org1MSP")
    identity, _ = load_msp_folder(user / "msp", "Org1MSP")
    assert identity.credentials == CERT


def test_a_folder_with_no_msp_folder_inside_says_only_what_is_missing(tmp_path):
    with pytest.raises(ValueError, match=rf"^no certificate in {tmp_path / 'signcerts'} \(expected \*\.pem\)$"):
        load_msp_folder(tmp_path, "Org1MSP")
