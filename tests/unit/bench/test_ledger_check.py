"""The fault suite's replay: blocks built field by field from the Fabric protos, as a peer stores them."""
import json
from contextlib import contextmanager

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from bench.ledger_check import (RECEIVABLE_TYPE, PeerLedger, Replay, Verdict, receivable_key, replay, split_key,
                                valid_writes)
from client.gateway import EvaluateError, GatewayError
from client.ledger.block_integrity import header_hash
from client.ledger.qscc import LedgerReadError, config_of
from tests.unit.receivables_client.audit_ledger import ORDERER, config_block, signed_by, with_last_config


def envelope(writes, namespace="receivables", kind=common_pb2.ENDORSER_TRANSACTION, policies=(), hashed=(),
             tx_id=""):
    """One transaction: ``writes`` (key, value or None for a delete), ``policies`` (key, VALIDATION_PARAMETER; None:
    a metadata write with no entry) and ``hashed`` private writes (collection, key hash, value hash or None for a
    delete)."""
    kv = kv_rwset_pb2.KVRWSet(
        writes=[kv_rwset_pb2.KVWrite(key=k, value=v or b"", is_delete=v is None) for k, v in writes],
        metadata_writes=[kv_rwset_pb2.KVMetadataWrite(key=k, entries=[] if policy is None else [
            kv_rwset_pb2.KVMetadataEntry(name="VALIDATION_PARAMETER", value=policy)]) for k, policy in policies])
    collections = {}
    for collection, key_hash, value_hash in hashed:
        collections.setdefault(collection, []).append(kv_rwset_pb2.KVWriteHash(
            key_hash=key_hash, value_hash=value_hash or b"", is_delete=value_hash is None))
    results = rwset_pb2.TxReadWriteSet(ns_rwset=[rwset_pb2.NsReadWriteSet(
        namespace=namespace, rwset=kv.SerializeToString(),
        collection_hashed_rwset=[rwset_pb2.CollectionHashedReadWriteSet(
            collection_name=name, hashed_rwset=kv_rwset_pb2.HashedRWSet(hashed_writes=w).SerializeToString())
            for name, w in collections.items()])])
    action = proposal_pb2.ChaincodeAction(results=results.SerializeToString())
    response = proposal_response_pb2.ProposalResponsePayload(extension=action.SerializeToString())
    payload_action = transaction_pb2.ChaincodeActionPayload(
        action=transaction_pb2.ChaincodeEndorsedAction(proposal_response_payload=response.SerializeToString()))
    tx = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        payload=payload_action.SerializeToString())])
    header = common_pb2.Header(channel_header=common_pb2.ChannelHeader(type=kind, tx_id=tx_id).SerializeToString())
    payload = common_pb2.Payload(header=header, data=tx.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString(), signature=b"signature").SerializeToString()


def processed(tx_id, code=transaction_pb2.VALID, channel="receivables"):
    """A peer's answer to GetTransactionByID: the transaction ``tx_id`` of ``channel`` with its validation code."""
    header = common_pb2.ChannelHeader(type=common_pb2.ENDORSER_TRANSACTION, channel_id=channel, tx_id=tx_id)
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()))
    return transaction_pb2.ProcessedTransaction(
        transactionEnvelope=common_pb2.Envelope(payload=payload.SerializeToString(), signature=b"s"),
        validationCode=code).SerializeToString()


def block(envelopes, flags):
    """A block holding ``envelopes``, each with its validation flag; numbered 0, with a header as every block a
    peer stores has one."""
    b = common_pb2.Block(header=common_pb2.BlockHeader(), data=common_pb2.BlockData(data=envelopes))
    b.metadata.metadata.extend([b""] * 5)
    b.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes(flags)
    return b


def is_config_block(b) -> bool:
    """Whether ``b`` carries a channel config (``config_block`` builds one)."""
    try:
        config_of(b)
    except LedgerReadError:
        return False
    return True


def sealed(blocks, signer=lambda number: ORDERER, genesis=None):
    """The channel's chain holding ``blocks`` after its genesis config block (``genesis``, by default
    ``config_block``: the orderer org ``ORDERER``, whose CA issued the orderer identity that signs), as the
    ordering service cuts it: numbered from
    0, each header's data_hash the hash of its transactions and its previous_hash the hash of the header before
    it; each block after the genesis block (which no orderer signs) names the newest config block before it, or
    itself for a config block, in its orderer metadata and is signed by ``signer(its number)``. A config block
    among ``blocks`` is in force from the next block on."""
    chain, in_force = [signed_by(config_block([]) if genesis is None else genesis, None)], 0
    for number, b in enumerate(blocks, start=1):
        b.header.number, b.header.previous_hash = number, header_hash(chain[-1].header)
        if is_config_block(b):
            in_force = number
        chain.append(signed_by(with_last_config(b, in_force), signer(number)))
    return chain


def test_replay_applies_only_valid_writes_of_the_namespace_in_order():
    key = receivable_key("R-1")
    blocks = [
        block([envelope([(key, b'{"v":1}'), ("idx", b"\x00")])], [transaction_pb2.VALID]),
        block([envelope([(key, b'{"v":2}')]),                                  # lost an MVCC race
               envelope([(key, b'{"v":3}')]),
               envelope([("other", b"x")], namespace="features")],
              [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID, transaction_pb2.VALID]),
        block([envelope([("idx", None)])], [transaction_pb2.VALID]),           # a delete
        block([envelope([(key, b"config")], kind=common_pb2.CONFIG)], [transaction_pb2.VALID]),
    ]
    assert replay(blocks, "receivables").state == {key: b'{"v":3}'}
    assert list(valid_writes(blocks[1], "features")) == [("other", b"x")]


def _policy(*orgs: str) -> bytes:
    """A key-level policy naming ``orgs``, as the contract writes one."""
    from chaincode.shim import KeyEndorsementPolicy

    policy = KeyEndorsementPolicy()
    policy.add_orgs("MEMBER", *orgs)
    return policy.policy()


def test_the_replay_keeps_the_deleted_keys_each_keys_policy_and_the_private_hashes_as_a_peer_commits_them():
    kept, emptied, cleared, deleted, again, never = (receivable_key(f"R-{n}") for n in range(1, 7))
    both, one = _policy("BankMSP", "SupplierMSP"), _policy("SupplierMSP")
    VALID = transaction_pb2.VALID
    blocks = [
        block([envelope([(k, b'{"v":1}') for k in (kept, emptied, cleared, deleted, again)],
                        policies=[(k, both) for k in (kept, emptied, cleared, deleted, never)],
                        hashed=[("c", b"k1", b"h1"), ("c", b"k2", b"h2")])], [VALID]),
        block([envelope([(kept, b'{"v":2}')]),                               # a value alone keeps the policy
               envelope([], policies=[(emptied, b""), (cleared, None)]),     # an empty one, or none, clears it
               envelope([(deleted, None)], policies=[(deleted, one)]),       # the delete takes it, this one too
               envelope([(again, None)], hashed=[("c", b"k2", None)]),
               envelope([(again, b'{"v":3}')]),                              # written again: no longer deleted
               envelope([(kept, None)], policies=[(emptied, one)], hashed=[("c", b"k3", b"h3")])],
              [VALID, VALID, VALID, VALID, VALID, transaction_pb2.MVCC_READ_CONFLICT]),
    ]
    replayed = replay(blocks, "receivables")
    assert replayed.state == {kept: b'{"v":2}', emptied: b'{"v":1}', cleared: b'{"v":1}', again: b'{"v":3}'}
    assert replayed.deleted == {deleted: b'{"v":1}'}
    # ``never`` had no value when its policy was written: the peer drops such a metadata write
    assert replayed.policies == {kept: both}
    assert replayed.private_hashes == {("c", b"k1"): b"h1"}


