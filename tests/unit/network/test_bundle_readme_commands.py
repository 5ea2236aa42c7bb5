"""The `recfin host` commands a bundle's README gives run as written: each opens the bundle at its install
root, however that is spelt (a space in it included)."""
import re
import shlex
from pathlib import Path

import pytest

from cli.main import main
from network import bundle

README_HOST_COMMAND = re.compile(r"recfin (host [^`#\n]*)")


def bundle_each_command_opens(readme: str, monkeypatch) -> dict[str, Path]:
    """Each `recfin host ...` command of the README (code lines and inline ones) -> the --bundle it parses to,
    as the shell splits it and the CLI reads it (RECFIN_BUNDLE unset, as on a fresh host)."""
    monkeypatch.delenv("RECFIN_BUNDLE", raising=False)
    opened = {}
    for match in README_HOST_COMMAND.finditer(readme):
        args = shlex.split(match.group(1))
        host = main.get_command(main.make_context("recfin", ["host"]), "host")
        parent = host.make_context("host", args[1:], parent=main.make_context("recfin", ["host"]))
        command = host.get_command(parent, args[1])
        parsed = command.make_context(args[1], args[2:], parent=parent)
        opened[match.group(0).strip()] = parsed.params["bundle_root"]
    return opened


@pytest.mark.parametrize("install_root", ["/srv/bank", "/srv/recfin bank"])
def test_every_host_command_of_the_readme_opens_the_install_root(install_root, hosts, prepared_hosts,
                                                                   tmp_path, monkeypatch):
    written = bundle.write(hosts, prepared_hosts, "bank", tmp_path / "bank", Path(install_root))
    opened = bundle_each_command_opens((written.root / bundle.README_FILE).read_text(), monkeypatch)
    # join, approve, status, and the commit (both ways) once every org has approved
    assert {command.split()[2] for command in opened} == {"join", "approve", "status", "commit"}
    assert any("--commit" in command for command in opened)
    assert opened == {command: Path(install_root) for command in opened}


def test_the_readme_says_where_scripts_install_puts_recfin(hosts, prepared_hosts, tmp_path):
    # scripts/install makes .venv/bin/recfin in the checkout and touches no PATH: a bare `recfin` run as the
    # README writes it is "command not found" until the host is told where it is
    written = bundle.write(hosts, prepared_hosts, "bank", tmp_path / "bank")
    readme = (written.root / bundle.README_FILE).read_text()
    assert re.search(r"`scripts/install` in a recfin checkout puts `recfin` in its\s+\.venv/bin", readme)
