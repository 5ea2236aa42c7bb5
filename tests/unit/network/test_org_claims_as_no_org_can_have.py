"""`org remove --claims-as` and `org submit --claims-as` name a regulator org's user as every --as does, and are held
to the same rule (``cli.connection.names_a_caller``): a name no org or user can have is a usage error naming
--claims-as, exit 2, as the command line is read, before the topology is loaded or any session opened. Read by
``parse_as`` alone, a 10,000-character one was looked up as a profile, and the removal's claims said to be
unreadable with the file system's "File name too long" and the whole path; a malformed one was refused naming --as,
an option these commands do not have."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.org_commands import org

from ..names_no_org_can_have import named_no_org_can_have, no_session_opened, refused_on_one_short_line


@pytest.mark.parametrize("command", [("remove", "bank2", "--dry-run"), ("submit", "update.tx")],
                         ids=lambda command: command[0])
@pytest.mark.parametrize("claims_as, said", [*named_no_org_can_have("regulator"),
                                             pytest.param("regulator/../x", "write ORG or ORG/USER", id="two slashes")])
def test_a_claims_as_no_org_or_user_can_have_is_a_usage_error(tmp_path, monkeypatch, command, claims_as, said):
    no_session_opened(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "update.tx").write_bytes(b"")
    # given before the command's argument, which click then reads after it (an empty FILE is no config update)
    result = CliRunner().invoke(org, [command[0], "--claims-as", claims_as, *command[1:], "--data-root", str(tmp_path)])
    refused_on_one_short_line(result, "--claims-as", said, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["update.tx"]      # nothing read or written under --data-root


def test_a_regulators_user_is_still_taken_as_the_command_line_is_read():
    """The name is checked, not read any further: `org remove --claims-as` of a user any regulator org can have
    goes on to the --claims-as/--no-claim-check rule the command holds it to."""
    result = CliRunner().invoke(org, ["remove", "regulator2", "--claims-as", "regulator2/inspector1",
                                      "--no-claim-check"])
    assert result.exit_code == 2, result.output
    assert "give --claims-as or --no-claim-check, not both" in result.output
