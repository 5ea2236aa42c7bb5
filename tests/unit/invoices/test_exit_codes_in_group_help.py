"""`recfin invoice --help` lists the exit codes the commands give: exit 3 is also a call sent whose answer was lost
(it may have committed), not only a tool or the network missing, which a script takes as nothing done."""
from __future__ import annotations

import re

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group

from ._ledger import Ledger
from .test_attest import INVOICE, MATCHED, answer_lost_once, run


def exit_codes_said() -> str:
    """The paragraph of `recfin invoice --help` that lists the exit codes, on one line."""
    text = CliRunner().invoke(invoice_group, ["--help"], terminal_width=400).output
    [said] = [paragraph for paragraph in text.split("\n\n") if paragraph.strip().startswith("Exit codes:")]
    return " ".join(said.split())


def test_the_exit_code_of_a_registration_whose_answer_was_lost_is_said_to_mean_it_may_have_committed(monkeypatch):
    Ledger().serve(monkeypatch)
    answer_lost_once(monkeypatch, "RegisterReceivable")
    lost = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1")
    assert "it may have committed" in lost.output, lost.output
    said = exit_codes_said()
    meaning = re.search(rf"\b{lost.exit_code} (.*?)(; \d+ |$)", said).group(1)
    assert "may have committed" in meaning, said
    assert "130 stopped by Ctrl-C" in said
