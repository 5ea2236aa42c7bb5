"""Every block the audit reads is checked as a peer checks one the orderer delivers: its header hashes its
data as Fabric does, it links with a block next to it that the audit read too, and its orderer signatures
meet the channel's /Channel/Orderer/BlockValidation of the config it was verified under. The blocks are cut
and signed with real keys (audit_ledger.seal); each failing case changes one block after it was cut."""
from __future__ import annotations

import json

from click.testing import CliRunner
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from client.ledger import block_integrity
from client.receivables.ledger_keys import receivable_key

from . import test_audit as audit_tests
from .audit_ledger import (ORDERER, Org, ScriptedQscc, config_block, endorsed, plain_block, signed_by,
                           transaction_block, with_last_config)
from .test_audit import BANK, BLOCK_OF, CORE, SUPPLIER, R, checks_of

orgs_keys, ledger, as_bank = audit_tests.orgs_keys, audit_tests.ledger, audit_tests.as_bank
recfin = audit_tests.recfin
CONFIRMED_IN = BLOCK_OF["t-confirm"]


def with_block_changed(ledger, number: int, change) -> ScriptedQscc:
    """The ledger's channel, block ``number`` changed by ``change`` after it was cut."""
    qscc = ledger.qscc()
    change(qscc.blocks[number])
    ledger.qscc = lambda: qscc
    return qscc


def test_blocks_cut_and_signed_by_the_orderer_pass_and_each_is_read(ledger):
    report, qscc = ledger.audit()
    assert report.passed, report.checks
    asked = {(function, arguments[1:]) for function, arguments, _ in qscc.asked}
    assert ("GetBlockByTxID", ("t-confirm",)) in asked and ("GetBlockByNumber", ("0",)) in asked


def test_a_block_whose_header_does_not_hash_its_data_fails_the_check_naming_it(ledger):
    def tamper(block):
        block.header.data_hash = b"\0" * 32
    with_block_changed(ledger, CONFIRMED_IN, tamper)
    report = ledger.audit()[0]
    assert not report.passed
    passed, reason = checks_of(report)["confirmation"]
    assert passed is False
    assert reason.startswith(f"block {CONFIRMED_IN}'s header gives data hash {'00' * 32}, but its "
                             "transactions hash to ")


def test_a_block_whose_data_changed_after_it_was_cut_fails(ledger):
    def swap(block):    # another transaction in its place, the header left as the orderer signed it
        block.data.data[0] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                      ledger.peers(CORE, SUPPLIER)).transactionEnvelope.SerializeToString()
    with_block_changed(ledger, CONFIRMED_IN, swap)
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False and "its data is not the data the ordering service cut" in reason


def test_a_block_signed_by_a_peer_org_and_not_the_orderer_fails(ledger):
    # a block cut again with the data hash right, signed by the debtor's peer: a real signature, of no orderer
    with_block_changed(ledger, CONFIRMED_IN, lambda block: signed_by(block, ledger.orgs[CORE]))
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False
    assert reason.startswith(f"block {CONFIRMED_IN} is not signed as the channel config it was verified "
                             "under asks: /Channel/Orderer/BlockValidation (ANY Writers) needs 1 of 1 orgs' "
                             f"Writers, has 0: missing 1 of {ORDERER.msp_id} (signed by {CORE} ")


def test_a_block_no_orderer_signed_fails(ledger):
    with_block_changed(ledger, CONFIRMED_IN, lambda block: signed_by(block, None))
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False
    assert reason.endswith("(it carries no orderer signature)")


def test_a_block_signed_by_an_orderer_org_the_config_does_not_hold_fails(ledger):
    impostor = Org(ORDERER.msp_id)      # the orderer org's MSP ID, another CA
    impostor.peer_key, impostor.peer_cert = impostor.issue("orderer0.orderer", ou="orderer")
    with_block_changed(ledger, CONFIRMED_IN, lambda block: signed_by(block, impostor))
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False and f"missing 1 of {ORDERER.msp_id}" in reason


def test_the_command_exits_1_on_a_block_no_orderer_signed(as_bank):
    with_block_changed(as_bank, CONFIRMED_IN, lambda block: signed_by(block, None))
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    assert res.exit_code == 1, res.output
    confirmation = json.loads(res.output)["checks"][0]
    assert confirmation["passed"] is False and f"block {CONFIRMED_IN} is not signed" in confirmation["reason"]


def confirmed_after(ledger, registered_at: tuple[int, int]) -> None:
    """The confirmation, endorsed by the debtor's and the holder's orgs, reading the claim at the version the
    registration wrote, committed at ``registered_at`` (block, position)."""
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), reads={receivable_key(R): registered_at})


def updated_config_ledger(ledger) -> list[common_pb2.Block]:
    """The registration committed in block 4, the confirmation, reading the claim as it wrote it, in block 5,
    both under config block 3, an update of the genesis block's config: block 3 is verified under the genesis
    block's config, read through block 2, the block before it."""
    confirmed_after(ledger, (4, 0))
    blocks = [config_block(list(ledger.orgs.values())), plain_block(1, 0), plain_block(2, 0),
              config_block(list(ledger.orgs.values()), number=3),
              with_last_config(transaction_block(4, [ledger.transactions["t-register"]]), 3),
              with_last_config(transaction_block(5, [ledger.transactions["t-confirm"]]), 3)]
    ledger.qscc = lambda: ScriptedQscc(blocks, ledger.transactions)
    return blocks


def test_a_config_update_is_verified_under_the_config_before_it(ledger):
    updated_config_ledger(ledger)
    report, qscc = ledger.audit()
    assert report.passed, report.checks
    read = [arguments[1] for function, arguments, _ in qscc.asked if function == "GetBlockByNumber"]
    assert {"3", "2", "0"} <= set(read)


