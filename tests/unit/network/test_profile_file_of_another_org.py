"""An org's own profile file holding another org's profile (that org's copied over it) is named, with how to
write it again, rather than "no org" with the other org listed twice, which sends the operator looking
elsewhere."""
import shutil

import pytest

from network import profiles
from network.errors import NetworkError


def test_the_orgs_file_holding_another_orgs_profile_is_named(topology, data_root):
    profiles.write_all(topology, data_root)
    own = data_root / "profiles" / "supplier.json"
    shutil.copyfile(data_root / "profiles" / "bank.json", own)
    with pytest.raises(NetworkError) as refused:
        profiles.load("supplier", data_root)
    assert str(refused.value) == (
        f"{own} holds the connection profile of org bank (BankMSP), not of org 'supplier' (another org's "
        "profile copied over it?): run `recfin network up` to write it again (on a host installed from an "
        "org bundle: copy profiles/supplier.json from a new `recfin org bundle`)")
    assert profiles.load("bank", data_root).org == "bank"   # the org it holds is still found


def test_an_org_named_by_msp_id_lists_each_org_once(topology, data_root):
    profiles.write_all(topology, data_root)
    shutil.copyfile(data_root / "profiles" / "bank.json", data_root / "profiles" / "supplier.json")
    with pytest.raises(NetworkError) as refused:
        profiles.load("SupplierMSP", data_root)
    assert str(refused.value).endswith("choose one of bank, coreenterprise, regulator (name or MSP ID)")
