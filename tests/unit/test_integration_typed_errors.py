"""The integration tests expect the SDK's typed errors where the SDK has one, not the peer's words it reads into it.

The integration tests (tests/integration) need a real Fabric network and skip without one. The SDK's ledger readers
read a peer's answer that its ledger holds no such block, transaction, chaincode or channel ("no such transaction
ID [<tx id>]", "namespace <name> is not defined") into a typed error (``NoSuchTransactionError``...); a test that
asks the peer itself and matches those words again keeps a second copy of Fabric's wording, which the SDK follows
when it changes and the test, unrun, does not. Here the words are read from the SDK itself (each
``peer_said(error, "...")`` and the error its branch raises), and every string an integration test writes out
(not a docstring) is held to not spelling them: where it does, the test is to ask through the reader and expect
its typed error.

Then every error class an integration test expects (``pytest.raises(X)``, ``except X``) is one the project's code
raises or makes (``raise X``, ``X(...)``, ``X`` given to a factory), itself or a subclass of it: one the code
stopped raising (its case now refused by another) would still import, and the test expecting it would fail only
once a network runs it. A class named through a variable (``for call, error in ...: pytest.raises(error)``) is
read where it is written out, not at the variable.
"""
from __future__ import annotations

import ast
import builtins
import importlib
import re
from pathlib import Path
from typing import Iterator, NamedTuple

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "tests" / "integration"
SDK = ROOT / "client"
SOURCES = [ROOT / name for name in ("cli", "client", "chaincode", "network", "bench")]
MEANINGFUL = 4          # a piece of the peer's words shorter than this (after its punctuation) says nothing alone
# what an integration test expects that the code does not raise itself: Python's own errors and gRPC's
RAISED_ELSEWHERE = {"AssertionError", "TimeoutError", "CancelledError", "RpcError"}


class PeerWords(NamedTuple):
    pieces: tuple[str, ...]     # the words' fixed text, in order, the values the peer puts in left out
    error: str                  # the typed error the SDK raises for them
    where: str


