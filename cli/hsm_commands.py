"""`recfin hsm`: keep a user's signing key in a hardware security module (PKCS#11) instead of the keystore.

`import` puts a profile user's keystore key into a token and writes ``hsm-signer.yaml`` in the user's
MSP folder; from then on every command acting as that user (``--as ORG/USER``) signs in the HSM, with
the user PIN from the variable the file names. `check` proves the token's key is the certificate's and
reports what the token says of its origin. `generate` makes a key in the token and writes a certificate
request for it;
`recfin org user add ... --csr` issues the user's certificate for it, and `link` then writes
``hsm-signer.yaml`` for the key already in the token. The file is written only once a test signature
made in the token verifies with the user's certificate. The org's admin is refused: the network's own
tooling signs with its keystore key.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import os
import sys
from pathlib import Path

import click

from client.atomic_file import check_output_file, refuse_special_target, write_atomically, written_path
from client.hsm_defaults import DEFAULT_PIN_ENV, SOFTHSM2_LIBRARY
from client.user_files import SpecialFile, shown_as_is

from .connection import (
    caller, default_user, describe, load_profile, open_user_folder, refuse_missing_user_folder, reports_ledger_errors,
    who_acts_options, with_options,
)
from .options import ChoiceCutShort, OutputFileType, PathType, names_a_pin_variable
from .output import as_typed, emit

if TYPE_CHECKING:
    from client.gateway import HSMSignerFile
    from client.gateway.hsm import HSMSignerFactory


def _absolute(_ctx, _param, library: str) -> str:
    # hsm-signer.yaml keeps the path for commands run from any folder. Symlinks are kept: a distribution's
    # libsofthsm2.so (or a vendor's unversioned name) is the name its package upgrades keep pointing right.
    return os.path.abspath(library)


def _printed_as_is(text: str) -> bool:
    """Whether every character of ``text`` prints as itself (:func:`client.user_files.shown_as_is`): a full-width or
    no-break space inside a Chinese name does, though ``str.isprintable`` calls it no printable character."""
    return all(shown_as_is(char) for char in text)


def _refuse_blank_or_unprintable(text: str, what: str, blank_advice: str, unprintable_advice: str) -> None:
    """The check a name the HSM or a certificate shows shares (a key label, a token label, a common name): a blank
    one (an unset variable) names nothing, and a control or format character would drive the terminal it is shown
    on or reorder the line. Refused as the option (click.BadParameter), each saying what to give instead."""
    if not text.strip():
        raise click.BadParameter(f"the {what} is blank (an unset variable?): {blank_advice}")
    if not _printed_as_is(text):
        raise click.BadParameter(f"{text!r} has a control, line-break or invisible format character: "
                                 f"{unprintable_advice}")


def _key_label(_ctx, _param, key_label: str | None) -> str | None:
    # refused as the option, before a PIN is asked for: a line break (U+2028 and NEL too), another control
    # character or an invisible format character (a right-to-left override) would be stored in the token's
    # CKA_LABEL, where the HSM's own tools show it split, garbled or reading as another label; a blank one (an unset
    # variable) was taken as none, the key labelled by default unsaid, or stored as spaces no one tells from none
    if key_label is not None:
        _refuse_blank_or_unprintable(
            key_label, "key label",
            "give a label of printable characters, e.g. supplier/supplier3, or leave --key-label out for the default",
            "give a label of printable characters, e.g. supplier/supplier3")
    return key_label


def _token_label(_ctx, _param, token_label: str) -> str:
    # refused as the option, before the module is loaded or a PIN asked for: a blank one (an unset variable) names
    # no token, and one with a control character cannot be the label a token's tools show
    _refuse_blank_or_unprintable(
        token_label, "token label",
        "give the label the token was initialised with (softhsm2-util --show-slots lists SoftHSM2's)",
        "give the label the token was initialised with")
    return token_label


_library = click.option("--library", type=PathType(dir_okay=False, path_type=str, reads=True),
                        default=SOFTHSM2_LIBRARY, show_default=True, callback=_absolute,
                        help="The HSM's PKCS#11 module (the vendor's .so; SoftHSM2's by default); refused when "
                             "another user could replace it (it, or a folder or symlink on its path, writable or "
                             "owned by others).")
_token = click.option("--token", "token_label", required=True, callback=_token_label,
                      help="Label of the token that keeps the key.")
_pin_env = click.option("--pin-env", default=DEFAULT_PIN_ENV, show_default=True,
                        callback=names_a_pin_variable,
                        help="Name of the environment variable holding the token's user PIN (asked for on stderr "
                             "when unset, in a terminal); never the PIN itself.")
_json = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _as_user(fn):
    return with_options(fn, who_acts_options(
        "The profile user whose key it is: an org and optionally a user [default: its first client user]."))


def _profile_user(as_, org, user, data_root):
    if as_ is None and org is None:
        raise click.UsageError("say whose key: --as ORG[/USER], e.g. --as supplier/supplier1")
    who_org, who_user = caller(as_, org, user, "")
    profile = load_profile(who_org, data_root)
    who = profile.user(who_user or default_user(profile, data_root=data_root))
    refuse_missing_user_folder(profile, who, data_root)
    return profile, who


def _refuse_the_admin(profile, who) -> None:
    if who.role == "admin":
        raise click.ClickException(
            f"{profile.org}/{who.name} is the org's admin: the peer CLI, `recfin org` and `recfin network up` sign "
            "with its keystore key, so with that key in an HSM (and the keystore file offline) the network could "
            "no longer be administered. Keep the admin's key in its keystore; move client users' keys into the "
            f"HSM (--as {profile.org}/USER)")


def _refuse_a_signer_file_place_taken(who) -> None:
    """Before the token or the MSP folder is touched: hsm-signer.yaml, written last, replaces a regular file
    (or the one a symlink there leads to) or goes where nothing is. A folder, a device or a FIFO there would
    fail that write only after the folder's permissions were tightened (and, for import, the key put into
    the token)."""
    from client.gateway.hsm_msp import HSM_SIGNER_FILE

    path = Path(who.msp_dir) / HSM_SIGNER_FILE
    try:
        refuse_special_target(written_path(path))   # written through a symlink, as it is read through one
        return
    except IsADirectoryError:
        what = "a folder"
    except SpecialFile as special:   # a symlink still there once every link was followed is a loop
        what = "a symlink loop" if special.kind == "a symlink" else special.kind
    except OSError as error:
        what = f"a path the system cannot look at ({error.strerror or error})"
    if path.is_symlink() and "symlink" not in what:
        what = f"a symlink to {what}"
    raise click.ClickException(
        f"{path} is {what}, not a regular file, so {HSM_SIGNER_FILE} cannot be written there; nothing was "
        "changed. Move it out of the MSP folder (or remove it), then run this again")


def _pin(pin_env: str, token_label: str) -> str:
    # Never an option: a PIN on the command line is visible to every user of the machine (ps, shell history).
    pin = os.environ.get(pin_env)
    if pin:
        return pin
    if not sys.stdin.isatty():
        raise click.ClickException(f"set {as_typed(pin_env)} to the user PIN of token {as_typed(token_label)} "
                                   "(or run this in a terminal to be asked for it)")
    # asked on stderr: stdout carries the command's output, its --json too, which a prompt there would begin
    # (and, stdout sent to a file, the operator would never see the question)
    return click.prompt(f"User PIN of token {token_label} ({pin_env} is unset)", hide_input=True, err=True)


def _sign_in_token(profile, who, described: HSMSignerFile, pin: str) -> tuple[Path, str | None]:
    """Write hsm-signer.yaml into the user's MSP folder once the token's key has signed for its certificate; the
    file, and how the folder's permissions were tightened for it (None when they were not).

    Never before: a file naming a key that does not sign for the certificate would turn every later
    ``--as`` of the user into a refusal.
    """
    from client.gateway.hsm_msp import open_hsm_key, tighten_folder

    with open_hsm_key(who.msp_dir, profile.msp_id, described, user_pin=pin):   # a test signature, checked
        pass
    tightened = tighten_folder(who.msp_dir)
    return described.write(who.msp_dir), tightened


@click.group("hsm")
def hsm() -> None:
    """Keep users' signing keys in an HSM (PKCS#11): import, generate, link, check.

    \b
    Example:
      RECFIN_HSM_PIN=1234 recfin hsm import --as supplier/supplier1 --token recfin
      RECFIN_HSM_PIN=1234 recfin hsm link --as supplier/supplier6 --token recfin
    """


@hsm.command("import")
@_as_user
@_library
@_token
@_pin_env
@click.option("--key-label", callback=_key_label,
              help="CKA_LABEL for the key in the token (printable characters, not blank); one another key holds is "
                   "refused [default: ORG/USER, or ORG/USER and 16 hex digits of its CKA_ID while another "
                   "key holds ORG/USER].")
@_json
@reports_ledger_errors
def import_key(as_, org, user, data_root, library, token_label, pin_env, key_label, as_json) -> None:
    """Put a profile user's keystore key into an HSM token; the user then signs there.

    The key is the keystore's key of the user's certificate (other keys there are passed over), and
    one that is not the certificate's is refused before anything reaches the token. It gets Fabric's
    SKI of it as CKA_ID, sensitive and not extractable. Once a test signature made in the token
    verifies with the user's certificate, hsm-signer.yaml in the user's MSP folder names the module
    (its absolute path), token and key, and the variable holding the PIN (not the PIN), and every
    command run --as that user signs in the HSM; when the check fails, nothing is written and a key
    this run put into the token is deleted from it again. It logs in to the token once, so a wrong PIN
    costs one of the token's tries; a token holding several private keys under the user's CKA_ID is
    refused, nothing imported (delete the extra ones with the HSM's tool). Running it again changes nothing. While
    another key holds ORG/USER (the user's earlier key), the key is labelled ORG/USER and the first
    16 hex digits of its CKA_ID, and stderr says so. The keystore file stays: move it to offline storage
    once `recfin hsm check` passes (`recfin network up` then leaves the user's identity as it is;
    run again after that, import says the key is no longer in the keystore). An MSP folder of yours
    that its group or others can write (made under umask 002) is made writable by you alone (chmod
    go-w) before the file is written, as the file is not trusted in a folder others could change;
    msp_folder_tightened says how (else -). A folder, a device or a FIFO where the file goes (or
    where a symlink there leads) is refused before anything else, the token and the folder left as they were.
    The org's admin is refused: the network's own tooling signs with the admin's keystore key.

    \b
    Example:
      RECFIN_HSM_PIN=1234 recfin hsm import --as supplier/supplier1 --token recfin
      recfin hsm import --as bank --token bank-hsm --library /opt/hsm/lib/libpkcs11.so --pin-env BANK_PIN --json
    """
    from client.gateway import HSMSignerFile, key_id_for
    from client.gateway.hsm import HSMSignerFactory, token_login
    from network.crypto import keystore_key

    profile, who = _profile_user(as_, org, user, data_root)
    _refuse_the_admin(profile, who)
    _refuse_a_signer_file_place_taken(who)
    # The keystore's key of the certificate, whatever else a stopped run left there (or an older profile names)
    key_file = keystore_key(Path(who.msp_dir))
    if key_file is None:
        raise click.ClickException(_no_keystore_key(profile, who))
    key = _certificates_key(who, key_file)     # before anything reaches the token
    with HSMSignerFactory(library) as factory:   # loads the module: a wrong --library is named before the PIN
        pin = _pin(pin_env, token_label)
        # one login for the run: the token checks the PIN once, so a wrong one costs one of its tries, not one per step
        with token_login(library, token_label, pin):
            held_before = _in_token(factory, token_label, pin, key_id_for(key.public_key()))
            key_id = _import_labelled(library, token_label, pin, key, key_label, f"{profile.org}/{who.name}")
            try:
                path, tightened = _sign_in_token(profile, who, HSMSignerFile(library, token_label, key_id, pin_env),
                                                 pin)
            except BaseException as failure:
                if not held_before:     # what this run put in the token goes again; the keystore file still has it
                    _forget_new_key(library, token_label, pin, key_id, failure)
                raise
    emit({"user": f"{profile.org}/{who.name}", "token": token_label, "key_id": key_id.hex(),
          "signer_file": str(path), "msp_folder_tightened": tightened, "keystore_key": str(key_file)},
         as_json=as_json)


def _import_labelled(library: str, token_label: str, pin: str, key, chosen: str | None, default: str) -> bytes:
    """Import ``key`` under the --key-label chosen, else under ``default`` (ORG/USER); its CKA_ID.

    A user's new key (a network made again, a key replaced) meets the old one under ORG/USER: hsm-signer.yaml
    names its key by CKA_ID, so nothing of recfin's needs the label to be that one, and the new key takes
    ORG/USER followed by the first 16 hex digits of its CKA_ID rather than be refused. A label chosen with
    --key-label is the caller's to keep unique: a clash there is refused, naming the option."""
    from client.gateway import key_id_for
    from client.gateway.hsm import KeyLabelTaken, import_private_key

    try:
        return import_private_key(library, token_label, pin, key, key_label=chosen or default)
    except KeyLabelTaken as taken:
        if chosen:
            raise click.ClickException(f"{taken}; nothing was imported (give another --key-label)") from None
    label = f"{default} {key_id_for(key.public_key()).hex()[:16]}"
    click.echo(f"another key in the token holds the label {as_typed(default)}: this one is labelled "
               f"{as_typed(label)}", err=True)
    return import_private_key(library, token_label, pin, key, key_label=label)


def _certificates_key(who, key_file: Path):
    """The key in key_file, once shown to be the user's certificate's: a token holding another key under the
    user's name would sign for no one."""
    from network.crypto import load_cert, load_key

    key = load_key(key_file)
    if key.public_key() != load_cert(Path(who.cert)).public_key():
        raise click.ClickException(
            f"{key_file} is not the key of the certificate {who.cert}, so nothing was imported: put the "
            f"certificate's key ({_key_file_name(who)}) back in the keystore and run this again")
    return key


def _key_file_name(who) -> str:
    """The keystore file name of the user's certificate's key, as the generator names it (its Fabric SKI)."""
    from client.gateway import key_id_for
    from network.crypto import load_cert

    return f"keystore/{key_id_for(load_cert(Path(who.cert))).hex()}_sk"


def _in_token(factory: HSMSignerFactory, token_label: str, pin: str, key_id: bytes) -> bool:
    """Whether the token holds a private key with this CKA_ID already (a key imported before is kept whatever
    happens next). Any other error (a wrong PIN, no such token) is the run's: read as "not held", the import
    would log in with the same wrong PIN again, a second try counted towards locking the token. Several keys
    under the ID are refused here, as the import would leave the token so: `hsm import` takes no key ID to pick one."""
    from client.gateway.hsm import HSMSignerOptions, KeyNotFound, SeveralKeysMatch

    try:
        factory.new_signer(HSMSignerOptions(token_label, pin, key_id=key_id)).close()
    except KeyNotFound:
        return False
    except SeveralKeysMatch:
        raise click.ClickException(
            f"several private keys in token {token_label!r} have CKA_ID {key_id.hex()}, the ID of this user's key, "
            "so nothing was imported: delete the extra ones with the HSM's tool (keep one), then run this "
            "again") from None
    return True


def _no_keystore_key(profile, who) -> str:
    from client.gateway import HSMSignerFile
    from client.gateway.hsm_msp import HSM_SIGNER_FILE

    name = f"{profile.org}/{who.name}"
    keystore = Path(who.msp_dir) / "keystore"
    if os.path.lexists(Path(who.msp_dir) / HSM_SIGNER_FILE):   # read() names one that is not a file
        described = HSMSignerFile.read(who.msp_dir)
        return (f"the key of {name} is no longer in {keystore}: it signs in token {described.token_label!r} "
                f"({HSM_SIGNER_FILE}). If the key is in the token (`recfin hsm check --as {name}` proves it), there "
                "is nothing to do; else restore the keystore file from offline storage and run this again")
    if any(keystore.glob("*_sk")):
        return (f"no key in {keystore} is the key of the certificate {who.cert}, so nothing was imported: restore "
                f"the certificate's key ({_key_file_name(who)}) and run this again")
    return (f"no key of {name} in {keystore} to import: restore its keystore file (*_sk) and run this again; "
            f"for a key already in a token, run `recfin hsm link --as {name}`")


@hsm.command("link")
@_as_user
@_library
@_token
@_pin_env
@_json
@reports_ledger_errors
def link(as_, org, user, data_root, library, token_label, pin_env, as_json) -> None:
    """Have a profile user sign with its key already in an HSM token (made there by `recfin hsm generate`).

    The key is the one whose CKA_ID is Fabric's SKI of the user's certificate, as `generate` sets it.
    Once a test signature made with it verifies with the certificate, hsm-signer.yaml in the user's
    MSP folder names the module (its absolute path), token and key, and the variable holding the PIN
    (not the PIN); from then on every command run --as that user signs in the HSM. When the check
    fails, nothing is written. A group- or other-writable MSP folder of yours is made writable by
    you alone (chmod go-w; msp_folder_tightened says how); a folder, a device or a FIFO where the file
    goes is refused first, with nothing changed. The org's admin is refused: the network's own tooling
    signs with the admin's keystore key. For a key born in the token, in this order:

    \b
      RECFIN_HSM_PIN=1234 recfin hsm generate --token recfin --common-name supplier6@supplier --csr supplier6.csr
      recfin org user add supplier supplier6 --csr supplier6.csr --attr recfin.enterprise=91310000MA1K00002C
      RECFIN_HSM_PIN=1234 recfin hsm link --as supplier/supplier6 --token recfin

    \b
    Example:
      RECFIN_HSM_PIN=1234 recfin hsm link --as supplier/supplier6 --token recfin
      recfin hsm link --as bank/officer3 --token bank-hsm --library /opt/hsm/lib/libpkcs11.so --pin-env BANK_PIN --json
    """
    from client.gateway import HSMSignerFile, key_id_for
    from client.gateway.hsm import HSMSignerFactory
    from cryptography import x509

    profile, who = _profile_user(as_, org, user, data_root)
    _refuse_the_admin(profile, who)
    _refuse_a_signer_file_place_taken(who)
    key_id = key_id_for(x509.load_pem_x509_certificate(Path(who.cert).read_bytes()))
    HSMSignerFactory(library).close()   # loads the module: a wrong --library is named before the PIN is asked for
    pin = _pin(pin_env, token_label)
    path, tightened = _sign_in_token(profile, who, HSMSignerFile(library, token_label, key_id, pin_env), pin)
    emit({"user": f"{profile.org}/{who.name}", "token": token_label, "key_id": key_id.hex(),
          "signer_file": str(path), "msp_folder_tightened": tightened}, as_json=as_json)


@hsm.command("check")
@_as_user
@_json
@reports_ledger_errors
def check(as_, org, user, data_root, as_json) -> None:
    """Say where a profile user's key is, and prove it signs for the user's certificate.

    For a user with hsm-signer.yaml, the token's key signs a test digest that the certificate's public
    key must verify (the PIN comes from the variable the file names), and key_origin gives what the
    token says of the key: local (CKA_LOCAL: generated in the token, not imported), never_extractable,
    always_sensitive, extractable and sensitive. Only the token vouches for these; a certificate
    request cannot show them to the CA.

    \b
    Example:
      RECFIN_HSM_PIN=1234 recfin hsm check --as supplier/supplier1
      recfin hsm check --as bank/officer1 --json
    """
    from client.gateway import HSMSignerFile
    from client.gateway.hsm_msp import HSM_SIGNER_FILE

    profile, who = _profile_user(as_, org, user, data_root)
    # lexists: a signer file that is a folder or a dangling symlink is an error (read() names it), never "keystore"
    described = HSMSignerFile.read(who.msp_dir) if os.path.lexists(Path(who.msp_dir) / HSM_SIGNER_FILE) else None
    with open_user_folder(who.msp_dir, profile.msp_id) as (_, signer):
        origin = signer.key_origin() if described else None
    emit({"user": f"{profile.org}/{who.name}", "key": "hsm" if described else "keystore",
          "token": described.token_label if described else None,
          "key_id": described.key_id.hex() if described else None,
          "key_origin": origin if as_json or origin is None else _one_line_origin(origin),
          "signs_for_certificate": True}, as_json=as_json)


def _one_line_origin(origin: dict) -> str:
    # "local yes, never_extractable yes, ...": one line of the key: value listing, like the other fields
    return ", ".join(f"{name} {'-' if value is None else 'yes' if value else 'no'}" for name, value in origin.items())


def _common_name(_ctx, _param, common_name: str) -> str:
    # X.509 holds a CN to 1..64 characters (RFC 5280 ub-common-name); refused as the option, before a key is made
    from network.topology import MAX_COMMON_NAME

    if not 1 <= len(common_name) <= MAX_COMMON_NAME:
        raise click.BadParameter(f"{len(common_name)} characters: a certificate request's common name has 1 to "
                                 f"{MAX_COMMON_NAME} characters, e.g. supplier3@supplier")
    # as --key-label: the CN is shown by `openssl req -text` and the CA's tools, where a control or format character
    # would drive the terminal or reorder the line, and a blank one (an unset variable) names no one
    _refuse_blank_or_unprintable(common_name, "common name", "give the user's name, e.g. supplier3@supplier",
                                 "give a name of printable characters, e.g. supplier3@supplier")
    return common_name


def _refuse_an_unusable_request_path(csr_file: Path) -> None:
    """Before a key is made: a file at --csr may be the only request for a key pair an earlier run left in the token,
    which a new request in its place would leave with none (and the token with a key no certificate is asked for);
    and a path no request can be written to (its folder missing or not writable, a file where a folder should be, a
    name too long), which would fail only once the key was made (and the key be deleted again)."""
    if os.path.lexists(csr_file):
        raise click.BadParameter(
            f"{as_typed(csr_file)} already exists: it may be the request for a key pair already in the token, which "
            "`recfin org user add ORG USER --csr` would issue the user's certificate for. Nothing was generated: "
            "give another --csr path for a new key pair", param_hint="'--csr'")
    if (problem := check_output_file(csr_file)) is not None:
        raise click.BadParameter(f"cannot write {as_typed(csr_file)}: {problem}; nothing was generated",
                                 param_hint="'--csr'")


@hsm.command("generate")
@_library
@_token
@_pin_env
@click.option("--curve", type=ChoiceCutShort(["P-256", "P-384"]), default="P-256", show_default=True,
              help="The NIST curve of the new EC key; Fabric signs with either.")
@click.option("--key-label", callback=_key_label,
              help="CKA_LABEL for the new key (printable characters, not blank); one another key holds is refused "
                   "[default: its CKA_ID in hex, as Fabric's tools set it].")
@click.option("--common-name", required=True, callback=_common_name,
              help="CN written in the request (1 to 64 printable characters, not blank), e.g. supplier6@supplier; "
                   "informational: `recfin org user add --csr` gives the user the org's own subject and the client "
                   "OU.")
@click.option("--csr", "csr_file", type=OutputFileType(path_type=Path), required=True,
              help="Where to write the PEM certificate request: a new file, in a folder that is there (an existing "
                   "file, or a path no file can be written to, is refused before any key is made).")
@_json
@reports_ledger_errors
def generate(library, token_label, pin_env, curve, key_label, common_name, csr_file, as_json) -> None:
    """Make a key pair inside an HSM token and write a certificate request (CSR) signed by it.

    The private key is made sensitive and not extractable, and the token marks it as generated there
    (`recfin hsm check` shows it); its CKA_ID is Fabric's SKI of it (the printed key_id). It logs in
    to the token once, so a wrong PIN costs one try. The org's
    CA issues the user's certificate for the request (`recfin org user add ORG USER --csr FILE`,
    which takes the subject from the org, not from the request); then `recfin hsm link --as
    ORG/USER --token ...` has the user sign with this key. When the request cannot be made or
    written, the new key pair is deleted from the token again. A file already at --csr is refused
    before any key is made: it may be the request of a key pair an earlier run made, which a new
    request in its place would leave in the token with none; so is a path no file can be written
    to (its folder missing or not writable, a name too long). For a user's key born in the token, in
    this order (the request the first command writes is the one the second reads):

    \b
      RECFIN_HSM_PIN=1234 recfin hsm generate --token recfin --common-name supplier6@supplier --csr supplier6.csr
      recfin org user add supplier supplier6 --csr supplier6.csr --attr recfin.enterprise=91310000MA1K00002C
      RECFIN_HSM_PIN=1234 recfin hsm link --as supplier/supplier6 --token recfin

    \b
    Example:
      RECFIN_HSM_PIN=1234 recfin hsm generate --token recfin --common-name supplier6@supplier --csr supplier6.csr
      recfin hsm generate --token bank-hsm --library /opt/hsm/lib/libpkcs11.so --curve P-384 \\
        --common-name officer3@bank --csr officer3.csr --json
    """
    from client.gateway.hsm import (HSMSignerFactory, HSMSignerOptions, KeyLabelTaken, certificate_request,
                                    generate_private_key, token_login)
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])   # refused before a key is made
    _refuse_an_unusable_request_path(csr_file)
    with HSMSignerFactory(library) as factory:
        pin = _pin(pin_env, token_label)
        with token_login(library, token_label, pin):   # one login for the run, as for import
            try:
                key_id, public_key = generate_private_key(library, token_label, pin, curve=curve, key_label=key_label)
            except KeyLabelTaken as taken:
                raise click.ClickException(f"{taken}; nothing was generated (give another --key-label)") from None
            try:
                with factory.new_signer(HSMSignerOptions(token_label, pin, key_id=key_id)) as signer:
                    request = certificate_request(signer, public_key, subject)
                # a request is public; replace=False: a file that appeared there meanwhile is kept (and this key goes)
                write_atomically(csr_file, request, mode=0o644, replace=False)
            except BaseException as failure:
                _forget_new_key(library, token_label, pin, key_id, failure)
                if isinstance(failure, FileExistsError):    # named by the temporary file: say what happened to --csr
                    raise click.ClickException(
                        f"{as_typed(csr_file)} was written by another process while the key pair was made: that file "
                        "is kept and the new key pair was deleted from the token again; give another --csr path"
                    ) from failure
                raise
    emit({"token": token_label, "key_id": key_id.hex(), "curve": curve, "csr": str(csr_file)}, as_json=as_json)


def _forget_new_key(library: str, token_label: str, pin: str, key_id: bytes, failure: BaseException) -> None:
    """Delete a key pair this run put into the token when what was to follow failed: a key no certificate was
    requested for, or that signed nothing the certificate verifies, is of no use there."""
    from client.gateway.hsm import HSMError, destroy_key_pair

    try:
        destroy_key_pair(library, token_label, pin, key_id)
    except HSMError as cleanup:
        raise click.ClickException(f"{describe(failure)}; the new key pair (CKA_ID {key_id.hex()}) could not be "
                                   f"deleted from the token ({cleanup}): delete it with the HSM's tool") from failure
