"""From an org's connection profile to a ReceivablesClient: the glue between `network` and `client`.

`client.receivables` knows only the gateway; `network.profiles` knows where the
peers, TLS roots and users' MSP folders are. This module joins them for the
commands, so neither package imports the other.
"""
from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from client.shown import shown_value
from client.timeouts import Timeouts
from network.errors import NetworkError, shell_word
from network.mounts import mount_table
from network.option_checks import MAX_TIMEOUT_SECONDS, FiniteFloatRange

from .forwarding import Forwarding
from .options import PathType
from .output import joined_lines, on_one_line, one_line
from .progress import reporting_waits

if TYPE_CHECKING:
    from client.gateway import Gateway, GatewayError, Identity, Signer
    from client.receivables import ReceivablesClient
    from cryptography import x509
    from network import profiles


@dataclass
class Session:
    """An open connection: the client, and who it acts as."""

    client: ReceivablesClient
    profile: profiles.ConnectionProfile
    user: profiles.UserIdentity
    gateway: Gateway | None = None

    @property
    def client_id(self) -> str:
        """The user's client identity as the contract spells it (for party binding)."""
        from client.receivables import client_id_of

        return client_id_of(self.user.cert)


def default_user(profile: profiles.ConnectionProfile, *, admin: bool = False, data_root: Path | None = None) -> str:
    """The org's admin, or its first client user not revoked, as listed in the profile, whose certificate file is
    there: a client user whose folder was removed (a leaver's) has no identity to sign with. The admin's file is
    not asked for: its folder may be kept elsewhere (open_session's msp_dir). data_root: where the profile was
    loaded from, named when none of the client users' folders is there."""
    wanted = "admin" if admin else "client"
    absent = []
    for name, user in profile.users.items():
        if user.role != wanted or user.revoked:
            continue
        if admin or user.cert.is_file():
            return name
        absent.append(user)
    if not admin and not absent:
        # every client user revoked (the last one left): --as names none that signs, a new one is the way on
        raise NetworkError(f"org {profile.org} has no client user in its profile that is not revoked: "
                           f"issue one where the org's CA keys are (`recfin org user add {profile.org} "
                           f"NAME`), then act as it (--as {profile.org}/NAME)")
    if absent and not any(Path(user.msp_dir).exists() for user in absent):
        # not one leaver but the folders all gone (crypto/ not copied, a bundle unpacked elsewhere): --as names
        # none that signs, and restoring them is the way on
        raise NetworkError(f"the MSP folders that org {profile.org}'s connection profile "
                           f"{_profile_file(profile.org, data_root)} names for its client users "
                           f"({', '.join(u.name for u in absent)}) are not there, {absent[0].msp_dir} among them: "
                           f"{_PROFILE_FILE_GONE}")
    missing = (f" ({', '.join(u.name for u in absent)} not revoked, but {absent[0].cert} is missing"
               f"{' and theirs too' if len(absent) > 1 else ''})" if absent else "")
    raise NetworkError(f"org {profile.org} has no {wanted} user in its profile that is not revoked and has its "
                       f"certificate file{missing}: choose one with --as {profile.org}/USER")


def load_profile(org: str, data_root: Path | None) -> profiles.ConnectionProfile:
    """The org's connection profile (:func:`network.profiles.load`: a relative path in it is taken from the
    profile file's folder)."""
    from network import profiles

    if data_root is None:
        refuse_unreadable_topology_variable()
    try:
        profile = profiles.load(org, data_root)
    except NetworkError as exc:
        if data_root is None and (chosen_by := _missing_default_data_folder()):
            raise NetworkError(f"{exc} ({chosen_by})") from None
        raise
    except OSError as exc:   # the org's own file, which the SDK reads as it is: its words name no way on
        raise NetworkError(f"the connection profile of org {on_one_line(org)} cannot be read: {one_line(exc)}: run "
                           "recfin as a user who may read it, or have its owner let this user read it (`chmod "
                           "a+r` does: a profile names files, it holds no key)") from None
    return profile


def refuse_unreadable_topology_variable() -> None:
    """Refuse, naming the variable, a RECFIN_TOPOLOGY that names no topology that can be read, where the profiles
    are looked for in its topology's data folder (no --data-root): the topology's own words name only the file (or
    its name alone), and the operator, who gave no file on the command line, was left to find which variable or
    setting pointed at it."""
    from network.default_paths import TOPOLOGY_VARIABLE
    from network.errors import TopologyError
    from network.topology import load as load_topology

    if not (path := os.environ.get(TOPOLOGY_VARIABLE)):
        return
    try:
        load_topology(path)
    except TopologyError as exc:
        raise NetworkError(f"{TOPOLOGY_VARIABLE}={on_one_line(path)} names no topology that can be read "
                           f"({one_line(exc)}), and the connection profiles are looked for in its data folder: "
                           f"correct {TOPOLOGY_VARIABLE} or unset it (network/topology.yaml is then read), or give "
                           "the network's data folder with --data-root") from None


def _missing_default_data_folder() -> str | None:
    """Where no --data-root was given and the data folder the profiles are looked for in is not there, which setting
    chose that folder, and the way to give the right one; None where the folder is there. The profiles' own words
    (`run recfin network up first`) would have an operator whose RECFIN_HOME or topology names the wrong folder
    start a second network there."""
    from network.default_paths import TOPOLOGY_VARIABLE
    from network.topology import load as load_topology

    topology_file = os.environ.get(TOPOLOGY_VARIABLE) or None
    topology = load_topology(topology_file)
    root = topology.resolved_data_root()
    if root.is_dir():
        return None
    chosen_by = (f"the data_root of the topology {TOPOLOGY_VARIABLE} names ({on_one_line(topology_file)})"
                 if topology_file else "the data_root of network/topology.yaml")
    if topology.data_root is None:
        home = os.environ.get("RECFIN_HOME")
        chosen_by = (f"RECFIN_HOME/network, RECFIN_HOME={on_one_line(home)}" if home else
                     "the repository's .recfin/network: neither RECFIN_HOME nor the topology names one")
    return (f"no folder {on_one_line(root)} is there; it is {chosen_by}: for a network that runs, give its data "
            "folder with --data-root DIR")


