"""What signing costs per signature: a key in this process, and the same key in a PKCS#11 token.

    python -m bench.signing                                  # SoftHSM2: a token made for the run, 2000 each
    python -m bench.signing --iterations 5000 --json
    RECFIN_HSM_PIN=... python -m bench.signing --library /opt/vendor/libpkcs11.so --token T --key-label L

A Gateway transaction signs three times (the proposal, the prepared transaction, the commit status
request), so three of these are added to the client's CPU per submit (docs/benchmark.md, "Signing in an HSM").

- **in-process**: ``client.gateway.private_key_signer`` on a P-256 key (the keystore case);
- **pkcs11**: ``client.gateway.HSMSignerFactory`` signing the same digests in the token.
  Without ``--token``, a SoftHSM2 token is made in a temporary folder for the run (``softhsm2-util``;
  SOFTHSM2_CONF names it before the module is loaded) and the in-process key is imported into it, so
  both rows sign with one key; ``--library`` may then only name SoftHSM2's module (``libsofthsm2.so``, wherever it is), and ``--key-label``,
  ``--key-id`` and ``--pin-env`` are refused (they name a key of a token given with ``--token``). With
  ``--token``, the token's key named by ``--key-label`` (or ``--key-id``) is used and the in-process row
  signs with a key of its own.

Wall time and this process's CPU time (``time.process_time``) per signature (the mean, and the wall
time's p50 and p99 over the signatures), after ``--warmup`` unmeasured ones. SoftHSM2 signs in this
process, so its CPU shows here; a network HSM's work happens elsewhere and shows in the wall time. The
last signature of each row is verified against the public key. Each row names the module and token it
signed with, and the report the machine (CPUs, CPU model, memory, Python, recfin commit, Fabric), as the other
benchmarks' do.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import click
from click.core import ParameterSource
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from cli.options import PathType, names_a_pin_variable
from cli.output import emit
from client.gateway import HSMSignerFactory, HSMSignerOptions, key_id_for, private_key_signer
from client.gateway.hsm import SOFTHSM2_LIBRARY, HSMError, import_private_key
from client.hsm_defaults import DEFAULT_PIN_ENV

from .command_options import HELP_OPTIONS, json_option, measured_counts
from .profiling import machine, machine_line
from .stats import latency_summary

SCHEMA = "recfin.bench.signing/1"
RUN_TOKEN, RUN_PIN, RUN_SO_PIN = "recfin-bench", "1234-bench", "87654321-bench"


@dataclass(frozen=True)
class Row:
    signer: str
    library: str | None     # the PKCS#11 module signed through; None for the in-process key
    token: str | None       # the token's label; None for the in-process key
    signatures: int
    wall_ms_per_signature: float    # the mean
    wall_p50_ms: float
    wall_p99_ms: float
    cpu_ms_per_signature: float


def _digests(first: int, count: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(first, first + count)]


def measure(name: str, sign: Callable[[bytes], bytes], public_key: ec.EllipticCurvePublicKey, iterations: int,
            warmup: int, *, library: str | None = None, token: str | None = None) -> Row:
    """``warmup`` unmeasured signatures, then ``iterations`` measured ones; the warm-up signs digests of its
    own, as many as asked whether or not there are more than the measured ones."""
    for digest in _digests(iterations, warmup):
        sign(digest)
    digests = _digests(0, iterations)
    each = []
    clock = time.perf_counter
    wall, cpu = clock(), time.process_time()
    for digest in digests:
        started = clock()
        signature = sign(digest)
        each.append(clock() - started)
    wall, cpu = clock() - wall, time.process_time() - cpu
    public_key.verify(signature, digests[-1], ec.ECDSA(Prehashed(hashes.SHA256())))   # raises if wrong
    spread = latency_summary(each, (50, 99))
    return Row(name, library, token, iterations, wall * 1000 / iterations, spread["p50"] * 1000,
               spread["p99"] * 1000, cpu * 1000 / iterations)


def run_token(folder: Path, key: ec.EllipticCurvePrivateKey, library: str = SOFTHSM2_LIBRARY) -> None:
    """A SoftHSM2 token in folder holding key; SOFTHSM2_CONF names it for this process. ``library`` is SoftHSM2's
    module, wherever the system put it (refuse_options_without_a_token has checked its name)."""
    missing = [what for what, absent in ((library, not Path(library).is_file()),
                                         ("softhsm2-util", shutil.which("softhsm2-util") is None)) if absent]
    if missing:
        raise click.ClickException(
            f"SoftHSM2 is not installed ({' and '.join(missing)} not found): install it (apt-get install softhsm2, "
            "which scripts/install-os-packages runs; dnf install softhsm; brew install softhsm) and give its "
            "module with --library, or name a token with --token")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(config)     # read when the module is first loaded, below
    made = subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", RUN_TOKEN, "--so-pin", RUN_SO_PIN,
                           "--pin", RUN_PIN], capture_output=True, text=True)
    if made.returncode != 0:
        said = (made.stderr or made.stdout).strip() or f"exit {made.returncode}"
        raise click.ClickException(f"softhsm2-util could not make the run's token in {folder / 'tokens'}: {said}")
    import_private_key(library, RUN_TOKEN, RUN_PIN, key)


# SoftHSM2's module is called so wherever it is installed: Debian's /usr/lib/softhsm, Fedora's and RHEL's
# /usr/lib64/pkcs11, Homebrew's lib/softhsm
SOFTHSM2_MODULE_NAME = Path(SOFTHSM2_LIBRARY).name


def is_softhsm2_module(library: str) -> bool:
    """Whether library is SoftHSM2's module, by its file name or that of the file a symlink reaches."""
    return SOFTHSM2_MODULE_NAME in (Path(library).name, Path(os.path.realpath(library)).name)


