"""`recfin org sign` and `org submit` given an empty --as, as an unset shell variable gives: refused before the file is
read, as a blank --as is by every other command; taken as "not given", they signed or submitted as the default org."""
import pytest
from click.testing import CliRunner

from cli import org_commands
from cli.main import main


@pytest.fixture
def members(monkeypatch):
    read = []
    monkeypatch.setattr(org_commands, "_file_members", lambda *args: read.append(args) or pytest.fail("file read"))
    return read


@pytest.mark.parametrize("command, what", [(["org", "sign"], "signs"), (["org", "submit"], "submits")])
@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_as_is_refused_naming_the_org_wanted(tmp_path, members, command, what, blank):
    update = tmp_path / "bank2.tx"
    update.write_bytes(b"update")
    res = CliRunner().invoke(main, [*command, str(update), "--as", blank])
    assert res.exit_code == 2, res.output
    assert res.output.splitlines()[-1] == (f"Error: Invalid value for '--as': {blank!r} is blank (an unset shell "
                                           f"variable?): name the org whose admin {what}, or leave --as out for "
                                           "the default")
    assert members == []
