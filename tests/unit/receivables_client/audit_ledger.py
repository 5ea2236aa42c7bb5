"""Blocks and transactions as a peer stores them, with real keys, certificates and signatures, for the audit.

``Org`` is an org's CA (network.crypto, the project's own generator) and one peer identity it issued; the
channel config block carries each org's CA certificate, CRLs and NodeOUs (each role's OU, issued under the CA
certificate, as the generator's config.yaml says) in its FabricMSPConfig, as configtxgen writes them. ``endorsed`` builds a committed endorser transaction from the Fabric protos field by field: the chaincode
action's write set, the proposal response payload, and each endorsement signed by its peer's key over that
payload followed by the endorser's serialized identity, as a peer signs it. ``ScriptedQscc`` answers the qscc
queries from those bytes and records the org each query named. Its blocks are cut as the ordering service
cuts them (``seal``): each header hashes its data and the header before it, and every block after the genesis
block carries the signature of ``ORDERER``, the orderer org every config block carries, whose Writers meet the
channel's /Channel/Orderer/BlockValidation (ANY Writers), as the project's configtx writes it.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.common import common_pb2, configtx_pb2, ledger_pb2, policies_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.msp import identities_pb2, msp_config_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from client.gateway import hashing, private_key_signer
from client.gateway.errors import EvaluateError
from client.ledger import block_integrity
from client.ledger.qscc import last_config_index
from network import crl, crypto
from network.org_definition import implicit_meta_policy, signature_policy

CHANNEL, CHAINCODE = "receivables", "receivables"


def moment() -> dt.datetime:
    """Now: within the dates of every certificate the tests issued before (they start 5 minutes back)."""
    return dt.datetime.now(dt.timezone.utc)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class Org:
    """An org's CA, one peer identity of it and its admin, whose certificate its MSP lists (Fabric's setup asks
    for one where NodeOUs are off); ``revoked`` serials go on its CRL in the channel config; ``node_ous``: whether
    its MSP enables NodeOUs (the project's network does)."""

    msp_id: str
    ca_key: ec.EllipticCurvePrivateKey = field(init=False)
    ca_cert: x509.Certificate = field(init=False)
    peer_key: ec.EllipticCurvePrivateKey = field(init=False)
    peer_cert: x509.Certificate = field(init=False)
    admin_cert: x509.Certificate = field(init=False)
    revoked: list[int] = field(default_factory=list)
    node_ous: bool = True

    def __post_init__(self) -> None:
        name = self.msp_id.removesuffix("MSP").lower()
        self.ca_key, self.ca_cert = crypto.make_ca(f"ca.{name}", self.msp_id)
        self.peer_key, self.peer_cert = self.issue(f"peer0.{name}")
        self.admin_cert = self.issue(f"admin.{name}", ou="admin")[1]

    def issue(self, cn: str, ou: str = "peer") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = crypto.new_key()
        return key, crypto.issue(self.ca_key, self.ca_cert, key, cn=cn, org=self.msp_id, ou=ou)

    def msp_config(self) -> msp_config_pb2.MSPConfig:
        crls = [crl.pem(crl.build(self.ca_key, self.ca_cert, {s: moment() for s in self.revoked}, 1))] \
            if self.revoked else []
        fabric = msp_config_pb2.FabricMSPConfig(name=self.msp_id, root_certs=[pem(self.ca_cert)],
                                                revocation_list=crls, admins=[pem(self.admin_cert)])
        if self.node_ous:
            fabric.fabric_node_ous.enable = True
            for role in crypto.NODE_OUS:
                identifier = getattr(fabric.fabric_node_ous, f"{role}_ou_identifier")
                identifier.organizational_unit_identifier, identifier.certificate = role, pem(self.ca_cert)
        return msp_config_pb2.MSPConfig(type=0, config=fabric.SerializeToString())


@dataclass(frozen=True)
class Signer:
    """Who endorses: the MSP ID it writes, the certificate it presents and the key it signs with (any of them
    may be the wrong one, which is what the failing cases are made of)."""

    msp_id: str
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def peer_of(cls, org: Org) -> Signer:
        return cls(org.msp_id, org.peer_cert, org.peer_key)


ORDERER = Org("OrdererMSP")
"""The channel's orderer org: its one identity (an orderer's) signs every block after the genesis."""
ORDERER.peer_key, ORDERER.peer_cert = ORDERER.issue("orderer0.orderer", ou="orderer")


def config_block(orgs: list[Org], number: int = 0, orderer: Org = ORDERER) -> common_pb2.Block:
    """The channel's config block: each org's MSP with its CA certificate and CRLs, and the orderer org's."""
    block = msp_config_block([org.msp_config() for org in orgs], number)
    envelope = common_pb2.Envelope.FromString(block.data.data[0])
    payload = common_pb2.Payload.FromString(envelope.payload)
    config_envelope = configtx_pb2.ConfigEnvelope.FromString(payload.data)
    with_orderer_org(config_envelope.config, orderer)
    payload.data = config_envelope.SerializeToString()
    block.data.data[0] = common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()
    return block


def with_orderer_org(config: configtx_pb2.Config, orderer: Org) -> None:
    """``config`` with ``orderer`` as its one orderer org, under the policies the project's configtx gives
    them: the org's Writers OR('<it>.member'), the Orderer group's BlockValidation ANY Writers."""
    group = config.channel_group.groups["Orderer"]
    group.policies["BlockValidation"].policy.CopyFrom(policies_pb2.Policy(
        type=policies_pb2.Policy.IMPLICIT_META,
        value=implicit_meta_policy("ANY Writers").SerializeToString()))
    org = group.groups[orderer.msp_id]
    org.values["MSP"].value = orderer.msp_config().SerializeToString()
    org.policies["Writers"].policy.CopyFrom(policies_pb2.Policy(
        type=policies_pb2.Policy.SIGNATURE,
        value=signature_policy(f"OR('{orderer.msp_id}.member')").SerializeToString()))


def names_config_block(msp_ids: list[str]) -> common_pb2.Block:
    """A config block whose orgs' MSPs carry their names alone: enough to tell which orgs the channel has."""
    return msp_config_block([msp_config_pb2.MSPConfig(type=0, config=msp_config_pb2.FabricMSPConfig(
        name=msp_id).SerializeToString()) for msp_id in msp_ids])


def with_signature_hash_family(msp: msp_config_pb2.MSPConfig, family: str) -> msp_config_pb2.MSPConfig:
    """``msp`` set to the signature hash ``family`` (its CryptoConfig, with SHA256 identity identifiers as
    configtxgen writes them): Fabric's MSP verifies its identities' signatures over that family's digest."""
    fabric = msp_config_pb2.FabricMSPConfig.FromString(msp.config)
    fabric.crypto_config.signature_hash_family = family
    fabric.crypto_config.identity_identifier_hash_function = "SHA256"
    return msp_config_pb2.MSPConfig(type=msp.type, config=fabric.SerializeToString())


def msp_config_block(msps: list[msp_config_pb2.MSPConfig], number: int = 0) -> common_pb2.Block:
    config = configtx_pb2.Config()
    application = config.channel_group.groups["Application"]
    for msp in msps:
        name = msp_config_pb2.FabricMSPConfig.FromString(msp.config).name
        application.groups[name].values["MSP"].value = msp.SerializeToString()
    header = common_pb2.ChannelHeader(type=common_pb2.CONFIG, channel_id=CHANNEL)
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()),
                                 data=configtx_pb2.ConfigEnvelope(config=config).SerializeToString())
    block = common_pb2.Block(data=common_pb2.BlockData(data=[
        common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()]))
    block.header.number = number
    return with_last_config(block, number)


