"""`python -m bench.signing`: both rows measured on a real SoftHSM2 token, each row's last signature verified;
its usage errors need no token."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.profiling import MACHINE_FIELDS
from client.gateway.hsm import SOFTHSM2_LIBRARY

needs_softhsm = pytest.mark.skipif(
    not Path(SOFTHSM2_LIBRARY).is_file() or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 is not installed: apt-get install softhsm2 (scripts/install-os-packages does so as root)")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # its own process: SoftHSM2 reads the token folder the bench names once, when the module is first loaded
    return subprocess.run([sys.executable, "-m", "bench.signing", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@needs_softhsm
def test_it_measures_the_in_process_key_and_the_same_key_in_a_token():
    done = run("--iterations", "40", "--warmup", "5", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    rows = report["rows"]
    assert [r["signer"] for r in rows] == ["in-process", "pkcs11"]
    assert all(r["signatures"] == 40 and r["wall_ms_per_signature"] > 0 and r["cpu_ms_per_signature"] >= 0
               and 0 < r["wall_p50_ms"] <= r["wall_p99_ms"] for r in rows)
    # what each row signed with, and on what machine: a saved report can be checked against the docs' figures
    assert [(r["library"], r["token"]) for r in rows] == [(None, None), (SOFTHSM2_LIBRARY, "recfin-bench")]
    assert report["schema"] == "recfin.bench.signing/1"
    assert set(report["machine"]) == MACHINE_FIELDS and report["machine"]["nproc"] >= 1


@needs_softhsm
def test_the_text_names_the_machine_and_the_token_of_the_pkcs11_row():
    done = run("--iterations", "5", "--warmup", "0")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0].startswith("machine: ") and " CPUs (" in out[0] and ", Python 3." in out[0]
    assert out[1].split() == ["signer", "signatures", "wall", "ms/sig", "p50", "ms", "p99", "ms", "CPU", "ms/sig"]
    assert f"pkcs11: token 'recfin-bench' (made for the run) of {SOFTHSM2_LIBRARY}" in out


def test_an_hsm_error_is_one_error_line_not_a_traceback():
    done = run("--library", "/nonexistent/libvendor.so", "--token", "bank-hsm", "--key-id", "01",
               env={"RECFIN_HSM_PIN": "1234"})
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: PKCS#11 library /nonexistent/libvendor.so not found")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@needs_softhsm
def test_a_token_the_module_does_not_have_is_one_error_line_naming_it(tmp_path):
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    done = run("--token", "nosuch", "--key-id", "01", env={"RECFIN_HSM_PIN": "1234", "SOFTHSM2_CONF": str(config)})
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"Error: no token labelled 'nosuch' in {SOFTHSM2_LIBRARY}")
    assert "Traceback" not in done.stderr


def test_another_module_without_a_token_is_refused_before_anything_is_made():
    """The run's own token is made by SoftHSM2's softhsm2-util: a vendor's module would not see it."""
    done = run("--library", "/opt/vendor/libpkcs11.so")
    assert done.returncode == 2, done.stderr
    assert "--library /opt/vendor/libpkcs11.so without --token" in done.stderr
    assert "Name a token of /opt/vendor/libpkcs11.so with --token" in done.stderr


@needs_softhsm
def test_softhsm2s_module_installed_elsewhere_makes_the_runs_token(tmp_path):
    # Fedora and RHEL put it in /usr/lib64/pkcs11, Homebrew under its prefix: a file of its own, not a symlink
    elsewhere = tmp_path / "lib64" / "pkcs11" / "libsofthsm2.so"
    elsewhere.parent.mkdir(parents=True)
    shutil.copy(os.path.realpath(SOFTHSM2_LIBRARY), elsewhere)
    done = run("--library", str(elsewhere), "--iterations", "5", "--warmup", "0", "--json")
    assert done.returncode == 0, done.stderr
    assert [(r["library"], r["token"]) for r in json.loads(done.stdout)["rows"]] == \
        [(None, None), (str(elsewhere), "recfin-bench")]


def test_softhsm2s_module_named_where_it_is_not_is_one_error_line_naming_it():
    done = run("--library", "/nonexistent/lib64/pkcs11/libsofthsm2.so")
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: SoftHSM2 is not installed (/nonexistent/lib64/pkcs11/libsofthsm2.so ")
    assert "give its module with --library" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, named", [
    (["--key-label", "officer1"], "--key-label without --token: it names"),
    (["--key-id", "01"], "--key-id without --token: it names"),
    (["--key-label", "a", "--key-id", "01"], "--key-label and --key-id without --token: they name"),
    (["--pin-env", "BANK_PIN"], "--pin-env without --token: it names"),
])
def test_key_and_pin_options_without_a_token_are_refused_not_ignored(args, named):
    done = run(*args)
    assert done.returncode == 2, done.stderr
    assert named in done.stderr and "add --token or leave" in done.stderr


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
