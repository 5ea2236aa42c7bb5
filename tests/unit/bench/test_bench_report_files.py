"""`recfin bench`'s report files: never mixed with an earlier run's in one --output folder (refused there
unless --replace, which removes them), and each written whole or not at all."""
import errno
import io
import json

import pytest
from click.testing import CliRunner

from bench.report import build, write_json
from cli.bench_commands import bench

from .test_bench_command import wire_to_a_recording_client
from .test_report import a_run

QUICK = ["--rate", "20", "--warmup", "0", "--duration", "0.3"]


def files_in(folder):
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_an_output_folder_with_an_earlier_runs_reports_is_refused_before_anything_runs(tmp_path, monkeypatch):
    runs = wire_to_a_recording_client(monkeypatch)
    first = CliRunner().invoke(bench, ["-w", "register", "-w", "confirm", *QUICK, "--output", str(tmp_path)])
    assert first.exit_code == 0, first.output
    before = files_in(tmp_path)

    second = CliRunner().invoke(bench, ["-w", "register", *QUICK, "--output", str(tmp_path)])
    assert second.exit_code == 2, second.output
    assert "holds the reports of an earlier run" in second.output and "--replace" in second.output
    assert "bench-confirm.json" in second.output
    assert files_in(tmp_path) == before            # nothing replaced, nothing added
    assert len(runs) == 2                          # the first run's two workloads: the second ran none


def test_replace_removes_the_earlier_runs_reports_so_none_reads_as_part_of_this_run(tmp_path, monkeypatch):
    wire_to_a_recording_client(monkeypatch)
    first = CliRunner().invoke(bench, ["-w", "register", "-w", "confirm", *QUICK, "--output", str(tmp_path)])
    assert first.exit_code == 0, first.output

    second = CliRunner().invoke(bench, ["-w", "register", *QUICK, "--output", str(tmp_path), "--replace"])
    assert second.exit_code == 0, second.output
    assert not (tmp_path / "bench-confirm.json").exists()
    assert set(json.loads((tmp_path / "summary.json").read_text())["workloads"]) == {"register"}
    assert "removed the earlier run's 4 report file(s)" in second.output


class HalfWritten:
    """A file whose write stores half of what it is given, then fails as a full disk does."""

    def __init__(self, file):
        self.file = file

    def write(self, data):
        self.file.write(data[:len(data) // 2])
        self.file.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def __getattr__(self, name):
        return getattr(self.file, name)


def test_a_report_that_cannot_be_written_whole_leaves_the_earlier_one_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "bench-register.json"
    earlier = build(a_run(), workload="register", client="python", cpu_usage={}, process_kinds={})
    write_json(earlier, path)
    kept = path.read_bytes()

    real_open = io.open

    def disk_full_in(folder):
        def opened(file, mode="r", *args, **kwargs):
            handle = real_open(file, mode, *args, **kwargs)
            written_here = "w" in mode and str(file).startswith(str(folder))
            return HalfWritten(handle) if written_here else handle
        return opened

    monkeypatch.setattr(io, "open", disk_full_in(tmp_path))
    monkeypatch.setattr("builtins.open", disk_full_in(tmp_path))
    with pytest.raises(OSError, match="No space left"):
        write_json({**earlier, "workload": "confirm"}, path)
    monkeypatch.undo()
    assert path.read_bytes() == kept
    assert [p.name for p in tmp_path.iterdir()] == ["bench-register.json"]     # no temporary file left either
