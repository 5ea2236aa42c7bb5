"""Every command line the documentation shows fits the real command tree: nothing documented is renamed or unbuilt.

The lines are each ``recfin ...`` (or ``.venv/bin/recfin ...``) and ``python -m bench.<module> ...`` in a code
block or inline code of README.md, docs/*.md and the README a company's bundle carries
(``network.bundle._readme``), and in the ``Example:`` of each command's --help. Each is parsed by click's own
option parser for the command it names, and never run (most need a network): the command path must exist,
every option must be one that command takes, a flag takes no value and any other option gets one, the
positional arguments must fit, and a literal value must convert to the parameter's type (Choice values among
the choices, numbers numbers). Files named are not looked for.

Documentation notation is understood, and only as far as it cannot hide a wrong name:
- ``<...>`` (``{...}`` in the bundle template), ``$VAR`` and a word in capitals (``ORG``, ``FILE``,
  ``YYYY-MM-DD``) stand for one value, so they are not type-checked; ``--<x>`` is still an unknown option;
- ``[...]`` marks what is optional: the brackets are dropped and everything inside is checked;
- ``a|b`` offers alternatives, each checked (``org add|remove``, ``--role bank|supplier``); ``[--x | --y V]``
  separates options; ``...`` and a trailing ``…`` mean "more of the same" and are dropped;
- ``#`` starts a comment, a trailing backslash continues the line, and ``&&``, ``;``, ``|`` and redirections
  separate one command from the next.
Inline code in prose often names a command without the arguments it needs ("`recfin org submit` must run on
...", "`recfin org add --topology F`"), so only code blocks, which are meant to be run, must give every
required argument and option (but not with --help, nor on a synopsis line whose lone ``...`` says "and the
rest"); an option written without its value is wrong anywhere. `Example:` blocks of every command's --help
are held to the same rules.

The command synopses of docs/network.md, docs/risk-and-pricing.md and docs/invoices.md, where a reader looks up
what a command takes, must give every option of each command they show, but those the pages say in prose which
commands take (--topology, --timeout, --data-root). And every option of every command is named on some page.
"""
from __future__ import annotations

import importlib
import inspect
import re
import shlex
from pathlib import Path
from typing import Iterator, NamedTuple

import click
import pytest
from click.testing import CliRunner

from cli.main import main
from network import bundle

from .command_tree import every_command, leaf_commands

ROOT = Path(__file__).parents[3]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_FENCES = {"", "sh", "bash", "shell", "console"}
# Anything that might start a command of ours; lines without it are not split into words at all.
MAY_HOLD_A_COMMAND = re.compile(r"(^|[\s;&|])(\S*/)?(recfin|python3?)(\s|$)")
SEPARATORS = {"&&", "||", ";", "|", "&"}
REDIRECTIONS = {">", ">>", "<", "2>", "2>>", "&>"}
NOT_GIVEN = object()


class Documented(NamedTuple):
    where: str        # "docs/network.md:143"
    text: str         # the shell text as written, continuation lines joined
    in_code: bool     # from a code block (meant to be run), not inline code in prose


# --- Finding the lines -------------------------------------------------------------------------------------

def documented_lines(markdown: str, name: str, first_line: int = 1) -> Iterator[Documented]:
    """The shell text of every code-block line and every inline code span of a Markdown text."""
    lines = markdown.splitlines()
    kinds = _kinds(lines)
    for i, kind in enumerate(kinds):
        if kind == "shell" and not _continues(lines, kinds, i):
            text, end = lines[i].strip(), i
            while end + 1 < len(lines) and _continues(lines, kinds, end + 1):
                end += 1
                text = text.removesuffix("\\") + " " + lines[end].strip()
            yield Documented(f"{name}:{first_line + i}", text, True)
    # Inline code: spans in the prose, which may wrap onto the next line but never cross a blank one.
    prose = "\n".join(line if kind == "prose" else "" for line, kind in zip(lines, kinds))
    for span in re.finditer(r"`((?:[^`\n]|\n(?!\n))+)`", prose):
        line_number = first_line + prose.count("\n", 0, span.start())
        text = span[1].replace("\n", " ").replace("\\|", "|")    # a table cell writes | as \|
        yield Documented(f"{name}:{line_number}", text, False)


