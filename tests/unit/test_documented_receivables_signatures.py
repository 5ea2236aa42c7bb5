"""Each receivables transaction docs/receivables.md and docs/chaincode-api.md write as a call,
`GetDebtorPaymentRecord(debtor, page_size, bookmark[, as_of])`, names the contract's parameters, in their order,
with the optional ones (a default in the method's signature) in brackets and no other.

A bank's or a supplier's engineer calling the contract from another SDK sends the arguments by position as the
page lists them, and leaves out what it brackets: a parameter missing, out of place, or bracketed while the
contract requires it is a call refused for its argument count, or an argument read as another.
test_documented_signatures.py holds the pages' Python calls to the code, and cannot read the brackets; this reads
the transactions' own form. A name may be written with a space for its underscore (`financing id`). Every read is written so at least once
on the contract's page: the transactions table gives only the submits' arguments.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from chaincode.contract import Context
from chaincode.receivables import ReceivablesContract

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("docs/receivables.md", "docs/chaincode-api.md")
# `Name(...)` in inline code, the parentheses holding no other parentheses
CALL = re.compile(r"`([A-Z][A-Za-z]+)\(([^`()]*)\)`")


def transactions() -> dict[str, list[tuple[str, bool]]]:
    """Each transaction of the contract by name: its parameters after ``ctx``, and whether each is optional."""
    found = {}
    for name, method in inspect.getmembers(ReceivablesContract, inspect.iscoroutinefunction):
        parameters = list(inspect.signature(method).parameters.values())[1:]
        if parameters and parameters[0].annotation in (Context, "Context"):
            found[name] = [(p.name, p.default is not inspect.Parameter.empty) for p in parameters[1:]]
    return found


def shown_parameters(inside: str) -> list[tuple[str, bool]]:
    """The parameters a call's text lists, each with whether the page brackets it: `a, b[, c[, d]]`."""
    shown, depth = [], 0
    for token in re.findall(r"\[|\]|[^,\[\]]+", inside):
        if token == "[":
            depth += 1
        elif token == "]":
            depth -= 1
        elif token.strip():
            shown.append((" ".join(token.split()).replace(" ", "_"), depth > 0))
    return shown


def test_the_contract_has_the_transactions_read():
    # the method names are read as the router publishes them: a contract method renamed by @transaction(name=...)
    # would be missed here, so there is none
    assert {"RegisterReceivable", "GetDebtorPaymentRecord", "AcceptDiscountOffer"} <= set(transactions())


def test_each_transaction_written_as_a_call_names_its_parameters_and_brackets_the_optional_ones():
    contract = transactions()
    wrong, checked = [], 0
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        for match in CALL.finditer(text):
            name, inside = match.groups()
            if name not in contract:
                continue
            checked += 1
            if shown_parameters(inside) != contract[name]:
                line = text.count("\n", 0, match.start()) + 1
                wrong.append(f"{page}:{line}: `{name}({' '.join(inside.split())})`, the contract's: "
                             + ", ".join(f"[{p}]" if optional else p for p, optional in contract[name]))
    assert checked >= 20, "the pages write few transactions as calls: reword the test with the pages"
    assert not wrong, "\n".join(wrong)


def test_every_read_is_written_as_a_call_on_the_contract_s_page():
    """The transactions table gives the submits' arguments; a read's are given only by a call written out, so a
    read the page never writes so is one whose arguments a caller has to guess."""
    text = (ROOT / "docs" / "receivables.md").read_text(encoding="utf-8")
    written = {match[1] for match in CALL.finditer(text)}
    reads = {name for name, (mark, _) in ReceivablesContract().transactions().items() if mark.evaluate}
    assert reads - written == set()
