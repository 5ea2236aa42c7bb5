"""`recfin receivable audit --help` names what the audit lets change between registration and confirmation."""

import re

from click.testing import CliRunner

from cli.main import main
from client.receivables.audit import CHANGED_BEFORE_CONFIRMATION


def test_the_help_names_every_field_the_audit_lets_differ_before_confirmation():
    # the help is what an auditor reads to know what a passing check allowed; a field the code lets through and
    # the help leaves out reads as a change the check would have caught
    shown = " ".join(CliRunner().invoke(main, ["receivable", "audit", "--help"], terminal_width=400).output.split())
    listed = re.search(r"only (.+?) may differ", shown)
    assert listed is not None, shown
    named = set(re.split(r",\s*|\s+and\s+", listed.group(1)))
    assert named == set(CHANGED_BEFORE_CONFIRMATION)
