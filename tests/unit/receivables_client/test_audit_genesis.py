"""No orderer signs a genesis block, so the audit takes block 0 as its own org's peer holds it, unless it is given
the hash of the channel's genesis block from elsewhere (``genesis_hash``, `--genesis-block FILE`): a peer whose
block 0 is another (other orderer orgs, other CAs) then fails every check resting on a block's signatures, naming
both hashes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from client.ledger import block_integrity
from client.receivables import ReceivablesClient
from client.receivables.audit import ReceivableAudit

from . import test_audit as audit_tests
from .audit_ledger import CHAINCODE, CHANNEL, ORDERER, Org, config_block, signed_by
from .test_audit import BANK, R, checks_of

orgs_keys, ledger, as_bank = audit_tests.orgs_keys, audit_tests.ledger, audit_tests.as_bank
recfin = audit_tests.recfin


def genesis_of(ledger, orderer: Org = ORDERER):
    """The channel's genesis block as the ledger's (``Ledger.qscc``) is made, its orderer org ``orderer``."""
    return signed_by(config_block(list(ledger.orgs.values()), orderer=orderer), None)


def another_genesis(ledger):
    """A genesis block of the same orgs under another orderer org's CA."""
    other = Org(ORDERER.msp_id)
    other.peer_key, other.peer_cert = other.issue("orderer0.orderer", ou="orderer")
    return genesis_of(ledger, other)


def audited(ledger, genesis_hash):
    qscc = ledger.qscc()
    report = ReceivableAudit(ReceivablesClient(ledger.contract), qscc, channel=CHANNEL, msp_id=BANK,
                             chaincode=CHAINCODE, genesis_hash=genesis_hash).audit(R)
    return report, qscc


def test_the_peers_genesis_block_given_by_its_hash_passes(ledger):
    report, qscc = audited(ledger, block_integrity.header_hash(genesis_of(ledger).header))
    assert report.passed, report.checks
    assert block_integrity.header_hash(qscc.blocks[0].header) == block_integrity.header_hash(
        genesis_of(ledger).header)


def test_a_peer_holding_another_genesis_block_than_the_one_given_fails_naming_both_hashes(ledger):
    expected = block_integrity.header_hash(another_genesis(ledger).header)
    report, qscc = audited(ledger, expected)
    held = block_integrity.header_hash(qscc.blocks[0].header)
    assert held != expected and not report.passed
    passed, reason = checks_of(report)["confirmation"]
    assert passed is False
    # the first block the check reads (the registration's), every block resting on block 0's config
    assert reason.startswith("block ") and reason.split(" ", 2)[2] == (
        "was verified under the config of block 0, which cannot be taken: block 0, the "
        f"genesis block {BANK}'s peer holds, has a header hashing to {held.hex()}, where the channel's genesis "
        f"block the audit was given hashes to {expected.hex()}: no orderer signs a genesis block, and every later "
        "block is checked under the config it carries, so none can be taken. Check that the genesis block given "
        "is the channel's; if it is, the peer's ledger is of another channel: have it leave the channel (`peer "
        "node unjoin`) and join it again with that block")


@pytest.mark.parametrize("which, exit_code", [("the-peers", 0), ("another", 1)])
def test_the_command_checks_block_0_against_the_genesis_block_file_given(as_bank, tmp_path, which, exit_code):
    made = genesis_of(as_bank) if which == "the-peers" else another_genesis(as_bank)
    path = tmp_path / "receivables.block"
    path.write_bytes(made.SerializeToString())
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--genesis-block", str(path), "--json"])
    assert res.exit_code == exit_code, res.output
    confirmation = json.loads(res.output)["checks"][0]
    assert ("block 0, the genesis block" in confirmation["reason"]) is (which == "another")


@pytest.mark.parametrize("content, said", [
    (None, "cannot be read"),
    (b"\xff\xff", "does not decode"),
    (b"", "carries no channel config"),
], ids=["missing", "not-a-block", "no-config"])
def test_a_genesis_block_file_that_is_none_is_a_usage_error_before_anything_is_read(as_bank, tmp_path, content,
                                                                                      said):
    path = tmp_path / "receivables.block"
    if content is not None:
        path.write_bytes(content)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--genesis-block", str(path)])
    assert res.exit_code == 2, res.output
    assert str(path) in res.output and said in res.output and "--genesis-block" in res.output
    assert as_bank.opened == []
