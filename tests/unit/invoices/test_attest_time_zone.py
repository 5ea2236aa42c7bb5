"""The time an evidence document says the invoice was verified at is a moment, written in UTC: a time given without
its zone (``datetime.utcnow()``, or a local clock's reading) is refused, not read as this machine's local time, where
``utcnow()`` on a server in China Standard Time would put the verification eight hours before it happened."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from client.invoices import attestation, invoice_fingerprint, read_invoice, verify_with_sources
from client.invoices.attest import attest_verification

from ._ledger import Ledger
from .test_attest import INVOICE, sources


def test_a_time_without_its_zone_is_refused_naming_what_to_give():
    result = verify_with_sources(read_invoice(INVOICE), *sources())
    with pytest.raises(ValueError, match=r"^attested_at 2026-09-10 09:30:00 has no time zone: .*"
                                         r"datetime\.now\(timezone\.utc\)"):
        attestation(result, datetime(2026, 9, 10, 9, 30))


def test_a_time_without_its_zone_attests_nothing():
    ledger = Ledger()
    inv = read_invoice(INVOICE)
    with pytest.raises(ValueError, match="has no time zone"):
        attest_verification(ledger.client("bank"), inv, verify_with_sources(inv, *sources()),
                            attested_at=datetime(2026, 9, 10, 9, 30))
    assert ledger.client("bank").invoice_attestations(invoice_fingerprint(inv)) == []


def test_a_time_in_any_zone_is_written_as_the_same_moment_in_utc():
    result = verify_with_sources(read_invoice(INVOICE), *sources())
    in_beijing = datetime(2026, 9, 10, 17, 30, tzinfo=timezone(timedelta(hours=8)))
    assert attestation(result, in_beijing).document["attested_at"] == "2026-09-10T09:30:00Z"

