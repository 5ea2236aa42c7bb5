"""attest_verification whose answer was lost keeps the evidence document it sent on its error, and says how
to send that same document again.

Its evidence document carries ``attested_at``, by default the moment of the call: a call made again a second
later, under the request id the SDK named, sent another document, which the contract refused
``request-id-reused`` when the first had committed; the document whose digest the ledger held, the proof of
the attestation, was lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import grpc
import pytest

from client.gateway import CommitStatusError
from client.invoices import (ReferenceBusinessRegistry, ReferenceTaxInvoiceVerifier, read_invoice,
                             verify_with_sources)
from client.invoices import sources as sources_module
from client.invoices.attest import attest_verification
from client.receivables import ReceivablesClient, RuleViolation

from ..ledger_contract import LedgerContract
from ._ledger import Ledger
from .test_attest import INVOICE

FIRST, SECOND = (datetime(2026, 9, 10, 9, 30, s, tzinfo=timezone.utc) for s in (0, 1))


@dataclass
class StatusLostOnce(LedgerContract):
    """The in-process Gateway Contract whose first submit commits, then loses its commit status."""

    lost: bool = False

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None,
               retry=None) -> bytes:
        payload = super().submit(name, arguments=arguments, transient=transient)
        if not self.lost:
            self.lost = True
            raise CommitStatusError("commit status not received", transaction_id="ab" * 32,
                                    code=grpc.StatusCode.DEADLINE_EXCEEDED)
        return payload


@pytest.fixture
def clock(monkeypatch):
    """The evidence document's "now": the first call's second, then the retry's, one second later."""
    moments = iter([FIRST, SECOND])

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return next(moments)

    monkeypatch.setattr(sources_module, "datetime", Clock)


def test_an_attestation_whose_answer_was_lost_is_sent_again_with_its_evidence_and_recorded_once(clock):
    ledger = Ledger()
    bank = ReceivablesClient(StatusLostOnce(ledger.memory, ledger.identities["bank"], lambda: ledger.now))
    inv = read_invoice(INVOICE)
    verified = verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry())

    with pytest.raises(CommitStatusError) as lost:
        attest_verification(bank, inv, verified)   # as docs/sdk-receivables.md writes it
    error = lost.value
    committed = bank.request(error.request_id)   # it did commit: the ledger holds the digest of what it sent
    assert error.evidence.digest == committed.typed_result.evidence_digest
    attested_at = error.evidence.document["attested_at"]
    assert attested_at == "2026-09-10T09:30:00Z"
    assert error.__notes__[-1] == (
        f"its evidence document is error.evidence (attested_at {attested_at}), whose digest the ledger "
        "holds if it committed: call attest_verification again with "
        f"request_id={error.request_id!r} and attested_at=datetime.fromisoformat({attested_at!r}), "
        "which sends the same document; another attested_at sends another, refused (request-id-reused) "
        "once the first committed")

    # as the note says, a second later: the first record, and nothing attested twice
    done = attest_verification(bank, inv, verified, request_id=error.request_id,
                               attested_at=datetime.fromisoformat(attested_at))
    assert done.evidence == error.evidence and done.record.id == committed.typed_result.id
    assert [a.id for a in bank.invoice_attestations(done.record.fingerprint)] == [done.record.id]


def test_a_refused_attestation_keeps_no_evidence_on_its_error():
    ledger = Ledger()
    supplier = ledger.client("supplier")   # no attesting role: refused, nothing written
    inv = read_invoice(INVOICE)
    with pytest.raises(RuleViolation) as refused:
        attest_verification(supplier, inv, verify_with_sources(inv, ReferenceTaxInvoiceVerifier(),
                                                               ReferenceBusinessRegistry()))
    assert not hasattr(refused.value, "evidence")
    assert not getattr(refused.value, "__notes__", None)
