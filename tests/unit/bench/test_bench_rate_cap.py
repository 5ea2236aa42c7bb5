"""`recfin bench --rate`: at most 100,000 operations per second (docs/benchmark.md, "The driver"), refused
above it before anything runs."""
import pytest
from click.testing import CliRunner

from bench.driver import RATE, Plan
from cli.bench_commands import bench


def test_a_rate_above_the_cap_is_a_usage_error_naming_the_cap_and_what_to_do(tmp_path):
    """1e300 tx/s sized a confirm pool of about 1e300 receivables and never finished; near 1e9/s every due
    time, kept to the nanosecond, rounds to 0. Refused before the network is looked at (this data root has
    none)."""
    result = CliRunner().invoke(bench, ["-w", "confirm", "--rate", "1e300", "--duration", "1",
                                        "--data-root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: Invalid value for '--rate': 1e+300 operations per second")
    assert "100,000" in error and "--rate 100000 or less" in error and "--mode concurrency" in error
    assert not any(tmp_path.iterdir())


def test_the_cap_itself_is_taken(tmp_path):
    # past the options: stopped only by the network this data root does not have
    result = CliRunner().invoke(bench, ["--rate", "100000", "--duration", "1", "--data-root", str(tmp_path)])
    assert result.exit_code == 1 and "no running network" in result.output


def test_the_driver_refuses_a_plan_above_the_cap():
    with pytest.raises(ValueError, match="rate 1e\\+300: at most 100,000 operations per second"):
        Plan(RATE, rate=1e300)
    assert Plan(RATE, rate=100_000).rate == 100_000
