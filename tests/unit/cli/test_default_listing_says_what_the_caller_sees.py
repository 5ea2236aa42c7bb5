"""`recfin receivable list` without a filter lists the claims the caller holds. A regulator, a debtor or a bank holds
none of its own, and was shown an empty table that read as "there are no claims": it is now told, in one line
after the table (on stderr beside --json), that it listed its own holdings and which listing is its to make."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from cli import connection
from cli.main import main
from client.receivables import ReceivablesClient
from tests.unit.receivables_client import fakes
from tests.unit.receivables_client.fakes import BANK, CORE, TIER1, FakeContract
from tests.unit.receivables_client.test_cli import profile

REGULATOR = "91110000MA1K00007E"


@pytest.fixture
def ledger(monkeypatch):
    contract = FakeContract()

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        p = profile(org)
        yield connection.Session(ReceivablesClient(contract), p, p.users["u1"])

    monkeypatch.setattr(connection, "open_session", open_session)
    monkeypatch.setattr(connection, "note_caller", lambda *args: None)
    contract.responses["ListReceivablesByHolder"] = fakes.page([])
    return contract


def list_as(ledger, uscc: str, role: str, *options: str):
    ledger.responses["WhoAmI"] = fakes.party(uscc=uscc, role=role)
    return CliRunner().invoke(main, ["receivable", "list", *options])


def test_the_regulator_is_told_it_holds_none_and_reads_every_claim_by_filter(ledger):
    res = list_as(ledger, REGULATOR, "regulator", "--as", "regulator")
    assert res.exit_code == 0, res.output
    assert (ledger.calls[-1].name, ledger.calls[-1].arguments[0]) == ("ListReceivablesByHolder", REGULATOR)
    last = res.stdout.splitlines()[-1]
    assert last.startswith(f"listed: the claims {REGULATOR} holds itself, and a regulator holds none: it reads "
                           "every claim")
    assert "--status STATUS (`recfin regulator list STATUS`), --holder USCC, --debtor USCC or --financier USCC" in last


@pytest.mark.parametrize("uscc, role, way", [(CORE, "core_enterprise", f"the claims it owes: --debtor {CORE}"),
                                             (BANK, "financier", f"the claims it finances: --financier {BANK}")])
def test_a_debtor_or_a_bank_is_told_where_its_claims_are_listed(ledger, uscc, role, way):
    res = list_as(ledger, uscc, role)
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1].startswith(f"listed: the claims {uscc} holds itself; {way}")


def test_beside_json_the_line_is_on_stderr(ledger):
    res = list_as(ledger, REGULATOR, "regulator", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["records"] == []
    assert res.stderr.startswith("listed: the claims")


def test_a_supplier_listing_its_holdings_and_any_named_listing_get_no_line(ledger):
    assert "listed:" not in list_as(ledger, TIER1, "supplier").output
    ledger.responses["ListReceivablesByStatus"] = fakes.page([])
    res = list_as(ledger, REGULATOR, "regulator", "--status", "FINANCED")
    assert res.exit_code == 0 and "listed:" not in res.output
