"""The --help of a business command says what each option takes as the command takes it: the unit of a rate, that
an option is repeatable, and the date a history file is scored as of. Each case pairs the help's words with the
behaviour they describe, so the two cannot drift apart."""
from datetime import date, timedelta

from click.testing import CliRunner

from cli.main import main
from client.risk import ReceivableHistory

from ..risk.risk_helpers import DEBTOR, lifecycle


def option_help(command: list[str], option: str) -> str:
    """The help of ``option`` of ``command``, on one line."""
    output = CliRunner().invoke(main, [*command, "--help"], terminal_width=400).output
    return next(line for line in output.splitlines() if line.strip().startswith(option))


def test_discount_publish_says_its_rates_are_decimal_fractions_and_that_receivable_repeats(monkeypatch):
    assert "a decimal fraction" in option_help(["discount", "publish"], "--apr RATE")
    assert "a decimal fraction" in option_help(["discount", "publish"], "--tier DAYS:APR")
    receivable = option_help(["discount", "publish"], "--receivable RECEIVABLE_ID")
    assert "(repeatable)" in receivable and "every confirmed payable" in receivable
    # and it is: each --receivable given is one the offer lists
    from cli import connection

    sent = []

    class Stop(Exception):
        pass

    def publish(request, request_id=None):
        sent.append(request.receivable_ids)
        raise Stop

    class Session:
        client = type("Client", (), {"publish_discount_offer": staticmethod(publish)})()

    from contextlib import contextmanager

    @contextmanager
    def open_session(*_args, **_kwargs):
        yield Session()

    monkeypatch.setattr(connection, "open_session", open_session)
    monkeypatch.setattr(connection, "note_caller", lambda *_a, **_k: None)
    later = (date.today() + timedelta(days=30)).isoformat()
    CliRunner().invoke(main, ["discount", "publish", "--apr", "0.05", "--expires", later, "--receivable",
                              "R-0123456789abcdef", "--receivable", "R-0123456789abcdef.1"])
    assert sent == [["R-0123456789abcdef", "R-0123456789abcdef.1"]]


def test_quote_history_help_names_the_date_a_file_read_from_the_ledger_is_scored_as_of(tmp_path):
    assert "read_as_of" in option_help(["finance", "quote"], "--history FILE")
    # a file read from the ledger on a day after its last event is scored as of that day, not the event's
    read_as_of = date(2026, 6, 30)
    path = tmp_path / "history.json"
    events = lifecycle("C0", date(2026, 1, 2), date(2026, 3, 2), paid=date(2026, 3, 2))
    path.write_text(ReceivableHistory(debtor=DEBTOR, read_as_of=read_as_of, events=events).model_dump_json())
    result = CliRunner().invoke(main, ["finance", "quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                       "2026-09-30", "--on", read_as_of.isoformat(), "--history", str(path),
                                       "--debtor", DEBTOR, "--json"])
    assert result.exit_code == 0, result.output
    import json
    assert json.loads(result.stdout)["scored_as_of"] == read_as_of.isoformat()


def test_party_bind_and_unbind_say_they_take_one_identity_and_refuse_none_or_two():
    for command in (["party", "bind"], ["party", "unbind"]):
        assert "Give it or --client-id, not both" in option_help(command, "--client USER")
        for given in ([], ["--client", "supplier3", "--client-id", "x509::CN=a::CN=b"]):
            result = CliRunner().invoke(main, [*command, "91310000MA1K00002C", "--as", "supplier/admin", *given])
            assert result.exit_code == 2 and "give exactly one of --client USER or --client-id ID" in result.output
    assert "At least one --client or --client-id" in option_help(["party", "register"], "--client USER")
