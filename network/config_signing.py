"""Signatures on a ConfigUpdate: org admins sign it, and the signatures are checked before submitting.

A ConfigSignature is the signer's SignatureHeader (its serialized identity and a fresh
nonce) and its signature over the digest of signature_header || config_update, the bytes the
ordering service verifies, in the signature hash family of the signer's MSP in the channel
config (SHA-256 for SHA2, SHA3-256 for SHA3), as Fabric's MSP signs and verifies. Signing
reuses the Gateway SDK's identity and signer (`client.gateway.load_msp_folder`), so an admin
key never leaves the signer callable.

`config_tx(channel_id, envelope)` wraps the ConfigUpdateEnvelope in the unsigned CONFIG_UPDATE
transaction that `peer channel update -f` takes; the CLI adds its own admin's signature
and signs the outer envelope.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.msp import identities_pb2

from client.atomic_file import write_atomically
from client.gateway import Identity, Signer, hashing, load_msp_folder
from client.ledger.config_policies import SignedBy, msp_signature_problem
from client.ledger.msp import ChannelMsp, channel_msps
from client.ledger.qscc import LedgerReadError

from .channel_config import ConfigUpdateError
from .errors import NetworkError, shell_word
from .flock_wait import flock_within

NONCE_BYTES = 24
SIGNING_DIGESTS: dict[str, hashing.Hash] = {"SHA2": hashing.sha256, "SHA3": hashing.sha3_256}
"""The digest an identity signs, by its MSP's signature hash family: the families Fabric's MSP knows, the ones
client.ledger.msp.SIGNATURE_HASHES verifies (msp/identities.go, getHashOpt)."""


@dataclass(frozen=True)
class AdminSigner:
    """An org admin able to sign: its identity (MSP ID + certificate) and a digest signer."""

    identity: Identity
    signer: Signer

    @property
    def msp_id(self) -> str:
        return self.identity.msp_id


def load_admin(msp_dir: Path, msp_id: str) -> AdminSigner:
    identity, signer = load_msp_folder(msp_dir, msp_id)
    return AdminSigner(identity, signer)


def _msps(config: configtx_pb2.Config | None, doing: str) -> dict[str, ChannelMsp]:
    """The channel config's MSPs by MSP ID (none without a config); ConfigUpdateError saying what cannot be
    done (``doing``) when one cannot be read."""
    if config is None:
        return {}
    try:
        return channel_msps(config)
    except LedgerReadError as exc:
        raise ConfigUpdateError(f"{doing}: {exc}") from None


def signing_digest(msp_id: str, msps: dict[str, ChannelMsp]) -> hashing.Hash:
    """The hash whose digest an identity of msp_id signs: its MSP's signature hash family in ``msps``, the
    channel config's, as the ordering service verifies it. SHA-256, the default SHA2 family's, for an MSP the
    config does not hold (Fabric counts such a signature for nothing anyway). ConfigUpdateError for a family
    Fabric's MSP does not know: it verifies no signature, so none is made."""
    msp = msps.get(msp_id)
    if msp is None:
        return hashing.sha256
    digest = SIGNING_DIGESTS.get(msp.signature_hash_family)
    if digest is None:
        raise ConfigUpdateError(f"{msp_id}'s MSP in the channel config sets signature hash family "
                                f"{msp.signature_hash_family!r}, which Fabric's MSP does not know "
                                f"({' or '.join(SIGNING_DIGESTS)}), so the ordering service verifies no "
                                f"signature of its admins. Nothing signed: have the other orgs' admins "
                                f"sign it")
    return digest


