"""--as, amounts, the regulator and events commands, and bad input, over the recording Contract double.

The double stands in for the Gateway Contract/Network the SDK talks to; the SDK
(``ReceivablesClient``) and the commands run for real.
"""

from __future__ import annotations

import json
import os
import signal
import time
from contextlib import contextmanager

import click
import pytest
from click.testing import CliRunner

from cli import connection, event_commands
from cli.event_commands import events
from cli.receivable_commands import COMMANDS
from cli.regulator_commands import regulator
from client.gateway import ChaincodeEvent, FileCheckpointer
from client.gateway.errors import EndorseError, ErrorDetail
from client.receivables import ReceivablesClient

from . import fakes
from .fakes import CORE, TIER1, TIER2, FakeContract
from .test_cli import profile
from .test_events import FakeNetwork

recfin = click.Group("recfin", commands={c.name: c for c in [*COMMANDS, regulator, events]})


def chaincode_event(block: int, tx: str, name: str = "ReceivableConfirmed", rid: str = "R-1", **details) -> ChaincodeEvent:
    payload = {"event": name, "receivable_id": rid, "tx_id": tx, **details}
    return ChaincodeEvent(block_number=block, transaction_id=tx, chaincode_name="receivables", event_name=name,
                          payload=json.dumps(payload).encode())


@pytest.fixture
def ledger(monkeypatch):
    contract = FakeContract()
    contract.opened = []
    contract.network = FakeNetwork([])

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        contract.opened.append((org, user, admin))
        p = profile(org)
        yield connection.Session(ReceivablesClient(contract, contract.network), p, p.users["u1"])

    monkeypatch.setattr(connection, "open_session", open_session)
    return contract


def invoke(*args: str):
    return CliRunner().invoke(recfin, list(args))


def refusal(rule: str, detail: str) -> EndorseError:
    return EndorseError("failed to endorse transaction", transaction_id="tx-9",
                        details=[ErrorDetail("peer0:7051", "CoreEnterpriseMSP", f"chaincode response 500, RULE {rule}: {detail}")])


# ------------------------------------------------------------------ --as ORG[/USER]

@pytest.mark.parametrize("given, opened", [
    (["--as", "supplier/supplier2"], ("supplier", "supplier2", False)),
    (["--as", "SupplierMSP"], ("SupplierMSP", None, False)),
    (["--org", "supplier", "--user", "supplier2"], ("supplier", "supplier2", False)),  # the older aliases
    ([], ("supplier", None, False)),  # the command's default org
])
def test_as_picks_the_org_and_user(ledger, given, opened):
    ledger.responses["GetReceivable"] = fakes.receivable()
    res = invoke("receivable", "get", "R-1", *given)
    assert res.exit_code == 0, res.output
    assert ledger.opened == [opened]


@pytest.mark.parametrize("given", [["--as", "supplier/"], ["--as", "/supplier1"], ["--as", "a/b/c"],
                                   ["--as", "supplier", "--org", "bank"], ["--as", "supplier", "--user", "x"]])
def test_a_bad_as_is_a_usage_error_and_connects_to_nothing(ledger, given):
    res = invoke("receivable", "get", "R-1", *given)
    assert res.exit_code == 2, res.output
    assert ledger.opened == [] and ledger.calls == []


def test_parse_as():
    assert connection.parse_as("bank/officer2") == ("bank", "officer2")
    assert connection.parse_as(" regulator ") == ("regulator", None)
    with pytest.raises(click.BadParameter):
        connection.parse_as("")


def test_every_ledger_command_takes_as(ledger):
    def walk(group, path):
        for name, cmd in group.commands.items():
            if isinstance(cmd, click.Group):
                yield from walk(cmd, path + [name])
            else:
                yield path + [name], cmd
    for path, cmd in walk(recfin, []):
        names = {o for p in cmd.params for o in getattr(p, "opts", [])}
        assert {"--as", "--json", "--data-root"} <= names, path


