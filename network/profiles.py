"""Connection profiles for SDK clients: one JSON file per org, written by `up`.

`<data_root>/profiles/<org>.json` names the org's gateway peer (address, TLS root cert,
host name override), the orderers, the channel and, for each of the org's users, the
MSP folder and the exact cert/key files (a user whose certificate a CRL of the org's CA lists is marked
`revoked`: `recfin org user revoke`, and `mark_revoked` when the CRL reaches a data folder or bundle
later). `load("supplier")` (or `load("SupplierMSP")`)
reads one back as a typed `ConnectionProfile`.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from pydantic import BaseModel, ValidationError

from client.atomic_file import make_folders, write_atomically

from . import crl, membership
from .default_paths import TOPOLOGY_VARIABLE
from .crypto import OrgCrypto, client_certificate, keystore_key, org_crypto
from .errors import NetworkError
from .topology import Topology, format_validation_error, load as load_topology


class Endpoint(BaseModel):
    address: str
    host_name_override: str
    tls_root_cert: Path


class UserIdentity(BaseModel):
    name: str
    role: str                       # "admin" or "client" (its NodeOU)
    msp_dir: Path
    cert: Path
    key: Path
    tls_cert: Path
    tls_key: Path
    attrs: dict[str, str] = {}
    revoked: bool = False           # its certificate is on the org's CRL: the channel refuses it


class ConnectionProfile(BaseModel):
    org: str
    msp_id: str
    channel: str
    chaincode: str
    gateway: Endpoint
    peers: list[Endpoint]
    orderers: list[Endpoint]
    users: dict[str, UserIdentity]

    def user(self, name: str) -> UserIdentity:
        try:
            return self.users[name]
        except KeyError:
            raise NetworkError(f"org {self.org} has no user {name!r}: choose one of {', '.join(self.users)}") from None


def build(topology: Topology, data_root: Path, org_name: str) -> ConnectionProfile:
    """The profile of one org (pure: reads no files but the keystore listing, the org's CRLs when present, and
    a user's certificate and keys where its keystore holds more than one key)."""
    org = topology.org(org_name)
    crypto = org_crypto(data_root, org.name, org.domain)
    oo = topology.orderer_org
    ocrypto = org_crypto(data_root, oo.name, oo.domain)
    peers = [Endpoint(address=n.address, host_name_override=n.hostname, tls_root_cert=crypto.tlsca_cert)
             for n in topology.peers(org.name)]
    users = {}
    revocations = crl.local_crls(crypto)
    for name, role, attrs in [(org.admin, "admin", {})] + [(u.name, "client", u.attrs) for u in org.users]:
        msp = crypto.user_msp(name)
        key = keystore_key(msp)     # the certificate's, where a stopped run left another key beside it
        tls = crypto.user_tls(name)
        cert = msp / "signcerts" / "cert.pem"
        users[name] = UserIdentity(name=name, role=role, msp_dir=msp, cert=cert,
                                   key=key or msp / "keystore", tls_cert=tls / "client.crt",
                                   tls_key=tls / "client.key", attrs=attrs,
                                   revoked=user_revoked(revocations, crypto, name))
    return ConnectionProfile(
        org=org.name, msp_id=org.msp_id, channel=topology.channel, chaincode=topology.chaincode.name,
        gateway=peers[0], peers=peers,
        orderers=[Endpoint(address=n.address, host_name_override=n.hostname, tls_root_cert=ocrypto.tlsca_cert)
                  for n in topology.orderers()],
        users=users)


def user_revoked(revocations: Sequence[x509.CertificateRevocationList], crypto: OrgCrypto, user: str) -> bool:
    """Whether one of the org's CRLs (crl.local_crls: every one of its CA Fabric applies) lists the user's
    certificate (its folder's, else the copy the org's CA kept: a revoked user whose folder was removed stays
    revoked)."""
    cert = client_certificate(crypto, user)
    return cert is not None and crl.lists(revocations, cert.serial_number) is not None


def profiles_dir(data_root: Path) -> Path:
    return data_root / "profiles"


def mark_revoked(data_root: Path, org_name: str, domain: str) -> Path | None:
    """Mark each user of the org's profile in data_root (when it has one) revoked or not by the org's CRLs
    there, keeping every other field: a bundle's profile names its install folder, not data_root."""
    path = profiles_dir(data_root) / f"{org_name}.json"
    if not path.is_file():
        return None
    profile = _read_as_written(path)
    crypto = org_crypto(data_root, org_name, domain)
    revocations = crl.local_crls(crypto)
    for name, user in profile.users.items():
        user.revoked = user_revoked(revocations, crypto, name)
    _save(path, profile)
    return path


def write_all(topology: Topology, data_root: Path) -> list[Path]:
    """Write each org's profile, under data_root's membership lock and with the users recorded there by
    then (membership.with_recorded_users) beside the topology's. `recfin org user add` records its user and
    writes the profiles under that lock alone; a run that read the orgs before (`up`, `org add`, which hold
    the run lock and take minutes) would otherwise write them last without that user, and `--as ORG/USER`
    would not find it."""
    out = []
    with membership.locked(data_root):
        topology = membership.with_orgs(topology, [membership.with_recorded_users(org, data_root)
                                                   for org in topology.orgs])
        make_folders(profiles_dir(data_root))
        for org in topology.orgs:
            path = profiles_dir(data_root) / f"{org.name}.json"
            _save(path, build(topology, data_root, org.name))
            out.append(path)
    return out


def _save(path: Path, profile: ConnectionProfile) -> None:
    """Write through a temporary file renamed into place: a client reading profiles never sees half of one."""
    write_atomically(path, profile.model_dump_json(indent=2) + "\n")


def default_data_root() -> Path:
    """The data folder of the topology in $RECFIN_TOPOLOGY, else of network/topology.yaml."""
    return load_topology(os.environ.get(TOPOLOGY_VARIABLE) or None).resolved_data_root()


def read(path: Path) -> ConnectionProfile:
    """The connection profile in one file, each relative path in it taken from the file's folder
    (:func:`resolved_against`); a file that is not one (empty, cut short, edited by hand, another format) is a
    NetworkError naming it and how to get it back."""
    return resolved_against(Path(path).absolute().parent, _read_as_written(path))


def resolved_against(folder: Path, profile: ConnectionProfile) -> ConnectionProfile:
    """The profile with each relative path in it (a TLS root certificate, a user's MSP folder, certificate or key
    files) taken from ``folder``, the folder of the profile's file, whatever folder the command runs in: the rule of
    kubeconfig and docker-compose files, so a profile written by hand with paths beside it (``../crypto/...``) is
    read the same from everywhere. An absolute path is kept as it is; recfin writes every path absolute."""
    def resolved(path: Path) -> Path:
        return path if path.is_absolute() else folder / path

    def endpoint(each: Endpoint) -> Endpoint:
        return each.model_copy(update={"tls_root_cert": resolved(each.tls_root_cert)})

    users = {name: user.model_copy(update={field: resolved(getattr(user, field))
                                           for field in ("msp_dir", "cert", "key", "tls_cert", "tls_key")})
             for name, user in profile.users.items()}
    return profile.model_copy(update={"gateway": endpoint(profile.gateway),
                                      "peers": [endpoint(each) for each in profile.peers],
                                      "orderers": [endpoint(each) for each in profile.orderers], "users": users})


def _read_as_written(path: Path) -> ConnectionProfile:
    """The profile in the file with its paths as the file gives them (a rewrite keeps a relative one relative)."""
    try:
        return ConnectionProfile.model_validate_json(path.read_bytes())
    except ValidationError as exc:   # not JSON (an empty file included), not UTF-8, or fields missing or wrong
        problem = "; ".join(line.removeprefix(f"{path.name}: ")   # the file is named once, first
                            for line in format_validation_error(path.name, exc).splitlines())
        raise NetworkError(f"{path} is not a connection profile ({problem}): run `recfin network up` to write it "
                           f"again (on a host installed from an org bundle: copy profiles/{path.name} from a new "
                           "`recfin org bundle`)") from None


def _is_bundle(root: Path) -> bool:
    """Whether root is an org's bundle (`recfin org bundle`), which holds that org's profile only."""
    from .bundle import MANIFEST   # bundle writes profiles: read here only when a profile is not found

    return (root / MANIFEST).is_file()


def _made_for_hostnames(root: Path) -> bool:
    """Whether root is a data folder `recfin network prepare --hostnames` wrote (not a bundle): only that one
    writes a chaincode.env beside each org's package, and a bundle carries its org's with its bundle.json."""
    from .compose import CHAINCODE_ENV

    return not _is_bundle(root) and any(root.glob(f"chaincode/*/*/{CHAINCODE_ENV}"))


def load(org: str, data_root: str | Path | None = None) -> ConnectionProfile:
    """Read the connection profile of an org (name or MSP ID) written by `recfin network up`
    (default data_root: that of the topology $RECFIN_TOPOLOGY names, else of network/topology.yaml).

    The org's own `<org>.json` is read first, and a damaged one is an error naming it. The others are read only to
    find an org given by MSP ID (or a file named otherwise): one of them that cannot be read does not stop another
    org's command, and is named only when no profile is the org's."""
    root = Path(data_root) if data_root else default_data_root()
    folder = profiles_dir(root)
    wanted = org.lower()
    own = folder / f"{wanted}.json"
    paths = [own] + sorted(path for path in folder.glob("*.json") if path != own) if folder.is_dir() else []
    found, unreadable = [], []
    own_holds = None    # the profile in the org's own file, where it is another org's (a copy over it)
    if own.exists() and not own.is_file():
        # a bad copy left a folder (or a device) where the org's profile goes: "no such org" would send the operator
        # looking for an org that is there
        raise NetworkError(f"{own} is not a file ({'a folder' if own.is_dir() else 'not a regular file'}), where the "
                           f"connection profile of org {org!r} goes: move it away and run `recfin network up` to write "
                           "the profile again (on a host installed from an org bundle: copy profiles/"
                           f"{own.name} from a new `recfin org bundle`)")
    for path in paths:
        if not path.is_file():
            continue
        try:
            profile = read(path)
        except (NetworkError, OSError) as exc:
            if path == own:
                raise
            unreadable.append(f"{path}: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc))
            continue
        if wanted in (profile.org.lower(), profile.msp_id.lower()):
            return profile
        if path == own:
            own_holds = profile
            continue
        found.append(profile.org)
    if own_holds is not None:
        # told "no org" with that org listed twice, the operator would not look at the file named for the org
        raise NetworkError(f"{own} holds the connection profile of org {own_holds.org} ({own_holds.msp_id}), "
                           f"not of org {org!r} (another org's profile copied over it?): run `recfin network "
                           f"up` to write it again (on a host installed from an org bundle: copy "
                           f"profiles/{own.name} from a new `recfin org bundle`)")
    # what an operator can run where each org runs from its bundle: a command acting as the org runs on its host
    on_its_host = (f"act as {org} on its own host, from the bundle unpacked there (--data-root, or --bundle for "
                   f"`recfin org sign|submit`; `recfin org bundle {org}` writes its connection profile into it)")
    if _is_bundle(root) and found and not unreadable:
        # choosing the bundle's own org would not answer a command for another org: that one runs on its own host
        owner = " and ".join(dict.fromkeys(found))
        raise NetworkError(f"no connection profile for org {org!r} in {folder}: {root} is org {owner}'s bundle, "
                           f"which holds {owner}'s profile only: {on_its_host}")
    if not found and not unreadable:
        if _made_for_hostnames(root):
            # `network up` starts the native network, not nodes that each run on their own org's host
            raise NetworkError(f"no connection profile for org {org!r} in {folder}: `recfin network prepare "
                               f"--hostnames` writes none, each org's is in its bundle: {on_its_host}")
        # `network up` writes the profiles into its topology's data folder: one named here by hand may be another,
        # or, on an org's own host, not the install root its bundle was unpacked at (docs/deployment.md)
        where = ("" if data_root is None else
                 f" (is {root} the network's data folder? `recfin network up` writes them into its topology's "
                 "data_root; on an org's own host, give the install root its bundle (`recfin org bundle ORG`) is "
                 "unpacked at)")
        raise NetworkError(f"no connection profile for org {org!r} in {folder}: run `recfin network up` first"
                           + where)
    # dict.fromkeys: an org whose profile was copied into another's file is listed once
    choose = f"choose one of {', '.join(dict.fromkeys(found))} (name or MSP ID)"
    if not unreadable:
        raise NetworkError(f"no org {org!r} in {folder}: {choose}")
    # the org's own profile may be among them (given by MSP ID, its file is not found by name): they come first, as
    # mending them may be all it takes, before the orgs that can be chosen instead
    count = "1 profile" if len(unreadable) == 1 else f"{len(unreadable)} profiles"
    which = "it" if len(unreadable) == 1 else "one"
    cannot = f"{count} in {folder} cannot be read, {which} may be {org!r}: {'; '.join(unreadable)}"
    raise NetworkError(f"{cannot}. None of the others is {org!r}: {choose}" if found else cannot)