def refuse_options_without_a_token(ctx: click.Context, library: str, key_label: str | None,
                                   key_id: bytes | None) -> None:
    """Without --token the run makes a SoftHSM2 token with softhsm2-util and signs with its own key: another
    module would not see that token, and options naming a key or PIN of a given token would be ignored."""
    if not is_softhsm2_module(library):
        raise click.UsageError(
            f"--library {library} without --token: the run's own token is made with SoftHSM2's softhsm2-util, and "
            f"only SoftHSM2's module ({SOFTHSM2_MODULE_NAME}, e.g. {SOFTHSM2_LIBRARY}) sees it. Name a token of "
            f"{library} with --token, and its key with --key-label or --key-id")
    given = [f"--{name.replace('_', '-')}" for name, value in (("key_label", key_label), ("key_id", key_id))
             if value is not None]
    if ctx.get_parameter_source("pin_env") is ParameterSource.COMMANDLINE:
        given.append("--pin-env")
    if given:
        raise click.UsageError(
            f"{' and '.join(given)} without --token: {'they name' if len(given) > 1 else 'it names'} the key or PIN "
            "of a token given with --token, while without it the run makes its own token and key; add --token "
            f"or leave {'them' if len(given) > 1 else 'it'} out")


def names_a_label(_ctx, param: click.Parameter, value: str | None) -> str | None:
    """--token or --key-label: an empty or blank one, as an unset shell variable gives, names no token or key, and
    is a usage error naming the option; it was taken as a label, and the run went on to ask for a key, or to
    look for a key of no label in the token."""
    if value is not None and not value.strip():
        raise click.BadParameter(f"{value!r} names nothing (an unset shell variable?): give the "
                                 f"{'token' if param.name == 'token' else 'key'}'s label")
    return value


def hex_key_id(_ctx, _param, value: str | None) -> bytes | None:
    """--key-id as bytes; a usage error for text that is not an even number of hex digits."""
    if value is None:
        return None
    try:
        key_id = bytes.fromhex(value)
    except ValueError:
        key_id = b""
    if not key_id:
        raise click.BadParameter(f"{value!r} is not a key id in hex: give the key's CKA_ID as pairs of hex digits, "
                                 "e.g. --key-id 01a2 (pkcs11-tool --list-objects shows it as ID)")
    return key_id


