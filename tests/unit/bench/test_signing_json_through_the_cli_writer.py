"""`python -m bench.signing --json` prints its report as every recfin command prints its --json
(cli.output.json_text): keys sorted, a Chinese token label as itself, a line separator in it escaped."""
import json

from click.testing import CliRunner

from bench import signing
from cli.output import json_text

LABEL = "签名令牌\u2028二号"


def test_signing_prints_its_report_through_the_cli_writer(monkeypatch):
    row = signing.Row(signer="pkcs11", library="/opt/hsm/lib.so", token=LABEL, signatures=1,
                      wall_ms_per_signature=1.0, wall_p50_ms=1.0, wall_p99_ms=1.0, cpu_ms_per_signature=1.0)
    monkeypatch.setattr(signing, "measure_both", lambda *args: [row])
    monkeypatch.setenv(signing.DEFAULT_PIN_ENV, "1234")
    result = CliRunner().invoke(signing.main, ["--token", "t", "--key-label", "k", "--iterations", "1", "--warmup",
                                               "0", "--json"])
    assert result.exit_code == 0, result.output
    assert "签名令牌" in result.output and "\u2028" not in result.output
    assert result.output == json_text(json.loads(result.output), indent=2) + "\n"
    assert json.loads(result.output)["rows"][0]["token"] == LABEL
