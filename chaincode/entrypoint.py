"""The chaincode server image's entry point: ``python -m chaincode.entrypoint --user recfin -- COMMAND...``.

The image's server runs as the system user ``recfin``, but the TLS files it is given are
mounted from the host, where the private key is readable by its owner alone, whoever that is
there (the user who ran ``recfin network prepare`` or unpacked a bundle). Started as root,
this copies every file the CHAINCODE_TLS_* and CHAINCODE_OPERATIONS_TLS_* variables name, the
contract configuration RECFIN_NETWORK_CONFIG names, and the file each of the server's file flags
(--operations-tls-cert, --operations-tls-key, --operations-tls-client-ca) names in COMMAND, into
a private folder (0700, each copy 0600, both owned by the user), points the variables and flags at the
copies, says on stderr which file each copy is of (the server's messages name the copy), drops to
the user (no supplementary groups) and runs COMMAND in its place. So the server starts whatever
the host's uids are, and never runs as root. Started as any other user (``docker run --user``),
it runs COMMAND unchanged: the files must then be readable by that user.
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from collections.abc import Callable, Mapping, Sequence

# the variables that name files the server reads (chaincode.shim.server; the contract's configuration,
# chaincode.receivables.config, which a host umask of 077 or 027 leaves unreadable by others too)
FILE_VARIABLES = ("CHAINCODE_TLS_CERT", "CHAINCODE_TLS_KEY", "CHAINCODE_TLS_CLIENT_CA",
                  "CHAINCODE_OPERATIONS_TLS_CERT", "CHAINCODE_OPERATIONS_TLS_KEY",
                  "CHAINCODE_OPERATIONS_TLS_CLIENT_CA", "RECFIN_NETWORK_CONFIG")
# the server's flags that name a file it reads (chaincode.shim.server's parser)
FILE_FLAGS = ("--operations-tls-cert", "--operations-tls-key", "--operations-tls-client-ca")
DEFAULT_FOLDER = "/run/recfin-chaincode"
PROG = "python -m chaincode.entrypoint"


class EntrypointError(Exception):
    """A reason the server cannot be started, naming what to change."""


def resolve_user(spec: str) -> tuple[int, int, str | None]:
    """(uid, gid, home) of ``NAME`` (from the passwd file) or ``UID[:GID]`` (gid defaults to uid)."""
    uid_text, _, gid_text = spec.partition(":")
    if uid_text.isdigit() and (not gid_text or gid_text.isdigit()):
        return int(uid_text), int(gid_text or uid_text), None
    try:
        entry = pwd.getpwnam(spec)
    except KeyError:
        raise EntrypointError(f"--user {spec!r}: no such user; "
                              "give a user of the image (recfin) or UID[:GID]") from None
    return entry.pw_uid, entry.pw_gid, entry.pw_dir


def private_copies(env: Mapping[str, str], folder: str, uid: int, gid: int,
                   say: Callable[[str], None] = lambda line: None) -> dict[str, str]:
    """Copy each file a FILE_VARIABLES variable names into folder, owned by uid:gid (folder 0700, copies
    0600), and return env with those variables naming the copies; ``say`` gets a line per copy."""
    _private_folder(folder, uid, gid)
    out = dict(env)
    for variable in FILE_VARIABLES:
        if env.get(variable):
            out[variable] = _copy(env[variable], variable, os.path.join(folder, variable.lower()), uid, gid, say)
    return out


def private_flag_copies(command: Sequence[str], folder: str, uid: int, gid: int,
                        say: Callable[[str], None] = lambda line: None) -> list[str]:
    """COMMAND with the file each FILE_FLAGS flag names (``--flag FILE`` or ``--flag=FILE``) copied as
    private_copies does, and the flag naming the copy. An abbreviated file flag is refused: argparse would
    take it, and the server could not read the file it names."""
    _private_folder(folder, uid, gid)
    out = list(command)
    i = 0
    while i < len(out):
        flag, equals, value = out[i].partition("=")
        abbreviated = [full for full in FILE_FLAGS if flag != full and len(flag) > 2 and full.startswith(flag)]
        if abbreviated:
            raise EntrypointError(f"{flag}: give the flag in full ({' or '.join(abbreviated)}): the file it names "
                                  "is copied for the server only then")
        if flag in FILE_FLAGS:
            target = os.path.join(folder, flag.lstrip("-").replace("-", "_"))
            if equals:
                out[i] = f"{flag}={_copy(value, flag, target, uid, gid, say)}"
            elif i + 1 < len(out):
                i += 1
                out[i] = _copy(out[i], flag, target, uid, gid, say)
        i += 1
    return out


def _private_folder(folder: str, uid: int, gid: int) -> None:
    os.makedirs(folder, mode=0o700, exist_ok=True)
    if os.path.islink(folder) or not os.path.isdir(folder):
        raise EntrypointError(f"{folder} is not a folder: remove it, or give another with --folder")
    os.chown(folder, uid, gid)
    os.chmod(folder, 0o700)


def _copy(source: str, name: str, target: str, uid: int, gid: int, say: Callable[[str], None]) -> str:
    """Copy source (named by the variable or flag ``name``) to target, uid:gid's alone; return target."""
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        given = f"{name}={source}" if name.isupper() else f"{name} {source}"
        fix = "the variable" if name.isupper() else "the flag in the service's command"
        raise EntrypointError(f"cannot read {given}: {exc.strerror}: mount the file there "
                              f"(docker-compose.yaml's volumes) or correct {fix}") from None
    staging = target + ".new"
    if os.path.lexists(staging):
        os.unlink(staging)
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchown(fd, uid, gid)
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(staging, target)
    say(f"copied {source} ({name}) to {target}")
    return target


def drop_to(uid: int, gid: int) -> None:
    """Become uid:gid for good, with no supplementary groups (the group first, while still root)."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def _say(line: str) -> None:
    """A line on stderr, before the server's own: the server's messages name the copies, these their originals."""
    print(f"{PROG}: {line}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Start the chaincode server as an unprivileged user, with private copies of its TLS files.",
        epilog="example: python -m chaincode.entrypoint --user recfin -- python -m chaincode --contract "
               "chaincode.receivables:ReceivablesContract   (the image's ENTRYPOINT; compose's command follows)")
    parser.add_argument("--user", default="recfin", metavar="NAME|UID[:GID]",
                        help="who the server runs as when started as root (default: recfin)")
    parser.add_argument("--folder", default=DEFAULT_FOLDER, metavar="DIR",
                        help=f"where the private copies go (default: {DEFAULT_FOLDER})")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the server's command line, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --, e.g. -- python -m chaincode --contract module:Class")
    env = dict(os.environ)
    if os.geteuid() == 0:
        try:
            uid, gid, home = resolve_user(args.user)
            if uid == 0:
                raise EntrypointError(f"--user {args.user!r} is root: the server must not run as root")
            env = private_copies(env, args.folder, uid, gid, _say)
            command = private_flag_copies(command, args.folder, uid, gid, _say)
        except (EntrypointError, OSError) as exc:
            parser.exit(1, f"{parser.prog}: error: {exc}\n")
        if home:
            env["HOME"] = home
        drop_to(uid, gid)
    try:
        os.execvpe(command[0], command, env)
    except OSError as exc:
        parser.exit(127, f"{parser.prog}: error: cannot run {command[0]}: {exc.strerror}\n")


if __name__ == "__main__":
    main()