def test_the_receivable_key_is_the_one_the_contract_writes():
    # The chaincode's own key layout and composite-key builder: ledger_check spells the key itself, as an
    # auditor reading blocks would, so this is what keeps the two in step.
    from chaincode.receivables import keys
    from chaincode.shim._composite import create_composite_key

    assert receivable_key("R-1.2") == create_composite_key(keys.RECEIVABLE, ["R-1.2"])


def test_a_transaction_missing_or_invalid_on_any_peer_counts_as_lost_once():
    peers = [PeerLedger("peer0.bank", found=2, lost=["tx-3"]),
             PeerLedger("peer0.core", found=2, not_valid={"tx-3": "MVCC_READ_CONFLICT"}),
             PeerLedger("peer0.supplier", found=3)]
    verdict = Verdict(3, peers)
    assert (verdict.acknowledged, verdict.found, verdict.lost) == (3, 2, 1)
    assert verdict.to_json()["peers"][0]["lost"] == ["tx-3"]


def test_a_transaction_every_peer_has_but_one_marked_invalid_counts_as_lost():
    # the client was told it committed valid: a peer that invalidated it lost it, though no peer is missing it
    verdict = Verdict(1, [PeerLedger("peer0.core", found=1),
                          PeerLedger("peer0.bank", not_valid={"tx-1": "MVCC_READ_CONFLICT"})])
    assert (verdict.found, verdict.lost) == (0, 1)


def test_the_verdicts_json_counts_found_and_lost_as_the_verdict_does():
    report = Verdict(3, [PeerLedger("peer0.bank", found=2, lost=["tx-3"])]).to_json()
    assert (report["acknowledged"], report["found"], report["lost"]) == (3, 2, 1)


class OneOrgsQscc:
    """qscc and the contract as a peer of SupplierMSP answers them, recording the orgs each query named;
    ``codes``: tx id -> the validation code the peer holds it with (VALID when not named), None for one it
    does not have (qscc's answer, which the Gateway passes on as UNKNOWN), or the GatewayError the lookup fails
    with before any peer answers (the peer unreachable, a timeout, access refused)."""

    def __init__(self, state_value, codes=None):
        self.state_value, self.codes = state_value, codes or {}
        self.named = []
        # the genesis config block, then one block where tx-1 writes R-1 and tx-2 writes nothing of it
        self.chain = sealed([block([envelope([(receivable_key("R-1"), state_value)], tx_id="tx-1"),
                                    envelope([], tx_id="tx-2")], [transaction_pb2.VALID] * 2)])

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        from fabric_protos.common import ledger_pb2

        self.named.append((function, endorsing_organizations))
        if function == "GetTransactionByID":
            if (code := self.codes.get(arguments[1], transaction_pb2.VALID)) is None:
                raise EvaluateError(f"evaluate call to endorser returned error: Failed to get transaction with id "
                                    f"{arguments[1]}, error no such transaction ID [{arguments[1]}] in index",
                                    transaction_id=arguments[1], code=grpc.StatusCode.UNKNOWN)
            if isinstance(code, GatewayError):
                raise code
            return processed(arguments[1], code)
        if function == "GetChainInfo":
            return ledger_pb2.BlockchainInfo(height=len(self.chain)).SerializeToString()
        if function == "GetBlockByNumber":
            return self.chain[int(arguments[1])].SerializeToString()
        if function == "GetReceivable":
            return self.state_value
        if function == "GetReceivableEndorsers":
            return b"[]"
        if function == "ListReceivablesByStatus":       # its claim's record names no status: none listed
            return b'{"records": [], "bookmark": ""}'
        raise AssertionError(f"unexpected query {function}")


def test_every_query_of_a_peers_check_names_that_peers_own_org():
    from bench.ledger_check import check_peer

    qscc, reader = OneOrgsQscc(b'{"id":"R-1"}'), OneOrgsQscc(b'{"id":"R-1"}')
    ledger = check_peer("peer0.supplier", qscc, reader, "receivables", "receivables", "SupplierMSP",
                        ["tx-1", "tx-2"], ["R-1"])
    assert (ledger.found, ledger.lost, ledger.not_valid, ledger.state_mismatches) == (2, [], {}, [])
    assert [function for function, _ in qscc.named] == ["GetTransactionByID", "GetTransactionByID", "GetChainInfo",
                                                        "GetBlockByNumber", "GetBlockByNumber"]
    assert {tuple(orgs) for _, orgs in qscc.named + reader.named} == {("SupplierMSP",)}


def test_an_acknowledged_tx_the_peer_marked_invalid_is_named_with_its_code_and_not_found():
    from bench.ledger_check import check_peer

    qscc = OneOrgsQscc(b'{"id":"R-1"}', codes={"tx-2": transaction_pb2.MVCC_READ_CONFLICT})
    ledger = check_peer("peer0.supplier", qscc, OneOrgsQscc(b'{"id":"R-1"}'), "receivables", "receivables",
                        "SupplierMSP", ["tx-1", "tx-2"], [])
    assert (ledger.found, ledger.lost, ledger.not_valid) == (1, [], {"tx-2": "MVCC_READ_CONFLICT"})


def test_an_acknowledged_tx_the_peer_does_not_have_is_lost():
    from bench.ledger_check import check_peer

    qscc = OneOrgsQscc(b'{"id":"R-1"}', codes={"tx-2": None})
    ledger = check_peer("peer0.supplier", qscc, OneOrgsQscc(b'{"id":"R-1"}'), "receivables", "receivables",
                        "SupplierMSP", ["tx-1", "tx-2"], [])
    assert (ledger.found, ledger.lost, ledger.not_valid) == (1, ["tx-2"], {})


# ---------------------------------------------------------------- the peers compared with each other

class ChainPeer:
    """qscc and the contract as one peer answers them: its blocks, and its world state of R-1."""

    def __init__(self, blocks, state):
        self.blocks, self.state = blocks, state

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        from fabric_protos.common import ledger_pb2

        if function == "GetTransactionByID":
            return processed(arguments[1])
        if function == "GetChainInfo":
            return ledger_pb2.BlockchainInfo(height=len(self.blocks)).SerializeToString()
        if function == "GetBlockByNumber":
            return self.blocks[int(arguments[1])].SerializeToString()
        if function == "GetReceivable":
            return self.state
        if function == "GetReceivableEndorsers":
            return b"[]"
        if function == "ListReceivablesByStatus":       # its claim's record names no status: none listed
            return b'{"records": [], "bookmark": ""}'
        raise AssertionError(f"unexpected query {function}")