def _kinds(lines: list[str]) -> list[str]:
    """Each line's kind: "shell" (a code block, fenced as shell or not at all), "other" (a fence, or code in
    another language) or "prose". An indented code block starts after a blank line."""
    kinds: list[str] = []
    fence: str | None = None                         # the open fence's language, None outside a fence
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fence = None if fence is not None else line.lstrip()[3:].strip()
            kinds.append("other")
        elif fence is not None:
            kinds.append("shell" if fence in SHELL_FENCES else "other")
        elif line.startswith("    ") and line.strip() and (i == 0 or not lines[i - 1].strip() or kinds[-1] == "shell"):
            kinds.append("shell")
        else:
            kinds.append("prose")
    return kinds


def _continues(lines: list[str], kinds: list[str], i: int) -> bool:
    """Whether code line i goes on from the line before: after a trailing backslash, or a synopsis's next
    line of options (`    [--collections-config FILE]`)."""
    return (i > 0 and kinds[i] == kinds[i - 1] == "shell"
            and (lines[i - 1].rstrip().endswith("\\") or lines[i].lstrip().startswith(("--", "[-"))))


def documented_everywhere() -> list[Documented]:
    found = []
    for path in DOCUMENTS:
        found += documented_lines(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    source, first_line = inspect.getsourcelines(bundle._readme)
    template = re.sub(r"\{[^{}]*\}", "<value>", "".join(source))   # f-string fields are values
    found += documented_lines(template, "network/bundle.py (_readme)", first_line)
    return [line for line in found if MAY_HOLD_A_COMMAND.search(line.text)]


def help_examples() -> list[Documented]:
    """The lines of each command's `Example:` block (recfin's, and the click commands of bench/)."""
    commands = list(every_command(main, ("recfin",)))
    for path in sorted((ROOT / "bench").glob("*.py")):
        if "@click.command" in path.read_text(encoding="utf-8"):
            module = f"bench.{path.stem}"
            commands.append(((f"python -m {module}",), importlib.import_module(module).main))
    found = []
    for path, command in commands:
        text = CliRunner().invoke(command, [*path[1:], "--help"], terminal_width=400).output
        if "Example:" in text:
            block = text.split("Example:", 1)[1].split("\n\n", 1)[0]
            found += documented_lines("\n" + block, f"{' '.join(path)} --help")
    return [line for line in found if line.in_code]


# --- From shell text to commands ---------------------------------------------------------------------------

def shell_words(text: str) -> list[str]:
    """The words of a documented shell line, with the documentation's notation resolved (module docstring)."""
    text = re.sub(r"<[^<>\s][^<>]*>", "VALUE", text)    # <the supplier's package ID>: one value
    text = re.sub(r"(^|\s)#.*", "", text)               # a comment
    text = text.replace("[", "").replace("]", "")       # optional parts are checked like the rest
    words = shlex.split(text)
    return [word.rstrip("…") for word in words if word not in ("...", "…")]


def commands_in(words: list[str]) -> Iterator[list[str]]:
    """Each simple command of a shell line, its environment assignments dropped."""
    current: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in REDIRECTIONS:
            i += 1                                       # and the file it names
        elif word == "|" and i + 1 < len(words) and words[i + 1].startswith("-"):
            pass                                         # [--no-sign | --sign-as ORG]: alternatives
        elif word in SEPARATORS:
            yield current
            current = []
        elif current or not re.match(r"[A-Za-z_]\w*=", word):
            current.append(word)
        i += 1
    yield current


def entry_point(words: list[str]) -> tuple[click.Command, str, list[str]] | str | None:
    """The click command a command's words start, its name and the rest; a message if it names none; None if not ours."""
    if words and (words[0] == "recfin" or words[0].endswith("/recfin")):
        return main, "recfin", words[1:]
    if len(words) >= 3 and Path(words[0]).name in ("python", "python3") and words[1] == "-m" \
            and words[2].startswith("bench."):
        try:
            command = getattr(importlib.import_module(words[2]), "main", None)
        except ModuleNotFoundError:
            return f"there is no module {words[2]}"
        if not isinstance(command, click.Command):
            return f"{words[2]} has no click command `main` to run with python -m"
        return command, f"python -m {words[2]}", words[3:]
    return None


# --- Checking one command against the tree -----------------------------------------------------------------

def looks_like_a_placeholder(word: str) -> bool:
    return "$" in word or (word[:1].isupper() and not any(c.islower() for c in word))


def problems_in(text: str, in_code: bool) -> list[str]:
    """What is wrong with the commands of one documented shell text (empty when each fits)."""
    try:
        words = shell_words(text)
    except ValueError as exc:
        return [f"cannot be split into words: {exc}"]
    # A code block is meant to be run, so it must be complete, unless a `...` standing alone says "and more".
    complete = in_code and not re.search(r"(^|\s)(\.\.\.|…)(\s|$)", text)
    found = []
    for words in commands_in(words):
        start = entry_point(words)
        if isinstance(start, str):
            found.append(start)
        elif start is not None:
            command, name, args = start
            found += _check(command, name, args, None, complete)
    return found


def _check(command: click.Command, name: str, args: list[str], parent: click.Context | None,
           complete: bool, is_placeholder=looks_like_a_placeholder) -> list[str]:
    """What is wrong with one command's words; ``is_placeholder(word)``: a value that stands for one, not converted."""
    ctx = command.context_class(command, info_name=name, parent=parent, **command.context_settings)
    try:
        # The parser assigns options and arguments to parameters; it converts nothing and runs no callback.
        values, rest, _ = command.make_parser(ctx).parse_args(list(args))
    except click.UsageError as exc:
        return [f"{ctx.command_path}: {exc.format_message()}"]
    found = []
    complete = complete and not any(arg in ctx.help_option_names for arg in args)   # `--help` needs nothing more
    for param in command.get_params(ctx):
        found += _value_problems(param, ctx, values.get(param.name, NOT_GIVEN), complete, is_placeholder)
    if not isinstance(command, click.Group):
        if rest and not ctx.allow_extra_args:
            found.append(f"{ctx.command_path}: unexpected arguments {rest} (it takes {_arguments_of(command, ctx)})")
        return found
    if not rest:
        return found                                     # the group itself: `recfin receivable --help`
    for sub_name in rest[0].split("|"):
        sub = command.get_command(ctx, sub_name)
        if sub is None:
            known = ", ".join(command.list_commands(ctx))
            found.append(f"{ctx.command_path}: no command {sub_name!r} (it has {known})")
        else:
            found += _check(sub, sub_name, rest[1:], ctx, complete, is_placeholder)
    return found


def _arguments_of(command: click.Command, ctx: click.Context) -> str:
    names = [p.human_readable_name for p in command.get_params(ctx) if isinstance(p, click.Argument)]
    return " ".join(names) or "no arguments"


def _value_problems(param: click.Parameter, ctx: click.Context, value, complete: bool,
                    is_placeholder=looks_like_a_placeholder) -> list[str]:
    """What is wrong with the value the parser gave one parameter (NOT_GIVEN or click's sentinel if none)."""
    if isinstance(param, click.Argument):
        given = isinstance(value, str) or (isinstance(value, tuple) and any(isinstance(v, str) for v in value))
        if param.required and not given and complete:
            return [f"{ctx.command_path}: missing argument {param.human_readable_name}"]
        return _type_problems(param, ctx, value, is_placeholder) if param.nargs == 1 else []
    if not isinstance(param, click.Option):
        return []
    if value is NOT_GIVEN:
        return [f"{ctx.command_path}: missing option {param.opts[0]}"] if param.required and complete else []
    if param.is_flag or param.count:
        return []
    found = []
    for one in value if param.multiple and isinstance(value, (list, tuple)) else [value]:
        if isinstance(one, str) and one.startswith("-") and not re.fullmatch(r"-[\d.]+", one):
            found.append(f"{ctx.command_path}: {param.opts[0]} is given no value ({one} is an option)")
        else:
            found += _type_problems(param, ctx, one, is_placeholder)
    return found


def _type_problems(param: click.Parameter, ctx: click.Context, value,
                   is_placeholder=looks_like_a_placeholder) -> list[str]:
    """A literal value the parameter's type refuses; files are not looked for, placeholders not converted."""
    if not isinstance(value, str) or isinstance(param.type, (click.Path, click.File)):
        return []
    found = []
    for alternative in value.split("|"):
        if is_placeholder(alternative):
            continue
        try:
            param.type.convert(alternative, param, ctx)
        except click.BadParameter as exc:
            found.append(f"{ctx.command_path}: {param.get_error_hint(ctx)}: {exc.format_message()}")
    return found


# --- The tests ---------------------------------------------------------------------------------------------

DOCUMENTED = documented_everywhere()


def test_every_documented_command_line_fits_the_cli():
    bad = [f"{line.where}: {line.text}\n    -> {problem}"
           for line in DOCUMENTED for problem in problems_in(line.text, line.in_code)]
    assert not bad, (f"{len(bad)} documented command line(s) do not fit the CLI; fix the line (or the "
                     "command, if the doc is right):\n" + "\n".join(bad))


HELP_EXAMPLES = help_examples()


def test_every_help_example_fits_the_cli():
    bad = [f"{line.where}: {line.text}\n    -> {problem}"
           for line in HELP_EXAMPLES for problem in problems_in(line.text, line.in_code)]
    assert not bad, f"{len(bad)} --help example(s) do not fit the CLI:\n" + "\n".join(bad)
    assert len(HELP_EXAMPLES) > 100 and any(line.text.startswith("python -m bench.") for line in HELP_EXAMPLES)


def test_the_extraction_finds_the_documented_lines():
    """Guards the test above against passing because it found nothing."""
    texts = {(line.where.split(":")[0], line.text) for line in DOCUMENTED}
    assert ("README.md", ".venv/bin/recfin network up          # crypto, channel, 3 Raft orderers, 4 peers; "
                         "idempotent") in texts
    assert ("docs/benchmark.md", ".venv/bin/python -m bench.components --iterations 1000 --profile 25") in texts
    assert ("docs/deployment.md", "recfin org add bank2 --role bank --enterprise 91110000MA1K00007E "
                                  "--update-out bank2.tx") in texts
    assert any(where.startswith("network/bundle.py") and "recfin host approve" in text for where, text in texts)
    assert len(DOCUMENTED) > 150


SAMPLE = """\
Run `recfin network up --json` first, then `recfin chaincode
deploy`.

    .venv/bin/recfin org add bank2 --role bank \\
        --enterprise 91110000MA1K00007E   # onboard
    VAR=1 .venv/bin/python -m bench.components --iterations 10 > out.json
    recfin network logs NODE
                        [-n 50] [-f]

| command | does |
| --- | --- |
| `recfin receivable list [--holder H \\| --status S]` | lists |

```python
print("recfin network up --no-such-option")
```
"""


def test_lines_are_found_with_their_file_and_line():
    found = list(documented_lines(SAMPLE, "x.md"))
    assert [(line.where, line.text, line.in_code) for line in found if MAY_HOLD_A_COMMAND.search(line.text)] == [
        ("x.md:4", ".venv/bin/recfin org add bank2 --role bank  --enterprise 91110000MA1K00007E   # onboard", True),
        ("x.md:6", "VAR=1 .venv/bin/python -m bench.components --iterations 10 > out.json", True),
        ("x.md:7", "recfin network logs NODE [-n 50] [-f]", True),
        ("x.md:1", "recfin network up --json", False),
        ("x.md:1", "recfin chaincode deploy", False),
        ("x.md:12", "recfin receivable list [--holder H | --status S]", False),
    ]
    assert all(problems_in(line.text, line.in_code) == [] for line in found)


@pytest.mark.parametrize("text, complaint", [
    ("recfin network up --no-such-option", "No such option"),
    ("recfin network launch", "no command 'launch'"),
    ("recfin org add|rename bank2", "no command 'rename'"),
    ("recfin network up --json true", "unexpected arguments"),
    ("recfin network up --json=yes", "does not take a value"),
    ("recfin org add bank2 --role banker", "'banker' is not a role"),
    ("recfin org add bank2 --role bank|lender", "'lender' is not a role"),
    ("recfin bench --rate fast", "'fast' is not a number: give a number of operations per second"),
    ("recfin network tune --<option> 5", "No such option"),
    ("recfin network up [--timeuot 60]", "No such option"),
    ("recfin finance quote R --face --due 2026-01-01", "--face is given no value"),
    ("recfin network logs peer0.bank orderer0.orderer", "unexpected arguments"),
    ("recfin network status && recfin network stats", "no command 'stats'"),
    ("recfin network logs", "missing argument NODE"),
    ("recfin receivable pay R-1 --as coreenterprise", "missing option --amount"),
    ("recfin org add bank2 --role", "requires an argument"),
    ("python -m bench.components --no-such-option", "No such option"),
    ("python -m bench.stats", "has no click command"),
    ("python -m bench.no_such_module --json", "no module bench.no_such_module"),
])
def test_a_wrong_line_is_refused(text, complaint):
    problems = problems_in(text, in_code=True)
    assert any(complaint in problem for problem in problems), problems


@pytest.mark.parametrize("text", [
    "recfin network up --timeout $T --json",
    "recfin org add|remove NAME ... --update-out FILE [--no-sign | --sign-as ORG ...] [--config-block FILE]",
    "recfin invoice verify FILE [--debtor CODE [--debtor-name N]] --today YYYY-MM-DD",
    "recfin network netns exec bank -- python -m network.ccprobe conn.json",
    "recfin bench --json > bench.json 2> progress.log",
    "recfin receivable --help",
])
def test_documentation_notation_is_understood(text):
    assert problems_in(text, in_code=True) == []


def test_prose_may_name_a_command_without_its_arguments_but_not_a_wrong_one():
    assert problems_in("recfin network logs", in_code=False) == []
    assert problems_in("recfin receivable pay R-1", in_code=False) == []
    assert "requires an argument" in problems_in("recfin risk score --history", in_code=False)[0]
    assert problems_in("recfin risk score --histroy", in_code=False) != []


# --- The operator's manual names every operator command ----------------------------------------------------

def named_command_paths(text: str) -> set[tuple[str, ...]]:
    """Every `recfin` command path a documented shell text names, its `a|b` alternatives each counted."""
    try:
        words = shell_words(text)
    except ValueError:
        return set()
    named = set()
    for words in commands_in(words):
        start = entry_point(words)
        if not isinstance(start, tuple) or start[0] is not main:
            continue
        frontier = [((), main)]
        for word in start[2]:
            grown = [((*path, name), group.commands[name]) for path, group in frontier
                     if isinstance(group, click.Group) for name in word.split("|") if name in group.commands]
            if not grown:
                break
            frontier = grown
            named.update(path for path, _ in grown)
    return named


def test_the_operators_manual_names_every_network_org_host_and_chaincode_command():
    """docs/network.md is the operator's manual: a command of these groups it never names is one an operator
    finds only by walking --help (as `network netns status` was)."""
    manual = (ROOT / "docs" / "network.md").read_text(encoding="utf-8")
    named = set()
    for line in documented_lines(manual, "docs/network.md"):
        named |= named_command_paths(line.text)
    unnamed = [" ".join(path) for path, command in every_command()
               if len(path) > 1 and path[0] in ("network", "org", "host", "chaincode")
               and not isinstance(command, click.Group) and path not in named]
    assert not unnamed, "docs/network.md never names: " + ", ".join(f"recfin {path}" for path in unnamed)


def test_a_command_path_is_named_with_its_alternatives():
    assert named_command_paths("recfin host join|approve --bundle B && recfin network netns cut bank") >= {
        ("host", "join"), ("host", "approve"), ("network", "netns", "cut")}
    assert named_command_paths("recfin network stats") == {("network",)}


# --- A synopsis gives every option its command takes ------------------------------------------------------

# (page, the text the synopses follow, the text that ends them): the command synopses a reader looks an option up in
SYNOPSES = [("docs/network.md", "\n## Commands\n", "\n`org keys` is in"),
            ("docs/risk-and-pricing.md", "\n## Commands\n", "\n**(ledger)**"),
            ("docs/invoices.md", "The synopsis:\n", "\n`read --invoice-out FILE`")]
# The pages say in prose which commands take these (network.md, "Commands"), so a synopsis may leave them out.
SAID_IN_PROSE = {"--topology", "--timeout", "--data-root"}
OPTION_WORD = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def synopsis_options(text: str) -> dict[tuple[str, ...], set[str]]:
    """The option words each command of a block of synopses is given: its own lines and those that go on from
    them (lines naming no `recfin` command), for each of a line's `a|b` alternatives."""
    lines = text.splitlines()
    given: dict[tuple[str, ...], set[str]] = {}
    current: set[tuple[str, ...]] = set()
    for line, kind in zip(lines, _kinds(lines)):
        if kind != "shell":
            continue
        if MAY_HOLD_A_COMMAND.search(line):
            current = {path for path in named_command_paths(line)
                       if not isinstance(_command_at(path), click.Group)}
        for path in current:
            given.setdefault(path, set()).update(OPTION_WORD.findall(re.sub(r"(^|\s)#.*", "", line)))
    return given


def _command_at(path: tuple[str, ...]) -> click.Command:
    command = main
    for name in path:
        command = command.commands[name]
    return command


def options_left_out(given: dict[tuple[str, ...], set[str]]) -> list[str]:
    left_out = []
    for path, words in sorted(given.items()):
        for param in _command_at(path).params:
            names = set(param.opts) | set(param.secondary_opts) if isinstance(param, click.Option) else set()
            if names and not param.hidden and not names & (words | SAID_IN_PROSE | {"--help"}):
                left_out.append(f"recfin {' '.join(path)} {param.opts[0]}")
    return left_out


@pytest.mark.parametrize("page, after, before", SYNOPSES, ids=[page for page, _, _ in SYNOPSES])
def test_each_synopsis_gives_every_option_its_command_takes(page, after, before):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert after in text and before in text.split(after, 1)[1], f"{page}: the synopses are no longer where they were"
    given = synopsis_options(text.split(after, 1)[1].split(before, 1)[0])
    assert len(given) >= 3, f"{page}: found the synopses of {sorted(given)} only"
    left_out = options_left_out(given)
    assert not left_out, f"{page}: a synopsis leaves out " + ", ".join(left_out) + " (add it, or say it in prose)"


def test_a_synopsis_continued_on_lines_of_its_own_counts_them_and_one_left_out_is_named():
    given = synopsis_options("""
    recfin risk score DEBTOR --history FILE [--as-of DATE]
                      [--model PATH] [--json]
    recfin network logs NODE [-n 50] [-f]
""")
    assert given[("risk", "score")] >= {"--history", "--as-of", "--model", "--json"}
    assert given[("network", "logs")] == {"-n", "-f"}
    assert "recfin risk score --holiday-calendar" in options_left_out(given)
    assert not [each for each in options_left_out(given) if each.startswith("recfin network logs")]


# --- Every option is named on some page ---------------------------------------------------------------------

def _every_command() -> Iterator[tuple[str, click.Command]]:
    """Each `recfin` command that runs (no group) and each click command of bench/, by how it is run."""
    yield from leaf_commands(main, ("recfin",)).items()
    for path in sorted((ROOT / "bench").glob("*.py")):
        if "@click.command" in path.read_text(encoding="utf-8"):
            yield f"python -m bench.{path.stem}", importlib.import_module(f"bench.{path.stem}").main


def options_named_nowhere(pages: str, commands: Iterator[tuple[str, click.Command]]) -> list[str]:
    """Each shown option of the commands that the pages name by none of its spellings (`-n` names `--lines`)."""
    named = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", pages))
    return [f"{name} {param.opts[0]}" for name, command in commands for param in command.params
            if isinstance(param, click.Option) and not param.hidden and "--help" not in param.opts
            and not (set(param.opts) | set(param.secondary_opts)) & named]


def test_every_option_is_named_on_some_page():
    """A reader finds an option in --help, but learns what it is for, and that it is there at all, from the
    pages: an option no page names (as `finance offer --day-count` was) is one only --help knows of."""
    pages = "\n".join(path.read_text(encoding="utf-8") for path in DOCUMENTS)
    nowhere = options_named_nowhere(pages, _every_command())
    assert not nowhere, "no page of README.md and docs/ names " + ", ".join(nowhere)


def test_an_option_named_by_another_spelling_counts_and_one_named_nowhere_is_found():
    logs = _command_at(("network", "logs"))
    assert options_named_nowhere("`network logs NODE --topology F -n 50 -f`", iter([("network logs", logs)])) == []
    assert options_named_nowhere("`--topology F -n 50`", iter([("network logs", logs)])) == ["network logs -f"]
