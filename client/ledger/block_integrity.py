"""Whether a block a peer answered is one the ordering service cut, as a peer checks one it receives.

Fabric's peer verifies every block the orderer delivers (common/deliverclient BlockVerificationAssistant), and
this module asks the same of a block read back from a peer's ledger, which its storage, or what relays its
answers, could have changed since:

- its header's ``data_hash`` is the hash Fabric computes of its data (protoutil.BlockDataHash): SHA-256 of its
  transactions' bytes one after another, of one transaction at least (Fabric refuses an empty block), each
  well formed (an Envelope with a payload and a signature whose encoding is its bytes exactly), so that the
  bytes of two transactions cannot pass for one, or one for two, under the same hash; a block whose one
  transaction is a config transaction is exempt (the genesis block configtxgen writes carries an unsigned
  one);
- its header's ``previous_hash`` is the hash of the header before it (protoutil.BlockHeaderHash: SHA-256 of
  the header's ASN.1 DER encoding, a SEQUENCE of its number as an INTEGER, then previous_hash and data_hash as
  OCTET STRINGs, protoutil.BlockHeaderBytes), where both blocks are at hand;
- its orderer signatures meet the channel's ``/Channel/Orderer/BlockValidation`` policy of the config the
  block was verified under (protoutil.BlockSignatureVerifier): each MetadataSignature of the SIGNATURES metadata
  signs the metadata's value, then its signature header, then the header's bytes above, hashed in the
  signature hash family of the signer's MSP in that config (SHA-256 for SHA2, SHA3-256 for SHA3); its signer
  is the
  creator its signature header names, or, on a channel with the V3_0 capability (Fabric's BFT support) and a
  signature with an identifier header in place of a signature header, the consenter of that id in the
  config's ``Orderers`` value, the identifier header's bytes signed in place of the signature header's. A
  signature whose signer cannot be read counts for nothing, as in Fabric. The policy is evaluated as
  :mod:`.config_policies` evaluates a config update's (ImplicitMeta over the orderer orgs' policies,
  signature policies over their MSPs, each identity counted once, revoked ones not at all).

What a block's signatures do not cover: its transaction filter (each transaction's validation code), which the
committing peer writes, and the other metadata entries.
"""
from __future__ import annotations

import hashlib

from asn1crypto import core
from cryptography import x509
from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.common import configuration_pb2 as common_config_pb2
from fabric_protos.msp import identities_pb2
from google.protobuf.message import DecodeError

from .config_policies import SignedBy, evaluate_signed, msp_signature_problem
from .msp import CERTIFICATE_ERRORS, channel_msps
from .qscc import LedgerReadError, config_of, decoded, transaction_header

BLOCK_VALIDATION = ("Channel", "Orderer", "BlockValidation")
BFT_CAPABILITY = "V3_0"         # the channel capability under which Fabric reads identifier headers
ORDERERS_KEY = "Orderers"       # the Orderer group's value listing the consenters (ConsenterMapping)


class _HeaderAsn1(core.Sequence):
    """protoutil.BlockHeaderBytes' asn1Header: the fields in this order, the number as a (big) INTEGER."""

    _fields = [("number", core.Integer), ("previous_hash", core.OctetString), ("data_hash", core.OctetString)]


def header_bytes(header: common_pb2.BlockHeader) -> bytes:
    """The bytes of a block header that Fabric hashes and the orderer signs (protoutil.BlockHeaderBytes)."""
    return _HeaderAsn1({"number": header.number, "previous_hash": header.previous_hash,
                        "data_hash": header.data_hash}).dump()


def header_hash(header: common_pb2.BlockHeader) -> bytes:
    """What the next block's ``previous_hash`` must be (protoutil.BlockHeaderHash)."""
    return hashlib.sha256(header_bytes(header)).digest()


def data_hash(data: common_pb2.BlockData) -> bytes:
    """SHA-256 of the block's transactions' bytes one after another (protoutil.ComputeBlockDataHash)."""
    return hashlib.sha256(b"".join(data.data)).digest()


