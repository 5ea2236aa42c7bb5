"""`recfin receivable link-paper` checks --invoice, --paper-code and --paper-number before it connects, by the
contract's own rules for an invoice naming a paper identity: a value of the wrong form is a usage error naming its
option, exit status 2, nothing sent (docs/cli.md, "Bad input"). The SDK refused some only once connected, with exit
status 1 and the contract's field names (`invoice_number: ...`), and sent a paper code of the wrong length to the
peers; with the network down the user heard of the connection instead."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

NUMBER, CODE, PAPER_NUMBER = "26312000000000000001", "144031900111", "00012345"


def link(invoice: str = NUMBER, paper_code: str = CODE, paper_number: str = PAPER_NUMBER):
    return CliRunner().invoke(main, ["receivable", "link-paper", "R-0123456789abcdef", "--invoice", invoice,
                                     "--paper-code", paper_code, "--paper-number", paper_number])


@pytest.mark.parametrize("given, option, says", [
    (dict(invoice="abc"), "--invoice", "is neither the 20 digits of a fully digitalised e-invoice"),
    (dict(invoice=""), "--invoice", "is neither the 20 digits of a fully digitalised e-invoice"),
    (dict(invoice="１" * 20), "--invoice", "is neither the 20 digits"),
    (dict(invoice="12345678"), "--invoice", "an invoice with a code, which has no paper form to link"),
    (dict(paper_code="12"), "--paper-code", "is neither 10 digits nor 12 digits"),
    (dict(paper_code="１４４０３１９００１１１"), "--paper-code", "１"),
    (dict(paper_code=""), "--paper-code", "empty (an unset variable?): give the paper form's 10- or 12-digit"),
    (dict(paper_code="", paper_number=""), "--paper-code", "empty (an unset variable?)"),
    (dict(paper_number="x"), "--paper-number", "is not the 8 digits of the paper form's 发票号码"),
    (dict(paper_number="1e308"), "--paper-number", "is not the 8 digits"),
    (dict(paper_number=""), "--paper-number", "empty (an unset variable?): give the paper form's 8-digit"),
])
def test_a_value_of_the_wrong_form_is_a_usage_error_before_connecting(ledger_sessions, given, option, says):
    result = link(**given)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output and says in result.output, result.output
    assert "or neither" not in result.output, result.output   # a link is nothing without both
    assert ledger_sessions == []


@pytest.mark.parametrize("paper_code, paper_number", [(CODE, PAPER_NUMBER), ("3100204130", "12345678"),
                                                      ("044031900111", "00000000"), ("000001900111", "99999999")],
                         ids=["12-digit", "10-digit", "12-digit-leading-0", "12-digit-national"])
def test_a_paper_identity_of_the_right_form_is_sent(ledger_sessions, paper_code, paper_number):
    result = link(paper_code=paper_code, paper_number=paper_number)
    assert result.exit_code != 2, result.output
    assert len(ledger_sessions) == 1