def two_writes_of_r1(second_flag, data_hash=None):
    """The genesis block, then blocks 1 and 2, each writing R-1 (v 1, then v 2); block 2's transaction marked
    ``second_flag``, its header giving ``data_hash`` when one is given."""
    key = receivable_key("R-1")
    first = block([envelope([(key, b'{"id":"R-1","v":1}')], tx_id="tx-1")], [transaction_pb2.VALID])
    second = block([envelope([(key, b'{"id":"R-1","v":2}')])], [second_flag])
    chain = sealed([first, second])
    if data_hash is not None:
        second.header.data_hash = data_hash
    return chain


def checked(name, blocks):
    """check_peer on a peer whose world state is what its own blocks replay to."""
    from bench.ledger_check import check_peer

    state = replay(blocks, "receivables").state[receivable_key("R-1")]
    peer = ChainPeer(blocks, state)
    return check_peer(name, peer, peer, "receivables", "receivables", "SomeMSP", ["tx-1"], ["R-1"])


def test_peers_that_each_agree_with_themselves_but_not_with_each_other_are_reported():
    # peer0.bank marked block 2's transaction invalid (an MVCC conflict), the other two valid: each peer's world
    # state is its own replay and the acknowledged tx is valid everywhere, so only comparing the peers shows it
    verdict = Verdict(1, [checked("peer0.core", two_writes_of_r1(transaction_pb2.VALID)),
                          checked("peer0.bank", two_writes_of_r1(transaction_pb2.MVCC_READ_CONFLICT)),
                          checked("peer0.supplier", two_writes_of_r1(transaction_pb2.VALID))])
    assert verdict.lost == 0 and not [m for p in verdict.peers for m in p.state_mismatches]
    assert verdict.divergences == [
        "block 2, transaction 0: the peers disagree on its validation code: peer0.core, peer0.supplier VALID; "
        "peer0.bank MVCC_READ_CONFLICT",
        "receivable R-1: the peers' blocks replay to different values: peer0.core, peer0.supplier has "
        '{"id":"R-1","v":2}; peer0.bank has {"id":"R-1","v":1}']
    report = verdict.to_json()
    assert report["divergences"] == verdict.divergences
    assert [(p["peer"], p["height"]) for p in report["peers"]] == [("peer0.core", 3), ("peer0.bank", 3),
                                                                    ("peer0.supplier", 3)]


def test_a_block_that_differs_between_peers_is_named_by_its_hash():
    from client.ledger.block_integrity import header_hash

    same, other = two_writes_of_r1(transaction_pb2.VALID), two_writes_of_r1(transaction_pb2.VALID, data_hash=b"dX")
    verdict = Verdict(1, [checked("peer0.core", same), checked("peer0.bank", other)])
    assert verdict.divergences == [
        f"block 2: the peers disagree on its hash: peer0.core {header_hash(same[2].header).hex()[:16]}; "
        f"peer0.bank {header_hash(other[2].header).hex()[:16]}"]


def test_peers_with_the_same_chain_have_no_divergence_and_a_lagging_one_is_compared_where_they_overlap():
    chain = two_writes_of_r1(transaction_pb2.VALID)
    assert Verdict(1, [checked("peer0.core", chain), checked("peer0.bank", chain)]).divergences == []
    # one block behind: the blocks they share agree, but what it replays for R-1 does not (yet)
    behind = Verdict(1, [checked("peer0.core", chain), checked("peer0.bank", chain[:2])])
    assert [line.split(":")[0] for line in behind.divergences] == [
        "the peers' heights differ, their blocks compared up to block 1", "receivable R-1"]


def test_a_peer_behind_by_a_block_its_replay_would_not_show_is_reported_by_its_height():
    # block 2's one transaction is invalid on every peer: a peer without it replays, and holds, the same state
    chain = two_writes_of_r1(transaction_pb2.MVCC_READ_CONFLICT)
    behind = Verdict(1, [checked("peer0.core", chain), checked("peer0.bank", chain[:2])])
    assert behind.divergences == ["the peers' heights differ, their blocks compared up to block 1: peer0.core at "
                                  "height 3; peer0.bank at height 2"]


@pytest.mark.parametrize("number, previous, data, expected", [
    # from Go's encoding/asn1 + crypto/sha256, as Fabric's protoutil.BlockHeaderHash computes them
    (0, b"", b"", "1d1c288c6851505be0b47a0f8e7dfb91ab2abe6ad71cef63a3791d14588d1d0e"),
    (128, b"prev", b"data", "2c0a2549202f308b43705b79e02d63b8278cc85f676f33dfcca4313b25d86c88"),
    (2**64 - 1, bytes(range(200)), b"\xff", "72c9813d615b3bf9f0a21ce846dacd61c6f156f64017f96cd299d67f92697af1"),
])
def test_the_block_hash_is_fabrics(number, previous, data, expected):
    from client.ledger.block_integrity import header_hash

    header = common_pb2.BlockHeader(number=number, previous_hash=previous, data_hash=data)
    assert header_hash(header).hex() == expected


# ---------------------------------------------------------------- every key of the namespace against the contract

def _story():
    """Every kind of key the contract writes, on MemoryLedger through the real contract: parties and their
    identities' bindings, a receivable registered with a request id (its request record and invoice
    fingerprint, its goods receipt), confirmed, split by a transfer, the remainder financed (offer, acceptance, disbursement and
    its assignment notice), the transferred part offered on and not yet accepted, a discount offer and an invoice
    attestation."""
    from tests.unit.receivables.support import attestation_request, standard_net, transient_terms

    async def written():
        net = await standard_net()
        core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
        registration = net.registration(tier1, core, goods_receipts=[{"po_number": "PO-1", "receipt_number": "GR-1"}])
        r = await net.ok(tier1, "RegisterReceivable", registration, "order-1")
        await net.ok(core, "ConfirmReceivable", r["id"])
        await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "1000000")
        f, o = await net.offered(tier1, f"{r['id']}.2", bank)
        await net.ok(tier1, "AcceptFinancingOffer", o["id"])
        await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
        asked = await net.ok(tier2, "RequestFinancing", f"{r['id']}.1")
        await net.ok(bank, "MakeFinancingOffer", asked["id"], transient=transient_terms())
        await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
        invoice = registration["invoices"][0]
        await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, invoice["number"],
                                                                            invoice=invoice))
        return net

    import asyncio
    return asyncio.run(written())


@pytest.fixture(scope="module")
def story():
    return _story()


class Recorded:
    """A reader that passes each query on, keeping its function and arguments in ``asked``."""

    def __init__(self, reader, asked: list):
        self.reader, self.asked = reader, asked

    def evaluate(self, function, *, arguments=(), **options):
        self.asked.append((function, *arguments))
        return self.reader.evaluate(function, arguments=arguments, **options)