# ------------------------------------------------------------------ amounts

def test_an_amount_in_fen_is_sent_as_is(ledger):
    ledger.responses["TransferReceivable"] = fakes.receivable()
    res = invoke("receivable", "transfer", "R-1", "--to", TIER2, "--amount", "3,000,050fen")
    assert res.exit_code == 0, res.output
    assert ledger.only().arguments[:3] == ["R-1", TIER2, "3000050"]


def test_pay_takes_yuan_with_thousands_separators(ledger):
    ledger.responses["RecordPayment"] = fakes.receivable(
        outstanding=0, status="SETTLED",
        allocations=[{"receivable_id": "R-00000000000000a1", "amount": 1234567, "payee": TIER1, "outstanding": 0}])
    res = invoke("receivable", "pay", "R-1", "--amount", "12,345.67")
    assert res.exit_code == 0, res.output
    assert ledger.only().arguments[:2] == ["R-1", "1234567"]
    assert "CNY 12,345.67" in res.output


def test_tables_show_amounts_with_the_currency(ledger):
    ledger.responses["GetReceivable"] = fakes.receivable(outstanding=8_300_000)
    res = invoke("receivable", "get", "R-1")
    assert res.exit_code == 0, res.output
    assert "face_amount: CNY 113,000.00" in res.output and "outstanding: CNY 83,000.00" in res.output
    res = invoke("receivable", "get", "R-1", "--json")
    assert json.loads(res.output)["face_amount"] == 11_300_000  # machines get integer fen


def test_a_bad_invoice_amount_is_a_usage_error_before_any_call(ledger, tmp_path):
    res = invoke("receivable", "register", "--debtor", CORE, "--face", "113,000.00", "--issue", "2026-03-02",
                 "--due", "2026-05-31", "--invoice", "26312000000012345678,2026-03-01,100000.001,13000",
                 "--contract-hash", "c" * 64)
    assert res.exit_code == 2, res.output
    assert "--invoice" in res.output and "more than two decimals" in res.output
    assert ledger.calls == []


# ------------------------------------------------------------------ the regulator

@pytest.mark.parametrize("path", [["regulator", "freeze"], ["receivable", "freeze"]])
def test_freeze_acts_as_the_regulator_with_the_order(ledger, path):
    frozen = {"order_reference": "ORD-1", "by": "reg", "date": "2026-03-05", "tx_id": "cd" * 32}
    ledger.responses["FreezeReceivable"] = fakes.receivable(frozen=frozen)
    res = invoke(*path, "R-1", "--order", "ORD-1")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("regulator", None, False)]
    assert (ledger.only().kind, ledger.only().name, ledger.only().arguments) == ("submit", "FreezeReceivable", ["R-1", "ORD-1"])
    assert "frozen: ORD-1 (2026-03-05)" in res.output


def test_unfreeze_sends_the_lifting_order(ledger):
    # without --lifts the claim is read first: a lifting order sent again would lift the next order too
    ledger.responses["GetReceivable"] = fakes.receivable(frozen={"order_reference": "ORD-1", "by": "reg",
                                                                 "date": "2026-03-05", "tx_id": "cd" * 32})
    ledger.responses["UnfreezeReceivable"] = fakes.receivable()
    res = invoke("regulator", "unfreeze", "R-1", "--order", "ORD-2", "--as", "regulator/inspector2")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("regulator", "inspector2", False)]
    assert ledger.only("submit").arguments == ["R-1", "ORD-2"]


def test_statistics_table_and_json(ledger):
    ledger.responses["GetStatistics"] = fakes.statistics()
    res = invoke("regulator", "statistics")
    assert res.exit_code == 0, res.output
    assert "TOTAL" in res.output and "CNY 113,000.00" in res.output and "CNY 28,250.00" in res.output
    assert "25.00%" in res.output and "0.2500" not in res.output   # the share is a ratio, not an amount
    assert "by status: CONFIRMED 1" in res.output
    alias = invoke("receivable", "stats", "--json")
    assert json.loads(alias.output) == fakes.statistics()


