"""`recfin hsm` asks for the token's user PIN, when its variable is unset and stdin is a terminal, on
stderr: on stdout the question began the command's --json (and with stdout sent to a file, the operator
never saw it)."""
from __future__ import annotations

import io
import json

from cli.main import main

from ..client.softhsm import private_key_ids
from . import test_hsm_commands

token = test_hsm_commands.token   # the SoftHSM2 token fixture


class _Terminal(io.BytesIO):
    """What the operator types, on a stdin that is a terminal."""

    def isatty(self) -> bool:
        return True


def test_the_pin_is_asked_on_stderr_and_stdout_holds_only_the_json(runner, token, tmp_path, monkeypatch):
    monkeypatch.delenv("RECFIN_HSM_PIN", raising=False)
    csr = tmp_path / "supplier9.csr"
    result = runner.invoke(main, ["hsm", "generate", "--token", token.token, "--common-name",
                                  "supplier9@supplier", "--csr", str(csr), "--json"],
                           input=_Terminal(f"{token.pin}\n".encode()))
    assert result.exit_code == 0, result.output
    generated = json.loads(result.stdout)
    assert generated["token"] == token.token and generated["csr"] == str(csr)
    assert bytes.fromhex(generated["key_id"]) in private_key_ids(token)
    assert "User PIN of token" in result.stderr and "RECFIN_HSM_PIN is unset" in result.stderr
    assert token.pin not in result.stdout + result.stderr   # typed, never echoed