def with_last_config(block: common_pb2.Block, index: int) -> common_pb2.Block:
    """The block with its orderer metadata naming config block ``index``, where Fabric 3 keeps it."""
    block.metadata.metadata.extend([b""] * (5 - len(block.metadata.metadata)))
    orderer = common_pb2.OrdererBlockMetadata(last_config=common_pb2.LastConfig(index=index))
    block.metadata.metadata[common_pb2.SIGNATURES] = common_pb2.Metadata(
        value=orderer.SerializeToString()).SerializeToString()
    return block


def _bare_block(number: int, last_config: int) -> common_pb2.Block:
    block = common_pb2.Block()
    block.header.number = number
    return with_last_config(block, last_config)


def plain_block(number: int, last_config: int) -> common_pb2.Block:
    """Block ``number`` under config block ``last_config``, holding one transaction of no claim (the ordering
    service cuts no block without a transaction, and a block that has none is refused as Fabric refuses it)."""
    header = common_pb2.ChannelHeader(type=common_pb2.ENDORSER_TRANSACTION, channel_id=CHANNEL,
                                      tx_id=f"unrelated-{number}")
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()))
    block = _bare_block(number, last_config)
    block.data.data.append(common_pb2.Envelope(payload=payload.SerializeToString(),
                                               signature=b"its creator's signature").SerializeToString())
    block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes([transaction_pb2.VALID])
    return block


