"""OCR field accuracy and time per page on the scans the tests render, field by field.

    python -m tests.unit.invoices.ocr_accuracy                    # every corpus, every variant
    python -m tests.unit.invoices.ocr_accuracy --corpus old --variant png --json

The corpora and variants are test_scan's (``test_ocr_field_accuracy_is_measured_and_reported`` asserts their
totals): each invoice rendered as a clean PNG, a degraded JPEG and an image-only PDF, one page each, read by
``read_scan`` and compared with the truth by ``field_accuracy`` (each header field, and each item line whole) and
``cell_accuracy`` (each cell of an item line). For each field: how often it was read right, and how often it was
wrong without being flagged (a wrong field a person is not asked to check). Time per page: wall time of
``read_scan``, and the CPU time of this process and of tesseract, which runs as a child process.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import click

from client.invoices import read_scan
from client.invoices.scan import cell_accuracy, field_accuracy

from .test_scan import CORPUS, NEW_CORPUS, NEW_SCALE, SPACED_CORPUS, VARIANTS, WRAPPED_CORPUS

CORPORA = {"old": (CORPUS, {}), "new": (NEW_CORPUS, {"scale": NEW_SCALE}), "wrapped": (WRAPPED_CORPUS, {}),
           "spaced": (SPACED_CORPUS, {})}


def field_kind(name: str) -> str:
    """A field's name without its line's index: ``lines[2].unit`` is ``lines[].unit``."""
    return re.sub(r"\[\d+\]", "[]", name)


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process and of its children that have ended (tesseract), in seconds."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def measure(corpora: list[str], variants: list[str], folder: Path) -> dict:
    right: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])   # field: [right, read, wrong and not flagged]
    pages = []
    for corpus in corpora:
        invoices, layout = CORPORA[corpus]
        for i, inv in enumerate(invoices):
            for variant in variants:
                path = VARIANTS[variant](inv, folder / f"{corpus}{i}", **layout)
                wall, (own, children) = time.perf_counter(), cpu_seconds()
                result = read_scan(path)
                (own_after, children_after) = cpu_seconds()
                pages.append({"scan": f"{corpus}{i}-{variant}", "wall_s": time.perf_counter() - wall,
                              "cpu_s": own_after - own, "tesseract_cpu_s": children_after - children})
                for name, ok in {**field_accuracy(inv, result), **cell_accuracy(inv, result)}.items():
                    reading = result.fields.get(name) or result.fields.get(name.split(".")[0]) \
                        or result.fields.get("lines")
                    tally = right[field_kind(name)]
                    tally[0] += ok
                    tally[1] += 1
                    tally[2] += not ok and not (reading is not None and reading.flagged)
    walls = [p["wall_s"] for p in pages]
    return {"fields": {name: {"right": r, "read": n, "wrong_not_flagged": w} for name, (r, n, w) in right.items()},
            "pages": pages,
            "per_page": {"wall_median_s": statistics.median(walls), "wall_max_s": max(walls),
                         "cpu_median_s": statistics.median(p["cpu_s"] for p in pages),
                         "tesseract_cpu_median_s": statistics.median(p["tesseract_cpu_s"] for p in pages)}}


def report_lines(report: dict) -> list[str]:
    out = [f"{'field':<22} {'right':>9} {'%':>6} {'wrong, not flagged':>19}"]
    for name, row in report["fields"].items():
        out.append(f"{name:<22} {row['right']:>4}/{row['read']:<4} {row['right'] / row['read']:>6.1%} "
                   f"{row['wrong_not_flagged']:>19}")
    per_page = report["per_page"]
    pages = len(report["pages"])
    out.append(f"{pages} page{'' if pages == 1 else 's'}: wall {per_page['wall_median_s']:.2f} s a page (median; slowest "
               f"{per_page['wall_max_s']:.2f} s), CPU {per_page['cpu_median_s']:.2f} s here and "
               f"{per_page['tesseract_cpu_median_s']:.2f} s in tesseract (medians)")
    return out


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus", "corpora", multiple=True, type=click.Choice(list(CORPORA)),
              help="a corpus to read (repeatable) [default: all]")
@click.option("--variant", "variants", multiple=True, type=click.Choice(list(VARIANTS)),
              help="a rendering of each invoice to read (repeatable) [default: all]")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def main(corpora: tuple[str, ...], variants: tuple[str, ...], as_json: bool) -> None:
    """Read the rendered scans by OCR: each field's accuracy, and the time a page takes."""
    with tempfile.TemporaryDirectory(prefix="recfin-ocr-accuracy-") as folder:
        report = measure(list(corpora or CORPORA), list(variants or VARIANTS), Path(folder))
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if as_json else "\n".join(report_lines(report)))


if __name__ == "__main__":
    main()
