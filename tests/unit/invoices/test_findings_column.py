"""`invoice verify` (and `attest`) print each finding's message in one column, past the longest check name: a source
check such as source.registry.seller.established is longer than any of the invoice's own."""
from ._samples import BUYER, SELLER
from .test_cli import SAMPLES, run

FINDING = ("  PASS  ", "  FAIL  ", "  SKIP  ")


def test_every_message_starts_one_space_past_the_longest_check_name():
    r = run("verify", SAMPLES / "einvoice.json", "--today", "2026-09-10", "--debtor", BUYER.tax_id,
            "--supplier", SELLER.tax_id, "--reference-sources")
    assert r.exit_code == 0, r.output
    lines = [line for line in r.output.splitlines() if line.startswith(FINDING)]
    checks = [line[len(FINDING[0]):].split(" ", 1)[0] for line in lines]
    longest = max(map(len, checks))
    assert longest > 24 and "source.registry.seller.established" in checks
    message_at = len(FINDING[0]) + longest + 1
    for line in lines:
        assert line[message_at - 1] == " " and line[message_at] != " ", line
