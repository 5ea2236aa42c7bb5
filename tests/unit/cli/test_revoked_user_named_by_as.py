"""A user `--as ORG/USER` names whom the connection profile marks revoked (the org's CRL lists its
certificate) is refused before anything connects, naming the user and the users to act as instead: sent,
every peer refuses its signature with words naming neither, and the default user is never a revoked one."""
import json
import shutil

import pytest

from cli.main import main


@pytest.fixture
def revoked(network_copy, connecting):
    """conftest's connecting, with supplier1 marked revoked in supplier's profile."""
    path = network_copy / "profiles" / "supplier.json"
    profile = json.loads(path.read_text())
    profile["users"]["supplier1"]["revoked"] = True
    path.write_text(json.dumps(profile))
    return connecting


def test_a_revoked_user_named_is_refused_before_connecting(runner, network_copy, revoked):
    res = runner.invoke(main, ["receivable", "list", "--as", "supplier/supplier1"])
    assert res.exit_code == 1, res.output
    cert = network_copy / "crypto/supplier/users/supplier1@supplier.recfin.local/msp/signcerts/cert.pem"
    assert res.output.strip().splitlines()[-1] == (
        f"Error: user supplier1 of org supplier is revoked (the org's CRL lists its certificate {cert}), so "
        "no peer takes its signature: nothing was sent; act as another client user of supplier (supplier2, "
        "supplier3, supplier4)")
    assert revoked == []


def test_the_default_user_and_one_not_revoked_still_connect(runner, revoked):
    for who in ("supplier", "supplier/supplier3"):
        res = runner.invoke(main, ["receivable", "list", "--as", who])
        assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    assert [subject.split(",")[0] for _address, _msp_id, subject in revoked] == ["CN=supplier2@supplier.recfin.local",
                                                                 "CN=supplier3@supplier.recfin.local"]


def test_a_revoked_user_whose_folder_was_removed_is_named_revoked(runner, network_copy, revoked):
    """The profile marks a revoked user so whose folder is gone (its CRL lists the copy the org's CA kept): it is
    named revoked, with the users to act as, not told to restore a folder whose key no peer takes any more."""
    user_folder = network_copy / "crypto/supplier/users/supplier1@supplier.recfin.local"
    shutil.rmtree(user_folder)
    res = runner.invoke(main, ["receivable", "list", "--as", "supplier/supplier1"])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    assert "user supplier1 of org supplier is revoked" in said and "restore it" not in said, said
    assert revoked == []
