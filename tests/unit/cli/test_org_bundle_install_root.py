"""`recfin org bundle --install-root` is an absolute path without control characters: the profile and compose file
name files under it on the org's host, where a relative one would be read from whatever folder they are used in."""
import pytest

from cli.main import main


@pytest.mark.parametrize("root, says", [
    ("relative/x", "'relative/x' is not an absolute path"),
    ("", "'' is empty: give the path of a folder"),
    ("/srv/a\nb", "'/srv/a\\nb' has a control character"),
    ("/srv/\x1b[2Jx", "has a control character"),
])
def test_org_bundle_refuses_an_install_root_that_is_not_an_absolute_path(runner, tmp_path, root, says):
    out = tmp_path / "bundle"
    result = runner.invoke(main, ["org", "bundle", "supplier", "--data-root", str(tmp_path / "hosts"), "--out",
                                  str(out), "--install-root", root])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--install-root'" in result.output and says in result.output
    assert "give the absolute path of the folder the org unpacks the bundle into on its host" in result.output or (
        root == "" and "(an unset shell variable gives '')" in result.output)
    assert not out.exists()


def test_org_bundle_refuses_an_install_root_whose_dollar_fabric_expands(runner, tmp_path):
    # `recfin host` runs the `peer` CLI from the unpacked bundle, whose FABRIC_CFG_PATH viper expands: it refuses
    # a bundle there, so the bundle is refused before it is written for it
    out = tmp_path / "bundle"
    result = runner.invoke(main, ["org", "bundle", "supplier", "--data-root", str(tmp_path / "hosts"), "--out",
                                  str(out), "--install-root", "/srv/$ORG/recfin"])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--install-root': the install root's path holds a $ (/srv/$ORG/recfin)" in result.output
    assert "give --install-root a folder whose path has no $" in " ".join(result.output.split())
    assert not out.exists()


def test_org_bundle_takes_an_install_root_whose_dollar_fabric_keeps(runner, tmp_path):
    # a $ before a slash or at the end is kept by viper: such a root is taken, and the bundle fails on what follows
    result = runner.invoke(main, ["org", "bundle", "supplier", "--data-root", str(tmp_path / "hosts"), "--out",
                                  str(tmp_path / "bundle"), "--install-root", "/srv/price$/recfin$"])
    assert result.exit_code == 1 and "no crypto material for supplier" in result.output, result.output
