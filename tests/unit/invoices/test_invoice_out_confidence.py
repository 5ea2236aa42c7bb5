"""`invoice read --invoice-out` records the confidence its fields were flagged below: a file read with a lower one
than the default flagged none read with less, so verify, match and register refuse it until a person has checked
every field and deleted the entry (low-confidence fields are never silently trusted)."""

import json
from pathlib import Path

from cli.invoice_commands import invoice as invoice_group

from ..cli_errors import invoke

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
SCAN = SAMPLES / "einvoice.pdf"
MATCHED = ("--po", SAMPLES / "purchase_order.csv", "--receipt", SAMPLES / "goods_receipt.csv")


def run(*args):
    return invoke(invoice_group, *args)


def test_a_file_read_below_the_default_confidence_is_refused_until_checked(tmp_path):
    out = tmp_path / "invoice.json"
    r = run("read", SCAN, "--min-confidence", "0", "--invoice-out", out)
    assert r.exit_code == 0, r.output
    assert "below the default 0.80" in r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["min_confidence"] == 0
    for args in (("verify", out, "--today", "2026-09-10"), ("match", out, *MATCHED),
                 ("register", out, *MATCHED, "--due", "2026-12-01", "--as", "supplier/supplier1")):
        refused = run(*args)
        assert refused.exit_code == 2, (args, refused.output)
        assert "min_confidence" in refused.output and "below the default 0.80" in refused.output
        assert 'delete the "min_confidence" entry' in refused.output
    # checked against the scan and the entry deleted: the file goes on
    del doc["min_confidence"]
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run("match", out, *MATCHED).exit_code == 0


def test_a_file_read_at_the_default_confidence_or_above_records_it_and_goes_on(tmp_path):
    for given, recorded in (([], 0.8), (["--min-confidence", "0.9"], 0.9)):
        out = tmp_path / f"invoice-{recorded}.json"
        r = run("read", SCAN, *given, "--invoice-out", out)
        assert r.exit_code == 0 and "below the default" not in r.output, r.output
        assert json.loads(out.read_text(encoding="utf-8"))["min_confidence"] == recorded
        assert run("match", out, *MATCHED).exit_code == 0


def test_a_threshold_that_is_no_confidence_is_refused(tmp_path):
    out = tmp_path / "invoice.json"
    assert run("read", SCAN, "--invoice-out", out).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    for odd in ("0.9", True, 2):
        out.write_text(json.dumps({**doc, "min_confidence": odd}, ensure_ascii=False), encoding="utf-8")
        refused = run("match", out, *MATCHED)
        assert refused.exit_code == 2 and "is no confidence from 0 to 1" in refused.output, refused.output


def test_a_reading_below_the_default_confidence_says_every_field_needs_a_person_not_that_it_read_well(tmp_path):
    r = run("read", SCAN, "--min-confidence", "0.1")
    assert r.exit_code == 0, r.output
    assert "READ: every field read with confidence" not in r.output
    assert "READ below the default confidence (0.10 < 0.80): no field flagged, but a person must check every " \
           "field" in r.output

    r = run("read", SCAN, "--min-confidence", "0.1", "--each")
    assert r.exit_code == 0, r.output
    assert "every field of each read with confidence" not in r.output
    assert r.output.splitlines()[-1].startswith("READ below the default confidence: 1 invoice(s), no field flagged")

    r = run("read", SCAN)
    assert r.output.splitlines()[-1] == "READ: every field read with confidence"


def test_a_threshold_the_reading_records_as_the_default_is_not_said_to_be_below_it(tmp_path):
    # below 0.8 as written, 0.8 as the float the reading records and the file's readers compare: the file goes on,
    # so nothing may say it is refused
    out = tmp_path / "invoice.json"
    r = run("read", SCAN, "--min-confidence", "0.79999999999999999999", "--invoice-out", out)
    assert r.exit_code == 0, r.output
    assert "below the default" not in r.output
    assert json.loads(out.read_text(encoding="utf-8"))["min_confidence"] == 0.8
    assert run("match", out, *MATCHED).exit_code == 0
