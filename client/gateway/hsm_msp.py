"""An MSP folder whose private key is in an HSM: ``hsm-signer.yaml`` says where, instead of a keystore key.

    library: /usr/lib/softhsm/libsofthsm2.so     # the HSM's PKCS#11 module
    token: recfin                                # the token's label
    key_id: 8b7be0f8...                          # the key's CKA_ID, hex (Fabric's SKI of the key)
    pin_env: RECFIN_HSM_PIN                      # the environment variable holding the user PIN

The PIN is never written down: it is read from ``pin_env`` when the folder is opened. The file names a
library the process loads and runs, so, as ssh does with its configuration, it is refused when others can
write it or the MSP folder, when its group can and that group is not the owner's private group (a group
named as the owner, with no other member: Debian's and Ubuntu's user private groups, which Debian's sshd
accepts too), when its POSIX ACL lets another user or group write it, or when another user (not root) owns
either; the library itself is loaded only when no one else could have replaced it
(:class:`~client.gateway.hsm.HSMSignerFactory` checks it). Writing the file first
takes group and others' write permission off an MSP folder of the caller's (:func:`tighten_folder`): one made
by hand, or by a generator that made folders under the umask, is group-writable under 002 (recfin's makes them
0755 now).
:func:`open_msp_folder` gives the identity and a signer for either kind of folder, so code that
acts as a user need not know where the user's key is.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml
from cryptography.hazmat.primitives.asymmetric import ec

from ..atomic_file import refuse_special_target, write_atomically, written_path
from ..hsm_defaults import DEFAULT_PIN_ENV
from ..yaml_files import read_yaml_mapping
from ._identity import Identity, load_msp_folder, msp_folder_identity, signcert_out_of_order
from ._signer import Signer
from .hsm import HSMError, HSMSignerFactory, HSMSignerOptions, _writers_besides_owner, key_id_for, verifies

__all__ = ["HSM_SIGNER_FILE", "DEFAULT_PIN_ENV", "HSMSignerFile", "open_msp_folder", "open_hsm_key", "tighten_folder",
           "pin_env_problem"]

HSM_SIGNER_FILE = "hsm-signer.yaml"
_KEYS = ("library", "token", "key_id", "pin_env")   # all the file holds; anything else is refused, not passed over
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def pin_env_problem(pin_env: str) -> str | None:
    """Why ``pin_env`` is not an environment variable's name, or None. What was given is never repeated: someone
    giving the PIN where its variable's name goes would have it printed in every error and kept in the file."""
    if _VARIABLE_NAME.fullmatch(pin_env):
        return None
    return ("it must be the name of the environment variable holding the user PIN (letters, digits and _, not "
            f"starting with a digit, e.g. {DEFAULT_PIN_ENV}), not the PIN; what was given is not shown, as it may be "
            "the PIN (if it was, it is in your shell history: change the token's user PIN)")