def _checked_against(net, replayed: dict, msp_id: str = "RegulatorMSP", clock=None, reader: str = "regulator",
                     asked: list | None = None, policies: dict | None = None, deleted: tuple = ()):
    """check_peer on a peer of ``msp_id`` whose blocks replay to ``replayed`` and whose world state is ``net``'s
    ledger, read through the real contract as the actor ``reader`` (the regulator), its queries dated by ``clock``
    (the net's); each query kept in ``asked`` when given. Each key is written with its key-level policy in
    ``policies`` (the world state's when not given); a second block deletes the keys ``deleted``."""
    from bench.ledger_check import check_peer
    from client.business_dates import business_date
    from tests.unit.ledger_contract import LedgerContract

    clock = clock or (lambda: net.now)
    blocks = sealed([*_blocks_replaying(net, replayed, policies),
                     block([envelope([(key, None) for key in deleted])], [transaction_pb2.VALID])])
    contract = LedgerContract(net.ledger, net.actors[reader].identity, clock)
    return check_peer(f"peer0.{msp_id}", ChainPeer(blocks, None),
                      contract if asked is None else Recorded(contract, asked), "receivables", "receivables",
                      msp_id, [], [], today=lambda: business_date(clock()))


def _blocks_replaying(net, replayed: dict, policies: dict | None = None) -> list:
    """One block writing each key of ``replayed`` in a transaction of its own, with its key-level policy in
    ``policies`` (``net``'s world state's when not given); not yet cut (``sealed``)."""
    policies = net.ledger.validation_parameters if policies is None else policies
    return [block([envelope([(key, value)], policies=[(key, policies[key])] if key in policies else [])
                          for key, value in replayed.items()], [transaction_pb2.VALID] * len(replayed))]


def _first_key(state: dict, object_type: str) -> str:
    from bench.ledger_check import split_key

    return next(key for key in sorted(state) if split_key(key)[0] == object_type)


# the kinds no query answers, as the story writes them: two requests have one bank's offer each (the bank's second
# offer on the debtor dropped the offer-made entry of its first, accepted by then, leaving its mark), and its one
# attestation keeps its attester's newest and marks the invoice as holding them; its one discount offer keeps who
# published it
UNREAD_IN_THE_STORY = {"recfin.offer-by-bank": 2, "recfin.offer-made-dropped": 1, "recfin.attestation-last": 1,
                       "recfin.attestations-indexed": 1, "recfin.goods-receipt": 1, "recfin.discount-publisher": 1}


def _offer_entries(state: dict) -> tuple[str, str]:
    """The story's open offer's recfin.open-offer and recfin.offer-made keys: GetFinancierExposure lists it by
    either."""
    from bench.ledger_check import split_key
    from client.receivables.ledger_keys import composite_key

    _, attributes = split_key(_first_key(state, "recfin.open-offer"))
    return composite_key("recfin.open-offer", *attributes), composite_key("recfin.offer-made", *attributes)


@contextmanager
def _world_without(state: dict, *keys: str):
    """``state`` (a world state) without ``keys`` for the while."""
    kept = {key: state.pop(key) for key in keys}
    try:
        yield
    finally:
        state.update(kept)


def test_every_key_the_contract_wrote_reads_back_as_the_blocks_replay_it(story):
    from bench.ledger_check import NOT_READABLE

    ledger = _checked_against(story, dict(story.ledger.state))
    assert ledger.state_mismatches == []
    # only the kinds no query answers are counted, not compared
    assert ledger.not_read_back == UNREAD_IN_THE_STORY
    assert set(ledger.not_read_back) == set(NOT_READABLE)
    assert ledger.to_json()["keys"] == len(story.ledger.state)


@pytest.mark.parametrize("msp_id, asked", [("BankMSP", True), ("RegulatorMSP", True), ("SupplierMSP", False),
                                           ("CoreEnterpriseMSP", False)])
def test_the_exposure_indexes_are_read_back_where_the_banks_private_data_is(story, msp_id, asked):
    # one financing is live and one offer still open (listed by its open-offer and its offer-made entry): on a peer
    # of the bank's org or the regulator's, GetFinancierExposure lists both; another org's peer holds none of their
    # private data and is not asked
    ledger = _checked_against(story, dict(story.ledger.state), msp_id)
    assert ledger.state_mismatches == []
    not_asked = {} if asked else {"recfin.by-financier": 1, "recfin.open-offer": 1, "recfin.offer-made": 1,
                                  "recfin.exposure-version": 1}
    assert ledger.not_read_back == {**UNREAD_IN_THE_STORY, **not_asked}


def test_an_exposure_version_the_replay_disagrees_with_is_named_and_a_missing_one_is_zero(story):
    """The replayed value against GetFinancierExposure's ``version``, a key the blocks never wrote read as 0."""
    from bench.ledger_check import split_key

    key = _first_key(story.ledger.state, "recfin.exposure-version")
    _, (bank, debtor) = split_key(key)
    version = int(story.ledger.state[key])
    assert version >= 2                      # the story's two offers of the bank on the debtor, and acceptances
    replayed = dict(story.ledger.state, **{key: b"1"})
    assert _checked_against(story, replayed).state_mismatches == [
        f"exposure-version {bank}/{debtor}: 1 in the replayed blocks, {version} as GetFinancierExposure answers it"]
    del replayed[key]
    assert _checked_against(story, replayed).state_mismatches == [
        f"exposure-version {bank}/{debtor}: 0 in the replayed blocks, {version} as GetFinancierExposure answers it"]


@pytest.mark.parametrize("object_type", ["recfin.by-financier", "recfin.open-offer", "recfin.offer-made"])
def test_an_exposure_entry_on_one_side_only_is_named(story, object_type):
    from bench.ledger_check import split_key

    world = story.ledger.state
    key = _first_key(world, object_type)
    _, (bank, debtor, member) = split_key(key)
    name = f"{object_type.removeprefix('recfin.')} {bank}/{debtor}"
    # the query lists an offer by either of its entries: the offer's other one is gone from both sides, so this
    # one alone lists it; an offer listed that no replayed entry lists is named under both kinds
    other = [] if object_type == "recfin.by-financier" else [k for k in _offer_entries(world) if k != key]
    listed_only = f"{'open-offer or offer-made' if other else object_type.removeprefix('recfin.')} {bank}/{debtor}"
    with _world_without(world, *other):
        replayed = dict(world)
        del replayed[key]                       # the world state has an entry the blocks do not
        assert _checked_against(story, replayed).state_mismatches == [
            f"{listed_only}: listed by the contract, not in the replayed blocks: {member}"]
        replayed = dict(world)                  # the blocks have an entry the world state does not
        with _world_without(world, key):
            mismatches = _checked_against(story, replayed).state_mismatches
    # the bank's list of the claims it finances pages the by-financier entries: the claim is missing from it too
    unlisted = [f"financed by {bank}: financed live by the replayed claims, not listed by the contract: {member}"]
    assert mismatches == [f"{name}: in the replayed blocks, not listed by the contract: {member}",
                          *(unlisted if object_type == "recfin.by-financier" else [])]