class Text(NamedTuple):
    where: str
    text: str                   # a string's text, each f-string field as "\0"


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _pieces(node: ast.expr) -> tuple[str, ...]:
    parts = [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else [
        value.value for value in getattr(node, "values", []) if isinstance(value, ast.Constant)]
    stripped = (part.strip(" .,:;[](){}'\"") for part in parts)
    return tuple(piece for piece in stripped if len(piece) >= MEANINGFUL)


def _raised(body: list[ast.stmt]) -> str | None:
    for node in (n for statement in body for n in ast.walk(statement)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
            return node.exc.func.id
    return None


def peer_words(source: str, name: str) -> Iterator[PeerWords]:
    """Each ``if ... peer_said(error, WORDS) ...: raise TypedError(...)`` of ``source``."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.If):
            continue
        for call in (n for n in ast.walk(node.test) if isinstance(n, ast.Call)):
            if isinstance(call.func, ast.Name) and call.func.id == "peer_said" and len(call.args) == 2:
                error, pieces = _raised(node.body), _pieces(call.args[1])
                if error and pieces:
                    yield PeerWords(pieces, error, f"{name}:{call.lineno}")


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def texts(source: str, name: str) -> Iterator[Text]:
    """Every string ``source`` writes out, an f-string whole (its fields as "\\0"), docstrings left out."""
    tree = ast.parse(source)
    inside_fstrings = {id(value) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for value in node.values}
    skipped = _docstrings(tree) | inside_fstrings
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield Text(f"{name}:{node.lineno}", node.value)
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "\0" for v in node.values)
            yield Text(f"{name}:{node.lineno}", text)


def spells(text: str, words: PeerWords) -> bool:
    """Whether ``text`` holds every piece of ``words``, in their order."""
    return re.search(".*?".join(re.escape(piece) for piece in words.pieces), text, re.S) is not None


def sdk_peer_words() -> list[PeerWords]:
    return [words for path in sorted(SDK.rglob("*.py"))
            for words in peer_words(path.read_text(encoding="utf-8"), _relative(path))]


def matched_words_problems(source: str, name: str, known: list[PeerWords]) -> list[str]:
    return [f"{text.where}: spells the peer's words {' ... '.join(words.pieces)!r}, which the SDK reads into "
            f"{words.error} ({words.where}): ask through the SDK's reader and expect {words.error}"
            for text in sorted(texts(source, name), key=_line) for words in known if spells(text.text, words)]


def _line(text: Text) -> int:
    return int(text.where.rsplit(":", 1)[1])


def integration_sources() -> list[tuple[str, str]]:
    return [(path.read_text(encoding="utf-8"), _relative(path)) for path in sorted(INTEGRATION.glob("*.py"))]


def test_the_sdk_s_typed_not_on_the_ledger_errors_are_found():
    """Guards the test below against passing because it found no words to look for."""
    found = {words.error: words.pieces for words in sdk_peer_words()}
    assert {"NoSuchTransactionError", "NoSuchBlockError", "NoSuchChannelError", "NoSuchChaincodeError"} <= set(found)
    assert found["NoSuchTransactionError"] == ("no such transaction ID",)
    assert found["NoSuchChaincodeError"] == ("namespace", "is not defined")


def test_no_integration_test_matches_the_peer_s_words_for_which_the_sdk_raises_a_typed_error():
    known = sdk_peer_words()
    problems = [p for source, name in integration_sources() for p in matched_words_problems(source, name, known)]
    assert not problems, "\n".join(problems)


# ---- the error classes the integration tests expect -------------------------------------------------------------


def expected_error_names(source: str, name: str) -> Iterator[tuple[str, str]]:
    """(where, class name) of each error ``pytest.raises(X)`` or ``except X`` (``except (X, Y)``) expects."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            kinds = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "pytest.raises" and node.args:
            kinds = node.args[0].elts if isinstance(node.args[0], ast.Tuple) else [node.args[0]]
        else:
            continue
        for kind in kinds:
            # a bare lower-case name is a variable (a loop's over (call, error) pairs): its classes are written
            # out where it is bound, and found there
            if isinstance(kind, ast.Attribute) or isinstance(kind, ast.Name) and not kind.id[:1].islower():
                yield f"{name}:{node.lineno}", ast.unparse(kind)


def _last_name(node: ast.expr) -> str | None:
    return ast.unparse(node).rsplit(".", 1)[-1] if isinstance(node, (ast.Name, ast.Attribute)) else None


def raised_names(sources: list[tuple[str, str]]) -> set[str]:
    """The name of every class the code of ``sources`` raises or makes: ``raise X``, a call ``X(...)``, or ``X``
    given to a call (a factory's ``self._call(..., SubmitError)``), ``isinstance`` and ``issubclass`` aside."""
    found = set()
    for source, _ in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Raise) and node.exc is not None:
                found.add(_last_name(node.exc.func if isinstance(node.exc, ast.Call) else node.exc))
            elif isinstance(node, ast.Call):
                found.add(_last_name(node.func))
                if _last_name(node.func) not in ("isinstance", "issubclass"):
                    found.update(_last_name(argument) for argument in node.args)
    return found - {None}


def project_sources() -> list[tuple[str, str]]:
    return [(path.read_text(encoding="utf-8"), _relative(path))
            for root in SOURCES for path in sorted(root.rglob("*.py"))]


def _subclass_names(kind: type) -> set[str]:
    names, stack = set(), [kind]
    while stack:
        each = stack.pop()
        names.add(each.__name__)
        stack.extend(each.__subclasses__())
    return names


def module_names(name: str) -> dict[str, object]:
    """What the integration test module ``name`` (tests/integration/x.py) names at its top level."""
    return dict(vars(importlib.import_module(name.removesuffix(".py").replace("/", "."))))


def _resolved(dotted: str, names: dict[str, object]) -> object:
    """``node_compare.NodeUnavailableError`` looked up in ``names`` (then Python's built-ins), or None."""
    first, *rest = dotted.split(".")
    found = names.get(first, getattr(builtins, first, None))
    for part in rest:
        found = getattr(found, part, None)
    return found


def unraised_problems(source: str, name: str, classes: dict[str, object], raised: set[str]) -> list[str]:
    problems = []
    for where, expected in sorted(expected_error_names(source, name), key=lambda found: int(found[0].split(":")[1])):
        if expected.rsplit(".", 1)[-1] in RAISED_ELSEWHERE:
            continue
        kind = _resolved(expected, classes)
        if not isinstance(kind, type):
            problems.append(f"{where}: expects {expected}, which the module does not name")
        elif getattr(builtins, kind.__name__, None) is kind and kind.__name__ not in raised:
            continue     # Python raises its own (a ValueError of int(), a KeyError of a dict) where the code does not
        elif not _subclass_names(kind) & raised:
            problems.append(f"{where}: expects {expected}, which nothing in {', '.join(_relative(s) for s in SOURCES)}"
                            " raises, itself or a subclass of it")
    return problems


def test_every_error_an_integration_test_expects_is_raised_by_the_code():
    raised = raised_names(project_sources())
    problems = [p for source, name in integration_sources()
                for p in unraised_problems(source, name, module_names(name), raised)]
    assert not problems, "\n".join(problems)


def test_the_collection_finds_the_errors_expected():
    """Guards the test above against passing because it found nothing."""
    found = {(where.split(":")[0].removeprefix("tests/integration/"), expected)
             for source, name in integration_sources() for where, expected in expected_error_names(source, name)}
    for expected in [
        ("test_async_sdk_on_the_network.py", "CheckpointOfAnotherLedger"),      # pytest.raises
        ("test_hostile_on_the_network.py", "NoSuchTransactionError"),          # except
        ("test_gateway_sdk.py", "CommitStatusError"),
        ("test_receivables_on_the_network.py", "RuleViolation"),
    ]:
        assert expected in found, expected


# ---- the checks find what they are for ---------------------------------------------------------------------------

STALE = '''
"""A module's docstring naming "no such transaction ID [<tx id>]" is no match."""
import pytest


class NeverRaisedError(ValueError):
    """An error nothing raises."""


def looked_up(error, tx_id, name):
    """A docstring: "namespace <name> is not defined"."""
    assert any(f"no such transaction ID [{tx_id}]" in m for m in error.details)
    assert f"namespace {name} is not defined" in str(error)
    assert "no such transaction" in str(error)
    with pytest.raises(NeverRaisedError):
        looked_up(error, tx_id, name)
    try:
        looked_up(error, tx_id, name)
    except (KeyError, NeverRaisedError):
        pass
'''


def test_a_match_of_the_peer_s_words_and_an_error_nothing_raises_are_found():
    found = matched_words_problems(STALE, "test_stale.py", sdk_peer_words())
    assert [p.split(": ")[0] for p in found] == ["test_stale.py:12", "test_stale.py:13"], found
    assert "NoSuchTransactionError" in found[0] and "NoSuchChaincodeError" in found[1]

    namespace: dict = {}
    exec(compile("class NeverRaisedError(ValueError): pass", "test_stale.py", "exec"), namespace)
    classes = {"NeverRaisedError": namespace["NeverRaisedError"]}
    problems = unraised_problems(STALE, "test_stale.py", classes, raised_names(project_sources()))
    assert [p.split(": ")[0] for p in problems] == ["test_stale.py:15", "test_stale.py:19"], problems
    assert all("expects NeverRaisedError, which nothing in" in p for p in problems)


def test_an_error_the_code_stopped_raising_is_found_in_the_test_expecting_it():
    name = "tests/integration/test_async_sdk_on_the_network.py"
    source = (ROOT / name).read_text(encoding="utf-8")
    raised = raised_names(project_sources())
    assert not unraised_problems(source, name, module_names(name), raised)
    problems = unraised_problems(source, name, module_names(name), raised - {"CheckpointOfAnotherLedger"})
    assert len(problems) == 1 and "expects CheckpointOfAnotherLedger, which nothing in" in problems[0], problems