@contextmanager
def open_session(org: str, user: str | None = None, data_root: Path | None = None, *,
                 admin: bool = False, msp_dir: Path | None = None) -> Iterator[Session]:
    """Connect as ``user`` of ``org`` (default: the org's first client user, or its admin) to the org's gateway peer.

    msp_dir: sign as the identity in this MSP folder instead of the profile's folder of that user (an org admin's
    folder kept elsewhere, as `--msp-dir` gives it to the commands that change the channel config)."""
    from client.gateway import connect
    from client.receivables import CONTRACT_NAME, RACE_RETRY, ReceivablesClient

    profile = load_profile(org, data_root)
    refuse_missing_tls_root(profile, data_root)
    who = profile.user(user if user is not None else default_user(profile, admin=admin, data_root=data_root))
    if msp_dir is None:
        # revoked first: a revoked user's folder, once removed, is no folder to restore (no peer takes its key)
        refuse_revoked(profile, who)
        refuse_missing_user_folder(profile, who, data_root)
    else:     # its certificate as open_msp_folder finds it: the one signcerts/*.pem
        certs = sorted((Path(msp_dir) / "signcerts").glob("*.pem"))
        who = who.model_copy(update={"msp_dir": Path(msp_dir),
                                     "cert": certs[0] if certs else Path(msp_dir) / "signcerts" / "cert.pem"})
    # The user's keystore key, or the HSM key its MSP folder's hsm-signer.yaml names (recfin hsm import).
    with open_user_folder(who.msp_dir, profile.msp_id) as (identity, signer):
        refuse_another_orgs_certificate(profile, who, identity, given_folder=msp_dir is not None)
        if admin:
            refuse_no_admin(profile, who, identity, given_folder=msp_dir is not None)
        mutual = {"client_certificate": who.tls_cert, "client_key": who.tls_key} if (
            Path(who.tls_cert).is_file() and Path(who.tls_key).is_file()) else {}
        warn_of_keys_open_to_others(who, [Path(who.tls_key)] if mutual else [])
        gateway = connect(profile.gateway.address, identity=identity, signer=signer,
                          tls_root_certificates=profile.gateway.tls_root_cert,
                          server_name_override=profile.gateway.host_name_override, timeouts=_given_timeouts(),
                          **mutual)
        try:
            network = gateway.get_network(profile.channel)
            # each call not answered within a second says on stderr what it waits for (cli.progress)
            contract = reporting_waits(network.get_contract(profile.chaincode, CONTRACT_NAME))
            # An operator's command that lost a race for a claim is endorsed again rather than failing
            # (bounded; an invalidated transaction wrote nothing): see RACE_RETRY.
            yield Session(ReceivablesClient(contract, network, retry=RACE_RETRY), profile, who, gateway)
        finally:
            gateway.close()


def warn_of_keys_open_to_others(who: profiles.UserIdentity, other_keys: list[Path]) -> None:
    """Warn, on stderr, of each private key file of the user's (its keystore's, and ``other_keys``: its TLS client
    key where it is used) that other users of the host may read or write: whoever reads it can sign as the user, and
    no peer can tell. `recfin network up` and `org bundle` write keys for their owner alone; one copied or unpacked
    with a looser mode is named with what closes it. Not refused: the command is the owner's to run, and the key may
    be shared on purpose (a test host).

    Said once a command, for each key, however many sessions it opens (:func:`_open_to_others`: a key in a folder
    others may not enter is not open to them); a user that signs in an HSM (``hsm-signer.yaml``) and has no key file
    gets no word. On a filesystem that keeps no modes (vfat: every file 0777), chmod changes nothing: the line names
    the mount option that does, so the warning can always be acted on and then stops."""
    from client.gateway.hsm_msp import HSM_SIGNER_FILE

    context = click.get_current_context(silent=True)
    warned = context.find_root().meta.setdefault(_KEYS_WARNED, set()) if context is not None else set()
    in_an_hsm = (Path(who.msp_dir) / HSM_SIGNER_FILE).is_file()
    keys = [path for path in sorted((Path(who.msp_dir) / "keystore").glob("*")) if path.is_file()]
    for key in [*keys, *other_keys]:
        if key in warned or not (mode := _open_to_others(key)):
            continue
        warned.add(key)
        if in_an_hsm and key in keys:   # a copy of the key the user signs with in its token, left behind
            way = f"it signs in an HSM now: move the file to offline storage, or chmod 600 {shell_word(key)}"
        elif (filesystem := filesystem_type(key)) in FILESYSTEMS_WITHOUT_MODES:
            way = (f"chmod cannot change it on this {filesystem} filesystem: mount it with {_PRIVATE_MOUNT_OPTIONS}, "
                   "or keep the key on a filesystem that keeps modes")
        else:
            way = f"make it its owner's alone: chmod 600 {shell_word(key)}"
        click.echo(f"warning: the private key {on_one_line(key)} of user {who.name} is open to other users of this "
                   f"host (mode {mode:04o}): whoever reads it can sign as {who.name}; {way}", err=True)


_KEYS_WARNED = "recfin.keys_warned"   # the root click context's meta key of the key files warned of

# Filesystems whose files' modes come from the mount options, not chmod (Windows' and network shares'): a key on
# one is as open as the mount made it
FILESYSTEMS_WITHOUT_MODES = frozenset({"vfat", "msdos", "exfat", "ntfs", "ntfs3", "fuseblk", "cifs", "smb3",
                                       "drvfs"})
_PRIVATE_MOUNT_OPTIONS = "uid=YOUR_UID,fmask=0077,dmask=0077 (vfat, exfat, ntfs) or file_mode=0600,dir_mode=0700 (cifs)"


def _open_to_others(key: Path) -> int:
    """The key file's mode where other users of the host may read or write it, else 0: its group's or others'
    read or write bits, each class's only where every folder on the way to it lets that class in (a key 0644 in a
    keystore folder 0700, as `org bundle` writes its folders, is its owner's alone). 0 for a file gone meanwhile:
    the signer has read what it needs."""
    try:
        real = Path(os.path.realpath(key))
        mode = stat.S_IMODE(real.stat().st_mode)
        open_bits = mode & 0o066
        for folder in real.parents:
            entered = folder.stat().st_mode
            if not entered & stat.S_IXGRP:
                open_bits &= ~0o060
            if not entered & stat.S_IXOTH:
                open_bits &= ~0o006
    except OSError:
        return 0
    return mode if open_bits else 0