def test_an_open_offer_is_listed_by_either_of_its_entries(story):
    from bench.ledger_check import split_key
    from chaincode.receivables.store_base import org_policy

    open_offer, offer_made = _offer_entries(story.ledger.state)
    _, (bank, debtor, offer_id) = split_key(open_offer)
    replayed = dict(story.ledger.state)
    # either entry missing from the world state: the other still lists the offer, so the query cannot tell (the
    # peers' comparison with each other names the key)
    for key in (open_offer, offer_made):
        with _world_without(story.ledger.state, key):
            assert _checked_against(story, replayed).state_mismatches == []
    # both missing: each entry is named
    with _world_without(story.ledger.state, open_offer, offer_made):
        assert _checked_against(story, replayed).state_mismatches == [
            f"{kind} {bank}/{debtor}: in the replayed blocks, not listed by the contract: {offer_id}"
            for kind in ("open-offer", "offer-made")]
    # an offer-made entry under another policy than the bank's org alone (two other orgs can write one) lists
    # nothing: with no open-offer entry on either side, the query leaves the offer out, which is no difference,
    # and the entry is counted
    held = story.ledger.validation_parameters
    forged, bank_only = org_policy(["SupplierMSP", "CoreEnterpriseMSP"]), held[offer_made]
    held[offer_made] = forged
    try:
        with _world_without(story.ledger.state, open_offer):
            ledger = _checked_against(story, dict(story.ledger.state))
    finally:
        held[offer_made] = bank_only
    assert ledger.state_mismatches == []
    assert ledger.not_read_back == {**UNREAD_IN_THE_STORY, "recfin.offer-made": 1}


def _portfolio():
    """Each bank's financed claims on MemoryLedger through the real contract: bank's live financings on core (one
    accepted only, one disbursed) and on core2, one of its financings repaid (the claim still names it as its
    financier, with no financing), and bank2's live financing on core."""
    from tests.unit.receivables.support import standard_net

    async def written():
        net = await standard_net()
        tier1, core, core2, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "core2", "bank", "bank2"))
        repaid = await net.confirmed(tier1, core, 10_000_00, due_in=30)
        financing = await net.financed(tier1, repaid["id"])
        net.advance(days=31)
        await net.ok(bank, "RecordRepayment", financing["id"])
        for debtor, financier, disburse in ((core, bank, False), (core, bank, True), (core2, bank, True),
                                            (core, bank2, True)):
            claim = await net.confirmed(tier1, debtor, 10_000_00)
            await net.financed(tier1, claim["id"], financier, disburse=disburse)
        return net

    import asyncio
    return asyncio.run(written())


@pytest.fixture(scope="module")
def portfolio():
    return _portfolio()


def _financed_by(net, bank: str) -> list[str]:
    """The ids of the claims ``bank`` (an actor) finances live in ``net``'s world state, and the one it was repaid."""
    from bench.ledger_check import RECEIVABLE_TYPE, split_key

    claims = [json.loads(value) for key, value in net.ledger.state.items() if split_key(key)[0] == RECEIVABLE_TYPE]
    return sorted(c["id"] for c in claims if c["financier"] == net.actors[bank].uscc and c["financing_id"])


def test_each_banks_financed_claims_are_listed_on_every_debtor_and_every_page(portfolio, monkeypatch):
    from bench import ledger_check

    # at one claim a page, bank's three live financings on two debtors span pages: each must be read to match;
    # the repaid claim names bank still, and is neither listed nor expected
    assert len(_financed_by(portfolio, "bank")) == 3
    monkeypatch.setattr(ledger_check, "PAGE_SIZE", "1")
    asked: list = []
    ledger = _checked_against(portfolio, dict(portfolio.ledger.state), asked=asked)
    assert ledger.state_mismatches == []
    assert {arguments[1] for arguments in asked if arguments[0] == "ListReceivablesByFinancier"} == {
        portfolio.actors["bank"].uscc, portfolio.actors["bank2"].uscc}


def test_a_banks_financed_claims_are_listed_only_where_the_reader_may_list_them(portfolio):
    # the regulator lists every bank's, a bank its own, anyone else none (the contract refuses the rest)
    for reader, banks in (("regulator", {"bank", "bank2"}), ("bank", {"bank"}), ("bank2", {"bank2"}),
                          ("tier1", set())):
        asked: list = []
        ledger = _checked_against(portfolio, dict(portfolio.ledger.state), reader=reader, asked=asked)
        assert {arguments[1] for arguments in asked if arguments[0] == "ListReceivablesByFinancier"} == {
            portfolio.actors[bank].uscc for bank in banks}, reader
        assert not [line for line in ledger.state_mismatches if line.startswith("financed by")], reader


def test_a_claim_the_replay_says_a_bank_finances_and_its_list_leaves_out_is_named(portfolio):
    from bench.ledger_check import split_key

    # the claim's by-financier entry gone from the world state (and from the replay, so the exposure the entries
    # add up agrees): the claim, financed live by the records of both, is missing from the bank's list
    world, bank = portfolio.ledger.state, portfolio.actors["bank"].uscc
    claim_id = _financed_by(portfolio, "bank")[0]
    key = next(k for k in world if split_key(k)[0] == "recfin.by-financier" and split_key(k)[1][2] == claim_id)
    value = world.pop(key)
    try:
        assert _checked_against(portfolio, dict(world)).state_mismatches == [
            f"financed by {bank}: financed live by the replayed claims, not listed by the contract: {claim_id}"]
    finally:
        world[key] = value


def test_a_claim_a_banks_list_shows_that_the_replay_says_it_does_not_finance_is_named(portfolio):
    from bench.ledger_check import receivable_key

    # the replayed claim has no live financing (as a repaid one reads), the world state's is bank's
    bank = portfolio.actors["bank"].uscc
    claim_id = _financed_by(portfolio, "bank")[0]
    replayed = dict(portfolio.ledger.state)
    replayed[receivable_key(claim_id)] = json.dumps({**json.loads(replayed[receivable_key(claim_id)]),
                                                    "financing_id": None}).encode()
    assert _checked_against(portfolio, replayed).state_mismatches == [
        f"receivable {claim_id}: world state differs from the replayed blocks",
        f"financed by {bank}: listed by the contract, not financed live by the replayed claims: {claim_id}"]


def test_an_open_offer_no_holder_could_accept_that_day_is_counted_not_compared(story):
    from datetime import timedelta

    from bench.ledger_check import split_key

    # after the claims' due date the open offer is left out by GetFinancierExposure, so it is not compared: its
    # entries missing from the world state then go unseen, and are counted as not read back
    after_due = story.now + timedelta(days=120)
    key, offer_made = _offer_entries(story.ledger.state)
    replayed = dict(story.ledger.state)
    with _world_without(story.ledger.state, key, offer_made):
        ledger = _checked_against(story, replayed, clock=lambda: after_due)
    assert ledger.state_mismatches == []
    assert ledger.not_read_back == {**UNREAD_IN_THE_STORY, "recfin.open-offer": 1, "recfin.offer-made": 1}
    # the expiry is private, so the replay cannot hold the contract to it; an offer an earlier contract wrote
    # with its expiry in clear, past by the replayed records, and that the contract lists, is named
    offer_id = split_key(key)[1][2]
    offer_key = next(k for k in replayed if split_key(k) == ("recfin.offer", [offer_id]))
    assert b'"expires_on"' not in replayed[offer_key]
    record = json.loads(replayed[offer_key])
    expired = dict(replayed, **{offer_key: json.dumps({**record, "expires_on": "2026-03-01"}).encode()})
    assert any(line.endswith(f"no holder could accept it on 2026-03-02: {offer_id}")
               for line in _checked_against(story, expired).state_mismatches)