def transaction_block(number: int, transactions: list[transaction_pb2.ProcessedTransaction]) -> common_pb2.Block:
    """Block ``number`` (under config block 0) holding ``transactions``, each with its validation code in the
    block's transaction filter, as a peer stores it."""
    block = _bare_block(number, 0)
    block.data.data.extend(t.transactionEnvelope.SerializeToString() for t in transactions)
    block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes(t.validationCode for t in transactions)
    return block


Writes = dict[str, dict] | list[tuple[str, dict | None]]   # key -> document, or (key, document | None) in order
Reads = dict[str, tuple[int, int] | None] | list[tuple[str, tuple[int, int] | None]]
"""key -> the version read (block number, position), None for a key that did not exist; or (key, version) pairs"""


def _kv_rwset(writes: Writes, reads: Reads = (), metadata: tuple[str, ...] | dict[str, bytes] = ()) -> bytes:
    """A KVRWSet reading each key of ``reads`` at its version, writing each key's JSON document in order (None: a
    delete; bytes: written as they are, as altered chaincode may write any) and the metadata (a key-level policy)
    of each key of ``metadata`` (key -> the policy's bytes; a placeholder for a key named alone)."""
    policies = metadata if isinstance(metadata, dict) else dict.fromkeys(metadata, b"policy")
    pairs = writes.items() if isinstance(writes, dict) else writes
    read_pairs = reads.items() if isinstance(reads, dict) else reads
    return kv_rwset_pb2.KVRWSet(reads=[
        kv_rwset_pb2.KVRead(key=k) if v is None else
        kv_rwset_pb2.KVRead(key=k, version=kv_rwset_pb2.Version(block_num=v[0], tx_num=v[1]))
        for k, v in read_pairs], writes=[
        kv_rwset_pb2.KVWrite(key=k, is_delete=True) if v is None else
        kv_rwset_pb2.KVWrite(key=k, value=v if isinstance(v, bytes) else json.dumps(v).encode())
        for k, v in pairs], metadata_writes=[
        kv_rwset_pb2.KVMetadataWrite(key=k, entries=[kv_rwset_pb2.KVMetadataEntry(name="VALIDATION_PARAMETER",
                                                                                  value=policy)])
        for k, policy in policies.items()]).SerializeToString()


