"""`recfin bench --pool`: refused where it leaves a workload that sends only its pool nothing to send, in the
whole run or in one of its client processes."""
import pytest
from click.testing import CliRunner

from cli.bench_commands import bench

from .test_bench_command import wire_to_a_recording_client

QUICK = ["--rate", "20", "--warmup", "0", "--duration", "0.3"]


@pytest.mark.parametrize("arguments", [["-w", "confirm", "--pool", "0"], ["-w", "transfer", "--pool", "0"],
                                       ["-w", "all", "--pool", "0"]])
def test_a_pool_of_none_is_refused_before_anything_runs(tmp_path, monkeypatch, arguments):
    """With no receivable to take, confirm and transfer would send nothing, idle through the warm-up and the
    window, and exit 0 with nothing measured."""
    runs = wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, [*arguments, *QUICK, "--output", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "'--pool': 0 is not in the range 1<=x<=" in result.output
    assert runs == [] and not (tmp_path / "out").exists()


def test_a_pool_smaller_than_the_client_processes_is_refused_where_it_is_split(tmp_path, monkeypatch):
    """A process with none would run dry at once, and the run with it: no throughput for the whole run."""
    runs = wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "confirm", "--pool", "2", "--clients", "3",
                                        "--max-in-flight", "3", *QUICK, "--output", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "--pool 2 for --clients 3" in result.output and "give --pool 3 or more" in result.output
    assert runs == []


def test_a_pool_smaller_than_the_client_processes_is_taken_where_none_is_needed(tmp_path, monkeypatch):
    """mixed registers as it goes (its seed is at least one each); the hot key's pool is each process's."""
    runs = wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "mixed", "--pool", "1", "--clients", "2",
                                        "--max-in-flight", "2", *QUICK, "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [s.pool_size for s in runs] == [1]
