"""A connection profile whose TLS root certificate file is gone (a data folder copied without its crypto/, a file
removed): the line named the SDK's Python argument (``tls_root_certificates``) and told to pass "the PEM
itself (bytes, or text...)", which no command line can. It names the org's profile that points at the file and
what to do, before anything connects."""
from __future__ import annotations

from cli.main import main
from network import profiles
from network.topology import load


def test_a_missing_tls_root_names_the_profile_and_what_to_do(runner, network_copy):
    profiles.write_all(load(), network_copy)
    tls_root = profiles.load("supplier", network_copy).gateway.tls_root_cert
    tls_root.unlink()

    result = runner.invoke(main, ["receivable", "get", "R-0123456789abcdef", "--as", "supplier"])
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert str(tls_root) in line and str(network_copy / "profiles" / "supplier.json") in line, line
    assert "tls_root_certificates" not in line and "PEM itself" not in line, line
    assert "restore it" in line, line