def endorsed(tx_id: str, writes: Writes, signers: list[Signer], *, namespace: str = CHAINCODE,
             entries: list[tuple[str, Writes]] | None = None, when: dt.datetime | None = None,
             validation: int = transaction_pb2.VALID, tamper: bool = False, reads: Reads = (),
             metadata: tuple[str, ...] | dict[str, bytes] = (), creator: str | None = None,
             also_read: dict[str, Reads] | None = None) -> transaction_pb2.ProcessedTransaction:
    """A committed endorser transaction of ``namespace`` writing ``writes`` (key -> JSON document, or a list of
    (key, document or None for a delete) in the order written), endorsed by each signer, timestamped ``when``
    (default: now); ``entries``: the read-write set's namespace entries as listed, (namespace, writes) each,
    instead of the one of ``namespace``; ``tamper``: the payload is changed after the endorsers signed it;
    ``reads``: the keys of ``namespace`` it read, with the versions read; ``metadata``: the keys of ``namespace``
    whose metadata (a key-level policy) it wrote (key -> the policy, or the keys alone, each given a placeholder);
    ``also_read``: namespace -> the keys it read there, with their versions, in a namespace it writes nothing of
    (``_lifecycle``'s definition sequence, which a peer reads for every invocation); ``creator``: the MSP ID of the client that submitted it, which its
    signature header names (default: the first signer's org; none without signers), its certificate a placeholder
    (the audit takes the committing peer's VALID for the creator's signature)."""
    results = rwset_pb2.TxReadWriteSet(data_model=rwset_pb2.TxReadWriteSet.KV, ns_rwset=[
        rwset_pb2.NsReadWriteSet(namespace=ns, rwset=_kv_rwset(ns_writes, *((reads, metadata) if ns == namespace
                                                                             else ())))
        for ns, ns_writes in entries or [(namespace, writes)]] + [
        rwset_pb2.NsReadWriteSet(namespace=ns, rwset=_kv_rwset({}, ns_reads))
        for ns, ns_reads in (also_read or {}).items()])
    action = proposal_pb2.ChaincodeAction(results=results.SerializeToString(),
                                          chaincode_id=chaincode_pb2.ChaincodeID(name=namespace, version="1"))
    response_payload = proposal_response_pb2.ProposalResponsePayload(
        proposal_hash=hashing.sha256(tx_id.encode()), extension=action.SerializeToString()).SerializeToString()
    endorsements = []
    for signer in signers:
        endorser = identities_pb2.SerializedIdentity(mspid=signer.msp_id, id_bytes=pem(signer.cert)).SerializeToString()
        signature = private_key_signer(signer.key)(hashing.sha256(response_payload + endorser))
        endorsements.append(proposal_response_pb2.Endorsement(endorser=endorser, signature=signature))
    if tamper:   # the same writes, in a payload other than the one the endorsers signed
        response_payload = proposal_response_pb2.ProposalResponsePayload(
            proposal_hash=hashing.sha256(b"another proposal"), extension=action.SerializeToString()).SerializeToString()
    payload_action = transaction_pb2.ChaincodeActionPayload(action=transaction_pb2.ChaincodeEndorsedAction(
        proposal_response_payload=response_payload, endorsements=endorsements))
    transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        payload=payload_action.SerializeToString())])
    stamp = Timestamp()
    stamp.FromDatetime(when or moment())
    header = common_pb2.ChannelHeader(type=common_pb2.ENDORSER_TRANSACTION, channel_id=CHANNEL, tx_id=tx_id,
                                      timestamp=stamp)
    creator = creator if creator is not None else signers[0].msp_id if signers else ""
    submitter = identities_pb2.SerializedIdentity(mspid=creator, id_bytes=b"client certificate")
    signature_header = common_pb2.SignatureHeader(creator=submitter.SerializeToString(), nonce=tx_id.encode())
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString(),
                                                          signature_header=signature_header.SerializeToString()),
                                 data=transaction.SerializeToString())
    # the client's signature, a placeholder as its certificate is: a block holds no envelope without one
    return transaction_pb2.ProcessedTransaction(
        transactionEnvelope=common_pb2.Envelope(payload=payload.SerializeToString(),
                                                signature=b"client signature"),
        validationCode=validation)


