"""How long reading a many-page PDF of invoices takes, and where the time goes.

    python -m bench.invoice_read                              # the shipped sample's page 400 times, 3 runs
    python -m bench.invoice_read invoices.pdf --runs 5        # a PDF of your own
    python -m bench.invoice_read --pages 100 --profile 25 --json

What is timed is ``client.invoices.read_scans`` on a PDF with a text layer, as ``recfin invoice read --each``
calls it, and, on separate passes, its stages: opening the file (``PdfReader``), the text layer
(``_pdf_text.text_layer``: pypdf's text extraction and the characters' places), the check whether that layer is
a scanner's (``_pdf_text.scanned_layer``, following each page's drawing operators), and reading the fields of
each invoice the lines print (``scan._results``). The stages share one ``PageContents``, as ``read_scans`` does.
Wall time and this process's CPU time (``time.process_time``), best and median over ``--runs``.

Without a PDF, one is made of the shipped sample (``client/invoices/reference_data/samples/einvoice.pdf``)
printed ``--pages`` times, each page with objects of its own, as pages of a file of many invoices have: the
file is read as that invoice printed once and then again on every further page (``copies``), each copy read and
compared as a further invoice is. A PDF of the pages a tax platform exports for many invoices reads the same way,
page by page.
"""
from __future__ import annotations

import cProfile
import io
import json
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bench.command_options import HELP_OPTIONS, MAX_COUNT, json_option, profile_option
from cli.options import WholeNumberRange
from bench.profiling import machine, machine_line, profile_lines, top_functions
from client.invoices import InvoiceError, read_scans
from client.invoices._pdf_text import PageContents, scanned_layer, text_layer
from client.invoices.scan import DEFAULT_MIN_CONFIDENCE, _results

SAMPLE = Path(__file__).resolve().parents[1] / "client" / "invoices" / "reference_data" / "samples" / "einvoice.pdf"
MAX_SAMPLE_PAGES = 10_000
"""The most copies of the sample's page (25 KB each) in the file made for the run: about the largest PDF read_scans
reads (MAX_SCAN_BYTES, 256 MiB). Every copy is held in memory until the file is written, so a figure far past it
(1e23 was taken) filled memory before anything was read."""


