"""The transactions table of docs/receivables.md ("### Transactions") against the contract: one row per submit
transaction, the arguments the signature takes (each optional one in brackets), the transient terms the
transaction declares, and the events it emits.

A client writer reads the table for what to send: a row that leaves out an argument (MakeFinancingOffer's
``uncounted_offers``, say) hides a rule the contract enforces on it.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from chaincode.receivables import ReceivablesContract, events

DOCS = Path(__file__).resolve().parents[3] / "docs" / "receivables.md"
TRANSACTIONS = ReceivablesContract().transactions()
SUBMITS = {name for name, (mark, _) in TRANSACTIONS.items() if not mark.evaluate}
EVENT_NAMES = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}


def _table() -> dict[str, tuple[str, str, str]]:
    """Each row of the transactions table: transaction -> (caller, arguments, event)."""
    section = DOCS.read_text().split("\n### Transactions\n", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \| (.+?) \|$", section, re.MULTILINE)
    return {name: (caller, arguments, event) for name, caller, arguments, event in rows}


TABLE = _table()


def _without_parentheses(text: str) -> str:
    while (shorter := re.sub(r"\([^()]*\)", "", text)) != text:
        text = shorter
    return text


def _documented_arguments(column: str) -> tuple[int, int]:
    """(how many arguments, how many of them optional) the arguments column names: the part before ``;`` (what
    follows is transient data), commas separating arguments, each optional one as ``[, name]``."""
    text = _without_parentheses(column.split(";", 1)[0])
    optional = re.findall(r"\[,[^\[\]]*\]", text)
    required = re.sub(r"\[,[^\[\]]*\]", "", text)
    return len(required.split(",")) + len(optional), len(optional)


def _parameters(name: str) -> list[inspect.Parameter]:
    _, method = TRANSACTIONS[name]
    return list(inspect.signature(method).parameters.values())[1:]   # after ctx


def test_the_table_lists_every_submit_transaction_and_no_other():
    assert set(TABLE) == SUBMITS


def test_each_row_names_the_arguments_the_signature_takes():
    wrong = {}
    for name, (_, column, _) in TABLE.items():
        parameters = _parameters(name)
        count, optional = _documented_arguments(column)
        # an argument in brackets may be left out, so the contract must give it a default
        required = [p for p in parameters if p.default is inspect.Parameter.empty]
        last_required = parameters.index(required[-1]) + 1 if required else 0
        trailing_defaults = len(parameters) - last_required
        if count != len(parameters) or optional > trailing_defaults:
            wrong[name] = (column, [p.name for p in parameters])
    assert not wrong, f"rows whose arguments are not the signature's: {wrong}"


def test_each_row_names_the_transient_terms_the_transaction_declares():
    for name, (_, column, _) in TABLE.items():
        mark, _ = TRANSACTIONS[name]
        declared = [key for key, _ in mark.transient]
        assert ("transient `terms`" in column) == (declared == ["terms"]), (name, column, declared)


def test_each_row_names_the_events_the_transaction_emits():
    for name, (_, _, column) in TABLE.items():
        _, method = TRANSACTIONS[name]
        source = inspect.getsource(inspect.unwrap(method))
        emitted = {getattr(events, constant) for constant in re.findall(r"\bevents\.([A-Z_]+)\b", source)}
        documented = set(re.findall(r"`(\w+)`", _without_parentheses(column))) & EVENT_NAMES
        assert documented == emitted, (name, documented, emitted)


def test_the_arguments_parser_reads_the_forms_the_table_uses():
    assert _documented_arguments("id, amount (fen)[, request id]") == (3, 1)
    assert _documented_arguments("financing id, optional exposure version; transient `terms`") == (2, 0)
    assert _documented_arguments("financing id[, exposure version][, uncounted offer ids]; "
                                 "transient `terms`") == (3, 2)
    assert _documented_arguments("id, order reference[, freeze order lifted "
                                 "(default: the one in effect)]") == (3, 1)