def filesystem_type(path: Path, mountinfo: str | None = None) -> str | None:
    """The type of the filesystem ``path`` is on (``vfat``, ``ext4``), from ``mountinfo`` (Linux's
    /proc/self/mountinfo, read where not given): that of the longest mount point it is under; None where it
    cannot be told."""
    real = os.path.realpath(path)
    found: tuple[int, str] | None = None
    for mount in mount_table(mountinfo) or ():
        point = str(mount.point)
        under = real == point or real.startswith(point.rstrip("/") + "/")
        if mount.fstype and under and (found is None or len(point) >= found[0]):
            found = (len(point), mount.fstype)
    return found[1] if found else None


def refuse_missing_tls_root(profile: profiles.ConnectionProfile, data_root: Path | None) -> None:
    """Refuse, before connecting, a profile whose gateway's TLS root certificate file is not there (a data folder
    copied without its crypto/, a file removed), naming the profile that points at it: the SDK's words name its
    Python argument and offer to take the PEM itself, which no command line gives."""
    tls_root = Path(profile.gateway.tls_root_cert)
    if tls_root.is_file():
        return
    raise NetworkError(f"the TLS root certificate {tls_root} that org {profile.org}'s connection profile "
                       f"{_profile_file(profile.org, data_root)} names for its gateway peer is not there: "
                       f"{_PROFILE_FILE_GONE}")


def refuse_missing_user_folder(profile: profiles.ConnectionProfile, who: profiles.UserIdentity,
                               data_root: Path | None) -> None:
    """Refuse, before its key is read, a profile user whose MSP folder is not there, naming the profile that points
    at it: the SDK's words say to give the identity's MSP folder, which only the commands taking --msp-dir can."""
    if Path(who.msp_dir).exists():
        return
    raise NetworkError(f"the MSP folder {who.msp_dir} that org {profile.org}'s connection profile "
                       f"{_profile_file(profile.org, data_root)} names for user {who.name} is not there: "
                       f"{_PROFILE_FILE_GONE}")


# what to do about a file a connection profile names that is not there: the profile's paths are absolute, written
# for the data folder (or, in a bundle, the install root) the files were in then
_PROFILE_FILE_GONE = ("restore it (the crypto/ folder of the network's data folder), or give the running network's "
                      "data folder with --data-root; on an org's own host, unpack its bundle at the install root its "
                      "profile names (`recfin org bundle ORG --install-root DIR` writes one for another)")


def _profile_file(org: str, data_root: Path | None) -> Path:
    """The org's connection profile file, as `recfin network up` names it (profiles/ORG.json of the data folder);
    the profiles/ folder where the org's profile was found in a file named otherwise."""
    from network import profiles

    folder = profiles.profiles_dir(Path(data_root) if data_root else profiles.default_data_root())
    own_file = folder / f"{org}.json"
    return own_file if own_file.is_file() else folder


def refuse_revoked(profile: profiles.ConnectionProfile, who: profiles.UserIdentity) -> None:
    """Refuse, before connecting, a user --as names whom the profile marks revoked (the org's CRL lists its
    certificate): every peer refuses its signature, with words naming neither the user nor the revocation
    (the default user is never a revoked one)."""
    if not who.revoked:
        return
    others = [name for name, user in profile.users.items()
              if user.role == who.role and not user.revoked and name != who.name]
    if others:
        way_on = f"act as another {who.role} user of {profile.org} ({', '.join(others)})"
    elif who.role == "client":
        way_on = (f"issue a new user where the org's CA keys are (`recfin org user add {profile.org} NAME`) "
                  "and act as it")
    else:
        way_on = f"sign with an admin folder of {profile.org} not revoked (--msp-dir)"
    raise NetworkError(f"user {who.name} of org {profile.org} is revoked (the org's CRL lists its "
                       f"certificate {who.cert}), so no peer takes its signature: nothing was sent; {way_on}")


def refuse_another_orgs_certificate(profile: profiles.ConnectionProfile, who: profiles.UserIdentity,
                                    identity: Identity, *, given_folder: bool) -> None:
    """Refuse, before connecting, a signing folder whose certificate the org's CA did not issue (an --msp-dir of
    another org's admin, a user's folder copied from another org): its signatures would go out under the org's MSP
    ID, to the org's peer, which refuses them with words naming neither the folder nor the org. The org's CAs are
    the cacerts/ and intermediatecerts/ of its other users' folders the profile names (not the signing folder's
    own, which a folder copied from another org brings along); with none of them here, the peer's MSP alone
    decides."""
    from client.ledger.msp import ChannelMsp, chain_to

    folders = [Path(user.msp_dir) for user in profile.users.values()
               if Path(user.msp_dir).absolute() != Path(who.msp_dir).absolute()]
    roots = _certificates_in(folder / "cacerts" for folder in folders)
    if not roots:
        return
    intermediates = _certificates_in(folder / "intermediatecerts" for folder in folders)
    org_msp = ChannelMsp(profile.msp_id, tuple(roots), tuple(intermediates), ())
    if chain_to(identity.certificate, org_msp) is not None:
        return
    cert = identity.certificate
    way_on = (f"give --msp-dir the MSP folder of an admin of {profile.org}, or act as the org that issued it"
              if given_folder else
              f"put {who.name}'s own certificate and key back in {who.msp_dir}, or act as another user of "
              f"{profile.org}")
    raise NetworkError(f"the certificate {who.cert} ({cert.subject.rfc4514_string()}, issued by "
                       f"{cert.issuer.rfc4514_string()}) was not issued by a CA of org {profile.org} "
                       f"({profile.msp_id}), so no peer takes it as {profile.msp_id}'s: nothing was sent; {way_on}")


def refuse_no_admin(profile: profiles.ConnectionProfile, who: profiles.UserIdentity, identity: Identity, *,
                    given_folder: bool) -> None:
    """Refuse, before connecting, an org admin's command (`party register`, `bind`, `unbind`, `chaincode
    upgrade-ledger`: open_session's ``admin``) signed by an identity that is no admin of the org as the
    contract tells one (is_org_admin: the certificate's OU=admin and no other role's OU). `--as ORG/USER`
    naming a client user signs as that client, and the contract's refusal does not say whom to act as."""
    from chaincode.receivables.identity import is_org_admin

    if is_org_admin(identity):
        return
    admin = next((name for name, user in profile.users.items() if user.role == "admin"), "admin")
    signer = (f"the certificate {who.cert} --msp-dir gives" if given_folder else
              f"user {who.name} of org {profile.org} (a {who.role} user in its profile)")
    way_on = (f"give --msp-dir the MSP folder of an admin of {profile.org}, or leave it out and act as --as "
              f"{profile.org}/{admin}" if given_folder else
              f"act as --as {profile.org}/{admin} (with --msp-dir DIR where the admin's folder is kept "
              "elsewhere)")
    raise click.BadParameter(
        f"{signer} is not an admin of org {profile.org}, whom this command is for: its certificate "
        f"({identity.certificate.subject.rfc4514_string()}) is not an admin's (OU=admin, and no client, "
        f"peer or orderer OU), so the contract would refuse it: nothing was sent; {way_on}",
        param_hint="'--msp-dir'" if given_folder else "'--as'")


