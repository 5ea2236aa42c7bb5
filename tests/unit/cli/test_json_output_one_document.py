"""Every ledger command's --json (each command of the tree whose --json is the shared ``JSON_HELP``), over the real
contract: on success (exit 0) stdout is one JSON document and nothing else, so that a script can parse all of it;
refused by the contract (exit 1, docs/cli.md "`--json` when a command fails") stdout holds nothing, and the refusal
is the one `Error:` line on stderr. The story below runs each command once at least; the last test checks that no
command of the tree was left out of it, so that a command added later is held to the rule too.

The commands, the SDK and the contract run for real; the connection is ``TopologySessions`` (the topology's orgs
and users, each with its certificate), as in tests/unit/receivables_client."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from cli.connection import JSON_HELP
from cli.main import main

from ..receivables_client.test_cli_pages_and_currencies import CORE, TIER1, TIER2, parties_on_the_contract, registered
from .command_tree import leaf_commands

SUCCEEDS, REFUSED = 0, 1    # the exit statuses docs/cli.md gives an answer and a contract's refusal

RAN: dict[str, set[int]] = {}   # each command the story ran, and the exit statuses it was seen to give


def json_of(expected_exit: int, *args: str) -> dict | list | None:
    """``recfin ARGS --json``, held to the rule: its exit status ``expected_exit``; one JSON document on stdout on
    success, nothing on a refusal (whose reason is one `Error:` line on stderr)."""
    res = CliRunner().invoke(main, [*args, "--json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
    assert res.exit_code == expected_exit, (args, res.output)
    RAN.setdefault(" ".join(args[:2]), set()).add(res.exit_code)
    if expected_exit == SUCCEEDS:
        document = json.loads(res.stdout)    # the whole of stdout: anything beside the document fails to parse
        assert isinstance(document, (dict, list)), (args, res.stdout)
        return document
    assert res.stdout == "", (args, res.stdout)
    error_lines = [line for line in res.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error_lines) == 1, (args, res.stderr)
    return None


def ledger_json_commands() -> set[str]:
    """Each command of the tree whose --json prints the contract's document (the shared ``JSON_HELP``)."""
    return {name for name, command in leaf_commands().items()
            if [p.help for p in command.params if isinstance(p, click.Option) and "--json" in p.opts] == [JSON_HELP]}


