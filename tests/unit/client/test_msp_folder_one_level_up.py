"""load_msp_folder given the user's folder rather than the MSP folder inside it (orgs/org1/users/User1 for
orgs/org1/users/User1/msp, as cryptogen lays them out) names the MSP folder to give. It said only that there was
no certificate in User1/signcerts, which reads as a certificate lost. A folder with no certificate at all says
where one comes from, one whose certificate is not named *.pem to rename it, and a path that does not exist so."""

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


def test_a_folder_without_a_certificate_says_where_one_comes_from(tmp_path):
    with pytest.raises(ValueError) as refused:
        load_msp_folder(tmp_path, "Org1MSP")
    message = str(refused.value)
    assert message.startswith(f"no certificate in {tmp_path / 'signcerts'} (expected *.pem): "), message
    # what to do: the certificate its org's CA issued, which `recfin org user add` writes with the folder
    assert "the certificate its org's CA issued" in message and "`recfin org user add ORG NAME`" in message, message


def test_a_certificate_not_named_pem_is_named_with_what_to_do(tmp_path):
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "signcerts" / "cert.crt").write_bytes(CERT)
    with pytest.raises(ValueError, match=(
            rf"^no certificate in {tmp_path / 'signcerts'} \(expected \*\.pem\): it holds cert\.crt, not named "
            r"\*\.pem: rename the identity's PEM certificate to end in \.pem$")):
        load_msp_folder(tmp_path, "Org1MSP")


def test_a_path_that_does_not_exist_is_named_so(tmp_path):
    missing = tmp_path / "users" / "User1" / "mps"
    with pytest.raises(ValueError, match=(
            rf"^{missing} does not exist: give the identity's MSP folder, the one holding signcerts/ and "
            "keystore/$")):
        load_msp_folder(missing, "Org1MSP")


def test_a_file_given_for_the_folder_is_named_so(tmp_path):
    (tmp_path / "cert.pem").write_bytes(CERT)
    with pytest.raises(ValueError, match=rf"^{tmp_path / 'cert.pem'} is a file, not a folder: give the identity's MSP "):
        load_msp_folder(tmp_path / "cert.pem", "Org1MSP")
