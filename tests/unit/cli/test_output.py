import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import output
from cli.output import as_typed, display_width, emit, emit_report, on_one_line, one_line, read_json_file, reports_errors, table
from network.errors import TopologyError


@dataclass
class Row:
    name: str
    pid: int | None
    healthy: bool
    log: Path


def test_table_aligns_and_shows_none_and_booleans():
    out = table([{"name": "peer0.bank", "pid": None, "healthy": True}, {"name": "o", "pid": 12, "healthy": False}],
                ["name", "pid", "healthy"])
    assert out.splitlines() == ["NAME        PID  HEALTHY", "peer0.bank  -    yes", "o           12   no"]


def test_a_column_of_chinese_names_is_as_wide_as_they_show_and_the_next_column_stays_aligned():
    """A CJK character (East Asian width W or F) takes two columns of a terminal: padded by characters, a row with
    a Chinese name had its later columns pushed right by one place per character."""
    out = table([{"from": "招商银行深圳分行", "rate": "3.10%"}, {"from": "bank-a", "rate": "3.20%"},
                 {"from": "ＡＢＣ", "rate": "3.30%"}], ["from", "rate"])
    assert out.splitlines() == ["FROM              RATE",
                                "招商银行深圳分行  3.10%",
                                "bank-a            3.20%",
                                "ＡＢＣ            3.30%"]


def test_display_width_counts_wide_characters_twice_and_combining_marks_not_at_all():
    assert [display_width(text) for text in ("abc", "银行", "ＡＢ", "e\u0301", "\u3000", "")] == [3, 4, 4, 1, 2, 0]


def test_a_value_the_user_gave_is_shown_as_a_ledger_value_is_one_rule_for_both():
    assert as_typed is on_one_line
    assert as_typed(Path("/tmp/a b.json")) == "/tmp/a b.json"
    assert as_typed("张\u3000三") == "张\u3000三"                 # a full-width space breaks no line
    assert as_typed("bank\nError: forged") == repr("bank\nError: forged")
    assert as_typed("a\u202eb") == repr("a\u202eb")               # a right-to-left override would reorder the line


@pytest.mark.parametrize("edge", ["SYN-DEBTOR-0007\u3000", "SYN-DEBTOR-0007\u00a0", " SYN-DEBTOR-0007", "x "])
def test_a_value_beginning_or_ending_with_a_space_is_quoted_so_the_space_shows(edge):
    """"holds the history of SYN-DEBTOR-0007, not SYN-DEBTOR-0007　" told the user X is not X."""
    assert as_typed(edge) == repr(edge)