@click.command("signing", context_settings=HELP_OPTIONS)
@measured_counts(2000, "Measured signatures per signer.", 50, "Unmeasured signatures first.")
@click.option("--library", type=PathType(dir_okay=False), default=SOFTHSM2_LIBRARY, show_default=True,
              help="The PKCS#11 module; without --token, SoftHSM2's libsofthsm2.so, wherever it is installed.")
@click.option("--token", default=None, callback=names_a_label,
              help="An existing token's label (default: a SoftHSM2 token made for the run).")
@click.option("--key-label", default=None, callback=names_a_label, help="With --token: the key's CKA_LABEL.")
@click.option("--key-id", default=None, callback=hex_key_id, help="With --token: the key's CKA_ID, hex.")
@click.option("--pin-env", default=DEFAULT_PIN_ENV, show_default=True, callback=names_a_pin_variable,
              help="With --token: the name of the environment variable holding the user PIN (never the PIN).")
@json_option("Print the report (machine and rows) as JSON.")
@click.pass_context
def main(ctx, iterations, warmup, library, token, key_label, key_id, pin_env, as_json) -> None:
    """Per-signature wall and CPU time: in-process key vs PKCS#11 token.

    \b
    Example:
      python -m bench.signing --iterations 5000 --json
    """
    if token is None:
        refuse_options_without_a_token(ctx, library, key_label, key_id)
        pin = RUN_PIN
    else:
        if (key_label is None) == (key_id is None):
            raise click.UsageError("with --token, name the key with one of --key-label or --key-id")
        pin = os.environ.get(pin_env)
        if pin is None:
            raise click.UsageError(f"set {pin_env} to the token's user PIN")
    try:
        rows = measure_both(library, token, key_label, key_id, pin, iterations, warmup)
    except HSMError as error:     # a wrong module, token, key or PIN: said in one line, not a traceback
        raise click.ClickException(str(error)) from None
    report = {"schema": SCHEMA, "machine": machine(), "rows": [asdict(r) for r in rows]}
    if as_json:
        emit(report, as_json=True)
        return
    click.echo(machine_line(report["machine"]))
    click.echo(f"{'signer':<12} {'signatures':>10} {'wall ms/sig':>12} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/sig':>11}")
    for r in rows:
        click.echo(f"{r.signer:<12} {r.signatures:>10} {r.wall_ms_per_signature:>12.3f} {r.wall_p50_ms:>8.3f} "
                   f"{r.wall_p99_ms:>8.3f} {r.cpu_ms_per_signature:>11.3f}")
    for r in rows:
        if r.library is not None:
            made = " (made for the run)" if token is None else ""
            click.echo(f"{r.signer}: token {r.token!r}{made} of {r.library}")


def measure_both(library: str, token: str | None, key_label: str | None, key_id: bytes | None, pin: str,
                 iterations: int, warmup: int) -> list[Row]:
    """The in-process row and the pkcs11 row; without ``token``, through a SoftHSM2 token made for the run."""
    key = ec.generate_private_key(ec.SECP256R1())
    with tempfile.TemporaryDirectory(prefix="recfin-bench-hsm-") as tmp:
        if token is None:
            run_token(Path(tmp), key, library)
            options = HSMSignerOptions(token_label=RUN_TOKEN, user_pin=pin, key_id=key_id_for(key.public_key()))
        else:
            options = HSMSignerOptions(token_label=token, user_pin=pin, key_label=key_label, key_id=key_id)
        rows = [measure("in-process", private_key_signer(key), key.public_key(), iterations, warmup)]
        with HSMSignerFactory(library) as factory, factory.new_signer(options) as signer:
            public_key = key.public_key() if token is None else signer.public_key()
            if public_key is None:
                raise click.ClickException(f"token {token!r} holds no public key beside the private one: "
                                           "the last signature cannot be verified")
            rows.append(measure("pkcs11", signer, public_key, iterations, warmup, library=library,
                                token=options.token_label))
    return rows


if __name__ == "__main__":
    sys.exit(main())