@contextmanager
def _open_offer_expiring(story, day: str):
    """The story's open offer with its private terms expiring on ``day`` (ISO) for the while; yields its open-offer
    index key and its offer id."""
    from bench.ledger_check import split_key

    key = _first_key(story.ledger.state, "recfin.open-offer")
    offer_id = split_key(key)[1][2]
    (collection, terms_key), = [(c, k) for c, v in story.ledger.private_state.items() for k in v
                                 if f"\x00{offer_id}\x00" in k and "recfin.terms" in k]
    terms = story.ledger.private_state[collection][terms_key]
    story.ledger.private_state[collection][terms_key] = terms.replace(b'"2026-12-31"', f'"{day}"'.encode())
    try:
        yield key, offer_id
    finally:
        story.ledger.private_state[collection][terms_key] = terms


def test_an_open_offer_left_out_is_held_to_the_expiry_of_its_private_terms(story):
    from bench.ledger_check import split_key

    # the blocks carry no expiry: for an offer the contract leaves out, the replay reads its terms' expiry
    replayed = dict(story.ledger.state)
    with _open_offer_expiring(story, "2026-03-01") as (key, offer_id):
        # expired the day before: left out, and not named, though its entries are in the blocks
        ledger = _checked_against(story, replayed)
        assert ledger.state_mismatches == []
        assert ledger.not_read_back["recfin.open-offer"] == ledger.not_read_back["recfin.offer-made"] == 1
    # the same terms not expired: its entries missing from the world state are named (either would list it)
    with _world_without(story.ledger.state, *_offer_entries(story.ledger.state)):
        assert _checked_against(story, replayed).state_mismatches == [
            f"{kind} {split_key(key)[1][0]}/{split_key(key)[1][1]}: in the replayed blocks, not listed by the "
            f"contract: {offer_id}" for kind in ("open-offer", "offer-made")]


def test_an_open_offer_is_acceptable_on_the_day_its_terms_expire(story):
    from client.business_dates import business_date

    # the expiry is the last day the offer may be accepted: the contract lists it that day, so the replay must
    # hold it to being listed, not leave it out of the comparison nor call its listing wrong
    with _open_offer_expiring(story, business_date(story.now).isoformat()):
        ledger = _checked_against(story, dict(story.ledger.state))
    assert ledger.state_mismatches == []
    assert ledger.not_read_back == {**UNREAD_IN_THE_STORY}


def test_an_open_offer_whose_claim_falls_due_while_the_query_is_sent_is_not_held_against_either_day(story):
    from datetime import datetime, timezone

    from bench.ledger_check import check_peer
    from tests.unit.ledger_contract import LedgerContract

    # the query carries 30 May (the day before the claims fall due: the offer is listed); the clock read after it
    # says 31 May, when no holder could accept it. Either answer is right, so neither is a mismatch.
    eve = datetime(2026, 5, 30, 15, 59, tzinfo=timezone.utc)     # 23:59 in Beijing
    days = iter([eve.date(), eve.date().replace(day=31)])
    blocks = sealed(_blocks_replaying(story, story.ledger.state))
    reader = LedgerContract(story.ledger, story.actors["regulator"].identity, lambda: eve)
    ledger = check_peer("peer0.regulator", ChainPeer(blocks, None), reader, "receivables", "receivables",
                        "RegulatorMSP", [], [], today=lambda: next(days))
    assert ledger.state_mismatches == []
    assert ledger.not_read_back == {**UNREAD_IN_THE_STORY, "recfin.open-offer": 1, "recfin.offer-made": 1}

def test_each_kind_the_contract_writes_is_read_back_or_said_to_be_unreadable():
    # keys.py is the contract's layout; every public kind in it must be compared with the world state (where the
    # exposure indexes cannot be, EXPOSURE_INDEXES says why), or named in NOT_READABLE with the reason (the
    # private ones never reach the public write sets)
    from bench.ledger_check import EXPOSURE_INDEXES, INDEXES, NOT_READABLE, RECORD_TYPES
    from chaincode.receivables import keys

    public = {value for name, value in vars(keys).items() if isinstance(value, str) and value.startswith("recfin.")
              and name.isupper()} - {keys.TERMS, keys.OFFER_PARTIES, keys.DISBURSEMENT}
    kinds = [set(RECORD_TYPES), set(INDEXES), set(EXPOSURE_INDEXES), set(NOT_READABLE)]
    assert set().union(*kinds) == public
    assert sum(map(len, kinds)) == len(public)      # each kind in one of them only


@pytest.mark.parametrize("object_type", ["recfin.party", "recfin.client", "recfin.receivable", "recfin.fingerprint",
                                         "recfin.financing", "recfin.offer", "recfin.notice", "recfin.discount",
                                         "recfin.attestation", "recfin.request"])
def test_a_record_whose_replayed_value_differs_from_the_world_state_is_named(story, object_type):
    import json

    from bench.ledger_check import describe_key

    replayed = dict(story.ledger.state)
    key = _first_key(replayed, object_type)
    if object_type == "recfin.client":      # a binding's value is the party's credit code
        replayed[key] = story.actors["tier2"].uscc.encode() if replayed[key] != story.actors["tier2"].uscc.encode() \
            else story.actors["tier1"].uscc.encode()
    else:
        replayed[key] = json.dumps({**json.loads(replayed[key]), "tampered": True}).encode()
    assert _checked_against(story, replayed).state_mismatches == [
        f"{describe_key(key)}: world state differs from the replayed blocks"]


@pytest.mark.parametrize("retired", ["offer_ids", "recourse_demanded_on"])
def test_a_financing_an_earlier_version_wrote_with_a_field_retired_since_reads_back_as_written(story, retired):
    """The contract drops a retired field when it reads the record: no difference; another field that differs
    still is one."""
    import json

    from bench.ledger_check import describe_key

    key = _first_key(story.ledger.state, "recfin.financing")
    as_then = {"offer_ids": []} if retired == "offer_ids" else \
        {"recourse_demanded_on": "2026-06-02", "recourse_demand_reason": "unpaid at maturity"}   # as dd690ce wrote
    written = {**json.loads(story.ledger.state[key]), **as_then}
    story.ledger.state[key] = json.dumps(written).encode()     # the peer's world state, as the earlier version left it
    replayed = dict(story.ledger.state)
    assert _checked_against(story, replayed).state_mismatches == []
    replayed[key] = json.dumps({**written, "requested_on": "2000-01-01"}).encode()
    assert _checked_against(story, replayed).state_mismatches == [
        f"{describe_key(key)}: world state differs from the replayed blocks"]


@pytest.mark.parametrize("object_type, field", [("recfin.financing", "recourse_reason"),
                                                ("recfin.financing", "recourse_demands"),
                                                ("recfin.offer", "withdrawn_on")])
def test_a_record_an_earlier_version_wrote_without_a_field_added_since_reads_back_as_written(story, object_type,
                                                                                            field):
    """The contract answers a field added since with its empty default, null or an empty list: no difference; a
    field it has and the answer has otherwise still is one."""
    import json

    from bench.ledger_check import describe_key

    key = _first_key(story.ledger.state, object_type)
    written = json.loads(story.ledger.state[key])
    assert written[field] in (None, [])
    del written[field]
    story.ledger.state[key] = json.dumps(written).encode()     # the peer's world state, as the earlier version left it
    replayed = dict(story.ledger.state)
    assert _checked_against(story, replayed).state_mismatches == []
    replayed[key] = json.dumps({**written, "made_on" if object_type == "recfin.offer" else "requested_on":
                                "2000-01-01"}).encode()
    assert _checked_against(story, replayed).state_mismatches == [
        f"{describe_key(key)}: world state differs from the replayed blocks"]


