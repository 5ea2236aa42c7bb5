"""An endorsement is judged by the channel config its transaction was validated under (the config block
its block names), as Fabric judged it when committing, with today's revocation lists besides: not by
today's config alone, whose CAs and CRLs may have changed since."""
from __future__ import annotations

from client.receivables.ledger_keys import receivable_key

from . import test_audit as audit_tests
from .audit_ledger import Org, ScriptedQscc, Signer, config_block, endorsed, plain_block, transaction_block
from .test_audit import CORE, SUPPLIER, R, checks_of

orgs_keys, ledger = audit_tests.orgs_keys, audit_tests.ledger


def committed_then_updated(ledger, update) -> None:
    """The registration committed in block 3 (the version the confirmation read), the confirmation in block 4,
    under config block 0; then ``update`` changes the ledger's orgs, and a config update (block 5) carries their
    MSPs as they are after it: the config in force today."""
    ledger.orgs = dict(ledger.orgs)     # the module's orgs stay as they are for the tests after
    then = config_block(list(ledger.orgs.values()))
    registered = transaction_block(3, [ledger.transactions["t-register"]])
    confirmed = transaction_block(4, [ledger.transactions["t-confirm"]])
    update(ledger)
    today = config_block(list(ledger.orgs.values()), number=5)
    blocks = [then, plain_block(1, 0), plain_block(2, 0), registered, confirmed, today, plain_block(6, 5)]
    ledger.qscc = lambda: ScriptedQscc(blocks, ledger.transactions)


def test_a_certificate_revoked_when_it_endorsed_fails_after_its_crl_entry_is_dropped(ledger):
    # a debtor peer's key is stolen and its certificate revoked; two other orgs commit a confirmation endorsed
    # with it (VALID: they meet the chaincode-level policy); later the org's CRL no longer lists it (a CRL
    # drops a certificate once expired)
    core = ledger.orgs[CORE]
    key, cert = core.issue("peer1.core")
    core.revoked = [cert.serial_number]
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [Signer(CORE, cert, key), *ledger.peers(SUPPLIER)])
    committed_then_updated(ledger, lambda ledger: setattr(ledger.orgs[CORE], "revoked", []))
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False
    assert f"is on {CORE}'s revocation list" in reason


def test_a_confirmation_endorsed_under_a_ca_the_debtor_has_since_replaced_passes(ledger):
    def rotate(ledger):
        ledger.orgs[CORE] = Org(CORE)   # the debtor's org replaces its CA: today's config holds the new one
    committed_then_updated(ledger, rotate)
    report = ledger.audit()[0]
    passed, reason = checks_of(report)["confirmation"]
    assert passed and reason.startswith(f"endorsed by {CORE} (verified: {CORE}, {SUPPLIER});"), reason


def test_a_certificate_of_a_ca_the_debtors_msp_took_only_later_is_no_endorsement_of_it(ledger):
    later = Org(CORE)           # a CA the debtor's MSP did not hold when the confirmation committed
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [Signer.peer_of(later), *ledger.peers(SUPPLIER)])

    def adopt(ledger):
        ledger.orgs[CORE] = later
    committed_then_updated(ledger, adopt)
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False
    assert f"does not chain to a CA certificate of {CORE} in the channel config" in reason