def test_a_debtor_given_with_a_trailing_full_width_space_is_named_so_in_the_refusal():
    from cli.main import main
    history = str(Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json")
    result = CliRunner().invoke(main, ["risk", "score", "SYN-DEBTOR-0007\u3000", "--history", history])
    assert result.exit_code != 0
    assert repr("SYN-DEBTOR-0007\u3000") in result.output


def test_risk_score_reads_its_as_of_date_as_every_date_option_does():
    from cli.main import main
    history = str(Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json")
    for wrong in ("2026-3-2", "２０２６-11-30", "2026W481"):
        result = CliRunner().invoke(main, ["risk", "score", "SYN-DEBTOR-0007", "--history", history, "--as-of", wrong])
        assert result.exit_code == 2 and "Invalid value for '--as-of'" in result.output, (wrong, result.output)


def test_lists_and_records_show_as_key_values_in_tables_and_record_lines_and_unchanged_in_json(capsys):
    record = {"scale": [{"min_days_early": 30, "apr": "0.04"}, {"min_days_early": 60, "apr": "0.05"}],
              "children": ["R-1.1", "R-1.2"], "terms": {"fees": 100, "days": [30]}}
    emit(record, as_json=False)
    assert capsys.readouterr().out.splitlines() == [
        "scale: [{min_days_early=30, apr=0.04}, {min_days_early=60, apr=0.05}]",
        "children: [R-1.1, R-1.2]",
        "terms: {fees=100, days=[30]}"]
    assert table([record], ["children"]).splitlines() == ["CHILDREN", "[R-1.1, R-1.2]"]
    emit(record, as_json=True)
    assert json.loads(capsys.readouterr().out) == record


def test_emit_json_of_dataclasses(capsys):
    emit([Row("a", None, False, Path("/x/a.log"))], as_json=True)
    assert json.loads(capsys.readouterr().out) == [{"name": "a", "pid": None, "healthy": False, "log": "/x/a.log"}]


def test_emit_one_record_as_lines(capsys):
    emit({"name": "receivables", "sequence": 2}, as_json=False, columns=["name", "sequence"])
    assert capsys.readouterr().out == "name: receivables\nsequence: 2\n"


def test_a_report_prints_as_sorted_json_or_as_its_text_lines_which_json_never_builds(capsys):
    report = {"rows": [{"operation": "register", "cpu_ms": 1.5}], "label": "bench"}

    def unbuilt(_report):
        raise AssertionError("text lines built for --json")

    emit_report(report, unbuilt, as_json=True)
    assert capsys.readouterr().out == json.dumps(report, indent=2, sort_keys=True) + "\n"
    emit_report(report, lambda r: [r["label"], f"{len(r['rows'])} row"], as_json=False)
    assert capsys.readouterr().out == "bench\n1 row\n"


def test_errors_become_one_line_click_exceptions():
    @reports_errors
    def fails():
        raise TopologyError("topology.yaml: a: bad\ntopology.yaml: b: worse")

    with pytest.raises(click.ClickException) as err:
        fails()
    assert err.value.message == "topology.yaml: a: bad; topology.yaml: b: worse"
    assert one_line(ValueError()) == "ValueError"


@pytest.mark.parametrize("text, key, where", [
    ('{"bank_offers": [{"offer_id": "OF-A", "fees": 50000, "fees": 0}]}', "fees", "the object at bank_offers[0]"),
    ('{"receivable": {"face_amount": 1}, "receivable": {"face_amount": 100}}', "receivable", "the top-level object"),
    ('[{"kind": "paid"}, {"a": {"b": [0, {"kind": 1, "kind": 2}]}}]', "kind", "the object at [1].a.b[1]"),
    # the first in the file's order, not the first json.loads finishes (the innermost)
    ('{"x": {"kind": 1, "kind": 2}, "y": {"z": {"kind": 1, "kind": 2}}}', "kind", "the object at x"),
    # a key that is empty, or holds what would misread the place, or does not print, is quoted: the object under
    # the key "" is not the top-level one, and the key "a.b" is not b inside a
    ('{"": {"fees": 1, "fees": 2}}', "fees", 'the object at [""]'),
    ('{"a.b": {"x": 1}, "a": {"b": {"fees": 1, "fees": 2}}}', "fees", "the object at a.b"),
    ('{"a": {"b": {"x": 1}}, "a.b": {"fees": 1, "fees": 2}}', "fees", 'the object at ["a.b"]'),
    ('{"a b": {"c": 1, "c": 2}}', "c", 'the object at ["a b"]'),
    ('{"x": {"[0]": [{"c": 1, "c": 2}]}}', "c", 'the object at x["[0]"][0]'),
    ('{"x]": {"c": 1, "c": 2}}', "c", 'the object at ["x]"]'),
    ('{"x\\n\u202eError": {"c": 1, "c": 2}}', "c", 'the object at ["x\\n\\u202eError"]'),
    ('{"银行": {"c": 1, "c": 2}}', "c", "the object at 银行"),     # printable: as it is
    ('{"": 1, "": 2}', '""', "the top-level object"),
    ('{"a.b": 1, "a.b": 2}', '"a.b"', "the top-level object"),
    ('{" fees": 1, " fees": 2}', '" fees"', "the top-level object"),
])
def test_a_json_key_given_twice_in_one_object_is_refused_naming_the_key_and_the_object(tmp_path, text, key, where):
    # json.loads keeps the last and says nothing: "fees": 50000, "fees": 0 would be priced with no fees
    path = tmp_path / "offers.json"
    path.write_text(text)
    with pytest.raises(click.ClickException) as err:
        read_json_file(path, "--offers", "offers")
    assert err.value.message == (f"{path}: the key {key} is given more than once in {where}: keep one (which of them "
                                 f"is meant cannot be told)")


@pytest.mark.parametrize("text", [
    '{"fees": 50000, "fees": 50000}',
    '{"a": {"x": 1, "y": [1, "z", null]}, "b": 0, "a": {"y": [1, "z", null], "x": 1}}',
    '{"a": NaN, "a": NaN}',
    '[{"kind": "paid", "kind": "paid", "kind": "paid"}]',
    # a copy whose own repeated key says the same both times is a clean copy
    '{"a": {"x": 1, "x": 1}, "a": {"x": 1}}',
    '{"deep": ' + "[" * 400 + "]" * 400 + ', "deep": ' + "[" * 400 + "]" * 400 + "}",
])
def test_a_json_key_given_twice_with_the_same_value_is_read(tmp_path, text):
    # both copies say the same: nothing is dropped, as the invoice reader reads them
    path = tmp_path / "f.json"
    path.write_text(text)
    # compared as text: NaN is not equal to itself
    assert json.dumps(read_json_file(path, "--test", "a test")) == json.dumps(json.loads(text))


@pytest.mark.parametrize("first, second", [
    ("50000", "0"), ("1", "true"), ("0", "false"), ("50000", "50000.0"), ('"1"', "1"), ("null", "false"),
    ("[1, 2]", "[2, 1]"), ('{"x": 1}', '{"x": 1, "y": 2}'), ('"a"', '"a "'), ("NaN", "Infinity"),
    # as read the same (json.loads keeps the last "x"), but the first copy says two things
    ('{"x": 1, "x": 2}', '{"x": 2}'), ('[{"x": 1, "x": 2}]', '[{"x": 2}]'),
])
def test_a_json_key_given_twice_with_copies_of_another_kind_or_value_is_refused(tmp_path, first, second):
    # Python holds 1 == true == 1.0, which the file tells apart
    path = tmp_path / "f.json"
    path.write_text(f'{{"k": {first}, "k": {second}}}')
    with pytest.raises(click.ClickException) as err:
        read_json_file(path, "--test", "a test")
    assert err.value.message.startswith(f"{path}: the key k is given more than once in the top-level object: ")


def test_json_with_each_key_once_per_object_is_read_as_json_reads_it(tmp_path):
    deep = "[" * 500 + "]" * 500
    text = '{"a": {"name": 1}, "b": {"name": 2}, "list": [{"name": 3}, {"name": 4}], "deep": ' + deep + "}"
    path = tmp_path / "f.json"
    path.write_text(text)
    assert read_json_file(path, "--test", "a test") == json.loads(text)


@pytest.mark.parametrize("content", [None, b"", b" \n", b"{x", b"\xff\xfe"])
def test_a_json_file_an_option_names_that_cannot_be_read_is_a_usage_error_naming_it(tmp_path, content):
    # it exited 1 naming no option: a declined `finance quote` exits 1 too, so a script could not tell which
    path = tmp_path / "f.json"
    if content is not None:     # None: not there
        path.write_bytes(content)
    with pytest.raises(click.BadParameter) as err:
        read_json_file(path, "--offers", "offers")
    assert err.value.exit_code == 2 and err.value.param_hint == "'--offers'"
    assert err.value.format_message().startswith(f"Invalid value for '--offers': {path}")


def test_a_json_file_no_option_names_that_cannot_be_read_is_one_line_exit_1(tmp_path):
    # the shipped model read by default: no option is at fault
    with pytest.raises(click.ClickException) as err:
        read_json_file(tmp_path / "f.json", None, "a model")
    assert not isinstance(err.value, click.UsageError) and err.value.exit_code == 1
    assert err.value.message == f"{tmp_path / 'f.json'}: cannot read file: No such file or directory"


class _Stdin:
    """A stdin that holds ``data``, as bytes (``sys.stdin.buffer``)."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize("text, key, where", [
    ('{"apr": "0.01", "apr": "0.05"}', "apr", "the top-level object"),
    ('{"scale": [{"days": 30, "days": 60}]}', "days", "the object at scale[0]"),
])
def test_json_on_stdin_with_a_key_given_twice_is_refused_as_in_a_file(monkeypatch, text, key, where):
    # stdin was read with json.loads, which kept the last copy: a document refused from a file was read from
    # stdin
    monkeypatch.setattr("sys.stdin", _Stdin(text.encode()))
    with pytest.raises(click.BadParameter) as err:
        output.read_json_stdin("--as-read", "an offer")
    assert err.value.exit_code == 2 and err.value.param_hint == "'--as-read'"
    assert err.value.message == (f"stdin: the key {key} is given more than once in {where}: keep one (which "
                                 f"of them is meant cannot be told)")


@pytest.mark.parametrize("content, problem", [
    (b"", "stdin is empty: give an offer as JSON"),
    (b" \n", "stdin is empty: give an offer as JSON"),
    (b"\xff\xfe", "stdin: not UTF-8 text"),
    (b"{x", "stdin is not JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "stdin is nested too deeply to be an offer"),
])
def test_json_on_stdin_that_cannot_be_read_is_refused_as_a_file_is(monkeypatch, content, problem):
    monkeypatch.setattr("sys.stdin", _Stdin(content))
    with pytest.raises(click.BadParameter) as err:
        output.read_json_stdin("--as-read", "an offer")
    assert err.value.param_hint == "'--as-read'" and err.value.message.startswith(problem), err.value.message


def test_json_on_stdin_is_read_as_a_file_is(monkeypatch):
    text = '{"apr": "0.05", "apr": "0.05", "\ufeffx": [1, {"y": null}]}'
    monkeypatch.setattr("sys.stdin", _Stdin(("\ufeff" + text).encode()))   # Excel's byte-order mark dropped
    assert output.read_json_stdin("--as-read", "an offer") == json.loads(text)


def test_json_on_stdin_over_the_bound_on_a_file_is_refused_unread(monkeypatch):
    # stdin was read whole: `yes | recfin discount accept ... --as-read -` would fill memory
    monkeypatch.setattr(output, "MAX_USER_FILE_BYTES", 100)
    monkeypatch.setattr("sys.stdin", _Stdin(b" " * 90 + b"[" + b"0," * 1000 + b"0]"))
    with pytest.raises(click.BadParameter) as err:
        output.read_json_stdin("--as-read", "an offer")
    assert err.value.param_hint == "'--as-read'"
    assert err.value.message.startswith("stdin: over ") and "is it the right file?" in err.value.message
    assert sys.stdin.buffer.tell() == 101   # the bound and one byte more: no further
    monkeypatch.setattr("sys.stdin", _Stdin(b" " * 98 + b"[]"))   # at the bound: read
    assert output.read_json_stdin("--as-read", "an offer") == []
