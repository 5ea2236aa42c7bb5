"""`recfin hsm import|link|generate --token`: a label that names no token (blank, as an unset variable gives it, or
holding a control character) is a usage error naming the option, before the PKCS#11 module is loaded or a PIN is
asked for, and nothing is written. Before, the command went on: it loaded the module and asked for the "User PIN
of token  " (or, without a terminal, told to set RECFIN_HSM_PIN for it), and only the token's lookup failed."""
from __future__ import annotations

import pytest

from cli import hsm_commands
from cli.main import main


@pytest.fixture
def loaded(monkeypatch):
    """The PKCS#11 modules a command loaded, and the PINs it asked for: none, where its line was refused."""
    asked = []

    class Factory:
        def __init__(self, library):
            asked.append(("module", library))

        def __enter__(self):
            return self

        def __exit__(self, *_):
            return False

        def close(self):
            pass

    monkeypatch.setattr("client.gateway.hsm.HSMSignerFactory", Factory)
    monkeypatch.setattr(hsm_commands, "_pin", lambda pin_env, token: asked.append(("pin", token)) or "1234")
    return asked


@pytest.mark.parametrize("command", [["generate", "--common-name", "supplier9@supplier"],
                                     ["import", "--as", "supplier/supplier1"],
                                     ["link", "--as", "supplier/supplier1"]], ids=["generate", "import", "link"])
@pytest.mark.parametrize("label, said", [("", "the token label is blank (an unset variable?)"),
                                         ("  ", "the token label is blank (an unset variable?)"),
                                         ("rec\nfin", "'rec\\nfin' has a control, line-break or invisible format "
                                                      "character")], ids=["empty", "spaces", "line-break"])
def test_a_token_label_that_names_no_token_is_refused_before_the_module_or_the_pin(runner, loaded, tmp_path, command,
                                                                                  label, said):
    csr = tmp_path / "x.csr"
    result = runner.invoke(main, ["hsm", *command, "--token", label,
                                  *(["--csr", str(csr)] if command[0] == "generate" else [])])
    assert result.exit_code == 2, result.output
    error = result.stderr.splitlines()[-1]
    assert error.startswith(f"Error: Invalid value for '--token': {said}"), error
    assert loaded == [] and not csr.exists()


def test_a_label_of_printable_characters_goes_on_to_the_module_and_the_pin(runner, loaded, tmp_path, monkeypatch):
    def stop_here(*_):
        raise OSError("stopped here: the label was taken")
    monkeypatch.setattr("client.gateway.hsm.token_login", stop_here)
    result = runner.invoke(main, ["hsm", "generate", "--token", "供应商 HSM", "--common-name", "supplier9@supplier",
                                  "--csr", str(tmp_path / "x.csr")])
    assert [what for what, _ in loaded] == ["module", "pin"] and loaded[1] == ("pin", "供应商 HSM"), result.output