@dataclass(frozen=True)
class HSMSignerFile:
    """What ``hsm-signer.yaml`` holds: the PKCS#11 module, the token's label, the key's CKA_ID, the PIN's variable."""

    library: str
    token_label: str
    key_id: bytes
    pin_env: str = DEFAULT_PIN_ENV

    def __post_init__(self) -> None:
        # a file is never written with a relative library or a PIN where pin_env goes: read() would refuse it
        if not os.path.isabs(self.library):
            raise HSMError(f"the PKCS#11 library {self.library} is not an absolute path: give the module's full path")
        if problem := pin_env_problem(self.pin_env):
            raise HSMError(f"pin_env is refused: {problem}")

    @classmethod
    def read(cls, msp_dir: str | Path) -> "HSMSignerFile":
        path = Path(msp_dir) / HSM_SIGNER_FILE
        if os.path.lexists(path) and not path.is_file():
            raise HSMError(_not_a_file(path))
        _refuse_if_others_control(Path(msp_dir))
        _refuse_if_others_control(path)
        needs = "it needs library, token, key_id (hex) and optionally pin_env; rewrite it with recfin hsm import"
        data = read_yaml_mapping(
            path, "an HSM signer description",
            lambda problem: HSMError(f"{path} is not an HSM signer description ({problem}): {needs}"),
            cannot_read=lambda error: HSMError(f"cannot read {path}: {error.strerror or error}"))
        _refuse_unknown_keys(path, data, needs)
        missing = [key for key in ("library", "token", "key_id") if data.get(key) is None]
        # text only: YAML reads an unquoted 0012 as the number 10 and 0x1F as 31, another key or token than written
        not_text = [key for key in _KEYS
                    if data.get(key) is not None and not isinstance(data[key], str)]
        if missing or not_text:
            problem = (f"no {', '.join(missing)}" if missing else
                       f"{' and '.join(not_text)} not read as text: write {'it' if len(not_text) == 1 else 'them'} "
                       f"in quotes")
            raise HSMError(f"{path} is not an HSM signer description ({problem}): {needs}")
        try:
            key_id = bytes.fromhex(data["key_id"])
        except ValueError as error:
            raise HSMError(f"{path} is not an HSM signer description (key_id is not hex: {error}): {needs}") from None
        # relative, it would be looked up from the caller's working folder, a library the checks above never saw
        if not os.path.isabs(data["library"]):
            raise HSMError(f"{path}: library {data['library']} is not an absolute path, which the loader would look "
                           "for in a search path or the folder a command runs in: write the PKCS#11 module's full "
                           "path (recfin hsm link writes it)")
        pin_env = data.get("pin_env") or DEFAULT_PIN_ENV
        if problem := pin_env_problem(pin_env):
            raise HSMError(f"{path}: pin_env is refused: {problem}; rewrite it with recfin hsm import or link")
        return cls(data["library"], data["token"], key_id, pin_env)

    def write(self, msp_dir: str | Path) -> Path:
        """Write the file into the MSP folder, having first made the folder writable by its owner only when
        it is the caller's and its group or others can write it (:func:`tighten_folder`): it would be refused
        when read. A folder, a device or a FIFO where the file goes is refused before that (IsADirectoryError,
        SpecialFile), the folder left as it was: the write would fail there only after its mode changed."""
        path = Path(msp_dir) / HSM_SIGNER_FILE
        refuse_special_target(written_path(path))
        tighten_folder(Path(msp_dir))
        _refuse_if_others_control(Path(msp_dir))   # another user's folder is left as it is, and refused
        text = ("# This user's private key is in an HSM (PKCS#11); the user PIN is read from the variable pin_env.\n"
                + yaml.safe_dump({"library": self.library, "token": self.token_label, "key_id": self.key_id.hex(),
                                  "pin_env": self.pin_env}, sort_keys=False))
        # whatever the umask: read() refuses a file its group could write; whole, for clients reading it now
        write_atomically(path, text, mode=0o644)
        return path

    def user_pin(self) -> str:
        pin = os.environ.get(self.pin_env)
        if not pin:
            raise HSMError(f"set {self.pin_env} to the user PIN of token {self.token_label!r}: "
                           f"the user's key is in that HSM ({HSM_SIGNER_FILE})")
        return pin


def _refuse_unknown_keys(path: Path, data: dict, needs: str) -> None:
    """Refuse keys the file does not have (named, their values not shown): a ``pin: "1234"`` written by hand would
    otherwise sit there unused, the PIN readable by whoever can read the file."""
    unknown = [key for key in data if key not in _KEYS]
    if "pin" in unknown:
        raise HSMError(f"{path} holds a pin: the PIN is never kept in {HSM_SIGNER_FILE} (anyone who can read the "
                       "file would have it); remove that line, put the PIN in the environment variable pin_env names "
                       f"({DEFAULT_PIN_ENV} by default), and change the token's user PIN if the file was shared")
    if unknown:
        # a key that is not a plain name is not shown either: a PIN may have been written as one
        named = ", ".join(repr(key)[:40] if isinstance(key, str) and _VARIABLE_NAME.fullmatch(key) else "(not a name)"
                          for key in unknown)
        raise HSMError(f"{path} is not an HSM signer description (unknown {'key' if len(unknown) == 1 else 'keys'} "
                       f"{named}; values not shown): {needs}")


def _not_a_file(path: Path) -> str:
    """Why a signer file that is a folder or a symlink to nothing is refused, not passed over: the user's key is
    meant to be in the HSM, and the keystore key (still there until moved offline) must not sign in its place."""
    if path.is_symlink() and not os.path.exists(path):
        # exists() is False for a loop too, which resolve(strict) tells apart from a missing target
        what = "a symlink loop" if _symlink_loops(path) else "a symlink to nothing"
    else:
        what = "not a regular file"     # a folder, a device (/dev/null), or a symlink to one
    return (f"{path} is {what}, so the HSM key of this MSP folder cannot be read; the keystore key is not used "
            f"instead. Restore the file ({HSM_SIGNER_FILE}: recfin hsm import or link writes it), or remove it "
            "to sign with the keystore key")