def _certificates_in(folders: Iterable[Path]) -> list[x509.Certificate]:
    """The certificates of the *.pem files in those folders that are there and read as PEM certificates."""
    from cryptography import x509

    found = []
    for folder in folders:
        for path in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
            try:
                found.extend(x509.load_pem_x509_certificates(path.read_bytes()))
            except (OSError, ValueError):
                continue    # a file that is no certificate names no CA; the peer's MSP refuses what it must
    return found


@contextmanager
def open_user_folder(msp_dir: Path, msp_id: str) -> Iterator[tuple[Identity, Signer]]:
    """open_msp_folder for a command: an encrypted keystore key is named with what the command's user can do,
    as no command takes a key's password (the SDK's advice, load_msp_folder(..., password=...), is not theirs)."""
    from client.gateway import EncryptedKeyError, open_msp_folder

    with ExitStack() as stack:
        try:
            opened = stack.enter_context(open_msp_folder(msp_dir, msp_id))
        except EncryptedKeyError as error:
            key = error.keystore / error.key_files[0]
            raise NetworkError(
                f"the private key {key} is encrypted, and recfin's commands take no key password: decrypt it "
                f"(`openssl pkey -in {key} -out {key}.plain` asks for its password; then move {key}.plain to {key}), "
                "or, once decrypted, move it into an HSM with `recfin hsm import`") from None
        yield opened


TIMEOUT_VARIABLE = "RECFIN_TIMEOUT"
_TIMEOUTS = "recfin.timeouts"   # the click context's meta key of the Timeouts --timeout gave


class _CallSeconds(FiniteFloatRange):
    """--timeout's seconds; a bad value taken from RECFIN_TIMEOUT names the variable, where click's words name
    only the option, which the line does not hold."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as refused:
            if (ctx is not None and param is not None
                    and ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT):
                refused.message = f"{refused.message} (from {TIMEOUT_VARIABLE}: export it again, or unset it)"
            raise


def _keep_timeouts(ctx: click.Context, _param: click.Parameter, seconds: float | None) -> None:
    """Keep --timeout's seconds as the Timeouts of every call of the command's session (open_session reads them)."""
    if seconds is not None:
        ctx.meta[_TIMEOUTS] = Timeouts(**{each.name: seconds for each in fields(Timeouts)})


def _given_timeouts() -> Timeouts | None:
    """The Timeouts --timeout (or RECFIN_TIMEOUT) gave the running command; None, the SDK's defaults, without."""
    ctx = click.get_current_context(silent=True)
    return None if ctx is None else ctx.meta.get(_TIMEOUTS)


def _seconds_option(**how) -> Callable:
    """``--timeout SECONDS`` (env RECFIN_TIMEOUT) with the seconds every ledger command takes: an operator sets the
    variable once for every command, so a value one of them takes no other may refuse. ``how``: the option's
    callback, whether the command gets the value, and its help."""
    return click.option("--timeout", type=_CallSeconds(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS),
                        metavar="SECONDS", envvar=TIMEOUT_VARIABLE, **how)


def call_timeout_option() -> Callable:
    """``--timeout SECONDS`` (env RECFIN_TIMEOUT) of a command that calls the ledger: how long each of its calls
    (an evaluation, an endorsement, a submit, a commit status, opening an event stream) waits for its answer, in
    place of the SDK's defaults, for a network slow but working, where a commit status can take more than 60s.
    One number for every call, not one per kind: what an operator knows is how slow the network is, and a call that
    needs less ends as soon as it is answered. An option, as --as and --data-root are, with a variable for an
    operator who sets it once for every command. 0, a negative number or no number is a usage error (exit 2)."""
    return _seconds_option(
        expose_value=False, callback=_keep_timeouts,
        help=f"Seconds each call to the network waits for its answer (env {TIMEOUT_VARIABLE}) [default: the "
             f"SDK's: {_sdk_default_timeouts()}].")


def call_and_wait_timeout_option(waits_for: str, wait_default: float = 60.0) -> Callable:
    """``--timeout SECONDS`` (env RECFIN_TIMEOUT) of a command that waits for nodes or the channel and also calls
    the ledger (`org remove` reads the claims, `org user revoke` unbinds the revoked identity): one number, as
    :func:`call_timeout_option`'s, for each of its ledger calls (the SDK's defaults without it) and for each of its
    waits (``wait_default`` without it), which the command gets as ``timeout``. An operator who set RECFIN_TIMEOUT
    for a slow network, or gave --timeout, has every call and every wait of the command wait that long."""
    def keep(ctx: click.Context, param: click.Parameter, seconds: float | None) -> float:
        _keep_timeouts(ctx, param, seconds)
        return wait_default if seconds is None else seconds

    return _seconds_option(
        callback=keep,
        help=f"Seconds {waits_for} [default: {wait_default:g}], and each call to the ledger waits for its answer "
             f"[default: the SDK's: {_sdk_default_timeouts()}] (env {TIMEOUT_VARIABLE}).")

# how --timeout's help names each kind of call of the SDK's Timeouts (a field without words here is named by
# its own name: the help still gives its default)
_CALL_WORDS = {"evaluate": "an evaluation", "endorse": "an endorsement", "submit": "a submit",
               "commit_status": "a commit status", "wait_for_block": "a wait for a block",
               "open_events": "opening an event stream"}


def _sdk_default_timeouts() -> str:
    """The SDK's default seconds of each kind of call, read from its Timeouts, so the help says what a command
    without --timeout waits, whatever the SDK's defaults become."""
    defaults = Timeouts()
    return ", ".join(
        f"{_CALL_WORDS.get(each.name, each.name.replace('_', ' '))} "
        f"{'no limit' if getattr(defaults, each.name) is None else format(getattr(defaults, each.name), 'g') + 's'}"
        for each in fields(Timeouts))


_CALLER = "recfin.caller"   # the click context's meta key of note_caller
_GATEWAY_PEER = "recfin.gateway_peer"   # the click context's meta key of the peer note_caller's session asks