def sample_pages_pdf(pages: int, path: Path) -> Path:
    """The sample invoice's page ``pages`` times in one PDF. Each copy comes from a reader of its own, kept until the
    file is written, so that no page shares its content stream with another: a stream pages share is parsed once,
    which would make the file quicker to read than one of that many invoices."""
    from pypdf import PdfReader, PdfWriter

    data = SAMPLE.read_bytes()
    readers = [PdfReader(io.BytesIO(data)) for _ in range(pages)]
    writer = PdfWriter()
    for reader in readers:
        writer.add_page(reader.pages[0])
    with path.open("wb") as out:
        writer.write(out)
    return path


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """What ``work`` returns, its wall time and this process's CPU time, in seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def stages(path: Path) -> dict[str, tuple[float, float]]:
    """Each stage of reading the PDF, run as ``read_scans`` runs it: (wall s, CPU s) by stage."""
    from pypdf import PdfReader

    data = path.read_bytes()
    contents = PageContents()
    reader, *opening = timed(lambda: PdfReader(io.BytesIO(data)))
    (_, lines), *layer = timed(lambda: text_layer(reader.pages, contents))
    _, *check = timed(lambda: scanned_layer(reader.pages, contents))
    _, *fields = timed(lambda: _results(str(path), "text-layer", lines, DEFAULT_MIN_CONFIDENCE))
    return {"open": tuple(opening), "text_layer": tuple(layer), "scanned_layer": tuple(check),
            "fields": tuple(fields)}


def summary(runs: list[float]) -> dict[str, float]:
    return {"best_s": round(min(runs), 3), "median_s": round(statistics.median(runs), 3)}


def not_a_text_layer_pdf(path: Path, why: str) -> click.BadParameter:
    return click.BadParameter(f"{path}: {why}; what is timed is reading a PDF's text layer, so give a PDF with a "
                              "text layer (as invoicing software or the tax platform exports it)", param_hint="PDF")


def measure_pdf(path: Path, runs: int, profile: int) -> dict[str, Any]:
    """:func:`measure` of a PDF given on the command line, refused before or at its first reading when it is none
    this benchmark can time: an image would be read by OCR (and then fail the stages, which open it as a PDF), and
    a damaged PDF or one without an invoice in its text layer fails ``read_scans`` itself."""
    with path.open("rb") as file:
        if file.read(4) != b"%PDF":
            raise not_a_text_layer_pdf(path, "not a PDF")
    try:
        return measure(path, runs, profile)
    except InvoiceError as refusal:   # MalformedInput names the file itself: say only what was wrong with it
        raise not_a_text_layer_pdf(path, getattr(refusal, "problem", str(refusal))) from None


def measure(path: Path, runs: int, profile: int, name: str | None = None) -> dict[str, Any]:
    """The report: the file (``name``, else its path), each stage's and the whole reading's times, and optionally a
    profile of one reading."""
    from pypdf import PdfReader

    whole_wall, whole_cpu = [], []
    by_stage: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        results, wall, cpu = timed(lambda: read_scans(path))
        whole_wall.append(wall)
        whole_cpu.append(cpu)
        for stage, figures in stages(path).items():
            by_stage.setdefault(stage, []).append(figures)
    report: dict[str, Any] = {
        "file": name or str(path), "pages": len(PdfReader(path).pages), "invoices": len(results),
        "copies": sum(len(r.fields["copies"].value.split(", ")) for r in results if "copies" in r.fields),
        "runs": runs, "read_scans": {"wall": summary(whole_wall), "cpu": summary(whole_cpu)},
        "stages": {stage: {"wall": summary([w for w, _ in figures]), "cpu": summary([c for _, c in figures])}
                   for stage, figures in by_stage.items()},
        "machine": machine(),
    }
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(read_scans, path)
        report["profile"] = top_functions(pstats.Stats(profiler), profile)
    return report


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def text_report(report: dict[str, Any]) -> list[str]:
    copies = report["copies"]
    out = [machine_line(report["machine"]),
           f"{report['file']}: {_counted(report['pages'], 'page', 'pages')}, "
           f"{_counted(report['invoices'], 'invoice', 'invoices')} read"
           + (f" (and {_counted(copies, 'further copy', 'further copies')})" if copies else "")
           + f"; best and median of {_counted(report['runs'], 'run', 'runs')}",
           f"{'':<16} {'wall best s':>12} {'median s':>9} {'CPU best s':>11} {'median s':>9}"]
    rows = [("read_scans", report["read_scans"])] + [(f"  {name}", row) for name, row in report["stages"].items()]
    for name, row in rows:
        out.append(f"{name:<16} {row['wall']['best_s']:>12.3f} {row['wall']['median_s']:>9.3f} "
                   f"{row['cpu']['best_s']:>11.3f} {row['cpu']['median_s']:>9.3f}")
    if "profile" in report:
        out.extend(profile_lines("read_scans", report["profile"]))
    return out


@click.command("invoice_read", context_settings=HELP_OPTIONS)
@click.argument("pdf", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pages", type=WholeNumberRange(min=1, max=MAX_SAMPLE_PAGES), default=400, show_default=True,
              help=f"Without PDF: how many times the sample's page is printed in the file made for the run, at most "
                   f"{MAX_SAMPLE_PAGES:,}.")
@click.option("--runs", type=WholeNumberRange(min=1, max=MAX_COUNT), default=3, show_default=True,
              help="Measured readings (each followed by a reading stage by stage).")
@profile_option("After the measured runs, a profiled reading: the top N functions by cumulative time.")
@json_option("Print the report as JSON.")
def main(pdf: Path | None, pages: int, runs: int, profile: int, as_json: bool) -> None:
    """Time reading a PDF of invoices (read_scans), whole and stage by stage: opening it, its text layer,
    the check whether that layer is a scanner's, and reading each invoice's fields.

    \b
    Example:
      python -m bench.invoice_read
      python -m bench.invoice_read invoices.pdf --runs 5 --profile 25
      python -m bench.invoice_read --pages 100 --json
    """
    with tempfile.TemporaryDirectory(prefix="recfin-bench-invoices-") as folder:
        if pdf is not None:
            report = measure_pdf(pdf, runs, profile)
        else:
            made = sample_pages_pdf(pages, Path(folder) / "sample.pdf")
            report = measure(made, runs, profile, name=f"the sample's page {pages} times")
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for line in text_report(report):
        click.echo(line)


if __name__ == "__main__":
    main()
