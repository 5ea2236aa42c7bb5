"""A ledger command's signing folder whose certificate another org's CA issued (an --msp-dir of another org's
admin, a user's folder copied from another org) is refused before anything connects, naming the certificate
file: sent, its signatures would go out under the org's MSP ID to the org's peer, which refuses them without
naming either."""
import shutil

from cli.main import main

from .conftest import user_msp

BIND = ["party", "bind", "91310000MA1K00002C", "--client", "supplier2"]


def test_an_msp_dir_of_another_orgs_admin_is_refused_before_connecting(runner, network_copy, connecting):
    bank_admin = user_msp(network_copy, "bank", "admin")
    res = runner.invoke(main, BIND + ["--as", "supplier/admin", "--msp-dir", str(bank_admin)])
    assert res.exit_code == 1, res.output
    line = res.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: the certificate {bank_admin / 'signcerts' / 'cert.pem'} "
                           "(CN=admin@bank.recfin.local,OU=admin,O=bank.recfin.local,C=CN, issued by "
                           "CN=ca.bank.recfin.local,O=bank.recfin.local,C=CN) was not issued by a CA of org "
                           "supplier (SupplierMSP)"), line
    assert line.endswith("give --msp-dir the MSP folder of an admin of supplier, or act as the org that "
                         "issued it")
    assert connecting == []


def test_a_profile_users_folder_holding_another_orgs_identity_is_refused(runner, network_copy, connecting):
    folder = user_msp(network_copy, "supplier", "supplier1")
    shutil.rmtree(folder)
    shutil.copytree(user_msp(network_copy, "bank", "officer1"), folder)
    res = runner.invoke(main, ["receivable", "list", "--as", "supplier/supplier1"])
    assert res.exit_code == 1, res.output
    line = res.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: the certificate {folder / 'signcerts' / 'cert.pem'} "
                           "(CN=officer1@bank.recfin.local,"), line
    assert line.endswith(f"put supplier1's own certificate and key back in {folder}, or act as another "
                         "user of supplier")
    assert connecting == []


def test_the_orgs_own_admin_folder_kept_elsewhere_still_connects(runner, network_copy, connecting, tmp_path):
    kept = tmp_path / "secure" / "msp"
    shutil.copytree(user_msp(network_copy, "supplier", "admin"), kept)
    res = runner.invoke(main, BIND + ["--as", "supplier/admin", "--msp-dir", str(kept)])
    assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    assert connecting == [("127.0.0.1:8051", "SupplierMSP",
                           "CN=admin@supplier.recfin.local,OU=admin,O=supplier.recfin.local,C=CN")]
