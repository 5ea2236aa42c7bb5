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
  both rows sign with one key. With ``--token``, the token's key named by ``--key-label`` (or
  ``--key-id``) is used and the in-process row signs with a key of its own.

Wall time and this process's CPU time (``time.process_time``) per signature, after ``--warmup``
unmeasured ones. SoftHSM2 signs in this process, so its CPU shows here; a network HSM's work happens
elsewhere and shows in the wall time. The last signature of each row is verified against the public key.
"""
from __future__ import annotations

import hashlib
import json
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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from client.gateway import HSMSignerFactory, HSMSignerOptions, key_id_for, private_key_signer
from client.gateway.hsm import SOFTHSM2_LIBRARY, import_private_key

RUN_TOKEN, RUN_PIN, RUN_SO_PIN = "recfin-bench", "1234-bench", "87654321-bench"


@dataclass(frozen=True)
class Row:
    signer: str
    signatures: int
    wall_ms_per_signature: float
    cpu_ms_per_signature: float


def measure(name: str, sign: Callable[[bytes], bytes], public_key: ec.EllipticCurvePublicKey, iterations: int,
            warmup: int) -> Row:
    digests = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(iterations)]
    for digest in digests[:warmup]:
        sign(digest)
    wall, cpu = time.perf_counter(), time.process_time()
    for digest in digests:
        signature = sign(digest)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    public_key.verify(signature, digests[-1], ec.ECDSA(Prehashed(hashes.SHA256())))   # raises if wrong
    return Row(name, iterations, wall * 1000 / iterations, cpu * 1000 / iterations)


def run_token(folder: Path, key: ec.EllipticCurvePrivateKey) -> None:
    """A SoftHSM2 token in folder holding key; SOFTHSM2_CONF names it for this process."""
    if not Path(SOFTHSM2_LIBRARY).is_file() or shutil.which("softhsm2-util") is None:
        raise click.ClickException(f"SoftHSM2 is not installed ({SOFTHSM2_LIBRARY}, softhsm2-util): apt-get install "
                                   "softhsm2 (scripts/install-os-packages), or name a token with --token")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(config)     # read when the module is first loaded, below
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", RUN_TOKEN, "--so-pin", RUN_SO_PIN,
                    "--pin", RUN_PIN], check=True, capture_output=True)
    import_private_key(SOFTHSM2_LIBRARY, RUN_TOKEN, RUN_PIN, key)


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


@click.command("signing", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--iterations", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Measured signatures per signer.")
@click.option("--warmup", type=click.IntRange(min=0), default=50, show_default=True,
              help="Unmeasured signatures first.")
@click.option("--library", default=SOFTHSM2_LIBRARY, show_default=True, help="The PKCS#11 module.")
@click.option("--token", default=None, help="An existing token's label (default: a SoftHSM2 token made for the run).")
@click.option("--key-label", default=None, help="With --token: the key's CKA_LABEL.")
@click.option("--key-id", default=None, callback=hex_key_id, help="With --token: the key's CKA_ID, hex.")
@click.option("--pin-env", default="RECFIN_HSM_PIN", show_default=True,
              help="With --token: the environment variable holding the user PIN.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def main(iterations, warmup, library, token, key_label, key_id, pin_env, as_json) -> None:
    """Per-signature wall and CPU time: in-process key vs PKCS#11 token.

    \b
    Example:
      python -m bench.signing --iterations 5000 --json
    """
    key = ec.generate_private_key(ec.SECP256R1())
    with tempfile.TemporaryDirectory(prefix="recfin-bench-hsm-") as tmp:
        if token is None:
            run_token(Path(tmp), key)
            options = HSMSignerOptions(token_label=RUN_TOKEN, user_pin=RUN_PIN, key_id=key_id_for(key.public_key()))
        else:
            if (key_label is None) == (key_id is None):
                raise click.UsageError("with --token, name the key with one of --key-label or --key-id")
            pin = os.environ.get(pin_env)
            if pin is None:
                raise click.UsageError(f"set {pin_env} to the token's user PIN")
            options = HSMSignerOptions(token_label=token, user_pin=pin, key_label=key_label,
                                       key_id=key_id)
        rows = [measure("in-process", private_key_signer(key), key.public_key(), iterations, warmup)]
        with HSMSignerFactory(library) as factory, factory.new_signer(options) as signer:
            public_key = key.public_key() if token is None else signer.public_key()
            if public_key is None:
                raise click.ClickException(f"token {token!r} holds no public key beside the private one: "
                                           "the last signature cannot be verified")
            rows.append(measure("pkcs11", signer, public_key, iterations, warmup))
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], indent=2))
        return
    click.echo(f"{'signer':<12} {'signatures':>10} {'wall ms/sig':>12} {'CPU ms/sig':>11}")
    for r in rows:
        click.echo(f"{r.signer:<12} {r.signatures:>10} {r.wall_ms_per_signature:>12.3f} {r.cpu_ms_per_signature:>11.3f}")


if __name__ == "__main__":
    sys.exit(main())
