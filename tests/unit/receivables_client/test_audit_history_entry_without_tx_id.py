"""A key's history entry that names no transaction (an empty ``tx_id``) fails the check of that key, naming the entry,
with no qscc read asked for it (qscc refuses an empty transaction id before sending, which stopped the whole audit
with its ValueError). And a chain info of height 0, which no channel's ledger has, fails the check whose block needed
the config in force, saying so, where the audit stopped asking for block -1."""
from __future__ import annotations

from client.receivables import ReceivablesClient
from client.receivables.audit import ReceivableAudit

from . import fakes
from . import test_audit as audit_tests
from .audit_ledger import CHAINCODE, CHANNEL, ScriptedQscc
from .test_audit import BANK, R, checks_of, history_entry, party_entry

# the fixtures: the ledger of real endorsements a claim is audited on
orgs_keys, ledger = audit_tests.orgs_keys, audit_tests.ledger


def transaction_reads(qscc) -> list[tuple]:
    return [arguments for function, arguments, _ in qscc.asked if function in ("GetTransactionByID", "GetBlockByTxID")]


def test_a_claims_history_entry_without_a_transaction_fails_the_confirmation_naming_the_entry(ledger):
    ledger.history = [ledger.history[0], history_entry("", "CONFIRMED")]
    report, qscc = ledger.audit()
    confirmation = next(check for check in report.checks if check.what == "confirmation")
    assert confirmation.passed is False and confirmation.tx_id is None
    assert confirmation.reason.startswith(f"entry 2 of the history of {R} on {BANK}'s peer (at "
                                          f"{ledger.history[1]['timestamp']}) names no transaction (its tx_id is "
                                          "empty)")
    assert not report.passed
    assert (CHANNEL, "") not in transaction_reads(qscc)    # nothing asked of the peer for it
    assert (CHANNEL, "t-register") in transaction_reads(qscc)   # the entry before it was read as ever


def test_a_party_records_history_entry_without_a_transaction_fails_that_records_check(ledger):
    ledger.parties[fakes.TIER1] = [party_entry("", "SupplierMSP")]
    report, qscc = ledger.audit()
    passed, reason = checks_of(report)["holder party record"]
    assert passed is False
    assert reason.startswith(f"entry 1 of the history of {fakes.TIER1} on {BANK}'s peer")
    assert "names no transaction (its tx_id is empty)" in reason
    assert checks_of(report)["confirmation"][0] is True     # the other keys' checks are made as before
    assert (CHANNEL, "") not in transaction_reads(qscc)


class HeightZeroQscc(ScriptedQscc):
    """A peer, or what relays its answers, answering GetChainInfo with no bytes: a height of 0."""

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None) -> bytes:
        if function == "GetChainInfo":
            self.asked.append((function, tuple(arguments), endorsing_organizations))
            return b""
        return super().evaluate(function, arguments=arguments, endorsing_organizations=endorsing_organizations)


def test_a_chain_info_of_height_0_fails_the_check_saying_so_not_asking_for_block_minus_1(ledger):
    scripted = ledger.qscc()
    qscc = HeightZeroQscc(scripted.blocks, scripted.transactions)
    report = ReceivableAudit(ReceivablesClient(ledger.contract), qscc, channel=CHANNEL, msp_id=BANK,
                             chaincode=CHAINCODE).audit(R)
    passed, reason = checks_of(report)["confirmation"]
    assert passed is False
    assert reason.startswith("which config block is in force at block ")
    assert (f"the chain info of {CHANNEL} that {BANK}'s peer answered gives a height of 0, which no ledger of a "
            "channel has") in reason
    assert all(arguments != (CHANNEL, "-1") for function, arguments, _ in qscc.asked)
