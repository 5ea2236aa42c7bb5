"""`recfin risk score` with no --as-of scores as of today in the ledger's calendar (China Standard Time, the
contract's business date), not the host's: run at 17:30 UTC, it is already the next day on the ledger, whatever
zone the host is set to, so two hosts in different zones score the same day."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

import client.business_dates as business_dates
from cli.risk_commands import risk

# 2026-12-06 17:30 UTC: 2026-12-07 01:30 in China, 2026-12-06 09:30 in Los Angeles
NOW = datetime(2026, 12, 6, 17, 30, tzinfo=timezone.utc)


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW.astimezone(tz) if tz is not None else NOW.astimezone().replace(tzinfo=None)


@pytest.fixture
def host_in_los_angeles(monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    monkeypatch.setattr(business_dates, "datetime", _FixedClock)
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_history_with_nothing_recorded_is_scored_as_of_the_ledgers_today(tmp_path, host_in_los_angeles):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": "D-NEW", "events": []}), encoding="utf-8")
    scored = CliRunner().invoke(risk, ["score", "D-NEW", "--history", str(path), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["as_of"] == "2026-12-07"
