"""A path or value given with a character that does not print as itself (an escape, a control character, a
right-to-left override) is named in a command's error line with that character escaped: printed as it was, an
ESC began a sequence that drives the terminal (clears it, retitles it, recolours what follows)."""
from __future__ import annotations

import re

import pytest

from cli.main import main
from cli.output import joined_lines

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202e]")


def error_line(result) -> str:
    """The one line the command's error is said in, stderr holding no character that would not print as itself."""
    assert not CONTROLS.search(result.stderr), repr(result.stderr)
    said = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(said) == 1 and result.stderr.rstrip("\n").endswith(said[0]), repr(result.stderr)
    return said[0]


@pytest.mark.parametrize("words", [
    ["network", "up", "--topology", "clear\x1b[2Jme.yaml"],
    ["network", "status", "--topology", "title\x1b]0;owned\x07.yaml", "--json"],
    ["invoice", "verify", "invoice\x1b[31m.xml", "--json"],
    ["chaincode", "settings", "--as", "supplier", "--data-root", "net\u202ework"],
])
def test_a_control_character_in_a_given_path_is_escaped_on_the_error_line(runner, words):
    # color=True: as on a terminal, where click leaves an escape sequence in place (to a file or pipe it drops it)
    result = runner.invoke(main, words, color=True)
    assert result.exit_code in (1, 2), result.output
    assert result.stdout == ""
    line = error_line(result)
    given = words[words.index("--topology") + 1] if "--topology" in words else next(
        w for w in words if CONTROLS.search(w))
    escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x80 and CONTROLS.match(c) else
                      f"\\u{ord(c):04x}" if CONTROLS.match(c) else c for c in given)
    assert escaped in line, line


def test_joined_lines_escapes_what_does_not_print_and_leaves_text_already_escaped_as_it_is():
    assert joined_lines("cannot read a\x1b[2Jb\nno such file") == "cannot read a\\x1b[2Jb; no such file"
    assert joined_lines("name 'a\\x1bb' is refused\tthere") == "name 'a\\x1bb' is refused\\tthere"
    assert joined_lines("全角\u3000空格 ok") == "全角\u3000空格 ok"