def _symlink_loops(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:    # Python 3.11 raises this for a loop (3.13: OSError ELOOP)
        return True
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def tighten_folder(msp_dir: str | Path) -> str | None:
    """Take group and others' write permission off an MSP folder the caller owns, before ``hsm-signer.yaml`` goes
    in it; what changed (``"drwxrwxr-x -> drwxr-xr-x"``), or None when nothing needed to.

    An MSP folder made by hand, or by a generator that made folders under the process's umask (recfin's makes
    them 0755 now), is ``drwxrwxr-x`` under a umask of 002 (common where each user has a private group), which
    :meth:`HSMSignerFile.read` refuses unless the group is the owner's private group. A folder of another user is
    left as it is (and refused when the file is written).
    """
    folder = Path(msp_dir)
    info = folder.stat()
    writable_by_others = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if not writable_by_others or info.st_uid != os.geteuid():
        return None
    folder.chmod(stat.S_IMODE(info.st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
    return f"{stat.filemode(info.st_mode)} -> {stat.filemode(folder.stat().st_mode)}"


def _refuse_if_others_control(path: Path) -> None:
    """Refuse a signer file (or its folder) another user could have written: it names a library this process runs."""
    info = path.stat()
    if info.st_uid not in (os.geteuid(), 0):
        raise HSMError(f"{path} is owned by user id {info.st_uid}, not by you ({os.geteuid()}) nor root: "
                       f"{HSM_SIGNER_FILE} names a library recfin loads into its process, so it is not trusted; "
                       f"chown it to yourself if its content is yours")
    if who := _writers_besides_owner(path, info):
        raise HSMError(f"{path} can be written by {who}: {HSM_SIGNER_FILE} names a "
                       f"library recfin loads into its process, so it is not trusted; check its content, then "
                       f"chmod go-w {path}")


@contextmanager
def open_msp_folder(path: str | Path, msp_id: str, *, user_pin: str | None = None
                    ) -> Iterator[tuple[Identity, Signer]]:
    """Identity and signer from an MSP folder: the HSM key ``hsm-signer.yaml`` names, else the keystore key.

    The HSM's user PIN is ``user_pin``, else the value of the variable the file names. The HSM's
    session is closed on leaving ``with``. Before anything is signed, a test signature is
    checked against the certificate, so a key that does not belong to it is named here, not refused by a peer.
    """
    folder = Path(path)
    # lexists, not is_file: a signer file that is a folder or a dangling symlink is refused by read(), never taken
    # for "no HSM key", which would sign with a keystore key the user may think is no longer used
    if not os.path.lexists(folder / HSM_SIGNER_FILE):
        yield load_msp_folder(folder, msp_id)
        return
    with open_hsm_key(folder, msp_id, HSMSignerFile.read(folder), user_pin=user_pin) as opened:
        yield opened


@contextmanager
def open_hsm_key(path: str | Path, msp_id: str, described: HSMSignerFile, *, user_pin: str | None = None
                 ) -> Iterator[tuple[Identity, Signer]]:
    """The MSP folder's identity (its ``signcerts``) with a signer over the HSM key ``described`` names.

    What :func:`open_msp_folder` does for a folder with ``hsm-signer.yaml``, for a description not (yet) written
    there: the test signature against the certificate comes first, so the file is written only once it holds.
    """
    folder = Path(path)
    identity, cert_file = msp_folder_identity(folder, msp_id)
    with HSMSignerFactory(described.library) as factory:
        signer = factory.new_signer(HSMSignerOptions(described.token_label, user_pin or described.user_pin(),
                                                     key_id=described.key_id))
        _check_key_matches(signer, identity, described, folder, cert_file)
        yield identity, signer


def _check_key_matches(signer: Signer, identity: Identity, described: HSMSignerFile, folder: Path,
                       cert_file: Path) -> None:
    digest = os.urandom(32)
    signature = signer(digest)

    def signs_for(public_key) -> bool:
        return verifies(public_key, signature, digest)

    public_key = identity.certificate.public_key()
    if not signs_for(public_key):
        key_named = f"the key with CKA_ID {described.key_id.hex()} in token {described.token_label!r}"
        misplaced = signcert_out_of_order(identity, cert_file, key_named, signs_for)
        if misplaced is not None:
            raise HSMError(misplaced)
        what = f"{key_named} is not the key of the certificate in {folder / 'signcerts'}"
        own_id = key_id_for(public_key) if isinstance(public_key, ec.EllipticCurvePublicKey) else None
        if own_id == described.key_id:
            # naming "the certificate's own key" would name this one again, and hsm import refuses an ID held
            raise HSMError(f"{what}, though that is the certificate's own CKA_ID (Fabric's SKI of its key): "
                           "another key was stored under it. Delete that key from the token with the HSM's "
                           "tool, then import the user's key (recfin hsm import)")
        own = f" (its CKA_ID is Fabric's SKI of the certificate's key, {own_id.hex()})" if own_id else ""
        raise HSMError(f"{what}: name the certificate's own key{own}, or import the user's key "
                       "(recfin hsm import)")
