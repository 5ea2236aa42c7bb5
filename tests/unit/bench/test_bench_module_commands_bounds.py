"""The benchmark's own commands (``python -m bench.<name>``) refuse, as `recfin bench` does, a figure no run can
take, naming the option, before anything runs: a measured window shorter than the nanosecond the driver and the
report count in or longer than a day, a concurrency past the driver's most, a count of transactions that would be
built up front past a million (1e23 was taken, and the arguments were made before the first was sent), and an
empty --data-root (read as the current folder)."""
import click
import pytest

from bench import client_cpu, components, sdk_roundtrip, signing
from bench.choices import MAX_CONCURRENCY
from bench.command_options import MAX_COUNT

HUGE = "99999999999999999999999"


def parse(command: click.Command, args: list[str]) -> click.Context:
    return command.make_context(command.name, list(args))   # make_context takes the list it is given apart


@pytest.mark.parametrize("args", [["--duration", "1e-10"], ["--duration", "1e308"], ["--warmup", "1e308"],
                                  ["--concurrency", HUGE], ["--concurrency", str(MAX_CONCURRENCY + 1)],
                                  ["--data-root", ""]])
def test_the_sdk_round_trip_refuses_a_figure_no_run_can_take_naming_the_option(args):
    with pytest.raises(click.BadParameter) as refused:
        parse(sdk_roundtrip.main, args)
    assert args[0] in refused.value.param.opts


@pytest.mark.parametrize("command", [client_cpu.main, components.main, signing.main], ids=lambda c: c.name)
@pytest.mark.parametrize("option", ["--iterations", "--warmup"])
def test_a_count_past_a_million_is_refused_naming_the_option(command, option):
    for value in (HUGE, str(MAX_COUNT + 1)):
        with pytest.raises(click.BadParameter) as refused:
            parse(command, [option, value])
        assert refused.value.param.name == option.lstrip("-")
    assert parse(command, [option, str(MAX_COUNT)]).params[option.lstrip("-")] == MAX_COUNT


def test_the_client_cpu_concurrency_is_bounded_as_the_drivers_is():
    with pytest.raises(click.BadParameter):
        parse(client_cpu.main, ["--concurrency", HUGE])
    assert parse(client_cpu.main, ["--concurrency", str(MAX_CONCURRENCY)]).params["concurrency"] == (MAX_CONCURRENCY,)


def test_the_invoice_reading_refuses_more_sample_pages_than_a_pdf_it_reads_holds():
    from bench import invoice_read
    from client.invoices.scan import MAX_SCAN_BYTES

    # the bound stands for the largest file read_scans takes: the copies of the sample's page must fit in it
    assert invoice_read.MAX_SAMPLE_PAGES * invoice_read.SAMPLE.stat().st_size <= MAX_SCAN_BYTES
    for option, most in (("--pages", invoice_read.MAX_SAMPLE_PAGES), ("--runs", MAX_COUNT)):
        for value in (HUGE, str(most + 1)):
            with pytest.raises(click.BadParameter) as refused:
                parse(invoice_read.main, [option, value])
            assert option in refused.value.param.opts
        assert parse(invoice_read.main, [option, str(most)]).params[option.lstrip("-")] == most


def test_the_sdk_round_trip_refuses_more_demo_runs_than_it_takes_naming_the_option():
    # unbounded, 1e23 runs of the demo were taken: the command ran until stopped, its figures printed after the last
    for value in (HUGE, str(sdk_roundtrip.MAX_DEMO_RUNS + 1)):
        with pytest.raises(click.BadParameter) as refused:
            parse(sdk_roundtrip.main, ["--demo-runs", value])
        assert "--demo-runs" in refused.value.param.opts
    most = sdk_roundtrip.MAX_DEMO_RUNS
    assert parse(sdk_roundtrip.main, ["--demo-runs", str(most)]).params["demo_runs"] == most


@pytest.mark.parametrize("args", [["--library", ""], ["--library", "   "], ["--token", ""], ["--token", "  "],
                                  ["--token", "T", "--key-label", ""]])
def test_signing_refuses_an_empty_module_token_or_key_label_naming_the_option(args):
    # an empty --library was refused as "--library  without --token", a blank where the module's name goes
    with pytest.raises(click.BadParameter) as refused:
        parse(signing.main, args)
    assert args[-2] in refused.value.param.opts
    assert "without --token" not in refused.value.format_message()


def test_signing_refuses_a_folder_as_the_module(tmp_path):
    with pytest.raises(click.BadParameter) as refused:
        parse(signing.main, ["--library", str(tmp_path)])
    assert "--library" in refused.value.param.opts


def test_signing_takes_a_module_by_its_name_alone_as_the_loader_finds_one():
    assert parse(signing.main, ["--library", "libsofthsm2.so"]).params["library"] == "libsofthsm2.so"
