"""The calls the documents (docs/*.md, README.md) show in their text, ```provenance(receivable_id)```,
``wait_for_block(block_number, *, timeout=None)``, name the parameters the code has.

A reader passes arguments by keyword as the text names them: ``provenance(id=...)`` where the parameter is
``receivable_id`` is a ``TypeError``. test_documented_python.py binds the calls of the ```python blocks, whose
positional arguments are values; this reads the inline code of the text, where they are parameter names.

Each inline code span that parses as a call, ``name(a, b=1)``, or as the parameter list of one,
``name(a: T, *, b=None)``, is compared with ``inspect.signature`` of every function, class or method of that
name in ``client`` (and in ``OTHER_PACKAGES`` and ``OTHER_MODULES``); it holds when one of them takes it:

- an argument written as a bare name stands for the parameter at its place: the parameter there has that name.
  A name a ```python block of the same document binds is the reader's value (``attest_verification(receivables,
  inv, result)`` after ``inv = read_invoice(...)``), not a parameter, unless it is annotated (``registration:
  ReceivableRegistration``); other arguments (``node.id``, ``0``) only take their place;
- ``name=`` is a parameter that may be given by keyword; after a bare ``*`` it is keyword-only in the code, and
  before one (the whole parameter list is then shown) it is not;
- no more positional arguments than the parameters that take them; a ``...`` ends what is checked;
- a contract's transaction, ``GetFinancierExposure(debtor, financier)``, is shown as a client calls it:
  without the ``ctx`` its runtime passes first.

A name followed by a remark in brackets, ``receivables.bank (not running)``, is prose, not a call.

A span that does not parse as Python (``FinancingTerms(advance_rate, fees=0, recourse)``) is not checked; one that
does but names nothing of the SDK fails unless ``NOT_THE_SDK`` declares the name: a method renamed must not leave
its old name in the text unchecked.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

import pytest

from tests.unit.test_documented_python import ROOT, fences, python_blocks

DOCUMENTS = ("README.md", *sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").glob("*.md")))
# Packages besides client/ whose functions the documents name, every module of each: the benchmark's, the
# network tooling's and the chaincode's (its contract, shim and test harness).
OTHER_PACKAGES = ("bench", "network", "chaincode")
# Modules the documents name outside those packages: the CLI's session.
OTHER_MODULES = ("cli.connection",)
# Modules of OTHER_PACKAGES that are a process's start (``python -m chaincode``), not a library.
NOT_IMPORTED = ("__main__",)
# Names called in the text that are not the SDK's: the standard library's, a Node client's error, the
# integration tests' helpers (tests/integration/conftest.py, which is not imported here).
NOT_THE_SDK = {"hex", "sha256", "to_thread", "set_event_loop", "get_loop", "Decimal", "Error",
               "caught_up", "peers_caught_up",
               # Python's: the standard library's and builtins.
               "str", "int", "bytes", "format", "anext", "gather", "wait_for", "dumps", "quantiles", "process_time",
               "Random", "create_default_context",
               # Node's, its Fabric client's and chaincode's, which the benchmark and the contract compare.
               "getStatus", "newFilteredBlockEventsRequest", "cpuUsage", "getID",
               # Go's, in the comparison with the official Gateway clients: a file's Sync().
               "Sync",
               # Fabric's endorsement policy language.
               "AND", "OR", "OutOf"}

INLINE_CODE = re.compile(r"`([^`\n]+)`")


class Mention(NamedTuple):
    line: int
    text: str


class Argument(NamedTuple):
    """One argument shown; kind: "place" (a parameter's name at its place), "annotated" (one with its type),
    "value" (a value at a place), "elided" (``...``), "rest" (``*args``), "keyword", "before-star" (a keyword
    parameter of a whole list shown before its ``*``) or "keyword-only"."""
    kind: str
    name: str


class Call(NamedTuple):
    function: str
    arguments: list[Argument]


def inline_code(markdown: str) -> Iterator[Mention]:
    """The inline code spans outside fences; a span broken over two lines (the text wraps) is joined."""
    in_fence = {fence.line + i for fence in fences(markdown) for i in range(fence.source.count("\n") + 2)}
    opened: Mention | None = None
    for number, line in enumerate(markdown.splitlines(), 1):
        if number in in_fence:
            opened = None
            continue
        if opened is not None:
            rest, closes, line = line.partition("`")
            if closes:
                yield Mention(opened.line, f"{opened.text} {rest.strip()}")
            else:
                line = rest
            opened = None
        yield from (Mention(number, span) for span in INLINE_CODE.findall(line))
        unpaired = INLINE_CODE.sub("", line)
        if unpaired.count("`") % 2:
            opened = Mention(number, unpaired.rsplit("`", 1)[1].strip())


def bound_names(markdown: str) -> set[str]:
    """Every name a ```python block of the document binds: the reader's values, not parameter names."""
    names = set()
    for block in python_blocks(markdown, "document"):
        try:
            tree = ast.parse(block.source)
        except SyntaxError:
            continue        # test_documented_python.py reports it
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return names


def parameter_list(function: str, inside: str) -> Call | None:
    """``name(a, b: T, *, c=None)`` read as the parameter list it shows, or None when it is not one."""
    try:
        definition = ast.parse(f"def shown({inside}): pass").body[0]
    except SyntaxError:
        return None
    shown = definition.args
    whole = bool(shown.kwonlyargs or shown.vararg)       # a * shows the whole list: what precedes takes places
    given = shown.posonlyargs + shown.args
    first_default = len(given) - len(shown.defaults)
    arguments = []
    for index, parameter in enumerate(given):
        if index < first_default:
            arguments.append(Argument("place" if parameter.annotation is None else "annotated", parameter.arg))
        else:
            arguments.append(Argument("before-star" if whole else "keyword", parameter.arg))
    if shown.vararg:
        arguments.append(Argument("rest", shown.vararg.arg))
    arguments += [Argument("keyword-only", parameter.arg) for parameter in shown.kwonlyargs]
    return Call(function, arguments)


def calls(span: str) -> Iterator[Call]:
    text = span.strip().removeprefix("await ").removeprefix("with ").removesuffix(":")
    text = re.sub(r"\s+as\s+\w+$", "", re.sub(r"\s*->.*$", "", text))
    whole = re.fullmatch(r"([\w.]+)\((.*)\)", text)
    if whole and (shown := parameter_list(whole[1], whole[2])) is not None:
        yield shown
        return
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return
    source = text.encode()      # the offsets ast gives are of UTF-8 bytes
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
            continue        # a string's "(sha256)" is prose: only a name is called
        if source[node.func.end_col_offset:node.func.end_col_offset + 1] != b"(":
            continue        # ``receivables.bank (not running)``: a name and a remark in brackets
        arguments = []
        for argument in node.args:
            if isinstance(argument, ast.Constant) and argument.value is Ellipsis:
                arguments.append(Argument("elided", "..."))
            elif isinstance(argument, ast.Starred):
                arguments.append(Argument("rest", ast.unparse(argument)))
            else:
                kind = "place" if isinstance(argument, ast.Name) else "value"
                arguments.append(Argument(kind, ast.unparse(argument)))
        arguments += [Argument("keyword", keyword.arg) for keyword in node.keywords if keyword.arg]
        yield Call(ast.unparse(node.func), arguments)


def signature_of(function: object, read_from_its_class: bool = False) -> inspect.Signature | None:
    """Its signature as a reader calls it: without ``self`` for a method read from its class (called on an
    object); None for a builtin that has none."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    if read_from_its_class:
        return signature.replace(parameters=list(signature.parameters.values())[1:])
    return signature


@cache
def sdk_signatures() -> dict[str, list[tuple[str, inspect.Signature]]]:
    """Each public name of client/, OTHER_PACKAGES and OTHER_MODULES that can be called -> (qualified name,
    its signature)."""
    modules = [info.name for package in ("client", *OTHER_PACKAGES)
               for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}.")
               if info.name.rsplit(".", 1)[-1] not in NOT_IMPORTED] + list(OTHER_MODULES)
    found: dict[str, dict[str, inspect.Signature]] = {}

    def add(name: str, where: str, function: object, read_from_its_class: bool = False) -> None:
        signature = signature_of(function, read_from_its_class)
        if signature is not None:
            parameters = list(signature.parameters.values())
            if parameters and parameters[0].name == "ctx":
                # A contract's transaction: the runtime passes its context, a caller the arguments after it.
                signature = signature.replace(parameters=parameters[1:])
            found.setdefault(name, {})[where] = signature

    for module_name in modules:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.startswith("_") or not callable(value):
                continue
            if not (getattr(value, "__module__", None) or "").startswith(("client", "cli", *OTHER_PACKAGES)):
                continue
            add(name, f"{value.__module__}.{getattr(value, '__qualname__', name)}", value)
            if not isinstance(value, type):
                continue
            for attribute in dir(value):
                member = getattr(value, attribute, None)
                if attribute.startswith("_") or not callable(member):
                    continue
                plain_method = inspect.isfunction(member) and not isinstance(
                    inspect.getattr_static(value, attribute, None), staticmethod)
                add(attribute, f"{value.__qualname__}.{attribute}", member, plain_method)
    return {name: list(by_place.items()) for name, by_place in found.items()}


def mismatches(call: Call, signature: inspect.Signature, values: set[str]) -> list[str]:
    """What of ``call`` the signature does not take; nothing when it takes all of it."""
    parameters = list(signature.parameters.values())
    placed = [parameter for parameter in parameters if parameter.kind in (parameter.POSITIONAL_ONLY,
                                                                          parameter.POSITIONAL_OR_KEYWORD)]
    takes_more = any(parameter.kind == parameter.VAR_POSITIONAL for parameter in parameters)
    takes_any_keyword = any(parameter.kind == parameter.VAR_KEYWORD for parameter in parameters)
    found, place = [], 0
    for kind, name in call.arguments:
        if kind == "elided":
            break
        if kind in ("place", "annotated", "value"):
            if place >= len(placed):
                if not takes_more:
                    found.append(f"{name!r} is argument {place + 1}, but it takes {len(placed)} by place")
            elif kind == "annotated" or (kind == "place" and name not in values):
                if name != placed[place].name:
                    found.append(f"argument {place + 1} is {placed[place].name!r}, not {name!r}")
            place += 1
        elif kind in ("keyword", "before-star", "keyword-only"):
            parameter = signature.parameters.get(name)
            if parameter is None or parameter.kind in (parameter.POSITIONAL_ONLY, parameter.VAR_POSITIONAL,
                                                       parameter.VAR_KEYWORD):
                if not takes_any_keyword:
                    found.append(f"no parameter {name!r} taken by keyword")
            elif kind == "keyword-only" and parameter.kind != parameter.KEYWORD_ONLY:
                found.append(f"{name!r} is shown after *, but may be given by place")
            elif kind == "before-star" and parameter.kind == parameter.KEYWORD_ONLY:
                found.append(f"{name!r} is shown before *, but is keyword-only")
    return found


def problems_in(markdown: str) -> list[str]:
    """Each call of the text that no function of its name takes, with why (one line per candidate)."""
    values, known, problems = bound_names(markdown), sdk_signatures(), []
    for line, span in inline_code(markdown):
        for call in calls(span):
            name = call.function.rsplit(".", 1)[-1]
            signatures = known.get(name, [])
            if not signatures:
                if name not in NOT_THE_SDK:
                    problems.append(f"line {line}: `{span}`: no {name} in the SDK (or add it to NOT_THE_SDK)")
                continue
            why = {where: mismatches(call, signature, values) for where, signature in signatures}
            if all(why.values()):
                problems.append(f"line {line}: `{span}`: " + "; ".join(
                    f"{where}{signature}: {', '.join(why[where])}" for where, signature in signatures))
    return problems


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_calls_in_the_text_name_the_codes_parameters(document):
    assert problems_in((ROOT / document).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("shown, wrong", [
    ("`provenance(id)`", "argument 1 is 'receivable_id', not 'id'"),
    ("`network.wait_for_block(n, timeout=None)`", "argument 1 is 'block_number', not 'n'"),
    ("`signer_from_pem(pem)`", "argument 1 is 'private_key_pem', not 'pem'"),
    ("`key_id_for(key)`", "argument 1 is 'public_key_or_certificate', not 'key'"),
    ("`checkpoint_block(n)`", "argument 1 is 'block_number', not 'n'"),
    ("`get_discount_offer(offer_id, receivable=None)`", "no parameter 'receivable' taken by keyword"),
    ("`wait_for_block(block_number, timeout=None, *more)`", "'timeout' is shown before *, but is keyword-only"),
    ("`financier_exposure(debtor, *, financier=None)`", "'financier' is shown after *, but may be given by place"),
    ("`get_party(uscc, party)`", "'party' is argument 2, but it takes 1 by place"),
    ("`client.get_recievable(receivable_id)`", "no get_recievable in the SDK"),
    ("`network.new_commit(tx_id).status()`", "argument 1 is 'transaction_id', not 'tx_id'"),
    ("`match_invoice(invoice, purchase_order, receipt)`", "argument 2 is 'po', not 'purchase_order'"),
    ("`GetFinancierExposure(debtor, bank)`", "argument 2 is 'financier', not 'bank'"),
    ("`ListReceivablesByFinancier(ctx)`", "argument 1 is 'financier', not 'ctx'"),
    ("`endorse_proposal(signed_proposal)`", "argument 1 is 'signed', not 'signed_proposal'"),
    ("`ContractError(exc)`", "argument 1 is 'message', not 'exc'"),
    ("`bench.stats.throughput(transactions, window_seconds)`", "argument 1 is 'count', not 'transactions'"),
    ("`compiled_signature_policy(expression)`", "argument 1 is 'policy', not 'expression'"),
])
def test_a_name_the_code_does_not_take_is_found(shown, wrong):
    problems = problems_in(f"Call {shown} to read it.\n")
    assert len(problems) == 1 and wrong in problems[0], problems


def test_a_value_of_the_documents_examples_is_not_a_parameter_name():
    markdown = ("```python\ninv = read_invoice('invoice.xml')\n```\n\n"
                "Again: `attest_verification(receivables, inv, result, request_id=error.request_id)`.\n")
    problems = problems_in(markdown)
    assert len(problems) == 1 and "argument 3 is 'verification', not 'result'" in problems[0], problems
    assert "'inv'" not in problems[0]


@pytest.mark.parametrize("prose", ["`receivables.bank (not running)`", '`{"tx_id", "arguments" (sha256)}`'])
def test_a_name_and_a_remark_in_brackets_is_no_call(prose):
    assert problems_in(f"Then {prose} is shown.\n") == []


def test_a_name_and_a_remark_in_brackets_is_no_call_only_when_a_space_parts_them():
    problems = problems_in("Then `receivables.bank(not_running)` is shown.\n")
    assert len(problems) == 1 and "no bank in the SDK" in problems[0], problems


def test_a_call_wrapped_onto_the_next_line_is_read_whole():
    assert problems_in("It takes `open_msp_folder(path,\nmsp_id)` and more.\n") == []
    problems = problems_in("It takes `open_msp_folder(folder,\nmsp_id)` and more.\n")
    assert len(problems) == 1 and "argument 1 is 'path', not 'folder'" in problems[0], problems