@pytest.mark.parametrize("object_type", ["recfin.by-holder", "recfin.by-debtor", "recfin.by-status",
                                         "recfin.by-financing", "recfin.discount-by-debtor"])
def test_an_index_entry_on_one_side_only_is_named(story, object_type):
    from bench.ledger_check import split_key

    replayed = dict(story.ledger.state)
    key = _first_key(replayed, object_type)
    _, (first, *member) = split_key(key)
    name = f"{object_type.removeprefix('recfin.')} {first}"
    del replayed[key]                       # the world state has an entry the blocks do not
    assert _checked_against(story, replayed).state_mismatches == [
        f"{name}: listed by the contract, not in the replayed blocks: {'/'.join(member)}"]
    replayed[key] = b"\x00"
    made_up = key[:-1].rsplit("\x00", 1)[0] + "\x00" + "R-0000000000000000" + "\x00"
    replayed[made_up] = b"\x00"             # the blocks have an entry the world state does not
    (line,) = _checked_against(story, replayed).state_mismatches
    assert line.startswith(f"{name}: in the replayed blocks, not listed by the contract: ")
    assert line.endswith("R-0000000000000000")


def test_a_replayed_value_that_is_no_record_and_a_record_the_peer_cannot_read_are_named(story):
    from bench.ledger_check import receivable_key

    replayed = dict(story.ledger.state)
    replayed[_first_key(replayed, "recfin.notice")] = b"not json"
    replayed[receivable_key("R-00000000000000ff")] = b'{"id": "R-00000000000000ff"}'
    mismatches = _checked_against(story, replayed).state_mismatches
    assert len(mismatches) == 2
    assert mismatches[0].startswith("notice ") and "no record the contract writes (has not json)" in mismatches[0]
    assert mismatches[1].startswith("receivable R-00000000000000ff: in the replayed blocks, the peer could not read "
                                    "it (") and "not-found" in mismatches[1]


@pytest.mark.parametrize("object_type", ["recfin.party", "recfin.client", "recfin.receivable", "recfin.fingerprint",
                                         "recfin.financing", "recfin.offer", "recfin.notice", "recfin.discount",
                                         "recfin.attestation", "recfin.request"])
def test_a_record_the_blocks_deleted_that_the_world_state_still_has_is_named(story, object_type):
    from bench.ledger_check import describe_key

    # the blocks write the record and then delete it; the peer's world state kept it (a fingerprint a rejection
    # released, a binding an unbind deleted: that peer alone would refuse the invoice, or act for the identity)
    key = _first_key(story.ledger.state, object_type)
    mismatches = _checked_against(story, dict(story.ledger.state), deleted=(key,)).state_mismatches
    gone = f"{describe_key(key)}: deleted in the replayed blocks, still in the world state, which has "
    assert [line for line in mismatches if line.startswith(gone)] != [], mismatches


def _binding_of(story, actor: str) -> str:
    """The key of ``actor``'s identity binding (not the reader's own, which every query needs)."""
    return next(key for key, value in story.ledger.state.items()
                if key.startswith("\x00recfin.client\x00") and value == story.actors[actor].uscc.encode())


@pytest.mark.parametrize("object_type, query", [("recfin.client", "FindIdentityParty"),
                                                ("recfin.fingerprint", "FindInvoice"),
                                                ("recfin.notice", "GetAssignmentNotice"),
                                                ("recfin.request", "GetRequest")])
def test_a_record_the_blocks_deleted_that_the_world_state_has_deleted_too_is_no_difference(story, object_type, query):
    from bench.ledger_check import split_key

    # asked through the query that reads the kind: a binding reads back bound to none, a fingerprint not used,
    # the others refused as not-found
    key = _binding_of(story, "tier2") if object_type == "recfin.client" else _first_key(story.ledger.state, object_type)
    replayed = {k: v for k, v in story.ledger.state.items() if k != key}
    value, policy = story.ledger.state.pop(key), story.ledger.validation_parameters.pop(key, None)
    asked: list = []
    try:
        ledger = _checked_against(story, replayed, deleted=(key,), asked=asked)
    finally:
        story.ledger.state[key] = value
        if policy is not None:
            story.ledger.validation_parameters[key] = policy
    assert ledger.state_mismatches == []
    attributes = split_key(key)[1]
    assert [a for a in asked if a[0] == query and attributes[-1] in a[1:]] != [], asked


def test_an_offer_deleted_by_a_transaction_that_never_wrote_it_is_counted_not_compared(story):
    # with no value written before the delete, nothing names the financing whose offers would show it
    key = _first_key(story.ledger.state, "recfin.offer")
    replayed = {k: v for k, v in story.ledger.state.items() if k != key}
    ledger = _checked_against(story, replayed, deleted=(key,))
    assert ledger.not_read_back["recfin.offer"] == 1
    assert not [line for line in ledger.state_mismatches if "deleted in the replayed blocks" in line]


def test_a_claim_whose_key_level_policy_differs_from_the_replayed_one_is_named(story):
    from bench.ledger_check import describe_key, split_key

    world = story.ledger.validation_parameters
    key = next(k for k in sorted(world) if split_key(k)[0] == "recfin.receivable")
    orgs = ", ".join(sorted(json.loads(_regulator_contract(story).evaluate(
        "GetReceivableEndorsers", arguments=[split_key(key)[1][0]]))))
    assert ", " in orgs                     # a confirmed claim: its debtor's and holder's orgs at least
    policy = world.pop(key)                 # the peer's state DB lost the claim's policy; the blocks set it
    try:
        assert _checked_against(story, dict(story.ledger.state), policies={**world, key: policy}).state_mismatches \
            == [f"{describe_key(key)}: key-level policy naming {orgs} in the replayed blocks, none as "
                "GetReceivableEndorsers answers it"]
    finally:
        world[key] = policy
    # the blocks name one org only, the world state the claim's own
    assert _checked_against(story, dict(story.ledger.state),
                            policies={**world, key: _policy("SupplierMSP")}).state_mismatches == [
        f"{describe_key(key)}: key-level policy naming SupplierMSP in the replayed blocks, {orgs} as "
        "GetReceivableEndorsers answers it"]


def _regulator_contract(story):
    """The real contract on the story's ledger, as the regulator."""
    from tests.unit.ledger_contract import LedgerContract

    return LedgerContract(story.ledger, story.actors["regulator"].identity, lambda: story.now)


def test_a_listing_longer_than_a_page_is_read_to_its_last_page(story, monkeypatch):
    from bench import ledger_check

    # at one record a page the story's indexes span several pages: an entry past the first is compared too
    monkeypatch.setattr(ledger_check, "PAGE_SIZE", "1")
    assert _checked_against(story, dict(story.ledger.state)).state_mismatches == []


