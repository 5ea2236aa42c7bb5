"""A company's own keys put into its bundle: `recfin host adopt-keys`.

An org whose keys were made on its own host (`recfin org keys`, network.org_keys) joined the
channel from its public definition, so the host that writes bundles holds its certificates only:
its bundle comes without the org's identities, and so without its chaincode package (whose
connection.json carries the client pair its peers dial the chaincode server with). On the
company's host this copies the org's identities from its keys folder into the bundle, as
bundle.write does where the keys are, once they are shown to be the org the channel has: the
same CA and TLS CA certificates as the bundle's (which came from the channel's config update),
and every identity issued by them. Then the package, chaincode.env, connection profile, README
and manifest are written as bundle.write writes them. The CA keys stay in the keys folder.
"""
from __future__ import annotations

from pathlib import Path

from .bundle import MANIFEST, Bundle, copy_own_keys, finish, keys_missing_note
from .bundle_host import read_network
from .crypto import OrgCrypto, issued_by, load_cert, org_crypto
from .errors import NetworkError
from .topology import PeerOrgSpec, Topology


class AdoptKeysError(NetworkError):
    pass


def adopt_keys(bundle_root: Path, keys_root: Path) -> Bundle:
    """Put the org's own identities from keys_root into the bundle at bundle_root; the completed bundle."""
    bundle_root, keys_root = Path(bundle_root), Path(keys_root)
    doc, topology = read_network(bundle_root)
    org = topology.org(doc["org"])
    keys, mine = org_crypto(keys_root, org.name, org.domain), org_crypto(bundle_root, org.name, org.domain)
    if not keys.ca_cert.is_file():
        raise AdoptKeysError(f"no keys of {org.name} in {keys_root} ({keys.ca_cert} is missing): give --keys the "
                             f"folder `recfin org keys {org.name} --out` wrote")
    for ours, theirs, what in ((keys.ca_cert, mine.ca_cert, "CA"), (keys.tlsca_cert, mine.tlsca_cert, "TLS CA")):
        if not theirs.is_file() or load_cert(ours) != load_cert(theirs):
            raise AdoptKeysError(f"the keys in {keys_root} are not the ones the channel has for {org.msp_id}: their "
                                 f"{what} certificate ({ours}) is not the bundle's ({theirs}), which the channel's "
                                 f"config gives the org. Give the folder whose definition the org was added with")
    _check_identities(topology, org, keys)
    install_root = Path(doc["install_root"])
    bundle = Bundle(org.name, org.msp_id, bundle_root, install_root,
                    files=[f for f in doc.get("files") or [] if f != MANIFEST],
                    missing=[m for m in doc.get("missing") or [] if m != keys_missing_note(org.name, install_root)])
    copy_own_keys(topology, keys, mine, bundle)
    finish(topology, bundle)
    return bundle


def _check_identities(topology: Topology, org: PeerOrgSpec, keys: OrgCrypto) -> None:
    """Every identity the bundle gets is there and issued by the org's CA (signing) or TLS CA (TLS)."""
    ca, tlsca = load_cert(keys.ca_cert), load_cert(keys.tlsca_cert)
    host = topology.chaincode_server_host(org)
    nodes = [keys.node_dir(n.hostname) for n in topology.peers(org.name)]
    users = [keys.user_dir(user) for user in [org.admin, *(u.name for u in org.users)]]
    expected = [(f / "msp" / "signcerts" / "cert.pem", ca) for f in nodes + users]
    expected += [(f / "tls" / "server.crt", tlsca) for f in nodes] + [(f / "tls" / "client.crt", tlsca) for f in users]
    expected += [(keys.chaincode_server_tls(host) / "server.crt", tlsca),
                 (keys.chaincode_client_tls(host) / "client.crt", tlsca)]
    for cert_path, issuer in expected:
        if not cert_path.is_file():
            raise AdoptKeysError(f"{cert_path} is missing: the keys folder does not hold every identity of "
                                 f"{org.name}; run `recfin org keys` on it again with the same options")
        cert = load_cert(cert_path)
        if not issued_by(cert, issuer):
            raise AdoptKeysError(f"{cert_path} ({cert.subject.rfc4514_string()}) is not issued by {org.name}'s own "
                                 f"{'TLS CA' if issuer is tlsca else 'CA'}: the keys folder mixes another org's "
                                 f"material; use the folder `recfin org keys` wrote")