def test_a_block_that_does_not_follow_the_block_before_it_fails(ledger):
    updated_config_ledger(ledger)
    qscc = ledger.qscc()
    # block 2 cut again, with other data: signed by the orderer, yet not the block config block 3 follows
    other = plain_block(2, 0)
    other.data.data.append(endorsed("t-other", {}, []).transactionEnvelope.SerializeToString())
    other.header.previous_hash = block_integrity.header_hash(qscc.blocks[1].header)
    qscc.blocks[2] = signed_by(other, ORDERER)
    ledger.qscc = lambda: qscc
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False
    assert "block 3's header gives previous hash " in reason
    hashed = block_integrity.header_hash(other.header).hex()
    assert reason.endswith(f"but block 2's header hashes to {hashed}: the two are not of one chain")


def test_a_config_update_signed_by_no_orderer_fails_the_blocks_verified_under_it(ledger):
    updated_config_ledger(ledger)
    with_block_changed(ledger, 3, lambda block: signed_by(block, None))
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False
    assert "was verified under the config of block 3, which cannot be taken: block 3 is not signed" in reason


def test_header_bytes_are_the_asn1_der_fabric_encodes():
    # protoutil.BlockHeaderBytes: SEQUENCE {INTEGER number, OCTET STRING previous_hash, data_hash likewise}
    header = common_pb2.BlockHeader(number=1, previous_hash=b"foo", data_hash=b"bar")
    assert block_integrity.header_bytes(header) == bytes.fromhex("300d020101" "0403666f6f" "0403626172")
    biggest = common_pb2.BlockHeader(number=2**64 - 1)
    assert block_integrity.header_bytes(biggest) == bytes.fromhex("300f020900ffffffffffffffff04000400")


def test_two_transactions_joined_into_one_fail_though_the_data_hash_is_the_same(ledger):
    # protoutil.BlockDataHash hashes the transactions one after another: joined, they hash the same, and
    # Fabric refuses the block for a transaction whose bytes are more than its envelope's
    block = transaction_block(7, [ledger.transactions["t-register"], ledger.transactions["t-confirm"]])
    block.header.data_hash = block_integrity.data_hash(block.data)
    joined = common_pb2.Block()
    joined.CopyFrom(block)
    joined.data.data[:] = [b"".join(block.data.data)]
    assert block_integrity.data_hash(joined.data) == block.header.data_hash
    assert block_integrity.data_problem(block) is None
    assert block_integrity.data_problem(joined).startswith(
        "block 7's data is not what the ordering service hashes: transaction 0 is not encoded as its "
        "envelope encodes")


def test_a_transaction_answered_by_its_id_other_than_its_block_holds_it_fails(ledger):
    # the transaction filter, written by the committing peer, is no part of what the orderer signed: the block
    # passes, and the transaction read by its id must still be the block's, validation code included
    def failed(block):
        block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes(
            [transaction_pb2.ENDORSEMENT_POLICY_FAILURE])
    with_block_changed(ledger, CONFIRMED_IN, failed)
    assert checks_of(ledger.audit()[0])["confirmation"] == (
        False, f"{BANK}'s peer answered transaction t-confirm, asked by its id, other than block "
               f"{CONFIRMED_IN} holds it at position 0: validation code VALID where the block gives "
               "ENDORSEMENT_POLICY_FAILURE")


def test_a_block_under_the_last_of_many_config_updates_is_checked_back_to_the_genesis_block(ledger):
    # each config block is verified under the one before it: a channel of many updates is checked oldest
    # first, where checking the newest first nested a call per update and ended in a RecursionError
    updates = 400
    blocks = [config_block(list(ledger.orgs.values()), number=n) for n in range(updates)]
    confirmed_after(ledger, (updates, 0))
    for number, tx_id in enumerate(("t-register", "t-confirm"), start=updates):
        blocks.append(with_last_config(transaction_block(number, [ledger.transactions[tx_id]]), updates - 1))
    ledger.qscc = lambda: ScriptedQscc(blocks, ledger.transactions)
    report = ledger.audit()[0]
    assert report.passed, report.checks


def test_a_block_with_no_transaction_fails_though_its_header_hashes_its_empty_data():
    # protoutil.VerifyTransactionsAreWellFormed refuses a block without transactions ("empty block"): the
    # ordering service cuts none, so one whose header hashes its empty data is not a block it cut
    block = common_pb2.Block(header=common_pb2.BlockHeader(number=7))
    block.header.data_hash = block_integrity.data_hash(block.data)
    assert block_integrity.data_problem(block) == (
        "block 7's data is not what the ordering service hashes: the block holds no transaction")


def test_a_block_naming_a_config_block_older_than_the_one_in_force_fails(ledger):
    # config block 2 rotates the orderer org's CA: the genesis config's orderer is dropped. Block 3, signed
    # by that dropped orderer, names the genesis config, under which its signature verifies: the ordering
    # service names the newest config block before a block, so block 3 is none it cut
    dropped = Org(ORDERER.msp_id)
    dropped.peer_key, dropped.peer_cert = dropped.issue("orderer0.orderer", ou="orderer")
    orgs = list(ledger.orgs.values())
    qscc = ScriptedQscc([config_block(orgs, orderer=dropped), plain_block(1, 0), config_block(orgs, 2),
                         transaction_block(3, [ledger.transactions["t-confirm"]]), plain_block(4, 2)],
                        ledger.transactions)
    for number in (1, 2, 3):
        signed_by(qscc.blocks[number], dropped)
    ledger.qscc = lambda: qscc
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert (passed, reason) == (
        False, "block 3 names block 0 as the config block it was verified under, where the ordering service names "
               "the newest config block before it, block 2: its orderer signatures prove nothing of the config in "
               "force when it was cut")
