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
