"""A bundle is never written inside another bundle's folder: it holds its org's private keys, which would then go
to the other company with every copy of that bundle, and be deleted when that bundle is written again (the old
folder, renamed aside, is deleted whole). Nor is an org's earlier bundle replaced while another bundle lies
inside it, which would delete that one's keys with it."""
import os

import pytest

from network import bundle
from network.errors import NetworkError


@pytest.fixture
def suppliers(tmp_path, hosts, prepared_hosts):
    out = tmp_path / "supplier-bundle"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    return out


def private_keys_under(folder) -> list[str]:
    return [os.path.join(top, name) for top, _, names in os.walk(folder) for name in names
            if b"PRIVATE KEY" in open(os.path.join(top, name), "rb").read()]


@pytest.mark.parametrize("inside", ["bank", "deeper/bank"])
def test_a_bundle_inside_another_orgs_bundle_is_refused_and_nothing_written(hosts, prepared_hosts, suppliers, inside):
    before = sorted(private_keys_under(suppliers))
    with pytest.raises(NetworkError) as refused:
        bundle.write(hosts, prepared_hosts, "bank", suppliers / inside)
    said = str(refused.value)
    assert f"{suppliers / inside} lies inside {suppliers}, which holds supplier's bundle (SupplierMSP)" in said
    assert "choose a folder outside it" in said
    assert not (suppliers / inside.split("/")[0]).exists()
    assert sorted(private_keys_under(suppliers)) == before


def test_an_orgs_earlier_bundle_holding_another_bundle_is_not_replaced(hosts, prepared_hosts, suppliers, tmp_path):
    # a bundle put there by hand (or by a recfin that let it be written there)
    inner = suppliers / "bank"
    bundle.write(hosts, prepared_hosts, "bank", tmp_path / "bank-bundle")
    (tmp_path / "bank-bundle").rename(inner)
    with pytest.raises(NetworkError) as refused:
        bundle.write(hosts, prepared_hosts, "supplier", suppliers)
    assert f"{inner} holds bank's bundle (BankMSP)" in str(refused.value)
    assert (inner / bundle.MANIFEST).is_file()


@pytest.mark.parametrize("manifest", ["{}", '{"org": null, "msp_id": 7}', "[1]"])
def test_a_bundle_json_naming_no_org_above_the_out_folder_is_named_as_a_bundle(hosts, prepared_hosts, tmp_path,
                                                                             manifest):
    enclosing = tmp_path / "kept"
    enclosing.mkdir()
    (enclosing / bundle.MANIFEST).write_text(manifest)
    with pytest.raises(NetworkError) as refused:
        bundle.write(hosts, prepared_hosts, "bank", enclosing / "bank")
    said = str(refused.value)
    assert f"lies inside {enclosing}, which holds a bundle: bank's bundle" in said, said
    assert "None" not in said
    assert not (enclosing / "bank").exists()