def genesis_block(raw: bytes, source: str) -> common_pb2.Block:
    """The channel's genesis block in ``raw``, as configtxgen writes it and ``peer channel join -b`` reads it: block
    0, carrying the channel's config. No orderer signs it, so what anchors a chain's checks is a copy of it kept
    apart from the peers (the network's data folder, an org bundle), held to the block 0 a peer serves.
    LedgerReadError naming ``source`` where ``raw`` is no such block."""
    block = decoded(common_pb2.Block, raw, source)
    if block.header.number != 0:
        raise LedgerReadError(f"{source} is block {block.header.number}, not a genesis block (block 0)")
    try:
        config_of(block)
    except LedgerReadError as error:
        raise LedgerReadError(f"{source} carries no channel config ({error})") from None
    return block


def _is_config_transaction(data: bytes) -> bool:
    try:
        return transaction_header(decoded(common_pb2.Envelope, data, "a transaction"), "its")[1].type == \
            common_pb2.CONFIG
    except LedgerReadError:
        return False


def _ill_formed(data: common_pb2.BlockData) -> str | None:
    """Why the block's data is not well formed as protoutil.VerifyTransactionsAreWellFormed requires (no
    transaction at all, or one ill formed), or None."""
    if not data.data:
        # the ordering service cuts no block without a transaction: Fabric refuses one as an "empty block"
        return "the block holds no transaction"
    if len(data.data) == 1 and _is_config_transaction(data.data[0]):
        return None
    for position, raw in enumerate(data.data):
        try:
            envelope = decoded(common_pb2.Envelope, raw, f"transaction {position}")
        except LedgerReadError as error:
            return str(error)
        if not envelope.payload:
            return f"transaction {position} has no payload"
        if not envelope.signature:
            return f"transaction {position} has no signature"
        if envelope.SerializeToString() != raw:
            return (f"transaction {position} is not encoded as its envelope encodes ({len(raw)} bytes for "
                    f"{len(envelope.SerializeToString())}): its bytes may be another transaction's too")
    return None


def data_problem(block: common_pb2.Block) -> str | None:
    """Why the block's header does not hash its data as Fabric does, or None."""
    number = block.header.number
    ill_formed = _ill_formed(block.data)
    if ill_formed is not None:
        return f"block {number}'s data is not what the ordering service hashes: {ill_formed}"
    computed = data_hash(block.data)
    if computed != block.header.data_hash:
        given = block.header.data_hash.hex() or "(none)"
        return (f"block {number}'s header gives data hash {given}, but its transactions hash to "
                f"{computed.hex()}: its data is not the data the ordering service cut")
    return None


def link_problem(header: common_pb2.BlockHeader, previous: common_pb2.BlockHeader) -> str | None:
    """Why the block whose header is ``header`` does not follow the one whose header is ``previous`` (numbered
    just before it), or None."""
    expected = header_hash(previous)
    if header.previous_hash == expected:
        return None
    given = header.previous_hash.hex() or "(none)"
    return (f"block {header.number}'s header gives previous hash {given}, but block {previous.number}'s "
            f"header hashes to {expected.hex()}: the two are not of one chain")


def stale_config_problem(number: int, named: int, in_force: int) -> str | None:
    """Why block ``number``, whose orderer metadata names config block ``named`` as the config it was verified
    under, cannot be taken for one the ordering service cut where config block ``in_force`` is the newest before
    it; None when it names that one or a later. The ordering service names the config in force in every block it
    cuts: under an older one, an orderer identity a config update since dropped (a CA rotated out, a key retired)
    still verifies, so the block's signatures would prove nothing."""
    if named >= in_force:
        return None
    return (f"block {number} names block {named} as the config block it was verified under, where the ordering "
            f"service names the newest config block before it, block {in_force}: its orderer signatures prove "
            "nothing of the config in force when it was cut")


