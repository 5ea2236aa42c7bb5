"""`recfin invoice read` of a damaged PDF prints what the reading found, and none of pypdf's own warnings ("Got
invalid hex string ... (b'6jE5')") on stderr: with no handler set up, Python prints a library's warnings there
itself. The SDK holds pypdf's logger above CRITICAL while it reads a PDF, and that alone keeps them out: the CLI
sets up nothing of its own for it. Run as a process, so that Python's own last-resort handler, which pytest's
log capture stands in front of, is the one that would print them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_pypdf_logs_kept_from_the_caller import with_a_digit_mapped_to_bad_hex

pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[3]


def test_a_damaged_pdf_read_through_the_cli_prints_no_pypdf_warning(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(with_a_digit_mapped_to_bad_hex())
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    ran = subprocess.run([sys.executable, "-m", "cli", "invoice", "read", str(path), "--no-image-check"],
                         cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 1, (ran.stdout, ran.stderr)   # read, its number missing a digit flagged
    assert "FLAGGED" in ran.stdout or "flagged" in ran.stdout, ran.stdout
    assert "hex" not in ran.stderr and "6jE5" not in ran.stderr, ran.stderr
    assert ran.stderr == "", ran.stderr