def signed_by(block: common_pb2.Block, signer: Org | None) -> common_pb2.Block:
    """The block with its header's data hash that of its data, signed by ``signer``'s identity alone (its
    ``peer_cert`` and key, whatever its role) as an orderer signs one, or by no one (None); signed over the
    header as it stands, so its previous hash is to be set before."""
    block.header.data_hash = block_integrity.data_hash(block.data)
    block.metadata.metadata.extend([b""] * (5 - len(block.metadata.metadata)))
    signatures = common_pb2.Metadata.FromString(block.metadata.metadata[common_pb2.SIGNATURES])
    del signatures.signatures[:]
    if signer is not None:
        creator = identities_pb2.SerializedIdentity(mspid=signer.msp_id, id_bytes=pem(signer.peer_cert))
        header = common_pb2.SignatureHeader(creator=creator.SerializeToString(), nonce=b"orderer nonce")
        signed = (signatures.value + header.SerializeToString()
                  + block_integrity.header_bytes(block.header))
        signatures.signatures.add(signature_header=header.SerializeToString(),
                                  signature=private_key_signer(signer.peer_key)(hashing.sha256(signed)))
    block.metadata.metadata[common_pb2.SIGNATURES] = signatures.SerializeToString()
    return block


def seal(blocks: list[common_pb2.Block]) -> list[common_pb2.Block]:
    """The blocks as the ordering service cuts them: each header hashing its data and, where the block
    numbered before it is the one before it in the list, that block's header; each signed by ``ORDERER``, but
    the genesis block (block 0), which no orderer signs."""
    for place, block in enumerate(blocks):
        before = blocks[place - 1] if place else None
        if before is not None and before.header.number == block.header.number - 1:
            block.header.previous_hash = block_integrity.header_hash(before.header)
        signed_by(block, ORDERER if block.header.number else None)
    return blocks


class ScriptedQscc:
    """qscc as a peer answers it: the blocks (a config block, then others naming it) and committed transactions;
    every query is recorded with the orgs it named."""

    def __init__(self, blocks: list[common_pb2.Block], transactions: dict[str, transaction_pb2.ProcessedTransaction]):
        self.blocks, self.transactions = seal(list(blocks)), transactions
        self.asked: list[tuple[str, tuple, list | None]] = []

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None) -> bytes:
        self.asked.append((function, tuple(arguments), endorsing_organizations))
        assert arguments[0] == CHANNEL
        if function == "GetChainInfo":
            return ledger_pb2.BlockchainInfo(height=len(self.blocks)).SerializeToString()
        if function == "GetBlockByNumber":
            number = int(arguments[1])
            if number >= len(self.blocks):
                raise EvaluateError(f"evaluate call to endorser returned error: Failed to get block number {number}, "
                                    f"error no such block number [{number}] in index", transaction_id="q")
            return self.blocks[number].SerializeToString()
        if function == "GetBlockByTxID":
            return self.block_of(arguments[1]).SerializeToString()
        if function == "GetTransactionByID":
            if arguments[1] not in self.transactions:
                raise EvaluateError(f"evaluate call to endorser returned error: Failed to get transaction with id "
                                    f"{arguments[1]}, error no such transaction ID [{arguments[1]}] in index",
                                    transaction_id="q")
            return self.transactions[arguments[1]].SerializeToString()
        raise AssertionError(f"unexpected qscc query {function}")

    def block_of(self, tx_id: str) -> common_pb2.Block:
        """The first block holding transaction ``tx_id``; for one of ``transactions`` no block of the
        script holds, a block after the last holding it alone, under the config block the last block names
        (the config in force now), cut (``seal``) and kept as the channel's newest."""
        for block in self.blocks:
            for data in block.data.data:
                payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(data).payload)
                if common_pb2.ChannelHeader.FromString(payload.header.channel_header).tx_id == tx_id:
                    return block
        if tx_id not in self.transactions:
            raise EvaluateError(f"evaluate call to endorser returned error: Failed to get block for "
                                f"txID {tx_id}, error no such transaction ID [{tx_id}] in index",
                                transaction_id="q")
        block = transaction_block(len(self.blocks), [self.transactions[tx_id]])
        block.header.previous_hash = block_integrity.header_hash(self.blocks[-1].header)
        self.blocks.append(signed_by(with_last_config(block, last_config_index(self.blocks[-1])), ORDERER))
        return block
