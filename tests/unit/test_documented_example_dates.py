"""The dated examples an operator copies (the `Example:` lines of every `recfin` --help, the `recfin` lines of
README.md and docs/, the contract's JSON in docs/receivables.md) name days the contract takes when they are run
(chaincode/receivables): an offer's expiry not before today (offer-expired, MakeFinancingOffer and
PublishDiscountOffer); a claim's issue date and its invoices' dates not after today (issue-date-in-future,
invoice-date-in-future), its due date after today (due-date-passed, and past-maturity for what follows) and within
the maximum payment term from the earlier of those dates (payment-term-too-long). An example dated in the past is
refused for everyone who copies it.

"Today" is not the wall clock, or this test would start failing by itself as days pass: it is CHECKED_ON, the day
the examples were last checked against those rules, and each example must still be taken for STILL_VALID_FOR
after it. A registration cannot stay valid longer than its payment term (its issue date is not after today, its
due date within a year of it), so the examples need new dates now and then: when they do, give them dates these
rules take, and move CHECKED_ON to that day.

Examples that name the day they run on (`finance quote` and `finance compare` with --on, offline; `invoice verify
--today`; `risk score --as-of`) are priced or checked on that day, not today, and are left out.
"""
from __future__ import annotations

import json
import re
import shlex
import textwrap
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaincode.receivables.config import ContractSettings

from .cli.command_tree import every_command
from .cli.test_help_examples import tree
from .receivables.support import standard_net, transient_terms

CHECKED_ON = date(2026, 12, 5)        # the day the dated examples were last checked against the rules above
STILL_VALID_FOR = timedelta(days=180)
RUN_ON = (CHECKED_ON, CHECKED_ON + STILL_VALID_FOR)

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PINS_ITS_DAY = ("--on", "--today", "--as-of")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_JSON_BLOCK = re.compile(r"^( *)```json\n(.*?)^\1```", re.DOTALL | re.MULTILINE)


def _help_examples() -> list[tuple[str, str]]:
    """(where, command line) of every line of an `Example:` block of every --help, continuations joined."""
    found, recfin = [], tree()
    for path, _command in every_command(recfin):
        text = CliRunner().invoke(recfin, [*path, "--help"], terminal_width=400).output
        for block in text.split("Example:")[1:]:
            block = block.split("\n\n", 1)[0].replace("\\\n", " ")
            found += [(f"recfin {' '.join(path)} --help".replace("  ", " "), line.strip())
                      for line in block.splitlines() if line.strip().startswith("recfin ")]
    return found


def _document_examples() -> list[tuple[str, str]]:
    """(where, command line) of every line of README.md and docs/ that runs `recfin`, continuations joined."""
    found = []
    for document in DOCUMENTS:
        lines = document.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            command = line.strip().removeprefix(".venv/bin/")
            if command.startswith("recfin "):
                for more in lines[number:]:
                    if not command.endswith("\\"):
                        break
                    command = command[:-1] + more.strip()
                found.append((f"{document.relative_to(ROOT)}:{number}", command))
    return found


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=True)
    except ValueError:          # prose with an apostrophe, not an example: read word by word
        return line.split()


def _dated_options(words: list[str]) -> dict[str, list[date]]:
    """Every date an example gives --expires, --due, --issue and --invoice (N,DATE,AMOUNT,TAX), by option."""
    dated: dict[str, list[date]] = {}
    for option, value in zip(words, words[1:]):
        if option == "--invoice":
            value = (value.split(",") + [""])[1]
        if option in ("--expires", "--due", "--issue", "--invoice") and _ISO_DATE.fullmatch(value):
            dated.setdefault(option, []).append(date.fromisoformat(value))
    return dated


def _claim_problems(issued: list[date], due: date, today: date) -> list[str]:
    """What RegisterReceivable refuses of a claim issued (its issue date and its invoices' dates) and due so."""
    problems = [f"issued {day}, after today {today} (issue-date-in-future)" for day in issued if day > today]
    if due <= today:
        problems.append(f"due {due}, not after today {today} (due-date-passed)")
    if issued and (latest := ContractSettings().payment_term_exceeded(min(issued), due)) is not None:
        problems.append(f"due {due}, after {latest}, the end of the payment term (payment-term-too-long)")
    return problems


def _example_problems(words: list[str], today: date) -> list[str]:
    dated = _dated_options(words)
    problems = [f"--expires {day}, before today {today} (offer-expired)"
                for day in dated.get("--expires", []) if day < today]
    for due in dated.get("--due", []):
        problems += _claim_problems(dated.get("--issue", []) + dated.get("--invoice", []), due, today)
    return problems


