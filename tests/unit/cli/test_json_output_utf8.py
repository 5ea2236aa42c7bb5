"""Every command's --json writes text beyond ASCII as itself in UTF-8, as `events --json` does, through one writer
(cli.output.json_text): only the characters that harm a terminal or a line-splitting reader are escaped."""
import io
import json
import sys

import pytest
from click.testing import CliRunner

from cli.event_commands import _json_line
from cli.main import main
from cli.output import emit, json_text

HARMFUL = "\x7f\x85\x9b\u2028\u2029\u202e\u200b\udc80\U000f0000"


def test_the_writer_writes_chinese_as_itself_and_escapes_only_what_harms():
    doc = {"name": "华南精密制造股份有限公司", "sign": "¥", "reason": f"a{HARMFUL}b", "spaced": "华南\u3000精密 😀"}
    for text in (json_text(doc), json_text(doc, indent=2)):
        assert "华南精密制造股份有限公司" in text and "¥" in text and "\\u534e" not in text
        assert '"华南\u3000精密 😀"' in text     # a full-width space and an emoji print as themselves
        assert text.isascii() is False and not any(char in text for char in HARMFUL)
        assert '"a\\u007f\\u0085\\u009b\\u2028\\u2029\\u202e\\u200b\\udc80\\udb80\\udc00b"' in text
        assert json.loads(text) == doc


def test_emit_and_the_event_lines_write_one_document_alike(capsys):
    doc = {"debtor": "债务人", "n": 1}
    emit(doc, as_json=True)
    assert capsys.readouterr().out == json_text(doc, indent=2) + "\n"
    assert _json_line(doc) == json.dumps(doc, sort_keys=True, ensure_ascii=False)


def test_a_command_json_names_a_chinese_debtor_as_written(tmp_path):
    history = tmp_path / "history.json"
    history.write_text(json.dumps({"debtor": "债务人", "events": []}, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["risk", "score", "债务人", "--history", str(history), "--as-of", "2025-06-01",
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert '"debtor": "债务人"' in result.stdout and json.loads(result.stdout)["debtor"] == "债务人"


@pytest.mark.parametrize("encoding", ["latin-1", "gbk"])
def test_a_stdout_in_another_encoding_than_utf_8_gets_the_same_document_in_ascii(monkeypatch, encoding):
    """Written raw, the print failed with a traceback in latin-1, and wrote GBK bytes in a GBK locale."""
    written = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(written, encoding=encoding))
    doc = {"debtor": "债务人", "reason": f"a{HARMFUL}b"}     # GBK has every character json_text writes raw
    emit(doc, as_json=True)
    event_line = _json_line(doc)
    sys.stdout.flush()
    assert written.getvalue().isascii() and json.loads(written.getvalue()) == doc
    assert event_line.isascii() and json.loads(event_line) == doc and event_line.splitlines() == [event_line]
