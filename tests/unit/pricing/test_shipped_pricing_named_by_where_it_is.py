"""`finance quote --as BANK` prices with the shipped file of the bank (client/pricing/banks/BANK.yaml) unless
--config names one. A setting wrong in that file was refused as "bank2.yaml: base_rate: ...": the user typed no file,
and the line did not say where it is. It names the file by its path now; a --config file, which the user named,
keeps the name they know it by."""
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import config

QUOTE = ["quote", "RCV-1", "--face", "1,000,000", "--due", "2026-09-25", "--on", "2026-06-30", "--grade", "C"]
SHIPPED = config.bank_config_path("bank").read_text(encoding="utf-8")


def with_a_float_rate(path):
    path.write_text(SHIPPED.replace('base_rate: "0.0310"', "base_rate: 0.031"), encoding="utf-8")
    return path


def test_the_shipped_file_of_a_bank_is_named_by_its_path(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "BANKS_DIR", tmp_path)
    path = with_a_float_rate(tmp_path / "bank2.yaml")
    result = CliRunner().invoke(finance, [*QUOTE, "--as", "bank2"])
    assert result.exit_code == 1
    assert result.output.endswith(f"Error: {path}: base_rate: write rates as strings, e.g. \"0.045\" for 4.5% (a "
                                  "float is not exact)\n")


def test_a_config_file_the_user_named_keeps_its_name(tmp_path):
    path = with_a_float_rate(tmp_path / "bank2.yaml")
    result = CliRunner().invoke(finance, [*QUOTE, "--as", "bank2", "--config", str(path)])
    assert result.exit_code == 2
    assert "Error: Invalid value for '--config': bank2.yaml: base_rate: write rates as strings" in result.output
