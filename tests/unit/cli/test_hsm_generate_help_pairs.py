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
