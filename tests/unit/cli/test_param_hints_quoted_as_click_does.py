"""Every usage error of the CLI names the option at fault as click names it itself (``Invalid value for
'--plot'``: each name in single quotes, several joined by " / "): a hint the code passes to click is printed as
given, so each ``param_hint=`` in cli/ is read here and one that names an option without those quotes fails."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

CLI = Path(__file__).resolve().parents[3] / "cli"
PLACEHOLDER = "X"   # what a value worked out as the command runs ({option} of an f-string) stands for here
QUOTED_AS_CLICK_DOES = re.compile(r"'[^']+'( / '[^']+')*")


def click_hint_of(*names: str) -> str:
    """How click itself names an option of these names in an error."""
    return click.Option(list(names)).get_error_hint(None)


def test_the_form_checked_here_is_clicks_own():
    assert QUOTED_AS_CLICK_DOES.fullmatch(click_hint_of("--plot"))
    assert QUOTED_AS_CLICK_DOES.fullmatch(click_hint_of("-n", "--lines"))
    assert not QUOTED_AS_CLICK_DOES.fullmatch("--plot")


def hint_problems(node: ast.expr, forwarded: set[str]) -> list[str]:
    """What is wrong with the hint ``node`` passes (nothing: []). ``forwarded``: the names of the function's
    parameters that take a hint from its callers, whose own ``param_hint=`` is checked where they call it."""
    if isinstance(node, ast.Constant) and node.value is None:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [] if QUOTED_AS_CLICK_DOES.fullmatch(node.value) else [f"{node.value!r} is not quoted as click does"]
    if isinstance(node, ast.JoinedStr):
        text = "".join(part.value if isinstance(part, ast.Constant) else PLACEHOLDER for part in node.values)
        return [] if QUOTED_AS_CLICK_DOES.fullmatch(text) else [f"{ast.unparse(node)} is not quoted as click does"]
    if isinstance(node, ast.IfExp):
        return hint_problems(node.body, forwarded) + hint_problems(node.orelse, forwarded)
    if isinstance(node, (ast.List, ast.Tuple)):   # click quotes each name of a list itself: not quoted here
        return [f"{ast.unparse(item)} in a list is quoted again by click" for item in node.elts
                if not (isinstance(item, ast.Constant) and isinstance(item.value, str)
                        and not item.value.startswith("'"))]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "repr":
        return []   # the quotes of a name's repr are click's
    if isinstance(node, ast.Name) and node.id in forwarded:
        return []
    return [f"{ast.unparse(node)}: a hint this test cannot read; pass it as click prints it, e.g. \"'--option'\""]


def param_hints_in(path: Path) -> list[str]:
    """Each ``param_hint`` of ``path`` that is not as click names an option, as 'file:line: what is wrong'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems: list[str] = []

    def check(node: ast.expr, forwarded: set[str]) -> None:
        problems.extend(f"{path.name}:{node.lineno}: {problem}" for problem in hint_problems(node, forwarded))

    def visit(node: ast.AST, forwarded: set[str]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            positional = arguments.posonlyargs + arguments.args
            defaults = dict(zip([a.arg for a in positional[len(positional) - len(arguments.defaults):]],
                                arguments.defaults))
            defaults.update((a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None)
            forwarded = forwarded | {name for name in defaults if name == "param_hint"} \
                | {a.arg for a in positional + arguments.kwonlyargs if a.arg == "param_hint"}
            if "param_hint" in defaults:
                check(defaults["param_hint"], forwarded)
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "param_hint":
                    check(keyword.value, forwarded)
        for child in ast.iter_child_nodes(node):
            visit(child, forwarded)

    visit(tree, set())
    return problems


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda path: path.name)
def test_every_param_hint_names_its_option_as_click_does(path):
    assert param_hints_in(path) == []


def test_an_unquoted_option_name_is_caught(tmp_path):
    written = tmp_path / "commands.py"
    written.write_text('import click\n\n'
                       'def check(value, option):\n'
                       '    raise click.BadParameter(value, param_hint="--client")\n'
                       'def forward(value, option):\n'
                       '    raise click.BadParameter(value, param_hint=f"--attr {option}")\n'
                       'def chosen(value, option, flag):\n'
                       '    raise click.BadParameter(value, param_hint="\'--as\'" if flag else "--msp-dir")\n'
                       'def named(value, option):\n'
                       '    raise click.BadParameter(value, param_hint=option)\n'
                       'def defaulted(value, param_hint="--enterprise"):\n'
                       '    raise click.BadParameter(value, param_hint=param_hint)\n', encoding="utf-8")
    assert [problem.split(":")[1] for problem in param_hints_in(written)] == ["4", "6", "8", "10", "11"]