def sign(update: configtx_pb2.ConfigUpdate | bytes, admin: AdminSigner,
         config: configtx_pb2.Config | None = None) -> configtx_pb2.ConfigSignature:
    """admin's ConfigSignature over the serialized ConfigUpdate. With ``config``, the channel config the
    update is submitted under, the digest signed is that of the signature hash family of admin's MSP there
    (an admin of an MSP set to SHA3 signs the SHA3-256 digest, the one the ordering service verifies); without
    it, the SHA-256 digest, the SHA2 family's, which is also all the peer CLI signs (`peer channel
    signconfigtx`, `update`: Fabric builds its local MSP with the SHA2 family whatever the channel's says).
    :func:`signers` with the same config verifies it."""
    digest = signing_digest(admin.msp_id, _msps(config, "the update cannot be signed"))
    update_bytes = update if isinstance(update, bytes) else update.SerializeToString()
    header = common_pb2.SignatureHeader(creator=admin.identity.serialize(), nonce=os.urandom(NONCE_BYTES))
    header_bytes = header.SerializeToString()
    return configtx_pb2.ConfigSignature(signature_header=header_bytes,
                                        signature=admin.signer(digest(header_bytes + update_bytes)))


def envelope(update: configtx_pb2.ConfigUpdate,
             signatures: list[configtx_pb2.ConfigSignature]) -> configtx_pb2.ConfigUpdateEnvelope:
    return configtx_pb2.ConfigUpdateEnvelope(config_update=update.SerializeToString(), signatures=signatures)


def config_tx(channel_id: str, update_envelope: configtx_pb2.ConfigUpdateEnvelope) -> common_pb2.Envelope:
    """The CONFIG_UPDATE transaction around a ConfigUpdateEnvelope, unsigned (the submitter signs it)."""
    channel_header = common_pb2.ChannelHeader(type=common_pb2.CONFIG_UPDATE, channel_id=channel_id)
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=channel_header.SerializeToString()),
                                 data=update_envelope.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString())


class UpdateFileError(NetworkError):
    """A file that is not a CONFIG_UPDATE transaction, or a signature that cannot be added to it."""


DAMAGED = ("the file was damaged or edited: write the update again with `recfin org add|remove --update-out` and "
           "have the admins sign that one")


def _signer_of(sig: configtx_pb2.ConfigSignature, index: int, count: int) -> tuple[str, x509.Certificate]:
    """(MSP ID, certificate) of one signature's creator; UpdateFileError naming the signature (1-based) when its
    header or certificate cannot be read (a damaged file, or one edited by hand)."""
    where = f"signature {index + 1} of {count}"
    try:
        header = common_pb2.SignatureHeader.FromString(sig.signature_header)
        creator = identities_pb2.SerializedIdentity.FromString(header.creator)
    except Exception as exc:   # protobuf raises DecodeError or RuntimeError depending on the backend
        raise UpdateFileError(f"{where} has no readable signature header ({exc}): {DAMAGED}") from None
    try:
        return creator.mspid, x509.load_pem_x509_certificate(creator.id_bytes)
    except ValueError as exc:
        raise UpdateFileError(f"{where} ({creator.mspid or 'no MSP ID'}) names no PEM certificate as its signer "
                              f"({exc}): {DAMAGED}") from None


def signers(update_envelope: configtx_pb2.ConfigUpdateEnvelope,
            config: configtx_pb2.Config | None = None) -> list[SignedBy]:
    """Who signed the envelope's config_update, and whether each signature verifies (UpdateFileError when one
    cannot be read). With ``config``, the channel config the update is judged under, each signature is
    verified in the signature hash family of its signer's MSP there, as the ordering service verifies it (an
    admin of an MSP set to SHA3 signs the SHA3-256 digest); without it, over SHA-256, the SHA2 family's."""
    msps = _msps(config, "the update's signatures cannot be checked")
    out = []
    count = len(update_envelope.signatures)
    for index, sig in enumerate(update_envelope.signatures):
        msp_id, cert = _signer_of(sig, index, count)
        problem = msp_signature_problem(msps.get(msp_id), cert, sig.signature,
                                        sig.signature_header + update_envelope.config_update)
        out.append(SignedBy(msp_id, cert, not problem, problem))
    return out


# ---- the update as a file that travels between org admins ----------------------------------------
def write_update_file(path: Path, channel_id: str, update_envelope: configtx_pb2.ConfigUpdateEnvelope) -> Path:
    """Write the CONFIG_UPDATE transaction: the same bytes `peer channel signconfigtx -f` and
    `peer channel update -f` read, so an admin with Fabric's own tools can sign or submit it too."""
    # Replaced whole: adding a signature rewrites the file, and a torn write would lose those collected.
    write_atomically(path, config_tx(channel_id, update_envelope).SerializeToString())
    return path