def note_caller(session: Session, data_root: Path | None) -> None:
    """Keep who ``session`` acts as, resolved (its org and user, though the command was given neither or only the
    org), and the --data-root given, on the command's click context: a command that an error line tells the
    caller to run next (`recfin request get`) must ask as the same party, whose records it reads."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_CALLER] = (session.profile.org, session.user.name, data_root)
        ctx.meta[_GATEWAY_PEER] = getattr(session.profile, "gateway", None)  # a Session made by hand may hold no peer


def noted_caller() -> tuple[str, str, Path | None] | None:
    """(org, user, data root) as :func:`note_caller` kept them for this command, or None (no session opened)."""
    ctx = click.get_current_context(silent=True)
    return None if ctx is None else ctx.meta.get(_CALLER)


# An org's name, its MSP ID and a user's name are written in ASCII letters, digits and '-' (network.topology's
# NAME_PATTERN and MSP_ID_PATTERN, an org's name in any case), none longer than an MSP ID may be
_PROFILE_NAME = re.compile(r"[A-Za-z0-9-]+")
_PROFILE_NAME_RULE = "ASCII letters, digits and '-'"


def parse_as(text: str) -> tuple[str, str | None]:
    """``ORG[/USER]`` -> (org, user or None): the one reading of ``--as`` (org name or MSP ID; user in its profile)."""
    org, slash, user = text.strip().partition("/")
    org, user = org.strip(), user.strip()
    if not org or (slash and not user) or "/" in user:
        raise click.BadParameter(f"{shown_value(text)}: write ORG or ORG/USER, e.g. supplier/supplier1",
                                 param_hint="'--as'")
    return org, user or None


def _names_a_profile(text: str) -> tuple[str, str | None]:
    """:func:`parse_as`, and one no org or user of a topology can be named by (a character outside ASCII letters,
    digits and '-', or longer than an MSP ID may be) refused as a usage error: looked up as given, a
    10,000-character one came back as the file system's "File name too long" with the whole path, and one holding
    an escape or a line break as a profile not found, after the command had read its other input."""
    org, user = parse_as(text)
    for part in (org, user):
        if part and (problem := _not_a_profile_name(part)) is not None:
            named = "it" if part == text else shown_value(part)
            raise click.BadParameter(f"{shown_value(text)}: {named} {problem}: write ORG or ORG/USER, each in "
                                     f"{_PROFILE_NAME_RULE}, e.g. supplier/supplier1", param_hint="'--as'")
    return org, user


def names_a_caller(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback of an ``ORG[/USER]`` option of a command that opens its session itself rather than through
    :func:`acting` (`risk score`, `finance quote` and `compare`, `invoice attest`, `attestations` and `register`,
    `org remove` and `org submit --claims-as`): held, as the command line is read, to what :func:`caller` holds
    every other command's ``--as`` to, a usage error naming the option for a name no org or user can have. Read by
    :func:`parse_as` alone, a 10,000-character one came back, exit 1, as the file system's "File name too long"
    with the whole path, after the command had read its files (or written an invoice's evidence). The value is
    kept as typed: the commands name it so in what they say."""
    if value is not None:
        try:
            _names_a_profile(value)
        except click.BadParameter as refused:   # named as the option it came in (--claims-as), not as --as
            raise click.BadParameter(refused.message, ctx, param) from None
    return value


def _not_a_profile_name(name: str) -> str | None:
    """What ``name`` holds that no org name, MSP ID or user name does (network.topology's rules), or None."""
    from network.topology import MAX_MSP_ID

    if len(name) > MAX_MSP_ID:
        return f"has {len(name)} characters, more than any org's name, MSP ID or user's name (at most {MAX_MSP_ID})"
    if not _PROFILE_NAME.fullmatch(name):
        odd = ", ".join(repr(c) for c in sorted({c for c in name if not _PROFILE_NAME.fullmatch(c)}))
        return f"holds {odd}, which no org's name, MSP ID or user's name holds"
    return None


def caller(as_: str | None, org: str | None, user: str | None, default_org: str) -> tuple[str, str | None]:
    """Who acts: ``--as ORG[/USER]``, or the older ``--org``/``--user`` (kept as aliases), or the default org."""
    if as_ is not None:
        if org is not None or user is not None:
            raise click.UsageError("give --as ORG[/USER], or --org/--user, not both")
        return _names_a_profile(as_)
    org, user = not_blank(org, "--org", "the org"), not_blank(user, "--user", "the user of the org's profile")
    for given, option, what in ((org, "--org", "the org"), (user, "--user", "the user of the org's profile")):
        if given is not None and (problem := _not_a_profile_name(given)) is not None:
            raise click.BadParameter(f"{shown_value(given)} {problem}: name {what} in {_PROFILE_NAME_RULE}, or "
                                     f"leave {option} out for the default", param_hint=f"'{option}'")
    return (default_org if org is None else org), user


def not_blank(value: str | None, option: str, what: str) -> str | None:
    """``value`` of ``option`` stripped, None where not given; a blank one refused, naming ``what`` it should
    name: an empty value is what an unset shell variable gives, and taken as "not given" the command would act
    as the default org or user, someone other than meant."""
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter(f"{shown_value(value)} is blank (an unset shell variable?): name {what}, or leave "
                                 f"{option} out for the default", param_hint=f"'{option}'")
    return value.strip()


def who_acts_options(as_help: str) -> list[Callable]:
    """``--as ORG[/USER]``, its older aliases ``--org``/``--user``, and ``--data-root``: the options that name a
    profile user. The command gets ``as_``, ``org``, ``user`` and ``data_root``; :func:`caller` reads the first
    three."""
    return [
        click.option("--as", "as_", metavar="ORG[/USER]", help=as_help),
        click.option("--org", hidden=True, help="Alias: the ORG of --as."),
        click.option("--user", hidden=True, help="Alias: the USER of --as."),
        data_root_option(),
    ]


def data_root_option() -> Callable:
    """``--data-root DIR`` of a command that reads an org's connection profile (the command gets ``data_root``)."""
    return click.option("--data-root", type=PathType(file_okay=False, path_type=Path),
                        help="Network data folder holding profiles/ (default: the topology's).")


def timeout_data_root_and_json_options(json_help: str) -> Callable:
    """``--timeout``, ``--data-root`` and ``--json`` (``json_help``) of a command that opens its session itself
    rather than through :func:`acting` (`finance quote`, `finance compare`, `risk score`, which also run without a
    network); the command gets ``data_root`` and ``as_json``."""
    return lambda fn: with_options(fn, [call_timeout_option(), data_root_option(),
                                        click.option("--json", "as_json", is_flag=True, help=json_help)])


