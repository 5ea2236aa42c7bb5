"""Every `recfin` command line the integration tests run fits the current command tree.

The integration tests (tests/integration) need a real Fabric network and skip without one, so a renamed command,
a dropped option, a changed argument count or a choice that no longer exists would stay unnoticed there until a
network runs them. Here each command line they run is read from their source and parsed by click's own parser,
never run, with the checks the documented command lines get (tests/unit/cli/test_documented_commands.py): the
command path exists, every option is one that command takes, the positional arguments fit, every required
argument and option is given, and a literal value converts to its parameter's type.

What is collected, in every module of tests/integration:
- ``<runner>.invoke(main, [...])`` with the list written out, or ``invoke(main, list(args))``;
- each call of a function or method (``self.f``) of the same module whose ``*args`` such an invoke (or another
  such function) runs: the call's arguments take the place of ``*args`` in the words around it;
- ``recfin.run``, ``recfin.json``, ``recfin.fails`` and ``recfin.process`` of test_cli_on_the_network.py's
  ``Recfin`` helper, with the words its ``ledger_args`` adds.
A word written as an expression (an id, an f-string) stands for one value, and ``f"--amount={amount}"`` keeps its
option; a name that ``pytest.mark.parametrize`` gives string literals stands for each of them in turn; ``*name``
of a list or tuple written out in a function around the call or at the module's top is expanded. A ``*`` of
anything else ends what can be known of a line: the words before it are checked, and none may be missing then.
A literal word is a value as given, checked even in capitals (``--grade B``), unlike the documentation's ``ORG``.
An ``invoke(main, ...)`` whose command line is none of these fails the test that says so: it would go unchecked.
"""
from __future__ import annotations

import ast
import itertools
from pathlib import Path
from typing import Iterator, NamedTuple

from cli.main import main
from tests.integration.test_cli_on_the_network import Recfin
from tests.unit.cli.test_documented_commands import _check as command_line_problems

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "tests" / "integration"
VALUE = "VALUE"                        # stands for a value written as an expression: not type-checked
RECFIN_HELPER = {"run", "json", "fails", "process"}


class CommandLine(NamedTuple):
    where: str                         # "tests/integration/test_x.py:12"
    words: tuple[str, ...]             # after `recfin`
    complete: bool                     # every word is known: nothing required may be missing


class Words(NamedTuple):
    words: list[str]
    complete: bool                     # False: a `*` of something unknown ended them


class Scope:
    """What the names of one call site stand for: the enclosing functions' lists written out, parametrize's
    literals, and a wrapper's ``*args`` spliced in from its caller."""

    def __init__(self, module: ast.Module, functions: list[ast.FunctionDef], binding: dict[str, str],
                 spliced: dict[str, Words] | None = None):
        self.binding = binding
        self.spliced = spliced or {}
        self.sequences: dict[str, list[ast.expr]] = {}
        for assignment in [*module.body, *(n for f in reversed(functions) for n in ast.walk(f))]:
            if isinstance(assignment, ast.Assign) and isinstance(assignment.value, (ast.List, ast.Tuple)):
                for target in assignment.targets:
                    if isinstance(target, ast.Name):
                        self.sequences[target.id] = assignment.value.elts

    def word(self, node: ast.expr) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
            return str(node.value)
        if isinstance(node, ast.Name) and node.id in self.binding:
            return self.binding[node.id]
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head = str(node.values[0].value)
            if head.startswith("-") and "=" in head:
                return head.split("=", 1)[0] + "=" + VALUE     # --amount={amount}: the option stays known
        return VALUE

    def words(self, nodes: list[ast.expr]) -> Words:
        found: list[str] = []
        for node in nodes:
            if not isinstance(node, ast.Starred):
                found.append(self.word(node))
                continue
            inner = node.value
            if isinstance(inner, ast.Name) and inner.id in self.spliced:
                more = self.spliced[inner.id]
            elif isinstance(inner, ast.Name) and inner.id in self.sequences:
                more = self.words(self.sequences[inner.id])
            elif isinstance(inner, (ast.List, ast.Tuple)):
                more = self.words(inner.elts)
            else:
                return Words(found, False)
            found += more.words
            if not more.complete:
                return Words(found, False)
        return Words(found, True)