def _json_problems(document, today: date) -> list[str]:
    """What the contract refuses of the registrations and offer terms a JSON example holds."""
    problems = []
    if isinstance(document, list):
        for item in document:
            problems += _json_problems(item, today)
    elif isinstance(document, dict):
        if {"issue_date", "due_date", "invoices"} <= document.keys():
            issued = [document["issue_date"], *(invoice["date"] for invoice in document["invoices"])]
            problems += _claim_problems([date.fromisoformat(day) for day in issued],
                                        date.fromisoformat(document["due_date"]), today)
        if "expires_on" in document and date.fromisoformat(document["expires_on"]) < today:
            problems.append(f"expires_on {document['expires_on']}, before today {today} (offer-expired)")
        for value in document.values():
            problems += _json_problems(value, today)
    return problems


COMMAND_LINES = [(where, _words(line)) for where, line in _help_examples() + _document_examples()]
DATED = [(where, words) for where, words in COMMAND_LINES
         if _dated_options(words) and not any(pin in words for pin in PINS_ITS_DAY)]


def test_the_dated_examples_found_include_each_command_that_takes_a_date_the_contract_checks():
    """The check reads the examples it means to: were their form to change, it would otherwise pass on none."""
    commands = {" ".join(words[:3]) for _, words in DATED}
    assert commands >= {"recfin receivable register", "recfin finance offer", "recfin discount publish",
                        "recfin invoice register"}
    assert any(where.startswith("docs/") for where, _ in DATED)


@pytest.mark.parametrize("today", RUN_ON, ids=str)
def test_no_command_example_names_a_day_the_contract_refuses_by_then(today):
    refused = [f"{where}: {' '.join(words)}: {problem}" for where, words in DATED
               for problem in _example_problems(words, today)]
    assert refused == []


@pytest.mark.parametrize("today", RUN_ON, ids=str)
def test_no_json_example_of_the_contract_guide_names_a_day_the_contract_refuses_by_then(today):
    blocks = _JSON_BLOCK.findall((ROOT / "docs" / "receivables.md").read_text(encoding="utf-8"))
    documents = []
    for _, block in blocks:
        try:
            documents.append(json.loads(textwrap.dedent(block)))
        except ValueError:
            continue        # a block with placeholders outside strings is no request to send
    refused = [problem for document in documents for problem in _json_problems(document, today)]
    found = json.dumps(documents)
    assert '"expires_on"' in found and '"due_date"' in found, "found no registration or offer terms to check"
    assert refused == []


def _first_example(command: str) -> list[str]:
    return next(words for where, words in DATED if " ".join(words[:3]) == command and "--currency" not in words)


def _fen(amount: str) -> int:
    return int(Decimal(amount.replace(",", "")) * 100)


def _option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


@pytest.mark.parametrize("today", RUN_ON, ids=str)
async def test_the_contract_takes_the_examples_that_walk_a_receivable_through_its_life_on_that_day(today):
    """The register, offer and discount examples run on the real contract on that day (10:00 in Beijing): the
    claim registers and is confirmed, a bank offers on its financing request until the offer example's expiry, and
    the debtor publishes the discount examples' offers, flat and tiered, on a claim of the same dates."""
    register = _first_example("recfin receivable register")
    offer, tiered = _first_example("recfin finance offer"), next(
        words for _, words in DATED if " ".join(words[:3]) == "recfin discount publish" and "--tier" in words)
    flat = _first_example("recfin discount publish")
    net = await standard_net()
    net.now = datetime.combine(today, time(2, 0), tzinfo=timezone.utc)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]

    def registration(number_end: str) -> dict:
        number, issued, amount, tax = _option(register, "--invoice").split(",")[:4]
        return {"debtor": core.uscc, "face_amount": _fen(_option(register, "--face")), "currency": "CNY",
                "issue_date": _option(register, "--issue"), "due_date": _option(register, "--due"),
                "invoices": [{"number": number[:-1] + number_end, "date": issued, "amount": _fen(amount),
                              "tax": _fen(tax), "seller_tax_id": tier1.uscc, "buyer_tax_id": core.uscc}],
                "contract_hash": "ab" * 32}

    financed = await net.ok(tier1, "RegisterReceivable", registration("1"))
    await net.ok(core, "ConfirmReceivable", financed["id"])
    request = await net.ok(tier1, "RequestFinancing", financed["id"])
    await net.ok(bank, "MakeFinancingOffer", request["id"],
                 transient=transient_terms(expires_on=_option(offer, "--expires")))
    discounted = await net.ok(tier1, "RegisterReceivable", registration("2"))
    await net.ok(core, "ConfirmReceivable", discounted["id"])
    await net.ok(core, "PublishDiscountOffer", {"apr": _option(flat, "--apr"), "expires_on": _option(flat, "--expires"),
                                                "receivable_ids": [discounted["id"]]})
    scale = [{"min_days_early": int(days), "apr": apr}
             for days, apr in (_option(tiered[i:], "--tier").split(":") for i, word in enumerate(tiered)
                               if word == "--tier")]
    await net.ok(core, "PublishDiscountOffer", {"scale": scale, "expires_on": _option(tiered, "--expires"),
                                                "receivable_ids": [discounted["id"]]})