def with_options(fn: Callable, options: list[Callable]) -> Callable:
    """fn with the click options, listed as they appear in --help."""
    for option in reversed(options):
        fn = option(fn)
    return fn


JSON_HELP = ("Print the answer as JSON (amounts in integer fen): the contract's document, with the fields the "
             "command adds to it (request_id, currency...) that docs/cli.md lists.")
"""--json of a ledger command: the contract's document is its core, but a command adds what the contract does not
return (the request id it sent, the currency of a history's amounts...), so the help points at the one list."""


def acting(default_org: str, *, admin: bool = False,
           json_help: str = JSON_HELP):
    """``--as ORG[/USER]`` (aliases ``--org``/``--user``), ``--data-root`` and ``--json``; the command gets an
    open :class:`Session` as ``session`` and ``as_json``. Refusals and connection errors become one line.

    An org admin's command (``admin``) also takes ``--msp-dir``: the admin's MSP folder where it is kept outside
    the data folder, as the commands that change the channel config take it (`recfin org user revoke`); one
    signed by an identity that is no admin of the org is refused before connecting (:func:`refuse_no_admin`)."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(as_: str | None, org: str | None, user: str | None, data_root: Path | None, as_json: bool,
                    msp_dir: Path | None = None, **kwargs):
            from client.gateway import GatewayError

            who_org, who_user = caller(as_, org, user, default_org)
            signing = {"msp_dir": msp_dir} if msp_dir is not None else {}
            from .request_ids import terminations_raised

            with open_session(who_org, who_user, data_root, admin=admin, **signing) as session:
                note_caller(session, data_root)
                # SIGTERM or SIGHUP (timeout(1), a stopped service, a dropped ssh session) while a change
                # waits is a stop as Ctrl-C is, so that one handed to the orderer is named, not lost unsaid
                committed: list[str] = []   # the command's own transactions that committed, as it runs
                try:
                    with terminations_raised(), _commits_noted(session, committed):
                        return fn(session=session, as_json=as_json, **kwargs)
                except GatewayError as exc:
                    raise_if_it_may_have_committed(exc)
                    raise
                except KeyboardInterrupt as stopped:
                    raise_if_stopped_after_the_orderer(stopped)
                    raise_if_stopped_before_the_orderer(stopped, committed)
                    raise
        wrapper = reports_ledger_errors(wrapper)
        default_user_text = "its admin" if admin else "its first client user"
        admin_folder = [click.option(
            "--msp-dir", type=PathType(exists=True, file_okay=False, path_type=Path), default=None,
            help="Sign as the identity in this MSP folder (signcerts, keystore) instead of the profile's folder of "
                 "the user --as names: an org admin's folder kept outside the data folder.")] if admin else []
        return with_options(wrapper, [
            *who_acts_options(f"Who acts: an org (name or MSP ID) and optionally a user of its profile "
                              f"[default: {default_org}, {default_user_text}]."),
            *admin_folder,
            call_timeout_option(),
            click.option("--json", "as_json", is_flag=True, help=json_help),
        ])
    return decorate


def describe(error: BaseException) -> str:
    """One line a person can act on."""
    from client.pricing import validation_problems
    from client.receivables import RuleViolation
    from pydantic import ValidationError

    if isinstance(error, RuleViolation):
        return f"{error.transaction} refused: RULE {error.rule}: {error.detail}"
    if isinstance(error, ValidationError):   # a request the SDK's model refused: the document, each field, its problem
        return f"not a valid {_document_named(error.title)}: {validation_problems(error)}"
    if isinstance(error, KeyboardInterrupt):   # Ctrl-C, or request_ids.Terminated: "terminated by SIGTERM"
        return str(error) if getattr(error, "signum", None) else "interrupted"
    hints = _unavailable_hint(error) + _no_answer_hint(error) + _longer_timeout_hint(error) + _clock_hint(error)
    # each hint goes on after "; ": a full stop ending the error's own words before it would read ".;"
    own = _own_line(error)
    return (own.rstrip(".") if hints else own) + hints


def _document_named(model_name: str) -> str:
    """The document a pydantic model holds, in words, from the model's name (``ValidationError.title``):
    ``ReceivableRegistration`` is "receivable registration". The fields named after it are the model's, so the
    line says which document they belong to."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", model_name).lower() or "request"


def _own_line(error: BaseException) -> str:
    """What ``error`` says, on one line. A submit that may have committed is said without the SDK's advice, which
    names its Python calls (``network.new_commit(...).status()``): the line of such a change says what to do with
    this CLI's commands (:func:`raise_if_it_may_have_committed`, ``request_ids.exactly_once``), once. So is a
    broken event stream, whose advice names the SDK's checkpointer: `recfin events` says how to resume with its
    options. So is the SDK's advice for a call whose own timeout passed (``timeout`` set), which names the
    ``Timeouts`` field and the step's ``timeout=`` that set it, Python no command line reaches: what the call
    changed is said in the SDK's words without that sentence (``advice_without_timeout``), :func:`_no_answer_hint`
    what to look at, and :func:`_longer_timeout_hint` the option that waits longer."""
    from client.gateway import CommitStatusError, EventStreamError, SubmitError

    if isinstance(error, (SubmitError, CommitStatusError, EventStreamError)):
        return joined_lines(error.without_advice())
    if _own_timeout_passed(error):
        return joined_lines(f"{error.without_advice()}\n{error.advice_without_timeout.rstrip('.')}")
    return one_line(error)


def _own_timeout_passed(error: BaseException) -> bool:
    """Whether ``error`` is of a call whose own timeout passed before the peer answered (the SDK's ``timeout``
    set): its line, :func:`_no_answer_hint` and :func:`_longer_timeout_hint` each say so in their part."""
    from client.gateway import TransactionError

    return isinstance(error, TransactionError) and error.timeout is not None


# the words of Fabric's TimeWindowCheck auth filter, which every recfin peer lists, refusing a proposal stamped
# further from the peer's clock than peer.authentication.timewindow
_TIME_WINDOW_REFUSAL = "peer.authentication.timewindow"


