"""`recfin bench` refuses, as a usage error naming the option (exit 2), a figure no run can take, before the network
is asked or anything is prepared: a concurrency, a number of client processes or a pool far past what a run can use
(1e23 was taken: the driver would make workers, the runner start processes, the preparation register receivables
until the machine gave out), and a gRPC option's whole number outside the C int gRPC takes (its OverflowError came
only as the channel was made, after the pools were prepared)."""
import pytest
from click.testing import CliRunner

from bench.choices import GRPC_INT_RANGE, MAX_CLIENTS, MAX_CONCURRENCY
from bench.sweep import parse_sweep
from cli.bench_commands import MAX_POOL, bench

HUGE = "99999999999999999999999"


def refused(args, tmp_path):
    result = CliRunner().invoke(bench, [*args, "--data-root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


@pytest.mark.parametrize("option, most", [("--concurrency", MAX_CONCURRENCY), ("--clients", MAX_CLIENTS),
                                          ("--pool", MAX_POOL)])
@pytest.mark.parametrize("given", ["most + 1", HUGE])
def test_a_figure_past_what_a_run_can_use_is_refused_naming_the_option_and_its_bound(option, most, given, tmp_path):
    value = str(most + 1) if given == "most + 1" else given
    output = refused(["--mode", "concurrency", option, value], tmp_path)
    assert f"Invalid value for '{option}'" in output and f"x<={most}" in output


@pytest.mark.parametrize("value", [str(GRPC_INT_RANGE[1] + 1), str(GRPC_INT_RANGE[0] - 1), HUGE])
def test_a_grpc_option_past_the_c_int_grpc_takes_is_refused_naming_it(value, tmp_path):
    output = refused(["--grpc-option", f"grpc.keepalive_time_ms={value}"], tmp_path)
    assert "Invalid value for '--grpc-option'" in output and f"grpc.keepalive_time_ms={value}" in output
    assert f"{GRPC_INT_RANGE[1]}" in output


@pytest.mark.parametrize("knob", [f"clients={MAX_CLIENTS + 1}", f"clients={HUGE}",
                                  f"grpc.keepalive_time_ms={GRPC_INT_RANGE[1] + 1}"])
def test_a_sweep_value_past_what_a_run_can_use_is_refused_as_the_option_is(knob, tmp_path):
    with pytest.raises(ValueError):
        parse_sweep(knob)
    output = refused(["-w", "register", "--knob", knob], tmp_path)
    assert "Invalid value for '--knob'" in output


def test_the_bounds_themselves_and_grpc_text_values_are_taken():
    assert parse_sweep(f"clients=1,{MAX_CLIENTS}").values == (1, MAX_CLIENTS)
    assert parse_sweep(f"grpc.keepalive_time_ms={GRPC_INT_RANGE[1]}").values == (GRPC_INT_RANGE[1],)
    assert parse_sweep("grpc.primary_user_agent=recfin-bench").values == ("recfin-bench",)


@pytest.mark.parametrize("under", ["a-file/sub", "a-file/sub/deeper", "/dev/null", "/dev/null/sub"])
def test_an_output_folder_that_cannot_be_made_is_refused_before_the_run_not_after_it(under, tmp_path, monkeypatch):
    # a file where a folder must be was found only as the first report was written: the measured run was lost
    from .test_bench_command import wire_to_a_recording_client

    runs = wire_to_a_recording_client(monkeypatch)
    (tmp_path / "a-file").write_text("not a folder")
    output = under if under.startswith("/") else str(tmp_path / under)
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.2",
                                        "--output", output])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--output'" in result.output and "no report can be written" in result.output
    assert runs == []


def test_an_output_folder_still_to_be_made_is_taken_and_made(tmp_path, monkeypatch):
    from .test_bench_command import wire_to_a_recording_client

    wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.2",
                                        "--output", str(tmp_path / "new" / "run")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "run" / "summary.json").is_file()


@pytest.mark.parametrize("under", ["n" * 300, f"{'n' * 300}/run"])
def test_an_output_folder_whose_name_the_file_system_cannot_take_is_refused_naming_the_option(under, tmp_path,
                                                                                              monkeypatch):
    # looking the path up raised ENAMETOOLONG: an error naming no option, exit 1
    from .test_bench_command import wire_to_a_recording_client

    runs = wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.2",
                                        "--output", str(tmp_path / under)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--output'" in result.output and "no report can be written" in result.output
    assert runs == [] and list(tmp_path.iterdir()) == []


def test_a_large_machines_client_processes_are_taken(tmp_path, monkeypatch):
    # 128 processes, as a 32-core machine may want (more than one per core adds load while each waits for commits),
    # were refused by a bound of 64
    from .test_bench_command import wire_to_a_recording_client

    runs = wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "--mode", "concurrency", "--concurrency", "256",
                                        "--clients", "128", "--warmup", "0", "--duration", "0.2",
                                        "--output", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    [settings] = runs
    assert settings.clients == 128 and len(settings.shares()) == 128
    assert parse_sweep("clients=1,128").values == (1, 128)
