"""`risk score`: a --history or --model file that cannot be read is a usage error naming the option (exit 2);
the shipped model, read when no --model is given, is no option's file: missing, it is one line (exit 1)."""
from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk.model import VERSION

from ..cli_errors import error_line

SYNTHETIC = ["score", "SYN-DEBTOR-0001", "--synthetic-seed", "5", "--synthetic-debtors", "3"]


def test_a_missing_history_file_is_a_usage_error_naming_the_option(tmp_path):
    r = CliRunner().invoke(risk, ["score", "D1", "--history", str(tmp_path / "nope.json")])
    assert r.exit_code == 2
    assert error_line(r) == (f"Error: Invalid value for '--history': {tmp_path / 'nope.json'}: cannot read "
                             f"file: No such file or directory")


def test_a_model_file_given_that_is_not_json_is_a_usage_error_naming_the_option(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("")
    r = CliRunner().invoke(risk, [*SYNTHETIC, "--model", str(path)])
    assert r.exit_code == 2
    assert error_line(r).startswith(f"Error: Invalid value for '--model': {path} is empty")


def test_the_default_model_missing_is_not_blamed_on_an_option_not_given(tmp_path, monkeypatch):
    missing = tmp_path / "missing.json"
    model_option = next(p for p in risk.commands["score"].params if p.name == "model_path")
    monkeypatch.setattr(model_option, "default", missing)
    r = CliRunner().invoke(risk, SYNTHETIC)
    assert r.exit_code == 1
    written = tmp_path / f"late_payment-{VERSION}.json"
    assert error_line(r) == (f"Error: no model at {missing}: check the path, or train one there with "
                             f"`recfin risk train --out {tmp_path}`, which writes {written}: pass that to "
                             f"--model")