def _clock_hint(error: BaseException) -> str:
    """A proposal a peer refused as stamped outside its time window: the stamp is this machine's clock, so that
    is what to set right; Fabric's words name the window but not the machine at fault. "" for any other error."""
    from client.gateway import GatewayError

    if not isinstance(error, GatewayError):
        return ""
    said = [str(error), *(detail.message for detail in error.details)]
    if not any(_TIME_WINDOW_REFUSAL in words for words in said):
        return ""
    return ("; this machine's clock, which stamped the proposal, differs from the peer's by more than that "
            "window: set it right (NTP, `timedatectl`) and send again")


def _unavailable_hint(error: BaseException) -> str:
    """What to look at when a peer or orderer could not be reached (gRPC UNAVAILABLE: most often a network that is
    not up, or a --data-root whose profiles name another one), said after the gateway's own words, which name no
    step to take; "" for any other error."""
    from client.gateway import GatewayError

    if not (isinstance(error, GatewayError) and getattr(error.code, "name", None) == "UNAVAILABLE"):
        return ""
    if _host_not_resolved(error):
        return _unresolved_address_hint()
    data_root, shown, status = _network_status_command()
    if any(words in str(error) for words in _TLS_TRUST_FAILURES):
        # a peer answered, with a certificate the profile's TLS CA did not issue or for another name
        return (f"; the node answered but its TLS certificate was not trusted: the connection profile's TLS CA "
                f"(profiles/ of the data folder) is not the CA of the network on that address. Is "
                f"{'--data-root ' + shown if data_root else 'the data folder'} the running network's? {status} "
                f"shows the network it names")
    return f"; is the network up? {status} shows its nodes"


# the SDK's words of a call whose gateway address's host name did not resolve (nothing was sent: ``sent`` False)
_HOST_NOT_RESOLVED = "could not be resolved"


def _host_not_resolved(error: GatewayError) -> bool:
    """Whether the gateway address's host name did not resolve: no node was asked, so whether the network is up
    is beside the point; the address the profile gives is what to look at."""
    return not error.sent and _HOST_NOT_RESOLVED in error.message


def _unresolved_address_hint() -> str:
    """Where the address whose host did not resolve comes from: the connection profile of the org the command
    acted as (:func:`note_caller`), to correct, or the --data-root of another network's profiles; "" when no one
    session was noted (the SDK's line already says to check the profile's gateway address)."""
    caller = noted_caller()
    if caller is None:
        return ""
    org, _user, data_root = caller
    try:
        profile_file = _profile_file(org, data_root)
    except (NetworkError, OSError):   # no topology to find the default data folder by: the SDK's words stand
        return ""
    return (f"; org {org}'s connection profile {profile_file} gives that gateway address: correct it there, "
            "or give --data-root the data folder of the network meant")


def _no_answer_hint(error: BaseException) -> str:
    """What to look at when no answer came in time (gRPC DEADLINE_EXCEEDED): gRPC's words, "Deadline
    Exceeded", name neither the node nor a step to take, and a node that accepts the connection but never
    answers (hung, stopped, overloaded) or a firewall that drops its packets gives them where a node that is
    down gives UNAVAILABLE; "" for any other error, for a submit or a commit status that timed out: the
    orderer may have taken that transaction, which its line says with what to do; and for a call that never
    left this machine (``sent`` False: its signer, an HSM or a signing service, gave no signature in time,
    which its line says), where no node is to blame."""
    from client.gateway import CommitStatusError, GatewayError, SubmitError

    if not (isinstance(error, GatewayError) and getattr(error.code, "name", None) == "DEADLINE_EXCEEDED"):
        return ""
    if not error.sent:
        return ""
    if isinstance(error, (SubmitError, CommitStatusError)):
        return ""
    status = _network_status_command()[2]
    # the SDK's words of a call whose own timeout passed already say no answer came within it
    said = "" if _own_timeout_passed(error) else "no answer came in time: "
    return (f"; {said}{_asked_peer()} may be hung or overloaded, or a firewall may drop the connection to it: "
            f"{status} shows whether each is healthy")


def _asked_peer() -> str:
    """What may not have answered: the gateway peer the command's one session asked (:func:`note_caller`), named
    by its address, or what it asks in turn. gRPC's words of a deadline name no address, where those of a peer
    that refuses the connection do. Without a noted session (a command of several), a node or server."""
    ctx = click.get_current_context(silent=True)
    gateway = None if ctx is None else ctx.meta.get(_GATEWAY_PEER)
    if gateway is None:
        return "a node or chaincode server"
    host = gateway.host_name_override
    named = f"{gateway.address} ({host})" if host and host not in gateway.address else gateway.address
    return f"the gateway peer {named} it asked, or a node or chaincode server behind it,"


def _longer_timeout_hint(error: BaseException) -> str:
    """The setting that waits longer, for a call whose own timeout passed (the SDK's ``timeout``: its line names
    the call and its seconds), a commit status or a submit too, and a signer slow to sign: a network slow but
    working needs a longer --timeout; "" for any other error."""
    if not _own_timeout_passed(error):
        return ""
    return f"; a network slow but working needs a longer --timeout SECONDS (or {TIMEOUT_VARIABLE})"


def _network_status_command() -> tuple[Path | None, str, str]:
    """The command's --data-root (None when not given), as a shell word (escaped where it does not print as
    itself), and the `recfin network status` that looks at that network."""
    ctx = click.get_current_context(silent=True)
    data_root = ctx.params.get("data_root") if ctx is not None else None
    shown = shell_word(data_root) if data_root is not None else ""
    return data_root, shown, f"`recfin network status{f' --data-root {shown}' if data_root else ''}`"


# what gRPC's UNAVAILABLE says when the TLS handshake reached a node whose certificate the roots do not trust
_TLS_TRUST_FAILURES = ("CERTIFICATE_VERIFY_FAILED", "Hostname Verification Check failed")


def raise_if_it_may_have_committed(error: GatewayError) -> None:
    """A change sent without a request id whose answer was lost after the orderer may have taken it (a commit
    status not received, a submit cut off after the send: ``cli.request_ids.may_have_committed``), as one line
    that says it may have committed and how to find out: `recfin transaction status` of it, as the caller runs
    it, and the record it changes. Reported as it is, the gateway's words read as a failure (with UNAVAILABLE,
    as a network that is down), and the change could be sent again after it took effect. A command that sends
    a request id says more, and never gets here (``exactly_once``)."""
    from .request_ids import may_have_committed

    if may_have_committed(error):
        raise click.ClickException(_said_it_may_have_committed(error, error.transaction_id)) from error