@pytest.fixture(scope="module")
def story_ran(tmp_path_factory):
    """The story, run once for the module's tests: a claim registered, confirmed, split, financed, discounted,
    frozen, paid; the parties renamed and bound; and a refusal of each command the story cannot make succeed on
    one network in one day (a claim overdue, recourse on terms without it, a financing cancelled)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        tell_the_story(monkeypatch, tmp_path_factory.mktemp("json-story"))
    return RAN


def tell_the_story(monkeypatch, tmp_path) -> None:
    parties_on_the_contract(monkeypatch, tmp_path)
    supplier, core, bank, regulator = "supplier/supplier1", "coreenterprise", "bank/officer1", "regulator"
    # parties
    json_of(REFUSED, "party", "register", "--uscc", TIER1, "--name", "Tier-1", "--role", "supplier",
            "--client", "supplier1", "--as", "supplier/admin")    # registered already
    json_of(SUCCEEDS, "party", "get", CORE, "--as", supplier)
    json_of(SUCCEEDS, "party", "whoami", "--as", supplier)
    json_of(SUCCEEDS, "party", "rename", TIER1, "--name", "Tier-1 Auto Parts Co.", "--as", "supplier/admin")
    json_of(SUCCEEDS, "party", "bind", TIER1, "--client", "supplier3", "--as", "supplier/admin")
    json_of(SUCCEEDS, "party", "unbind", TIER1, "--client", "supplier3", "--as", "supplier/admin")
    json_of(SUCCEEDS, "party", "history", TIER1, "--as", supplier)
    # a claim registered, confirmed and split
    rid = registered("26312000000012345678")
    other = json_of(SUCCEEDS, "receivable", "register", "--as", supplier, "--debtor", CORE, "--face", "1,130.00",
                    "--issue", "2026-03-02", "--due", "2026-05-31",
                    "--invoice", "26312000000012345679,2026-03-01,1000.00,130.00", "--contract-hash", "c" * 64)["id"]
    json_of(SUCCEEDS, "receivable", "get", rid, "--as", supplier)
    json_of(SUCCEEDS, "receivable", "confirm", rid, "--as", core)
    json_of(SUCCEEDS, "receivable", "transfer", rid, "--to", TIER2, "--amount", "100", "--as", supplier)
    kept, moved = f"{rid}.2", f"{rid}.1"
    json_of(SUCCEEDS, "receivable", "list", "--as", supplier)
    json_of(SUCCEEDS, "receivable", "history", rid, "--as", supplier)
    json_of(SUCCEEDS, "receivable", "provenance", kept, "--as", supplier)
    json_of(SUCCEEDS, "receivable", "find-invoice", "0" * 64, "--as", bank)    # no claim holds it: used false
    json_of(SUCCEEDS, "receivable", "link-paper", rid, "--invoice", "26312000000012345678", "--paper-code",
            "144031900111", "--paper-number", "00012345", "--as", supplier)
    json_of(REFUSED, "receivable", "reject", rid, "--reason", "goods returned", "--as", core)   # split
    json_of(SUCCEEDS, "receivable", "withdraw", other, "--reason", "wrong face amount", "--as", supplier)
    json_of(REFUSED, "receivable", "overdue", kept, "--as", supplier)        # not due yet
    json_of(REFUSED, "receivable", "reseal", kept, "--as", supplier)          # nothing to reseal
    # financing
    financing = json_of(SUCCEEDS, "finance", "request", kept, "--as", supplier)["id"]
    offer = json_of(SUCCEEDS, "finance", "offer", financing, "--advance-rate", "0.9", "--discount-rate", "0.036",
                    "--expires", "2026-06-30", "--as", bank)["id"]
    json_of(SUCCEEDS, "finance", "offers", "--as", bank)
    json_of(SUCCEEDS, "finance", "get", financing, "--as", bank)
    json_of(SUCCEEDS, "finance", "terms", offer, "--as", bank)
    json_of(REFUSED, "finance", "withdraw", financing, "--as", "supplier/supplier2")   # not the holder's
    json_of(SUCCEEDS, "finance", "accept", offer, "--as", supplier)
    json_of(REFUSED, "finance", "withdraw-offer", offer, "--reason", "terms revised", "--as", bank)   # accepted
    notice = json_of(SUCCEEDS, "finance", "disburse", financing, "--as", bank)["notice_id"]
    json_of(SUCCEEDS, "finance", "disbursement", financing, "--as", bank)
    json_of(SUCCEEDS, "finance", "notice", notice, "--as", core)
    json_of(SUCCEEDS, "finance", "acknowledge", notice, "--as", core)
    # accepted without recourse
    json_of(REFUSED, "finance", "demand-recourse", financing, "--reason", "unpaid at maturity", "--as", bank)
    json_of(REFUSED, "finance", "recourse", financing, "--reason", "unpaid at maturity", "--as", bank)
    # early payment of the moved part
    discount = json_of(SUCCEEDS, "discount", "publish", "--apr", "0.05", "--expires", "2026-06-30",
                       "--as", core)["id"]
    json_of(SUCCEEDS, "discount", "get", discount, "--as", "supplier/supplier2")
    json_of(SUCCEEDS, "discount", "list", "--receivable", moved, "--as", "supplier/supplier2")
    json_of(SUCCEEDS, "discount", "accept", discount, moved, "--yes", "--as", "supplier/supplier2")
    json_of(SUCCEEDS, "discount", "withdraw", discount, "--as", core)
    # a freeze, by either name, lifted; the kept part paid, the financing repaid
    json_of(SUCCEEDS, "regulator", "freeze", kept, "--order", "ORDER-1", "--as", regulator)
    json_of(SUCCEEDS, "receivable", "freeze", kept, "--order", "ORDER-2", "--as", regulator)
    json_of(SUCCEEDS, "receivable", "unfreeze", kept, "--order", "ORDER-2", "--as", regulator)
    json_of(SUCCEEDS, "regulator", "unfreeze", kept, "--order", "ORDER-1", "--as", regulator)
    json_of(SUCCEEDS, "regulator", "list", "CONFIRMED", "--as", regulator)
    json_of(SUCCEEDS, "regulator", "statistics", "--as", regulator)
    json_of(SUCCEEDS, "receivable", "stats", "--as", regulator)
    json_of(SUCCEEDS, "receivable", "pay", kept, "--amount", "1030", "--request-id", "PAY-1", "--as", core)
    json_of(SUCCEEDS, "request", "get", "PAY-1", "--as", core)
    json_of(SUCCEEDS, "finance", "repay", financing, "--as", bank)
    json_of(REFUSED, "finance", "cancel", financing, "--reason", "credit line withdrawn", "--as", bank)   # repaid


def test_each_ledger_command_s_json_is_one_document_or_nothing(story_ran):
    """Held in ``json_of`` as the story runs: here, that it ran."""
    assert story_ran


def test_the_story_runs_every_ledger_command_with_json(story_ran):
    assert ledger_json_commands() - set(story_ran) == set()
