"""`python -m bench.invoice_read`'s text table: its figures' unit, and its title's counts."""
from bench.invoice_read import text_report


def test_the_invoice_reading_table_says_its_figures_are_seconds():
    times = {"wall": {"best_s": 1.25, "median_s": 1.5}, "cpu": {"best_s": 1.0, "median_s": 1.125}}
    report = {"file": "x.pdf", "pages": 2, "invoices": 1, "copies": 0, "runs": 3, "read_scans": times,
              "stages": {"open": times}, "machine": {"nproc": 2, "cpu_model": "AMD EPYC", "python": "3.11.7"}}
    machine, _title, header, whole, stage = text_report(report)
    assert machine == "machine: 2 CPUs (AMD EPYC), Python 3.11.7"
    assert header.split() == ["wall", "best", "s", "median", "s", "CPU", "best", "s", "median", "s"]
    assert whole.split() == ["read_scans", "1.250", "1.500", "1.000", "1.125"]
    assert stage.split() == ["open", "1.250", "1.500", "1.000", "1.125"]


def test_the_title_counts_one_page_invoice_copy_and_run_in_the_singular():
    times = {"wall": {"best_s": 1.0, "median_s": 1.0}, "cpu": {"best_s": 1.0, "median_s": 1.0}}
    report = {"file": "x.pdf", "pages": 1, "invoices": 1, "copies": 1, "runs": 1, "read_scans": times,
              "stages": {}, "machine": {"nproc": 2, "cpu_model": "AMD EPYC", "python": "3.11.7"}}
    assert text_report(report)[1] == "x.pdf: 1 page, 1 invoice read (and 1 further copy); best and median of 1 run"
    report.update(pages=2, invoices=2, copies=399, runs=3)
    assert text_report(report)[1] == ("x.pdf: 2 pages, 2 invoices read (and 399 further copies); "
                                      "best and median of 3 runs")