def raise_if_stopped_after_the_orderer(stopped: KeyboardInterrupt) -> None:
    """Ctrl-C while a change sent without a request id waited, once the orderer was handed its
    transaction (the Gateway's ``may_have_been_ordered`` and ``transaction_id`` on the interrupt), as one
    line that says it may have committed and how to find out, as for a lost answer, with Ctrl-C's exit status
    130 (SIGTERM's 143, SIGHUP's 129: :class:`~cli.request_ids.Terminated`): said only "interrupted", the
    change could be sent again after it took effect, and its transaction id, the one way to learn, would be
    lost. Stopped while it was endorsed (nothing reached the orderer), or outside a submit, it
    stays a plain stop, as does one whose command said its own way on (``way_on_told``: `chaincode
    upgrade-ledger`, whose page sent again writes nothing more). A command that sends a request id says more,
    and never gets here (``exactly_once``)."""
    from .request_ids import EXIT_INTERRUPTED, AnswerLost

    cut_short = stopped_submit(stopped)
    if cut_short is not None and cut_short.may_have_been_ordered:
        raise AnswerLost(_said_it_may_have_committed(stopped, cut_short.transaction_id),
                         getattr(stopped, "exit_code", EXIT_INTERRUPTED)) from stopped


def raise_if_stopped_before_the_orderer(stopped: KeyboardInterrupt, committed_before: list[str]) -> None:
    """Ctrl-C (SIGTERM, SIGHUP) while a change sent without a request id was endorsed or signed, before the
    orderer was handed its transaction (the Gateway's ``may_have_been_ordered`` False and ``transaction_id`` on
    the interrupt), as one line that says so: that transaction cannot commit, and sent again it applies once.
    Said only "interrupted", an operator could not tell whether a freeze took effect. Where the command committed
    a transaction of its own before the stop (``committed_before``), those are named and no advice to run it
    again is given: that would apply them twice. A stop whose orderer is not said, one outside a submit, and one
    whose command said its own way on (``way_on_told``) stay a plain stop."""
    from .request_ids import EXIT_INTERRUPTED, AnswerLost

    cut_short = stopped_submit(stopped)
    if cut_short is None or cut_short.may_have_been_ordered:
        return
    cannot = cannot_commit(cut_short.transaction_id)
    if committed_before:
        sent = ", ".join(committed_before)
        said = (f"{cannot}; transaction{'s' if len(committed_before) > 1 else ''} {sent}, which this command sent "
                f"before it, committed")
    else:
        said = f"{cannot}: nothing changed; run the same command again"
    raise AnswerLost(f"{describe(stopped)} ({said})", getattr(stopped, "exit_code", EXIT_INTERRUPTED)) from stopped


class _CommitsNoted(Forwarding):
    """A session's contract that notes in ``committed`` the transaction of each submit of the command that
    committed (returned), and is the contract otherwise: a stop before the orderer advises running the command
    again only where nothing of it committed before (:func:`raise_if_stopped_before_the_orderer`)."""

    def __init__(self, contract: Any, committed: list[str]) -> None:
        super().__init__(contract)
        self.committed = committed

    def submit(self, name: str, **options: Any) -> Any:
        result = self._wrapped.submit(name, **options)
        self.committed.append(getattr(result, "transaction_id", None) or "?")
        return result


@contextmanager
def _commits_noted(session: Session, committed: list[str]) -> Iterator[None]:
    """:class:`_CommitsNoted` between the session's client and its contract while the command runs, noting in
    ``committed`` (a client without a contract of its own notes nothing); the client's own contract is put back
    after it."""
    contract = getattr(session.client, "contract", None)
    if contract is None:
        yield
        return
    session.client.contract = _CommitsNoted(contract, committed)
    try:
        yield
    finally:
        session.client.contract = contract


def _said_it_may_have_committed(error: BaseException, transaction: str) -> str:
    """The one line of a change sent without a request id that may have committed: what stopped it, and
    `recfin transaction status` of its transaction, as the caller runs it, and the record it changes."""
    return (f"{describe(error)} ({may_have_committed_all_the_same(transaction)}; read the record it changes, "
            "with its `get` command, before you send it again)")


@dataclass(frozen=True)
class StoppedSubmit:
    """How far a change sent without a request id got when a stop (Ctrl-C, SIGTERM, SIGHUP) cut it short, as the
    Gateway says it on the interrupt: its ``transaction_id``, and ``may_have_been_ordered``: False while it was
    endorsed or signed (nothing reached the orderer, so it cannot commit), True once the orderer was handed it
    (it may commit)."""

    transaction_id: str
    may_have_been_ordered: bool


def stopped_submit(stopped: BaseException) -> StoppedSubmit | None:
    """The submit ``stopped`` cut short (:class:`StoppedSubmit`); None for a stop outside a submit (a read, or
    before a transaction was built: nothing was sent), one the Gateway did not say how far it got, and one
    whose command said its own way on (``way_on_told``)."""
    transaction = getattr(stopped, "transaction_id", None)
    ordered = getattr(stopped, "may_have_been_ordered", None)
    if not transaction or ordered is None or getattr(stopped, "way_on_told", False):
        return None
    return StoppedSubmit(transaction, bool(ordered))


def cannot_commit(transaction: str) -> str:
    """What a line says of a transaction a stop cut short before the orderer was handed it."""
    return f"transaction {transaction} was stopped before it reached the orderer, so it cannot commit"


def may_have_committed_all_the_same(transaction: str, status_command: str | None = None) -> str:
    """What a line says of a transaction whose answer was lost after the orderer may have taken it (a stop, a
    commit status not received): that it may have committed, and `recfin transaction status` of it, which tells
    whether it did: ``status_command``, or as this command's caller runs it (``transaction_status_command``)."""
    from .request_ids import transaction_status_command

    command = status_command or transaction_status_command(transaction)
    return f"transaction {transaction} may have committed all the same: `{command}` tells whether it did"


def reports_ledger_errors(fn: Callable) -> Callable:
    """Refusals, gateway and profile errors, and an OSError on a path the command was given, become a
    ClickException with one line."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from client.gateway import GatewayError
        from client.receivables import ReceivablesError

        try:
            return fn(*args, **kwargs)
        # a ReceivablesError: a refusal (RuleViolation), or an answer the SDK could not use (a listing's
        # peer answering pages out of order)
        except (ReceivablesError, GatewayError, NetworkError, OSError, ValueError, TypeError) as exc:
            raise click.ClickException(describe(exc)) from exc
    return wrapper
