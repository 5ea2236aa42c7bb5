"""A company's own keys put into its bundle: `recfin host adopt-keys`.

An org whose keys were made on its own host (`recfin org keys`, network.org_keys) joined the
channel from its public definition, so the host that writes bundles holds its certificates only:
its bundle comes without the org's identities, and so without its chaincode package (whose
connection.json carries the client pair its peers dial the chaincode server with). On the
company's host this copies the org's identities from its keys folder into the bundle, as
bundle.write does where the keys are, once they are shown to be the org the channel has: the
same CA and TLS CA certificates as the bundle's (which came from the channel's config update),
and every identity issued by them, the users issued from the keys folder (`recfin org user add
--keys`, recorded in its membership.yaml) among them: run again, it brings in those issued since. Then
the package, chaincode.env, connection profile, README and manifest are written as bundle.write
writes them. The CA keys stay in the keys folder. The bundle's files are first checked against the
digests its bundle.json records, as `recfin host` checks them: the new manifest records them afresh,
and would otherwise vouch for a file damaged since the bundle was written. A run stopped part way (before
the new manifest) is finished by running it again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

from client.atomic_file import write_atomically

from . import membership
from .bundle import (DIGESTS, MANIFEST, REWRITTEN, TOPOLOGY_FILE, Bundle, copy_own_keys, file_digest, finish,
                     keys_missing_note, real_folder, topology_text)
from .bundle_host import check_digests, read_network, rewrite_fix
from .crypto import OrgCrypto, holds_key_of, issued_by, key_held, load_cert, org_crypto, revoked_by_org
from .errors import NetworkError, shell_word
from .topology import PeerOrgSpec, Topology


class AdoptKeysError(NetworkError):
    pass


def adopt_keys(bundle_root: Path, keys_root: Path, say: Callable[[str], None] = lambda _: None) -> Bundle:
    """Put the org's own identities from keys_root into the bundle at bundle_root; the completed bundle.
    `say` hears that the bundle's files could not be checked, where its bundle.json records no digests."""
    # absolute, as bundle.write has it: finish rebases the connection profile's paths from it to the install root
    bundle_root, keys_root = real_folder(bundle_root, "--bundle"), Path(keys_root)
    doc, topology = read_network(bundle_root)
    doc = _topology_of_a_stopped_run(bundle_root, doc, topology, keys_root)
    if not check_digests(bundle_root, doc, f"nothing was copied; {rewrite_fix(doc['org'])}"):
        say(f"{bundle_root / MANIFEST} records no file digests (an earlier recfin wrote it), so the files "
            f"the bundle came with could not be checked for damage: the digests recorded now are of them as "
            f"they are")
    # with the users issued from the keys folder since (`recfin org user add --keys`, recorded in its
    # membership.yaml): the network's host never hears of them, so its bundle cannot name them
    org = membership.with_recorded_users(topology.org(doc["org"]), keys_root)
    topology = membership.with_orgs(topology, [org if o.name == org.name else o for o in topology.orgs])
    keys, mine = org_crypto(keys_root, org.name, org.domain), org_crypto(bundle_root, org.name, org.domain)
    if not keys.ca_cert.is_file():
        raise AdoptKeysError(f"no keys of {org.name} in {keys_root} ({keys.ca_cert} is missing): give --keys the "
                             f"folder `recfin org keys {org.name} --out` wrote")
    for ours, theirs, what in ((keys.ca_cert, mine.ca_cert, "CA"), (keys.tlsca_cert, mine.tlsca_cert, "TLS CA")):
        if not theirs.is_file() or load_cert(ours) != load_cert(theirs):
            raise AdoptKeysError(f"the keys in {keys_root} are not the ones the channel has for {org.msp_id}: their "
                                 f"{what} certificate ({ours}) is not the bundle's ({theirs}), which the channel's "
                                 f"config gives the org. Give the folder whose definition the org was added with")
    _check_identities(topology, org, keys, keys_root)
    _start(bundle_root, doc)
    install_root = Path(doc["install_root"])
    bundle = Bundle(org.name, org.msp_id, bundle_root, install_root,
                    files=[f for f in doc["files"] if f != MANIFEST],
                    missing=[m for m in doc["missing"] if m != keys_missing_note(org.name, install_root)])
    copy_own_keys(topology, keys, mine, bundle)
    finish(topology, bundle)
    return bundle


def _topology_of_a_stopped_run(bundle_root: Path, doc: dict, topology: Topology, keys_root: Path) -> dict:
    """doc, taking the bundle's topology.yaml as checked where it is the one `finish` writes, the bundle's own with the
    users the keys folder records (`recfin org user add --keys`) added: a run stopped after writing it, before
    its new bundle.json (a disk that filled while the README was written), would otherwise leave a bundle the next
    run refuses as damaged. Any other difference from the recorded digest is still refused."""
    recorded = doc.get(DIGESTS)
    if not isinstance(recorded, dict) or TOPOLOGY_FILE not in recorded:
        return doc
    now = file_digest(bundle_root / TOPOLOGY_FILE)
    added = {user.name for user in membership.recorded_users(keys_root, doc["org"])}
    org = topology.org(doc["org"])
    if now == recorded[TOPOLOGY_FILE] or not added & {user.name for user in org.users}:
        return doc
    own = PeerOrgSpec.model_validate({**org.model_dump(mode="python"),
                                      "users": [u.model_dump(mode="python") for u in org.users if u.name not in added]})
    written = membership.with_orgs(topology, [own if o.name == own.name else o for o in topology.orgs])
    if hashlib.sha256(topology_text(written).encode()).hexdigest() != recorded[TOPOLOGY_FILE]["sha256"]:
        return doc
    return doc | {DIGESTS: {**recorded, TOPOLOGY_FILE: now}}


