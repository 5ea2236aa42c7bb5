"""`recfin receivable get` prints, with the claim, what the commands that changed its status printed of it: when
it was issued and confirmed, and the reason and date a claim was rejected, withdrawn or found overdue. Before,
`receivable reject` printed the rejection's reason but `get` of the same claim did not: a supplier looking up its
REJECTED claim saw no why, which only --json held.

Over the real contract on MemoryLedger (the connection is ``TopologySessions``, as in
test_cli_pages_and_currencies.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin

LIFECYCLE_FIELDS = ("issue_date", "confirmed_on", "rejection_reason", "withdrawn_on", "withdrawal_reason",
                    "overdue_since")


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _fields_shown(rid: str, who: str) -> dict[str, str]:
    res = recfin("receivable", "get", rid, "--as", who)
    assert res.exit_code == 0, res.output
    return dict(line.split(": ", 1) for line in res.output.splitlines() if ": " in line)


def _as_the_table_shows_them(rid: str, who: str) -> dict[str, str]:
    """The lifecycle fields --json holds a value for, as the table writes them."""
    claim = ok("receivable", "get", rid, "--as", who)
    return {k: str(claim[k]) for k in LIFECYCLE_FIELDS if claim[k] is not None}


def _lifecycle_shown(rid: str, who: str) -> dict[str, str]:
    return {k: v for k, v in _fields_shown(rid, who).items() if k in LIFECYCLE_FIELDS}


def test_a_rejected_claim_shows_why_as_reject_printed_it(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "reject", rid, "--reason", "goods returned", "--as", "coreenterprise")
    shown = _lifecycle_shown(rid, "supplier/supplier1")
    assert shown == {"issue_date": "2026-03-02", "rejection_reason": "goods returned"}
    assert shown == _as_the_table_shows_them(rid, "supplier/supplier1")


def test_a_withdrawn_claim_shows_when_and_why(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "withdraw", rid, "--reason", "wrong face amount", "--as", "supplier/supplier1")
    shown = _lifecycle_shown(rid, "coreenterprise")
    assert shown == {"issue_date": "2026-03-02", "withdrawn_on": "2026-03-02",
                     "withdrawal_reason": "wrong face amount"}
    assert shown == _as_the_table_shows_them(rid, "coreenterprise")


def test_an_overdue_claim_shows_when_it_was_confirmed_and_since_when_it_is_overdue(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    channel.now += timedelta(days=91)   # past the due date, 2026-05-31
    ok("receivable", "overdue", rid, "--as", "supplier/supplier1")
    shown = _lifecycle_shown(rid, "supplier/supplier1")
    assert shown == {"issue_date": "2026-03-02", "confirmed_on": "2026-03-02",
                     "overdue_since": ok("receivable", "get", rid, "--as", "supplier/supplier1")["overdue_since"]}
    assert shown == _as_the_table_shows_them(rid, "supplier/supplier1")


def test_a_claim_never_rejected_has_no_reason_line_to_read_as_one(channel):
    rid = registered("26312000000012345678")
    assert _lifecycle_shown(rid, "supplier/supplier1") == {"issue_date": "2026-03-02"}