def _consenters(config: configtx_pb2.Config) -> dict[int, bytes]:
    """The serialized identity of each consenter of the config's ``Orderers`` value, by its id, on a channel
    with the capability under which Fabric looks signers up by identifier; else none."""
    channel = config.channel_group
    capabilities = common_config_pb2.Capabilities()
    if "Capabilities" in channel.values:
        capabilities = common_config_pb2.Capabilities.FromString(channel.values["Capabilities"].value)
    orderer = channel.groups.get("Orderer")
    if (BFT_CAPABILITY not in capabilities.capabilities or orderer is None
            or ORDERERS_KEY not in orderer.values):
        return {}
    orderers = common_config_pb2.Orderers.FromString(orderer.values[ORDERERS_KEY].value)
    return {consenter.id: identities_pb2.SerializedIdentity(
        mspid=consenter.msp_id, id_bytes=consenter.identity).SerializeToString()
        for consenter in orderers.consenter_mapping}


def _signer(signature: common_pb2.MetadataSignature,
            consenters: dict[int, bytes]) -> tuple[bytes, bytes] | str:
    """(the signer's serialized identity, the header bytes it signed) of one metadata signature, or why it
    names no signer (Fabric skips it)."""
    if not signature.signature_header and signature.identifier_header and consenters:
        identifier = decoded(common_pb2.IdentifierHeader, signature.identifier_header,
                             "its identifier header")
        if identifier.identifier not in consenters:
            return f"its identifier {identifier.identifier} is none of the channel's consenters'"
        return consenters[identifier.identifier], signature.identifier_header
    header = decoded(common_pb2.SignatureHeader, signature.signature_header, "its signature header")
    return header.creator, signature.signature_header


def signature_problem(block: common_pb2.Block, config: configtx_pb2.Config) -> str | None:
    """Why the block's orderer signatures do not meet ``/Channel/Orderer/BlockValidation`` of ``config``, the
    channel config the block was verified under, or None when they do."""
    number, metadata = block.header.number, block.metadata.metadata
    if len(metadata) <= common_pb2.SIGNATURES:
        return f"block {number} carries no signatures metadata: no orderer signed it"
    try:
        signatures = decoded(common_pb2.Metadata, metadata[common_pb2.SIGNATURES], "its signatures metadata")
    except LedgerReadError as error:
        return f"block {number}'s {error}"
    unreadable = f"block {number} cannot be checked under the channel config it was verified under"
    signed_header = header_bytes(block.header)
    try:
        consenters, msps = _consenters(config), channel_msps(config)
    except LedgerReadError as error:
        return f"{unreadable}: {error}"
    except (DecodeError, RuntimeError) as error:     # the protobuf backend raises either
        return f"{unreadable}: its capabilities or its consenters do not decode ({error})"
    signed, ignored = [], []
    for place, signature in enumerate(signatures.signatures, start=1):
        try:
            found = _signer(signature, consenters)
            if isinstance(found, str):
                ignored.append(f"signature {place}: {found}")
                continue
            identity = decoded(identities_pb2.SerializedIdentity, found[0], "its signer")
            certificate = x509.load_pem_x509_certificate(identity.id_bytes)
        except (LedgerReadError, ValueError) as error:
            ignored.append(f"signature {place}: its signer cannot be read ({error})")
            continue
        try:
            # verified in the signature hash family of the signer's MSP, as Fabric's MSP verifies it
            problem = msp_signature_problem(msps.get(identity.mspid), certificate, signature.signature,
                                            signatures.value + found[1] + signed_header)
        except CERTIFICATE_ERRORS as error:     # a key of no algorithm Fabric verifies, or no key at all
            problem = f"its certificate's key cannot be read ({error})"
        signed.append(SignedBy(identity.mspid, certificate, not problem, problem))
    try:
        verdict = evaluate_signed(config, BLOCK_VALIDATION, signed)
    except (DecodeError, RuntimeError) as error:
        return f"{unreadable}: a policy BlockValidation rests on does not decode ({error})"
    if verdict.ok:
        return None
    if not signatures.signatures:
        who = "it carries no orderer signature"
    else:
        refused = [*ignored, *verdict.invalid_signatures]
        who = (f"signed by {', '.join(verdict.signers) or 'no identity Fabric counts'}"
               + (f"; counted for nothing: {'; '.join(refused)}" if refused else ""))
    return (f"block {number} is not signed as the channel config it was verified under asks: "
            f"{verdict.describe()} ({who})")
