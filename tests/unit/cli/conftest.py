import pytest
from click.testing import CliRunner


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """A CLI runner whose network lives in tmp_path and whose Fabric install is empty."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(tmp_path / "fabric"))
    for var in ("RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG", "RECFIN_TOPOLOGY"):
        monkeypatch.delenv(var, raising=False)
    return CliRunner()