def _start(bundle_root: Path, doc: dict) -> None:
    """bundle.json as checked, without the digests of the files `finish` writes again whatever they hold
    (REWRITTEN): a run stopped once it has written any of them, before the new bundle.json, would otherwise
    leave a bundle whose next run refuses them as damaged and asks for a new bundle from the network's host.
    Run again, it checks every other file, copies the keys again and writes them again."""
    recorded = doc.get(DIGESTS)
    if recorded is None or not any(path in recorded for path in REWRITTEN):
        return
    started = doc | {DIGESTS: {path: digest for path, digest in recorded.items() if path not in REWRITTEN}}
    write_atomically(bundle_root / MANIFEST, json.dumps(started, indent=2) + "\n")


def _check_identities(topology: Topology, org: PeerOrgSpec, keys: OrgCrypto, keys_root: Path) -> None:
    """Every identity the bundle gets is there, issued by the org's CA (signing) or TLS CA (TLS), with its
    private key: the TLS pair's key file, the signing certificate's keystore key (or the folder's word that
    the key is in an HSM). A client user revoked (by the keys folder's CRL) whose folder was removed has none,
    and gets none: the generator never issues it again, so it is passed over, as copy_own_keys takes it; one
    whose folder is kept needs no key, as the generator leaves it with its key lost."""
    ca, tlsca = load_cert(keys.ca_cert), load_cert(keys.tlsca_cert)
    host = topology.chaincode_server_host(org)
    nodes = [keys.node_dir(n.hostname) for n in topology.peers(org.name)]
    clients = [u.name for u in org.users if not _removed_after_revocation(org, keys, keys_root, u.name)]
    users = [keys.user_dir(user) for user in [org.admin, *clients]]
    expected = [(f / "msp" / "signcerts" / "cert.pem", ca) for f in nodes + users]
    expected += [(f / "tls" / "server.crt", tlsca) for f in nodes] + [(f / "tls" / "client.crt", tlsca) for f in users]
    expected += [(keys.chaincode_server_tls(host) / "server.crt", tlsca),
                 (keys.chaincode_client_tls(host) / "client.crt", tlsca)]
    signing = {f: f / "msp" / "signcerts" / "cert.pem" for f in users}
    revoked = {f for f, path in signing.items() if path.is_file() and revoked_by_org(keys, load_cert(path))}
    for cert_path, issuer in expected:
        if not cert_path.is_file():
            raise AdoptKeysError(f"{cert_path} is missing: the keys folder does not hold every identity of "
                                 f"{org.name}; run `recfin org keys` on it again with the same options")
        cert = load_cert(cert_path)
        if not issued_by(cert, issuer):
            raise AdoptKeysError(f"{cert_path} ({cert.subject.rfc4514_string()}) is not issued by {org.name}'s own "
                                 f"{'TLS CA' if issuer is tlsca else 'CA'}: the keys folder mixes another org's "
                                 f"material; use the folder `recfin org keys` wrote")
        lacking = None if revoked.intersection(cert_path.parents) else _key_lacking(cert_path, cert)
        if lacking is not None:
            raise AdoptKeysError(f"{lacking}: the identity could not be used from the bundle (a peer "
                                 f"without its key does not start, a user without it signs nothing). Restore "
                                 f"the key from a backup; a node's or the admin's lost key `recfin org keys` "
                                 f"on {keys_root} with the same options issues again. Nothing is copied "
                                 f"until then")


def _key_lacking(cert_path: Path, cert) -> str | None:
    """What of a certificate's private key is not in the keys folder (a TLS pair's key file beside it, an MSP
    folder's keystore key or HSM note), or None when it is there and is the certificate's."""
    if cert_path.parent.name == "signcerts":
        msp = cert_path.parent.parent
        return None if key_held(msp) else f"{msp / 'keystore'} holds no key of {cert_path}"
    key_path = cert_path.with_suffix(".key")
    if not key_path.is_file():
        return f"{key_path} is missing beside {cert_path}"
    return None if holds_key_of(key_path, cert) else f"{key_path} is not the key of {cert_path}"


def _removed_after_revocation(org: PeerOrgSpec, keys: OrgCrypto, keys_root: Path, user: str) -> bool:
    """Whether the client user's folder is gone because it was revoked (the keys folder's CRL lists the copy of its
    certificate the org's CA kept). AdoptKeysError when the CA issued it a certificate that CRL does not list:
    `recfin org keys` issues none in its place, so only its folder, restored, completes the keys."""
    if (keys.user_msp(user) / "signcerts" / "cert.pem").is_file():
        return False
    copy = keys.issued_cert(user)
    if not copy.is_file():
        return False            # never issued: `recfin org keys` issues it (the missing-file refusal says so)
    cert = load_cert(copy)
    if revoked_by_org(keys, cert):
        return True
    raise AdoptKeysError(
        f"{keys.user_dir(user)} is missing, though {org.name}'s CA issued {user} a certificate (serial "
        f"{cert.serial_number:x}, its copy in {copy}) that the keys folder's CRL does not list: restore the folder "
        f"from a backup, then run adopt-keys again; `recfin org keys` issues no certificate in its place. A lost "
        f"user is revoked with the org's CA key (`recfin org user revoke {org.name} {user} --keys "
        f"{shell_word(keys_root)}`); once the keys folder's CRL lists it (a revocation made from another host "
        f"reaches it with `recfin org user list {org.name} --keys {shell_word(keys_root)} --sync`), adopt-keys "
        f"passes the user over")
