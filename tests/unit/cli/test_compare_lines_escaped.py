"""`recfin finance compare`: the lines under its table, why each offer ranks where it does, show an offer's id, a
financing's id and a bank's name as they print, escaped where they hold a character that does not (as the table
above them shows them): an --offers file may hold anything, and a line break in an id started a line of its own,
an ESC or an OSC sequence drove the terminal (recoloured it, retitled it), a right-to-left override reordered it."""
import json
from pathlib import Path

from click.testing import CliRunner

from cli import finance_commands
from cli.main import main
from client.pricing.ledger import TermsNotOnThisPeer

SAMPLE = Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json"
NOT_SHOWN_AS_IS = ("\x1b", "\x07", "\u202e", "\n")


def offers_holding(tmp_path, offer_id: str, financing_id: str) -> Path:
    data = json.loads(SAMPLE.read_text())
    data["bank_offers"][0]["offer_id"] = offer_id
    data["receivable"]["financing_id"] = financing_id
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(data))
    return path


def test_an_id_that_does_not_print_as_itself_is_escaped_in_the_lines_under_the_table(tmp_path):
    path = offers_holding(tmp_path, "OF\x1b[31mRED\nError: forged", "F\x1b]0;title\x07\u202e")
    result = CliRunner().invoke(main, ["finance", "compare", "RCV-1", "--offers", str(path), "--on", "2026-12-01"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("Error:")], result.stdout   # no line of its own
    assert not [char for char in NOT_SHOWN_AS_IS if char in result.stdout.replace("\n", "")], result.stdout
    why = [line for line in lines if line.startswith("OF")]
    assert why and "\\x1b[31mRED\\nError: forged" in why[0], result.stdout
    assert "F\\x1b]0;title\\x07\\u202e" in "".join(lines)


def test_a_note_of_terms_not_on_this_peer_escapes_what_does_not_print_as_itself(capsys):
    finance_commands._note_terms_not_here([TermsNotOnThisPeer(offer_id="OF\x1b[2J", financier="bank\nError: x",
                                                              why="not held yet\x07")])
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "\x1b" not in out and "\x07" not in out, out
    assert "OF\\x1b[2J" in out and "bank\\nError: x" in out