def test_statistics_show_each_currency_apart_and_a_total_per_currency(ledger):
    row = lambda exposure, financed, n, share: {"exposure": exposure, "financed": financed, "overdue": 0,  # noqa: E731
                                                "receivables": n, "financed_share": share}
    stats = {"per_debtor": {CORE: {"CNY": row(300000, 0, 1, "0.0000"), "USD": row(100000, 100000, 1, "1.0000")}},
             "total": {"CNY": row(300000, 0, 1, "0.0000"), "USD": row(100000, 100000, 1, "1.0000")},
             "count_by_status": {"CONFIRMED": 1, "FINANCED": 1}, **fakes.PASSED_NONE}
    ledger.responses["GetStatistics"] = stats
    res = invoke("regulator", "statistics")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split() == ["DEBTOR", "CURRENCY", "RECEIVABLES", "EXPOSURE", "FINANCED", "OVERDUE", "FINANCED_SHARE"]
    usd_total = next(line for line in lines if line.startswith("TOTAL") and "USD" in line)
    assert "USD 1,000.00" in usd_total and "CNY" not in usd_total
    assert "CNY 3,000.00" in next(line for line in lines if line.startswith("TOTAL") and " CNY " in line)
    assert "4,000.00" not in res.output  # no sum across currencies
    assert json.loads(invoke("regulator", "statistics", "--json").output) == stats


def test_regulator_lists_by_status_following_bookmarks(ledger):
    k1 = fakes.bookmark("recfin.by-status", "CONFIRMED", "R-2")
    pages = {"": fakes.page([fakes.receivable()], k1), k1: fakes.page([fakes.receivable(id="R-2")], "")}
    ledger.responses["ListReceivablesByStatus"] = lambda args: pages[args[2]]
    res = invoke("regulator", "list", "CONFIRMED", "--all", "--json")
    assert res.exit_code == 0, res.output
    assert [r["id"] for r in json.loads(res.output)] == ["R-00000000000000a1", "R-2"]
    assert [c.arguments for c in ledger.calls] == [["CONFIRMED", "20", ""], ["CONFIRMED", "20", k1]]


def test_regulator_list_refuses_an_unknown_status(ledger):
    res = invoke("regulator", "list", "LOST")
    assert res.exit_code == 2 and ledger.calls == []


# ------------------------------------------------------------------ events

def test_events_print_json_lines_up_to_the_limit(ledger):
    ledger.network = FakeNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), chaincode_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", "ReceivableFrozen"),
                                  chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")])
    res = invoke("events", "--start-block", "5", "--limit", "2", "--json")
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.output.splitlines()]
    assert [(e["block"], e["event"], e["tx_id"]) for e in lines] == [(5, "ReceivableConfirmed", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"),
                                                                    (6, "ReceivableFrozen", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2")]
    assert ledger.network.requests == [("receivables", 5, None)]
    assert ledger.network.stream.closed


def test_events_checkpoint_resumes_after_the_last_event_printed(ledger, tmp_path):
    checkpoint = tmp_path / "events.checkpoint"
    ledger.network = FakeNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), chaincode_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2")])
    first = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint), "--limit", "2")
    assert first.exit_code == 0, first.output
    assert "block 6  ReceivableConfirmed  R-1  tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2" in first.output
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 6, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"}

    ledger.network = FakeNetwork([chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")],
                                 held={"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2": 6})
    again = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint), "--limit", "1")
    assert again.exit_code == 0, again.output
    (_, start_block, resume), = ledger.network.requests
    assert start_block is None and resume is not None  # the checkpoint wins over --start-block
    assert "resuming at block 6 after tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2" in again.output
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 7, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3"}