class Module:
    """One integration test module, read for the `recfin` command lines its calls run."""

    def __init__(self, source: str, name: str):
        self.name = name
        self.tree = ast.parse(source)
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.has_recfin_helper = any(isinstance(n, ast.ClassDef) and n.name == Recfin.__name__
                                     for n in self.tree.body)
        self.unreadable: list[str] = []     # command lines written so that they cannot be read here

    def enclosing(self, node: ast.AST) -> list[ast.FunctionDef]:
        found = []
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(node)
        return found

    def wrapper(self, call: ast.Call) -> ast.FunctionDef | None:
        """The function of this module a call calls, if it takes ``*args``: ``f(...)``, the nearest ``f`` defined
        around the call or at the module's top, or ``self.f(...)``, a method of the class around the call."""
        func, around = call.func, self.enclosing(call)
        if isinstance(func, ast.Name):
            name, bodies = func.id, [*(f.body for f in around), self.tree.body]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            name, bodies = func.attr, [c.body for c in self.classes_around(call)]
        else:
            return None
        for body in bodies:
            for statement in body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
                    return statement if statement.args.vararg is not None else None
        return None

    def classes_around(self, node: ast.AST) -> list[ast.ClassDef]:
        found = []
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.ClassDef):
                found.append(node)
        return found

    def command(self, call: ast.Call, scope: Scope, seen: frozenset[str] = frozenset()) -> Words | None:
        """The `recfin` words a call runs, or None if it runs no command line."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "invoke" and call.args[:1] \
                and isinstance(call.args[0], ast.Name) and call.args[0].id == "main":
            given = call.args[1] if len(call.args) > 1 else None
            if isinstance(given, ast.List):
                return scope.words(given.elts)
            if isinstance(given, ast.Call) and isinstance(given.func, ast.Name) and given.func.id == "list" \
                    and len(given.args) == 1:
                return scope.words([ast.Starred(value=given.args[0])])
            if (unreadable := f"{self.where(call)}: {ast.unparse(call)}") not in self.unreadable:
                self.unreadable.append(unreadable)
            return None
        if self.has_recfin_helper and isinstance(func, ast.Attribute) and func.attr in RECFIN_HELPER \
                and isinstance(func.value, ast.Name) and func.value.id == "recfin":
            given = scope.words(call.args)
            if func.attr == "run":
                return given
            as_ = next((scope.word(k.value) for k in call.keywords if k.arg == "as_"), None)
            return Words(Recfin(Path(VALUE), Path(VALUE)).ledger_args(*given.words, as_=as_), given.complete) \
                if given.complete else given
        function = self.wrapper(call)
        if function is None or function.name in seen:
            return None
        positional = [a.arg for a in function.args.posonlyargs + function.args.args]
        skip = len(positional) - (1 if positional[:1] == ["self"] else 0)   # those before *args
        given = scope.words(call.args[skip:]) if len(call.args) >= skip else Words([], False)
        inner = Scope(self.tree, [function, *self.enclosing(function)], scope.binding,
                      {function.args.vararg.arg: given})
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and node is not call:
                words = self.command(node, inner, seen | {function.name})
                if words is not None:
                    return words
        return None

    def where(self, node: ast.AST) -> str:
        return f"{self.name}:{node.lineno}"

    def template(self, call: ast.Call, functions: list[ast.FunctionDef]) -> bool:
        """Whether a call is a wrapper's own command line, run on the ``*args`` of the function around it."""
        names = {f.args.vararg.arg for f in functions if f.args.vararg is not None}
        return any(isinstance(n, (ast.Starred, ast.Call)) and any(
            isinstance(a, ast.Name) and a.id in names for a in ([n.value] if isinstance(n, ast.Starred) else n.args))
            for n in ast.walk(call))

    def command_lines(self) -> Iterator[CommandLine]:
        for call in (n for n in ast.walk(self.tree) if isinstance(n, ast.Call)):
            functions = self.enclosing(call)
            if self.template(call, functions):
                continue
            lines = []      # once each: a line that uses no parametrized name is the same for every set of values
            for binding in parametrized(functions):
                words = self.command(call, Scope(self.tree, functions, binding))
                if words is not None and (line := CommandLine(self.where(call), tuple(words.words),
                                                              words.complete)) not in lines:
                    lines.append(line)
            yield from lines