def test_a_receivable_the_run_wrote_must_be_in_the_replay(story):
    from bench.ledger_check import check_peer
    from tests.unit.ledger_contract import LedgerContract

    reader = LedgerContract(story.ledger, story.actors["regulator"].identity, lambda: story.now)
    ledger = check_peer("peer0.regulator", ChainPeer(sealed([block([envelope([])], [transaction_pb2.VALID])]), None), reader, "receivables", "receivables",
                        "RegulatorMSP", [], ["R-1"])
    assert ledger.state_mismatches[-1] == "receivable R-1: the run wrote it, the replayed blocks do not have it"
    # the world state's claims, which no block wrote, are listed under their statuses
    assert all(line.startswith("by-status ") for line in ledger.state_mismatches[:-1])


def test_every_claim_only_the_world_state_holds_is_named_under_its_status_whatever_the_replay_holds(story):
    from collections import defaultdict

    by_status = defaultdict(set)
    for key in story.ledger.state:
        if (split := split_key(key)) and split[0] == "recfin.by-status":
            by_status[split[1][0]].add(split[1][1])
    assert len(by_status) > 1
    ledger = _checked_against(story, {})        # blocks that wrote nothing: no replayed claim names a status
    assert [line for line in ledger.state_mismatches if line.startswith("by-status ")] == [
        f"by-status {status}: listed by the contract, not in the replayed blocks: {', '.join(sorted(ids))}"
        for status, ids in sorted(by_status.items())]


def test_peers_whose_blocks_replay_any_key_differently_are_reported():
    from client.receivables.ledger_keys import composite_key

    request = composite_key("recfin.request", "91310000MA1K00002C", "order-1")
    same = {receivable_key("R-1"): b'{"id":"R-1"}'}
    peers = [PeerLedger("peer0.core", replayed=Replay(state={**same, request: b'{"tx_id":"a"}'})),
             PeerLedger("peer0.bank", replayed=Replay(state={**same, request: b'{"tx_id":"b"}'})),
             PeerLedger("peer0.supplier", replayed=Replay(state=same))]
    assert Verdict(0, peers).divergences == [
        "request 91310000MA1K00002C/order-1: the peers' blocks replay to different values: "
        'peer0.core has {"tx_id":"a"}; peer0.bank has {"tx_id":"b"}; peer0.supplier has none']


def test_a_key_only_a_later_peer_replays_is_reported():
    # the keys compared are every peer's, not the first one's: here the first lacks one the second has
    same = {receivable_key("R-1"): b'{"id":"R-1"}'}
    peers = [PeerLedger("peer0.core", replayed=Replay(state=same)),
             PeerLedger("peer0.bank", replayed=Replay(state={**same, receivable_key("R-2"): b'{"id":"R-2"}'}))]
    assert Verdict(0, peers).divergences == [
        'receivable R-2: the peers\' blocks replay to different values: peer0.core has none; peer0.bank has {"id":"R-2"}']


def test_peers_whose_blocks_replay_a_keys_policy_or_a_private_hash_differently_are_reported():
    key = receivable_key("R-1")
    both = _policy("BankMSP", "SupplierMSP")
    policy = block([envelope([], policies=[(key, both)], hashed=[("bankPrivate", b"\x01" * 32, b"\xaa" * 32)])],
                   [transaction_pb2.VALID])
    policy.header.number = 3
    chain = two_writes_of_r1(transaction_pb2.VALID)
    # peer0.bank's state lacks the block carrying them: each peer agrees with itself, not with the others
    verdict = Verdict(1, [checked("peer0.core", [*chain, policy]), checked("peer0.bank", chain)])
    assert verdict.divergences == [
        "the peers' heights differ, their blocks compared up to block 2: peer0.core at height 4; peer0.bank at "
        "height 3",
        "receivable R-1: the peers' blocks replay to different key-level policies: peer0.core name BankMSP, "
        "SupplierMSP; peer0.bank name none",
        f"private key {'01' * 8} of bankPrivate: the peers' blocks replay to different value hashes: "
        f"peer0.core has {'aa' * 8}; peer0.bank has none"]


def test_a_peer_missing_private_data_is_asked_again_until_its_reconciler_has_it_then_the_refusal_stands():
    from bench.ledger_check import PRIVATE_DATA_POLL, LivePeer

    class Reader:
        def __init__(self, refusals: list[str]):
            self.refusals, self.asked = refusals, 0

        def evaluate(self, function, arguments, endorsing_organizations):
            self.asked += 1
            if self.refusals:
                raise GatewayError(self.refusals.pop(0))
            return b'{"financings": []}'

    missing = "evaluate failed: RULE not-found: financing F-1's disbursement is not on this peer"
    slept: list[float] = []
    late = LivePeer(Reader([missing, missing]), "BankMSP", private_data_wait=60, sleep=slept.append)
    assert late.ask_for_private_data("GetFinancierExposure", "D", "B") == {"financings": []}
    assert slept == [PRIVATE_DATA_POLL] * 2

    never = Reader([missing] * 100)
    with pytest.raises(GatewayError, match="not-found"):
        LivePeer(never, "BankMSP", private_data_wait=3 * PRIVATE_DATA_POLL, sleep=lambda s: None).ask_for_private_data(
            "GetFinancierExposure", "D", "B")
    assert never.asked == 4                  # the first ask and three more, one per poll within the wait

    # any other refusal stands at once: a record missing from the world state is no private data on its way
    for refusal in ("evaluate failed: RULE not-permitted-to-read: ...",
                    "evaluate failed: RULE not-found: no financing '' on this channel: check the id"):
        other = Reader([refusal])
        with pytest.raises(GatewayError, match=refusal.split(": ")[1]):
            LivePeer(other, "BankMSP", sleep=slept.append).ask_for_private_data("GetFinancierExposure", "D", "B")
        assert other.asked == 1 and len(slept) == 2


# ---------------------------------------------------------------- every peer of the network



def test_an_index_entry_the_blocks_deleted_under_a_group_no_claim_is_in_now_is_named_when_the_state_kept_it():
    # The blocks filed a claim under OVERDUE and took it out again; no claim of the story is OVERDUE now, so no
    # replayed record names that group, yet a peer that kept the entry lists the claim there.
    story = _story()
    statuses = {json.loads(value)["status"] for key, value in story.ledger.state.items()
                if (split_key(key) or ("",))[0] == RECEIVABLE_TYPE}
    assert "OVERDUE" not in statuses
    claim = next(split_key(key)[1][0] for key in story.ledger.state if (split_key(key) or ("",))[0] == RECEIVABLE_TYPE)
    stale = f"\x00recfin.by-status\x00OVERDUE\x00{claim}\x00"
    healthy = _checked_against(story, dict(story.ledger.state), deleted=(stale,))
    assert healthy.state_mismatches == []
    story.ledger.state[stale] = b"\x00"
    kept = _checked_against(story, dict(story.ledger.state), deleted=(stale,))
    # the contract lists a claim only while the claim agrees with the entry: the entry kept shows as scanned and left
    # out of the page, and the check names it from the blocks that deleted it
    assert kept.state_mismatches == [
        "by-status OVERDUE: 1 entry kept in the world state, out of step with the claims (scanned and left out by "
        f"the contract), not in the replayed blocks: {claim}"]