def test_with_json_the_resume_and_stop_notes_go_to_stderr_and_stdout_holds_only_event_lines(ledger, tmp_path):
    """`recfin events --checkpoint FILE --json >> events.jsonl`: the file gets the events and nothing else."""
    checkpoint = tmp_path / "events.checkpoint"
    checkpoint.write_text('{"blockNumber": 6, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"}')

    def followed_until_ctrl_c():
        yield chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")
        yield chaincode_event(8, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4")
        raise KeyboardInterrupt

    ledger.network = FakeNetwork(followed_until_ctrl_c(), held={"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2": 6})
    res = invoke("events", "--checkpoint", str(checkpoint), "--json")
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["tx_id"] for line in res.stdout.splitlines()] == ["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4"]
    assert res.stderr.splitlines() == [f"resuming at block 6 after tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2 ({checkpoint})", "stopped after 2 event(s)"]


def test_a_ctrl_c_while_the_checkpoint_is_written_still_records_the_event_printed(ledger, tmp_path, monkeypatch):
    checkpoint = tmp_path / "events.checkpoint"
    ledger.network = FakeNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), chaincode_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"), chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")])
    real = FileCheckpointer.checkpoint_chaincode_event
    writes = []

    def interrupted_on_the_second(self, event):
        writes.append(event.transaction_id)
        if len(writes) == 2:
            raise KeyboardInterrupt   # as a Ctrl-C in the middle of the write would
        real(self, event)

    monkeypatch.setattr(FileCheckpointer, "checkpoint_chaincode_event", interrupted_on_the_second)
    res = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint))
    assert res.exit_code == 0, res.output
    assert "stopped after 2 event(s)" in res.output
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 6, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"}   # a resume starts at bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3


def test_a_ctrl_c_while_an_event_line_is_written_records_that_event(ledger, tmp_path, monkeypatch):
    checkpoint = tmp_path / "events.checkpoint"
    ledger.network = FakeNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), chaincode_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"), chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")])
    real_echo = event_commands.click.echo
    lines = []

    def interrupted_writing_the_second(message=None, *args, **kwargs):
        real_echo(message, *args, **kwargs)
        if isinstance(message, str) and message.startswith("block "):
            lines.append(message)
            if len(lines) == 2:
                raise KeyboardInterrupt   # as a Ctrl-C while the write is blocked on a full pipe would

    monkeypatch.setattr(event_commands.click, "echo", interrupted_writing_the_second)
    res = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint))
    assert res.exit_code == 0, res.output
    assert "stopped after 2 event(s)" in res.output
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 6, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"}   # a resume starts at bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3


def test_a_checkpoint_file_at_block_0_without_a_transaction_leaves_start_block_in_force(ledger, tmp_path):
    """The state a checkpointer writes before its first event: the gateway takes it as no position
    (client.gateway.holds_position), so --start-block says where to begin."""
    checkpoint = tmp_path / "events.checkpoint"
    checkpoint.write_text('{"blockNumber": 0, "transactionId": ""}')
    ledger.network = FakeNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1")])
    res = invoke("events", "--start-block", "5", "--checkpoint", str(checkpoint), "--limit", "1")
    assert res.exit_code == 0, res.output
    (chaincode, start_block, given), = ledger.network.requests
    assert (chaincode, start_block) == ("receivables", 5) and "resuming" not in res.output
    assert given.path == checkpoint   # given all the same, for the gateway to record its channel and chaincode
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 5, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"}


def test_event_amounts_are_printed_without_a_currency_the_event_does_not_name(ledger):
    """Events carry amounts in fen but not the claim's currency: a USD claim's must not read as CNY."""
    ledger.network = FakeNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", face_amount=113_000),
                                  chaincode_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", amount=500, currency="USD")])
    res = invoke("events", "--start-block", "5", "--limit", "2")
    assert res.exit_code == 0, res.output
    first, second = res.output.splitlines()[-2:]
    assert first.endswith("face_amount=1,130.00") and "CNY" not in first
    assert second.endswith("amount=USD 5.00, currency=USD")


