"""`org remove --claims-as` and `org submit --claims-as` name a regulator org's user as every --as does, and are held
to the same rule (``cli.connection.names_a_caller``): a name no org or user can have is a usage error naming
--claims-as, exit 2, as the command line is read, before the topology is loaded or any session opened. Read by
``parse_as`` alone, a 10,000-character one was looked up as a profile, and the removal's claims said to be
unreadable with the file system's "File name too long" and the whole path."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import connection
from cli.org_commands import org

TOO_LONG = "a" * 10_000


@pytest.fixture
def nothing_connects(monkeypatch):
    def open_session(*_args, **_kwargs):
        raise AssertionError("a session was opened for a --claims-as no org can have")
    monkeypatch.setattr(connection, "open_session", open_session)


@pytest.mark.parametrize("command", [("remove", "bank2", "--dry-run"), ("submit", "update.tx")],
                         ids=lambda command: command[0])
@pytest.mark.parametrize("claims_as, said", [
    (TOO_LONG, "has 10000 characters, more than any org's name, MSP ID or user's name"),
    (f"regulator/{TOO_LONG}", "has 10000 characters, more than any org's name, MSP ID or user's name"),
    ("regulator/../x", "write ORG or ORG/USER"),
    ("regulator\x1b[2J", "holds '\\x1b', '[', which no org's name, MSP ID or user's name holds"),
], ids=["too long", "user too long", "path", "escape"])
def test_a_claims_as_no_org_or_user_can_have_is_a_usage_error(nothing_connects, tmp_path, monkeypatch, command,
                                                              claims_as, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "update.tx").write_bytes(b"")
    # given before the command's argument, which click then reads after it (an empty FILE is no config update)
    result = CliRunner().invoke(org, [command[0], "--claims-as", claims_as, *command[1:], "--data-root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    one_line = " ".join(result.output.split())
    assert "Invalid value for '--claims-as'" in one_line and said in one_line, one_line
    assert "File name too long" not in result.output and str(tmp_path) not in result.output
    assert len(result.output) < 1000
    assert [p.name for p in tmp_path.iterdir()] == ["update.tx"]      # nothing read or written under --data-root


def test_a_regulators_user_is_still_taken_as_the_command_line_is_read():
    """The name is checked, not read any further: `org remove --claims-as` of a user any regulator org can have
    goes on to the --claims-as/--no-claim-check rule the command holds it to."""
    result = CliRunner().invoke(org, ["remove", "regulator2", "--claims-as", "regulator2/inspector1",
                                      "--no-claim-check"])
    assert result.exit_code == 2, result.output
    assert "give --claims-as or --no-claim-check, not both" in result.output