def parametrized(functions: list[ast.FunctionDef]) -> list[dict[str, str]]:
    """Each set of string literals ``pytest.mark.parametrize`` gives the names of a test (one empty set without)."""
    choices: list[list[dict[str, str]]] = []
    for function in functions:
        for decorator in function.decorator_list:
            if not (isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.parametrize"
                    and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[1], ast.List)):
                continue
            names = [name.strip() for name in decorator.args[0].value.split(",")]
            rows = []
            for row in decorator.args[1].elts:
                values = row.elts if isinstance(row, ast.Tuple) else [row]
                rows.append({name: value.value for name, value in zip(names, values)
                             if isinstance(value, ast.Constant) and isinstance(value.value, str)})
            choices.append(rows)
    return [dict(itertools.chain.from_iterable(d.items() for d in combo)) for combo in itertools.product(*choices)]


def integration_modules() -> list[Module]:
    return [Module(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
            for path in sorted(INTEGRATION.glob("*.py"))]


def problems_of(line: CommandLine) -> list[str]:
    # every literal word is a value as the test gives it (`--grade B`, not a placeholder as in documentation)
    return command_line_problems(main, "recfin", list(line.words), None, line.complete,
                                 is_placeholder=lambda word: word == VALUE)


MODULES = integration_modules()
COMMAND_LINES = [line for module in MODULES for line in module.command_lines()]


def test_every_command_line_the_integration_tests_run_fits_the_cli():
    bad = [f"{line.where}: recfin {' '.join(line.words)}\n    -> {problem}"
           for line in COMMAND_LINES for problem in problems_of(line)]
    assert not bad, (f"{len(bad)} command line(s) of the integration tests do not fit the CLI; fix the test (or "
                     "the command, if the test is right):\n" + "\n".join(bad))


def test_every_command_line_is_written_so_that_it_can_be_read():
    unreadable = [line for module in MODULES for line in module.unreadable]
    assert not unreadable, ("invoke(main, ...) with a command line that is neither a list written out nor "
                            "list(args); write it so, for the test above to check it:\n" + "\n".join(unreadable))


def test_the_collection_finds_the_command_lines_of_every_kind():
    """Guards the test above against passing because it found nothing: one line of each way of running them."""
    found = {(line.where.split(":")[0].removeprefix("tests/integration/"), line.words) for line in COMMAND_LINES}
    ledger = ("--data-root", VALUE, "--json")
    for expected in [
        # the Recfin helper, its --as and ledger options added
        ("test_cli_on_the_network.py", ("receivable", "confirm", VALUE, "--as", "coreenterprise/treasurer", *ledger)),
        ("test_cli_on_the_network.py", ("network", "status", "--json")),
        # a parametrized subcommand, each of its values
        ("test_cli_on_the_network.py", ("receivable", "reject", VALUE, "--reason", "goods returned",
                                        "--as", "coreenterprise/treasurer", *ledger)),
        ("test_cli_on_the_network.py", ("receivable", "withdraw", VALUE, "--reason", "goods returned",
                                        "--as", "supplier/supplier1", *ledger)),
        # a function of a test that wraps the helper, its *args given at the call
        ("test_cli_on_the_network.py", ("events", "--start-block", VALUE, "--checkpoint", VALUE, "--limit", "1",
                                        "--as", "regulator", *ledger)),
        # a module function wrapping invoke(main, [...*args...]), and a module constant spliced in
        ("test_batch_tuning.py", ("network", "tune", "--batch-size", "50", "--json")),
        ("test_bench_on_the_network.py", ("bench", "--workload", "mixed", "--mode", "concurrency", "--concurrency",
                                          "4", "--warmup", "2", "--duration", "10", "--json", "--output", VALUE,
                                          "--data-root", VALUE)),
        # a method wrapping it (self.run), and a list of the test spliced in
        ("test_invoices_on_the_network.py", ("invoice", "register", VALUE, "--po", VALUE, "--receipt", VALUE,
                                             "--due", VALUE, "--as", VALUE, *ledger)),
        ("test_org_onboarding.py", ("org", "remove", VALUE, "--sign-as", "bank", "--sign-as", "supplier",
                                    "--sign-as", "coreenterprise", "--data-root", VALUE)),
    ]:
        assert expected in found, expected
    assert len(COMMAND_LINES) > 150
    partly = [f"{line.where}: recfin {' '.join(line.words)} ..." for line in COMMAND_LINES if not line.complete]
    assert not partly, ("command lines checked only up to a * of something not written out (so a missing argument "
                        "goes unseen): splice a list written out in the test, or the wrapper's *args:\n"
                        + "\n".join(partly))


WRONG = '''
import pytest
from click.testing import CliRunner
from cli.main import main

def org(net, *args):
    return CliRunner().invoke(main, ["org", *args, "--data-root", str(net), "--json"])

@pytest.mark.parametrize("command", ["confirm", "acknowledge"])
def test_it(net, command, extra):
    CliRunner().invoke(main, ["receivable", command, "R-1", "--as", "coreenterprise"])
    org(net, "add", "bank3", "--role", "lender", "--enterprise", "91110000MA1K00007E")
    CliRunner().invoke(main, ["network", "logs", *extra])
    CliRunner().invoke(main, ["network", "logz", *extra])
    CliRunner().invoke(main, ["network", "status"] + extra)
'''


def test_a_renamed_command_and_a_wrong_choice_are_found_through_parametrize_and_wrappers():
    module = Module(WRONG, "test_wrong.py")
    checked = [(line.where, line.words[:2], line.complete, problems_of(line)) for line in module.command_lines()]
    receivable_commands = ", ".join(main.commands["receivable"].list_commands(None))
    role_refused = checked[2][3][0] if len(checked) > 2 and checked[2][3] else "(none)"
    assert checked == [
        ("test_wrong.py:11", ("receivable", "confirm"), True, []),
        ("test_wrong.py:11", ("receivable", "acknowledge"), True,          # each value of the parametrized name
         [f"recfin receivable: no command 'acknowledge' (it has {receivable_commands})"]),
        ("test_wrong.py:12", ("org", "add"), True, [role_refused]),     # through the wrapper
        # the * of something unknown: what comes before it is checked, and nothing after it may be missing
        ("test_wrong.py:13", ("network", "logs"), False, []),
        ("test_wrong.py:14", ("network", "logz"), False, [
            f"recfin network: no command 'logz' (it has {', '.join(main.commands['network'].list_commands(None))})"]),
    ]
    assert role_refused.startswith("recfin org add: '--role': Invalid value for '--role': 'lender' is not a role")
    assert module.unreadable == ["test_wrong.py:15: CliRunner().invoke(main, ['network', 'status'] + extra)"]


def test_a_literal_in_capitals_is_a_value_to_check_not_a_placeholder():
    module = Module('CliRunner().invoke(main, ["finance", "quote", claim.id, "--as", "bank", "--grade", "Q"])\n',
                    "test_grade.py")
    line, = module.command_lines()
    assert line.words == ("finance", "quote", VALUE, "--as", "bank", "--grade", "Q")
    assert any("'Q' is not one of 'A', 'B', 'C', 'D', 'E'" in problem for problem in problems_of(line)), \
        problems_of(line)