def test_receivable_events_is_the_same_command(ledger):
    assert COMMANDS[1].commands["events"] is events


# ------------------------------------------------------------------ bad input: one line, non-zero, nothing changed

def test_an_unknown_receivable_is_one_line(ledger):
    ledger.errors["GetReceivable"] = refusal("not-found", "no receivable R-404")
    res = invoke("receivable", "confirm", "R-404")
    assert res.exit_code == 1
    assert res.output.strip() == "Error: GetReceivable refused: RULE not-found: no receivable R-404"
    assert [c.name for c in ledger.calls] == ["GetReceivable"]  # read to name the endorsers: nothing sent


def test_the_wrong_org_for_the_action_is_one_line(ledger):
    ledger.errors["ConfirmReceivable"] = refusal("not-the-debtor", "only the debtor confirms R-1")
    ledger.responses["GetReceivable"] = fakes.receivable()   # the holder may read it, not confirm it
    res = invoke("receivable", "confirm", "R-1", "--as", "supplier/supplier1")
    assert res.exit_code == 1
    assert res.output.strip() == "Error: ConfirmReceivable refused: RULE not-the-debtor: only the debtor confirms R-1"


def test_an_org_without_a_profile_is_one_line(tmp_path):
    (tmp_path / "profiles").mkdir()
    res = invoke("receivable", "confirm", "R-1", "--as", "nosuchorg", "--data-root", str(tmp_path))
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: no connection profile for org 'nosuchorg'"), res.output


def test_an_org_not_among_the_profiles_network_up_wrote_is_one_line_naming_those_there(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    for org, msp_id in [("bank", "BankMSP"), ("supplier", "SupplierMSP")]:
        (folder / f"{org}.json").write_text(profile(org).model_copy(update={"msp_id": msp_id}).model_dump_json())
    res = invoke("receivable", "confirm", "R-1", "--as", "bnak", "--data-root", str(tmp_path))
    assert res.exit_code == 1
    assert res.output == f"Error: no org 'bnak' in {folder}: choose one of bank, supplier (name or MSP ID)\n"


def test_a_bad_amount_is_one_usage_line_and_nothing_is_sent(ledger):
    res = invoke("receivable", "pay", "R-1", "--amount", "1,2345.00")
    assert res.exit_code == 2
    assert "Invalid value for '--amount'" in res.output and "not an amount" in res.output
    assert ledger.opened == [] and ledger.calls == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_sigterm_or_sighup_stops_following_as_ctrl_c_does_with_the_checkpoint_past_the_last_event(
        ledger, tmp_path, signum):
    """A service manager stopping `recfin events --checkpoint FILE` (SIGTERM), or its ssh session dropping
    (SIGHUP): it stops as at Ctrl-C, exit 0, the checkpoint past the last event printed, where the signal's
    default action ended it wherever it was, a line printed and its checkpoint not yet recorded."""
    checkpoint = tmp_path / "events.checkpoint"

    def followed_until_signalled():
        yield chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")
        yield chaincode_event(8, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4")
        if signal.getsignal(signum) is signal.SIG_DFL:   # the signal would end the process, and this test
            raise AssertionError(f"{signal.Signals(signum).name} would end `recfin events` wherever it was")
        os.kill(os.getpid(), signum)
        time.sleep(10)   # the handler raises in this thread before the sleep is over
        raise AssertionError("the signal did not stop the stream")

    ledger.network = FakeNetwork(followed_until_signalled())
    res = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint), "--json")
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["tx_id"] for line in res.stdout.splitlines()] == ["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4"]
    assert res.stderr.splitlines()[-1] == "stopped after 2 event(s)"
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 8, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4"}
    assert signal.getsignal(signum) is signal.SIG_DFL   # left as it was found
