"""Each `recfin receivable register --help` example registers, run as written against the contract (its debtor the
sample buyer, its contract file given by hash), and one of them shows an invoice delivered on paper
(数电纸质发票), ``--invoice N,DATE,AMOUNT,TAX,,PAPER_CODE,PAPER_NUMBER``, registered under its paper identity
too: the form the option's help describes had no example, so a reader had to assemble the empty code and the two
paper fields from prose."""
from __future__ import annotations

import re
import shlex
from datetime import date, datetime, timezone

from click.testing import CliRunner

from cli import receivable_commands
from cli.main import main

from ..invoices._ledger import Ledger
from ..invoices._samples import BUYER, SELLER

EXAMPLE_DAY = date(2026, 12, 1)     # the examples' issue date: their due dates are after it


def _examples() -> list[list[str]]:
    """The arguments of each example of the command's --help, after `recfin`."""
    result = CliRunner().invoke(main, ["receivable", "register", "--help"], terminal_width=400)
    assert result.exit_code == 0, result.output
    block = result.output.split("Example:", 1)[1].split("\n\n", 1)[0]
    commands = re.split(r"\n(?=\s*recfin )", block.replace("\\\n", " ").strip())
    return [shlex.split(command)[1:] for command in commands]


def _as_run_here(args: list[str]) -> list[str]:
    """``args`` with the sample buyer as debtor and the contract file given by its hash (no file is here)."""
    out = list(args)
    out[out.index("--debtor") + 1] = BUYER.tax_id
    at = out.index("--contract-file")
    out[at:at + 2] = ["--contract-hash", "ab" * 32]
    return out


def test_every_register_example_registers_and_one_shows_a_paper_identity(monkeypatch):
    monkeypatch.setattr(receivable_commands, "business_today", lambda: EXAMPLE_DAY)
    examples = _examples()
    assert len(examples) >= 3
    paper_identities = []
    for example in examples:
        # a ledger of its own each: the examples may give one invoice, which registers once on a ledger
        ledger = Ledger().serve(monkeypatch)
        ledger.now = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
        res = CliRunner().invoke(main, _as_run_here(example), terminal_width=400)
        assert res.exit_code == 0, (example, res.output)
        [claim] = ledger.client("supplier").list_by_holder(SELLER.tax_id).records
        paper_identities += [(i.paper_code, i.paper_number) for i in claim.invoices if i.paper_code]
    assert paper_identities == [("131002400111", "87654321")]
