"""`hsm generate --help` shows the next step on the request it writes: the `org user add --csr` line reads the file
the generate line writes, for the user named in its common name, and `hsm link` then links that user."""
import shlex

from click.testing import CliRunner

from cli.main import main


def _lines(help_text: str, command: str) -> list[list[str]]:
    words = [shlex.split(line.replace("\\", "")) for line in help_text.splitlines()
             if command in line and line.strip().startswith(("recfin ", "RECFIN_"))]
    return [w[w.index("recfin"):] for w in words]


def _option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def test_the_request_generate_writes_is_the_one_org_user_add_reads_next():
    help_text = CliRunner().invoke(main, ["hsm", "generate", "--help"], terminal_width=400).output
    generated = _lines(help_text, "recfin hsm generate")[0]
    [added] = _lines(help_text, "recfin org user add")
    [linked] = _lines(help_text, "recfin hsm link")
    user, org = _option(generated, "--common-name").split("@")
    assert added[4:6] == [org, user] and _option(added, "--csr") == _option(generated, "--csr")
    assert _option(linked, "--as") == f"{org}/{user}"
    # the Example block opens with that same request
    example = help_text.split("Example:", 1)[1]
    assert _lines(example, "recfin hsm generate")[0] == generated


def test_the_hsm_user_is_not_one_org_user_add_issues_a_key_file_to():
    # followed one after the other, the two help pages would issue one user twice: the second refused
    hsm_help = CliRunner().invoke(main, ["hsm", "generate", "--help"], terminal_width=400).output
    user = _option(_lines(hsm_help, "recfin hsm generate")[0], "--common-name").split("@")[0]
    add_help = CliRunner().invoke(main, ["org", "user", "add", "--help"], terminal_width=400).output
    with_key_file = [words[5] for words in _lines(add_help, "recfin org user add") if "--csr" not in words]
    assert with_key_file and user not in with_key_file
