"""`python -m bench.signing`: both rows measured on a real SoftHSM2 token, each row's last signature verified;
its usage errors need no token."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from client.gateway.hsm import SOFTHSM2_LIBRARY

needs_softhsm = pytest.mark.skipif(
    not Path(SOFTHSM2_LIBRARY).is_file() or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 is not installed: apt-get install softhsm2 (scripts/install-os-packages does so as root)")


def run(*args: str) -> subprocess.CompletedProcess:
    # its own process: SoftHSM2 reads the token folder the bench names once, when the module is first loaded
    return subprocess.run([sys.executable, "-m", "bench.signing", *args], capture_output=True, text=True, timeout=120)


@needs_softhsm
def test_it_measures_the_in_process_key_and_the_same_key_in_a_token():
    done = run("--iterations", "40", "--warmup", "5", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["signer"] for r in rows] == ["in-process", "pkcs11"]
    assert all(r["signatures"] == 40 and r["wall_ms_per_signature"] > 0 and r["cpu_ms_per_signature"] >= 0
               for r in rows)


def test_a_named_token_needs_its_key_and_pin():
    done = run("--token", "bank-hsm")
    assert done.returncode == 2 and "name the key with one of --key-label or --key-id" in done.stderr
    done = run("--token", "bank-hsm", "--key-label", "officer1", "--pin-env", "RECFIN_TEST_UNSET_PIN")
    assert done.returncode == 2 and "set RECFIN_TEST_UNSET_PIN to the token's user PIN" in done.stderr


def test_help_has_an_example():
    done = run("--help")
    assert done.returncode == 0 and "python -m bench.signing --iterations 5000 --json" in done.stdout


@pytest.mark.parametrize("key_id", ["zz", "1", "0x01", ""])
def test_a_key_id_that_is_not_hex_is_a_usage_error_saying_how_to_write_one(key_id):
    done = run("--token", "bank-hsm", "--key-id", key_id)
    assert done.returncode == 2, done.stderr
    assert f"Invalid value for '--key-id': {key_id!r} is not a key id in hex" in done.stderr
    assert "e.g. --key-id 01a2" in done.stderr and "Traceback" not in done.stderr