# How long a signer waits for another holding the update file's lock: the holder fetches the channel config, signs
# and rewrites the file, in seconds; one stopped with Ctrl-Z or hung would otherwise keep this one waiting for ever.
UPDATE_FILE_WAIT_SECONDS = 120.0
_UPDATE_FILE_POLL_SECONDS = 0.1


@contextmanager
def update_file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock while a signer reads, signs and rewrites the update file, so that two admins
    signing the same file on one host at once do not drop each other's signature (the second waits, then
    reads the file with the first's signature in it). The lock is on the file's folder (flock on a directory),
    because the rewrite replaces the file itself, and a lock on it would stay with the old one."""
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if not flock_within(folder, UPDATE_FILE_WAIT_SECONDS, _UPDATE_FILE_POLL_SECONDS):
            shown = shell_word(path.parent)
            raise UpdateFileError(f"another run signing or writing an update file in {path.parent} has held its lock "
                                  f"for over {UPDATE_FILE_WAIT_SECONDS:g} s (a `recfin org sign` stopped with Ctrl-Z "
                                  f"or hung; `fuser {shown}` or `lsof {shown}` names it): {path} was left as it "
                                  f"was. Wait for that run to finish (or resume or stop it), then run the command "
                                  f"again")
        yield
    finally:
        os.close(folder)     # releases the lock


def read_update_file(path: Path) -> tuple[str, configtx_pb2.ConfigUpdateEnvelope]:
    """(channel ID, ConfigUpdateEnvelope) of a file written by write_update_file or `peer channel signconfigtx`."""
    try:
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(path.read_bytes()).payload)
        header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        update_envelope = configtx_pb2.ConfigUpdateEnvelope.FromString(payload.data)
        update = configtx_pb2.ConfigUpdate.FromString(update_envelope.config_update)
    except Exception as exc:   # protobuf raises DecodeError or RuntimeError depending on the backend
        raise UpdateFileError(f"{path} is not a config update transaction ({exc}): write one with "
                              f"`recfin org add|remove --update-out`") from exc
    if header.type != common_pb2.CONFIG_UPDATE or not update_envelope.config_update:
        raise UpdateFileError(f"{path} holds a transaction of type {header.type}, not CONFIG_UPDATE: "
                              f"write one with `recfin org add|remove --update-out`")
    if update.channel_id != header.channel_id:
        raise UpdateFileError(f"{path}: its update is for channel {update.channel_id!r} but its header names "
                              f"{header.channel_id!r}: the file was tampered with; write it again")
    try:
        signers(update_envelope)        # every signature readable, before anyone signs, checks or submits it
    except UpdateFileError as exc:
        raise UpdateFileError(f"{path}: {exc}") from None
    return header.channel_id, update_envelope


def add_signature(update_envelope: configtx_pb2.ConfigUpdateEnvelope, admin: AdminSigner,
                  config: configtx_pb2.Config | None = None) -> SignedBy:
    """Sign the envelope's config_update as admin, in place, in the hash family of admin's MSP in ``config``,
    the channel config (see :func:`sign`; each signature already there is judged under it too). Refused when
    that identity has a signature in it that Fabric accepts (a second one would count for nothing, so it could
    only hide a mistake); a signature of that identity that Fabric refuses (high-S, made over other bytes,
    ...) is replaced, since the orderer ignores it and counts the identity by a later signature that
    verifies."""
    mine = (admin.msp_id, admin.identity.certificate)   # the identity as Fabric tells identities apart
    earlier = [(index, signed) for index, signed in enumerate(signers(update_envelope, config))
               if (signed.msp_id, signed.certificate) == mine]
    if any(signed.valid for _, signed in earlier):
        raise UpdateFileError(f"{admin.msp_id}'s admin has already signed this update: "
                              f"have another org's admin sign it")
    for index, _ in reversed(earlier):
        del update_envelope.signatures[index]
    update_envelope.signatures.append(sign(update_envelope.config_update, admin, config))
    return signers(update_envelope, config)[-1]
