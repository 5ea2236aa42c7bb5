"""With --json, a command that fails prints nothing on stdout (its failure is the one `Error:` line on
stderr), but for the commands docs/cli.md lists, whose exit status other than 0 is itself the answer, or
which fail after doing something the document names: those print their JSON document on stdout all the
same."""
from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest
from click.testing import CliRunner

from cli import demo_commands
from cli.main import main
from client.gateway import CommitStatusError

from tests.unit.receivables_client.test_demo_on_contract import failing_at, world

from .test_quote_declined_exit import QUOTE
from .test_transaction_status import UNKNOWN, bank, ledger, opened

FIXTURES = (world, bank, ledger, opened)   # the fixtures of the scenarios this module borrows, found by name

DOCS = Path(__file__).parents[3] / "docs" / "cli.md"
SAMPLE = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples" / "einvoice.xml"
BUYER_CODE = "91440300MA5F7KQ3XU"     # the sample invoice's buyer


def document_and_exit(args: list[str]) -> tuple[object, int]:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return json.loads(result.stdout), result.exit_code


def test_network_status_prints_every_row_while_a_node_is_unhealthy(runner, tmp_path):
    (tmp_path / "home" / "network").mkdir(parents=True)
    rows, exit_code = document_and_exit(["network", "status"])
    assert exit_code == 1 and rows and not any(row["healthy"] for row in rows)


def test_invoice_verify_prints_its_findings_when_one_fails():
    doc, exit_code = document_and_exit(["invoice", "verify", str(SAMPLE), "--today", "2026-11-30",
                                        "--debtor", BUYER_CODE, "--debtor-name", "Someone Else Ltd"])
    assert exit_code == 1 and any(f["status"] == "fail" for f in doc["findings"])


def test_finance_quote_prints_the_quote_it_declines():
    doc, exit_code = document_and_exit([*QUOTE, "--due", "2027-12-01"])
    assert exit_code == 1 and doc["declined"] and doc["offer"] is None


def test_transaction_status_prints_its_answer_for_a_transaction_not_found(opened):
    doc, exit_code = document_and_exit(["transaction", "status", UNKNOWN])
    assert exit_code == 4 and (doc["committed"], doc["block"]) == (False, None)


def test_demo_stopped_midway_prints_the_steps_done_and_where_it_stopped(world, monkeypatch):
    lost = CommitStatusError("commit status timed out", transaction_id="ab" * 32,
                             code=grpc.StatusCode.DEADLINE_EXCEEDED)
    failing_at(monkeypatch, "ConfirmReceivable", lost)
    result = CliRunner().invoke(demo_commands.demo, ["--skip-setup", "--json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["steps"] and doc["stopped"]["exit_code"] == 1
    assert f"Error: {doc['stopped']['error']}" in result.stderr.splitlines()


@pytest.mark.parametrize("args", [["receivable", "get", "R-0123456789abcdef"],
                                  ["receivable", "get", "R-0123456789abcdef", "--as", "nosuchorg"]])
def test_an_ordinary_command_that_fails_prints_nothing_on_stdout(runner, tmp_path, args):
    (tmp_path / "home" / "network").mkdir(parents=True)
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert [line for line in result.stderr.splitlines() if line.startswith("Error: ")] == \
        [result.stderr.splitlines()[-1]]


def test_docs_cli_names_each_command_shown_here_to_print_json_on_failure():
    """docs/cli.md said nothing of what --json prints on a failure: its section names each command above."""
    text = DOCS.read_text()
    section = text[text.index("## `--json` when a command fails"):]
    for command in ("network status", "invoice verify", "finance quote", "transaction status", "demo"):
        assert f"`{command}`" in section, command
    # the commands that print their document and then fail are listed: a script parses stdout on exit 0 but for them
    print_then_fail = section.split("A few print their document and then fail", 1)[1].split("\n\n", 2)[1]
    for command in ("demo", "finance get", "chaincode upgrade-ledger"):
        assert f"- `{command}`" in print_then_fail, command
    assert "stdout holds nothing of the failure" in section
