"""An org admin's command (`party register`, `party rename`, `party bind`, `party unbind`, `chaincode
upgrade-ledger`) whose --as names a client user, or whose --msp-dir holds a client's folder, is refused before
anything connects, naming `--as ORG/admin`: sent, it signed as that client and the contract refused it without
saying whom to act as. An admin, by the profile or by an --msp-dir folder kept elsewhere, still connects."""
import shutil

import pytest

from cli.main import main

from .conftest import user_msp

USCC = "91310000MA1K00002C"
def common_names(connected):
    """The CN of each certificate `connecting` recorded."""
    return [subject.split(",")[0] for _address, _msp_id, subject in connected]


ADMIN_COMMANDS = {
    "party register": ["party", "register", "--uscc", USCC, "--name", "Tier-1 Parts Co.", "--role", "supplier",
                       "--client", "supplier2"],
    "party rename": ["party", "rename", USCC, "--name", "Tier-1 Auto Parts Co."],
    "party bind": ["party", "bind", USCC, "--client", "supplier2"],
    "party unbind": ["party", "unbind", USCC, "--client", "supplier2"],
    "chaincode upgrade-ledger": ["chaincode", "upgrade-ledger"],
}


@pytest.mark.parametrize("command", ADMIN_COMMANDS.values(), ids=ADMIN_COMMANDS.keys())
def test_a_client_user_named_by_as_is_refused_before_connecting(runner, connecting, command):
    org = "regulator" if command[0] == "chaincode" else "supplier"
    user = "inspector1" if org == "regulator" else "supplier1"
    res = runner.invoke(main, command + ["--as", f"{org}/{user}"])
    assert res.exit_code == 2, res.output
    message = " ".join(res.output.split())
    assert (f"Invalid value for '--as': user {user} of org {org} (a client user in its profile) is not an "
            f"admin of org {org}, whom this command is for: its certificate (CN={user}@{org}.recfin.local,"
            "OU=client,") in message, message
    assert message.endswith(f"so the contract would refuse it: nothing was sent; act as --as {org}/admin (with "
                            "--msp-dir DIR where the admin's folder is kept elsewhere)"), message
    assert connecting == []


def test_an_msp_dir_of_a_client_is_refused_before_connecting(runner, network_copy, connecting, tmp_path):
    kept = tmp_path / "kept" / "msp"
    shutil.copytree(user_msp(network_copy, "supplier", "supplier3"), kept)
    res = runner.invoke(main, ADMIN_COMMANDS["party bind"] + ["--as", "supplier/admin", "--msp-dir", str(kept)])
    assert res.exit_code == 2, res.output
    message = " ".join(res.output.split())
    assert f"Invalid value for '--msp-dir': the certificate {kept / 'signcerts' / 'cert.pem'} --msp-dir " \
           "gives is not an admin of org supplier" in message, message
    assert message.endswith("give --msp-dir the MSP folder of an admin of supplier, or leave it out and act "
                            "as --as supplier/admin"), message
    assert connecting == []


def test_the_admin_and_an_admin_folder_kept_elsewhere_still_connect(runner, network_copy, connecting, tmp_path):
    kept = tmp_path / "secure" / "msp"
    shutil.copytree(user_msp(network_copy, "supplier", "admin"), kept)
    for who in (["--as", "supplier/admin"], ["--as", "supplier"], ["--as", "supplier/supplier1", "--msp-dir",
                                                                      str(kept)]):
        res = runner.invoke(main, ADMIN_COMMANDS["party bind"] + who)
        assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    res = runner.invoke(main, ADMIN_COMMANDS["chaincode upgrade-ledger"])
    assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    assert common_names(connecting) == ["CN=admin@supplier.recfin.local"] * 3 + ["CN=admin@regulator.recfin.local"]


def test_a_client_user_still_runs_a_clients_command(runner, connecting):
    res = runner.invoke(main, ["party", "whoami", "--as", "supplier/supplier1"])
    assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    assert common_names(connecting) == ["CN=supplier1@supplier.recfin.local"]
