"""The values and the words the integration tests write out still pass the checks the SDK and the CLI make now.

The integration tests (tests/integration) need a real Fabric network and skip without one, so a value the SDK has
come to refuse before sending (a credit code with a wrong check character, an invoice number of no invoice's form,
an id no record has), or a message or rule a test expects that the code no longer says, would stay unnoticed
there until a network runs them. Here each such literal is read from their source and put to the same check:

- a credit code's first 17 characters (the argument of ``check_character``, ``credit_code_check_digit`` or
  ``with_check_digit``), and any 18-character code written out, make a code ``uscc.problem`` takes;
- an invoice number (a ``number = ...``, a ``number=`` argument, what a ``*_number`` function returns) has an
  invoice's form for an invoice issued the day it is formed from (``fingerprint.identity_problem``); a paper
  code (after ``--paper-code``, or ``link_paper_identity``'s third argument) and a paper number make a paper
  identity ``fingerprint.paper_identity_problem`` takes;
- an id written as ``"R-..."`` (``F-``, ``O-``...) is one ``record_id_problem`` takes;
- a client identity written out (``"x509::CN=...::CN=..."``) is one the SDK binds to a party: an id a client's
  certificate could present, not a peer's or an orderer's (``require_bindable_client_id``);
- every message a test expects in an output, an error or a refusal (``"..." in result.output``,
  ``line.startswith("...")``, ``pytest.raises(..., match="...")``) is said by the project's code: found among the
  string constants of cli, client, chaincode, network and bench (and click, for a usage error), an f-string's or a
  format's fields standing for a value, a transaction's name or a rule's code in the words standing for one;
  only what Fabric or gRPC says (a peer's log, its endorser's refusals) is named below as such, and a value the
  test itself gives (a node's name it asks for) is its own;
- every key a test reads from a command's JSON or a record (``report["financier_entries"]``) is named by the
  code, as a string or as a field, argument or variable;
- every contract rule a test expects (``RULE <code>``, ``.rule == "<code>"``, a ``*_RULE`` constant) is a rule code
  the contract or the SDK names.

An f-string is read with its fields filled in: ``{n:05d}`` as the smallest and the largest such number,
``{day:%y%m%d}`` as a day's date, ``{secrets.token_hex(8)}`` as 16 hex digits. A value written in any other way
fails the test that says so: it would go unchecked.
"""
from __future__ import annotations

import ast
import functools
import itertools
import re
from datetime import date
from pathlib import Path
from typing import Iterator, NamedTuple

import click
import pytest

from chaincode.receivables import fingerprint, uscc
from chaincode.receivables.arguments import require_bindable_client_id
from chaincode.receivables.errors import RuleViolation
from client.receivables._arguments import RECEIVABLE_ID_MAX, RECORD_ID_LENGTH, record_id_problem
from tests.unit.hostile.test_contract_fuzz import TRANSACTIONS

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "tests" / "integration"
# the project's code, and click's, whose words the CLI's usage errors are ("Invalid value for '--amount': ...")
SOURCES = [*(ROOT / name for name in ("cli", "client", "chaincode", "network", "bench")), Path(click.__file__).parent]
DAY = date(2026, 12, 7)                 # the day an f-string's date field is read as: any day reads the same
CREDIT_CODE_BODY = {"check_character", "credit_code_check_digit", "with_check_digit"}
LOOKS_LIKE_CREDIT_CODE = re.compile(r"[0-9A-Z]{2}[0-9]{6}[0-9A-Z]{10}")
CREDIT_CODE_BODY_FORM = re.compile(f"[{uscc.CHARSET}]{{2}}[0-9]{{6}}[{uscc.CHARSET}]{{9}}")
RECORD_ID = re.compile(r"[A-Z]-")
CLIENT_ID_PREFIX = "x509::"
RULE_CODE = re.compile(r"RULE ([a-z][a-z0-9]*(?:-[a-z0-9]+)+)")
# what the right-hand side of `"..." in X` or `X.startswith("...")` is named when X is words a person reads
READS_WORDS = re.compile(r"output|stderr|stdout|str\(|message|refus|line|said|again|reason|errors|\bnext\b")
MEANINGFUL = 4                          # an f-string's text between its fields: shorter pieces say nothing
SAID_ELSEWHERE = {
    # words: who says them, the project's code only passing them on
    "Committed block [": "a peer's log line, as Fabric writes it (`recfin network logs` shows the log)",
    "access denied": "the peer's endorser, refusing a creator whose certificate does not validate",
    "access denied: channel [": "the peer's endorser, refusing a creator whose certificate does not validate",
    "creator org [SupplierMSP]": "the peer's endorser, naming the MSP ID of the creator it refused",
    "] ABORTED: ": "the gRPC status's name (grpc.StatusCode) after the SDK's `[tx ID] `",
}


class Literal(NamedTuple):
    where: str                          # "tests/integration/test_x.py:12"
    text: str


class Unreadable(Exception):
    """A value written in a way these checks cannot fill in."""


# ---- reading the integration tests ---------------------------------------------------------------------------


class Module:
    def __init__(self, source: str, name: str):
        self.name = name
        self.tree = ast.parse(source)
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.unreadable: list[str] = []

    def where(self, node: ast.AST) -> str:
        return f"{self.name}:{node.lineno}"

    def enclosing(self, node: ast.AST) -> list[ast.AST]:
        """The functions around ``node``, innermost first, then the module."""
        found = []
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(node)
        return [*found, self.tree]

    def assigned(self, name: str, at: ast.AST) -> ast.expr | None:
        """The one value ``name`` is given in the nearest function around ``at`` (or the module) giving it one."""
        for scope in self.enclosing(at):
            values = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign) and len(n.targets) == 1
                      and isinstance(n.targets[0], ast.Name) and n.targets[0].id == name
                      and (scope is not self.tree or n in scope.body)]
            if len(values) == 1:
                return values[0]
            if values:
                return None
        return None

    def values(self, node: ast.expr, *, names: bool = True) -> list[str] | None:
        """Every text ``node`` stands for, as filled in here; None for a value read at run time (an attribute, a
        call's answer). Raises Unreadable for an f-string field of another kind."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name) and names:
            value = self.assigned(node.id, node)
            return None if value is None else self.values(value, names=False)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.values(node.left), self.values(node.right)
            return None if left is None or right is None else [a + b for a, b in itertools.product(left, right)]
        if not isinstance(node, ast.JoinedStr):
            return None
        choices = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                choices.append([str(part.value)])
            else:
                choices.append(field_values(part))
        return ["".join(combination) for combination in itertools.product(*choices)]

    def checked_values(self, node: ast.expr) -> list[str]:
        """:meth:`values`, an unreadable one noted (the test that says so fails) and read as none."""
        try:
            return self.values(node) or []
        except Unreadable as why:
            self.unreadable.append(f"{self.where(node)}: {ast.unparse(node)}: {why}")
            return []

    # -- what is collected

    def credit_code_bodies(self) -> Iterator[tuple[str, list[str]]]:
        for call in self.calls():
            if called(call) in CREDIT_CODE_BODY and call.args:
                yield self.where(call), self.checked_values(call.args[0])

    def credit_codes(self) -> Iterator[Literal]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and LOOKS_LIKE_CREDIT_CODE.fullmatch(node.value):
                yield Literal(self.where(node), node.value)

    def invoice_numbers(self) -> Iterator[tuple[str, list[str]]]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["number"]:
                yield self.where(node), self.checked_values(node.value)
            elif isinstance(node, ast.keyword) and node.arg == "number":
                yield self.where(node.value), self.checked_values(node.value)
            elif isinstance(node, ast.Return) and node.value is not None and any(
                    f.name.endswith("_number") and "paper" not in f.name
                    for f in self.enclosing(node)[:1] if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))):
                yield self.where(node), self.checked_values(node.value)

    def paper_numbers(self) -> Iterator[tuple[str, list[str]]]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["paper_number"]:
                yield self.where(node), self.checked_values(node.value)

    def paper_codes(self) -> Iterator[tuple[str, list[str]]]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and called(node) == "link_paper_identity" and len(node.args) > 2:
                yield self.where(node), self.checked_values(node.args[2])
            if isinstance(node, (ast.Call, ast.List, ast.Tuple)):
                words = node.args if isinstance(node, ast.Call) else node.elts
                for option, value in zip(words, words[1:]):
                    if isinstance(option, ast.Constant) and option.value == "--paper-code":
                        yield self.where(value), self.checked_values(value)

    def record_ids(self) -> Iterator[tuple[str, list[str]]]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and RECORD_ID.fullmatch(str(node.values[0].value)):
                yield self.where(node), self.checked_values(node)

    def client_ids(self) -> Iterator[tuple[str, list[str]]]:
        pieces = {id(part) for node in ast.walk(self.tree) if isinstance(node, ast.JoinedStr) for part in node.values}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and str(node.values[0].value).startswith(CLIENT_ID_PREFIX):
                yield self.where(node), self.checked_values(node)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in pieces \
                    and node.value.startswith(CLIENT_ID_PREFIX):
                yield self.where(node), [node.value]

    def expected_words(self) -> Iterator[Literal]:
        """The words a test expects to read in an output, an error or a refusal: the text of each, an f-string's
        each piece of text between its fields; not a value the test gives itself (a name it asks about), which is
        its own."""
        given = {n.value for call in self.calls() if called(call) != "startswith"
                 for argument in [*call.args, *(k.value for k in call.keywords if k.arg != "match")]
                 for n in ast.walk(argument) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        for literal in self._expected_words():
            if literal.text not in given:
                yield literal

    def _expected_words(self) -> Iterator[Literal]:
        for node in ast.walk(self.tree):
            expected = None
            if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In) \
                    and READS_WORDS.search(ast.unparse(node.comparators[0])):
                expected = node.left
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "startswith" and node.args \
                    and READS_WORDS.search(ast.unparse(node.func.value)):
                expected = node.args[0]
            elif isinstance(node, ast.keyword) and node.arg == "match":
                expected = node.value
            if isinstance(expected, ast.Constant) and isinstance(expected.value, str):
                yield Literal(self.where(expected), expected.value)
            elif isinstance(expected, ast.JoinedStr):
                for part in expected.values:
                    if isinstance(part, ast.Constant) and len(str(part.value).strip()) >= MEANINGFUL:
                        yield Literal(self.where(expected), str(part.value))

    def expected_rules(self) -> Iterator[Literal]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for rule in RULE_CODE.findall(node.value):
                    yield Literal(self.where(node), rule)
            if isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
                sides = [node.left, *node.comparators]
                if any(isinstance(s, ast.Attribute) and s.attr == "rule" for s in sides):
                    yield from (Literal(self.where(s), s.value) for s in sides
                                if isinstance(s, ast.Constant) and isinstance(s.value, str))
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and any(
                    isinstance(t, ast.Name) and t.id.endswith("_RULE") for t in node.targets):
                yield Literal(self.where(node), node.value.value)

    def keys_read(self) -> Iterator[Literal]:
        """Each ``x["key"]`` the test reads (a command's JSON, a record's), but for keys it writes itself (a dict
        it fills, a literal's keys, a value the test gives)."""
        own = {n.slice.value for n in ast.walk(self.tree) if isinstance(n, ast.Subscript)
               and isinstance(n.ctx, ast.Store) and isinstance(n.slice, ast.Constant)}
        own |= {k.value for n in ast.walk(self.tree) if isinstance(n, ast.Dict)
                for k in n.keys if isinstance(k, ast.Constant)}
        own |= {n.value for call in self.calls() for argument in call.args for n in ast.walk(argument)
                if isinstance(n, ast.Constant)}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
                    and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) \
                    and node.slice.value not in own:
                yield Literal(self.where(node), node.slice.value)

    def calls(self) -> Iterator[ast.Call]:
        return (n for n in ast.walk(self.tree) if isinstance(n, ast.Call))


def called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def field_values(field: ast.FormattedValue) -> list[str]:
    """What an f-string's field is filled in with: the smallest and largest ``{n:0Kd}``, a day's ``{d:%...}``, the
    smallest and largest ``{secrets.token_hex(N)}``."""
    spec = ast.unparse(field.format_spec)[2:-1] if field.format_spec is not None else ""
    if (digits := re.fullmatch(r"0(\d+)d", spec)) is not None:
        return ["0" * int(digits.group(1)), "9" * int(digits.group(1))]
    if spec.startswith("%"):
        return [DAY.strftime(spec)]
    value = field.value
    if not spec and isinstance(value, ast.Call) and ast.unparse(value.func) == "secrets.token_hex" \
            and len(value.args) == 1 and isinstance(value.args[0], ast.Constant):
        return ["0" * 2 * value.args[0].value, "f" * 2 * value.args[0].value]
    raise Unreadable(f"a field {{{ast.unparse(field.value)}{':' + spec if spec else ''}}} this test cannot fill in")


def integration_modules() -> list[Module]:
    return [Module(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
            for path in sorted(INTEGRATION.glob("*.py"))]


# ---- reading the project's code --------------------------------------------------------------------------------


FIELD = "\0"                             # stands for an f-string's or a format's field: any text


@functools.cache
def source_texts() -> tuple[str, ...]:
    """Every string constant of the project's code, its fields (f-string, ``{}``, ``%s``) each one FIELD."""
    found = set()
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr):
                    found.add("".join(str(p.value) if isinstance(p, ast.Constant) else FIELD for p in node.values))
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.add(re.sub(r"\{[^{}]*\}|%[-+ #0-9.]*[sdrfx]", FIELD, node.value))
    return tuple(sorted(found))


FIELD_WORDS = 2                          # a field stands for at most two words: a name, an id, "back up"


def said_within(words: str, template: str) -> bool:
    """Whether ``words`` can be read in some text ``template`` forms: each FIELD of the template standing for a
    FIELD of the words (a value the code fills in, a transaction's name, a rule) or for up to FIELD_WORDS words of
    them, as long as more of the words (not counting spaces) is read in the template's own text than in its
    fields, and MEANINGFUL characters at least (or all of shorter words): a field alone says nothing of them."""
    def weight(text: str) -> int:
        return len(re.sub(rf"[\s{FIELD}]", "", text))

    needed = min(MEANINGFUL, weight(words))
    # states: how much of `words` is read -> (read in the template's own text) - (read in its fields), at most
    read: dict[int, tuple[int, int]] = {}
    for character in template:
        read.setdefault(0, (0, 0))                  # the words may begin anywhere in the text
        after: dict[int, tuple[int, int]] = {}

        def keep(i: int, own: int, filled: int) -> None:
            if i not in after or own - filled > after[i][0] - after[i][1]:
                after[i] = (own, filled)

        for i, (own, filled) in read.items():
            if character == FIELD:
                keep(i, own, filled)
                if i < len(words) and words[i] == FIELD:
                    keep(i + 1, own, filled)
                for j in range(i + 1, len(words) + 1):
                    part = words[i:j]
                    if FIELD in part or len(part.split()) > FIELD_WORDS or part.count(" ") >= FIELD_WORDS:
                        break
                    keep(j, own, filled + weight(part))
            elif i < len(words) and words[i] == character:
                keep(i + 1, own + (not character.isspace()), filled)
        read = after
        if len(words) in read:
            own, filled = read[len(words)]
            if own >= needed and own > filled:
                return True
    return False


@functools.cache
def known_values() -> re.Pattern:
    """A contract transaction's name or a rule's code: words a message fills in, as a field."""
    names = sorted({*TRANSACTIONS, *rule_codes()}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % "|".join(map(re.escape, names)))


def said_by_the_code(words: str) -> bool:
    """Whether the project's code says ``words``: a click error's ``Error: `` is click's own, and a transaction's
    name or a rule's code in them is filled in."""
    words = known_values().sub(FIELD, words.removeprefix("Error: "))
    texts = source_texts()
    if any(words in text for text in texts):
        return True
    pieces = [piece for piece in words.split() if len(piece.strip(FIELD)) >= 3] or [words]
    return any(said_within(words, text) for text in texts if any(piece.strip(FIELD) in text for piece in pieces))


@functools.cache
def source_names() -> frozenset[str]:
    """Every name the project's code gives a field, an argument or a variable: a model's field is a key of the JSON
    it prints."""
    found = set()
    for folder in SOURCES[:-1]:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    found.add(node.target.id)
                elif isinstance(node, ast.Assign):
                    found |= {t.id for t in node.targets if isinstance(t, ast.Name)}
                elif isinstance(node, ast.keyword) and node.arg is not None:
                    found.add(node.arg)
                elif isinstance(node, ast.arg):
                    found.add(node.arg)
    return frozenset(found)


@functools.cache
def rule_codes() -> frozenset[str]:
    """Every text of the contract's and the SDK's code that could be a rule's code: words joined by '-'."""
    return frozenset(text for text in source_texts() if re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+", text))


# ---- the checks ------------------------------------------------------------------------------------------------


MODULES = integration_modules()


def collected(kind: str) -> list[tuple[str, list[str]]]:
    return [site for module in MODULES for site in getattr(module, kind)()]


def id_problem(record_id: str) -> str | None:
    """As the SDK judges an id: a receivable's (``R-``) may carry its splits' steps, any other is as long as
    ``keys.new_id`` makes it."""
    if record_id.startswith("R-"):
        return record_id_problem(record_id, "receivable id", longest=RECEIVABLE_ID_MAX)
    return record_id_problem(record_id, "record id", longest=RECORD_ID_LENGTH)


def client_id_refusal(client_id: str) -> str | None:
    """Why the SDK refuses to bind ``client_id`` (register_party, bind_party_identity), or None."""
    try:
        require_bindable_client_id(client_id)
    except RuleViolation as refused:
        return str(refused)
    return None


def test_every_credit_code_the_integration_tests_form_is_one_the_sdk_sends():
    bad = []
    for where, bodies in collected("credit_code_bodies"):
        for body in bodies:
            if not CREDIT_CODE_BODY_FORM.fullmatch(body):
                bad.append(f"{where}: {body!r} is not the first 17 characters of a credit code")
            elif (why := uscc.problem(body + uscc.check_character(body))) is not None:
                bad.append(f"{where}: {why}")
    bad += [f"{code.where}: {why}" for module in MODULES for code in module.credit_codes()
            if (why := uscc.problem(code.text)) is not None]
    assert not bad, ("credit code(s) of the integration tests the SDK refuses before sending (RegisterParty takes "
                     "valid codes only); form each with check_character:\n" + "\n".join(bad))


def test_every_invoice_number_paper_code_and_record_id_they_write_is_one_the_sdk_sends():
    bad = [f"{where}: {why}" for where, numbers in collected("invoice_numbers") for number in numbers
           if (why := fingerprint.identity_problem("", number, DAY))]
    some_number = f"{DAY:%y}{'1' * 18}"
    bad += [f"{where}: {why}" for where, codes in collected("paper_codes") for code in codes
            if (why := fingerprint.paper_identity_problem("", some_number, code, "12345678"))]
    bad += [f"{where}: {why}" for where, numbers in collected("paper_numbers") for number in numbers
            if (why := fingerprint.paper_number_problem(number))]
    bad += [f"{where}: {why}" for where, ids in collected("record_ids") for record_id in ids
            if (why := id_problem(record_id))]
    bad += [f"{where}: {why}" for where, ids in collected("client_ids") for client_id in ids
            if (why := client_id_refusal(client_id))]
    assert not bad, "value(s) of the integration tests the SDK or the CLI refuses before sending:\n" + "\n".join(bad)


def test_every_value_is_written_so_that_it_can_be_checked():
    unreadable = [line for module in MODULES for line in module.unreadable]
    assert not unreadable, ("values written so that the tests above cannot fill them in; write them so, or teach "
                            "field_values the new kind of field:\n" + "\n".join(unreadable))


def test_every_message_the_integration_tests_expect_is_said_by_the_code():
    missing = [f"{words.where}: {words.text!r}" for module in MODULES for words in module.expected_words()
               if words.text not in SAID_ELSEWHERE and not said_by_the_code(words.text)]
    assert not missing, ("message(s) the integration tests expect that no code of the project says (reworded? "
                         "then reword the test; words Fabric or gRPC say go in SAID_ELSEWHERE):\n" + "\n".join(missing))


def test_every_rule_the_integration_tests_expect_is_one_the_contract_names():
    unknown = [f"{rule.where}: {rule.text!r}" for module in MODULES for rule in module.expected_rules()
               if rule.text not in rule_codes()]
    assert not unknown, "rule(s) the integration tests expect that neither the contract nor the SDK names:\n" + \
        "\n".join(unknown)


def test_every_key_the_integration_tests_read_is_one_the_code_names():
    unknown = [f"{key.where}: {key.text!r}" for module in MODULES for key in module.keys_read()
               if key.text not in source_names() and key.text not in source_texts()]
    assert not unknown, ("key(s) the integration tests read (from a command's JSON, a record) that no code of the "
                         "project names, as a string or a field (renamed?):\n" + "\n".join(unknown))


def test_the_collection_finds_the_literals_of_every_kind():
    """Guards the tests above against passing because they found nothing."""
    def count(kind: str) -> int:
        return sum(len(values) for _, values in collected(kind))

    assert count("credit_code_bodies") >= 8                # two bodies of each f-string, and the fixed ones
    assert count("invoice_numbers") >= 10 and count("paper_codes") >= 2 and count("paper_numbers") >= 2
    assert count("record_ids") >= 2
    assert count("client_ids") >= 2                        # the async suite's two of no user's certificate
    words = {w.text for m in MODULES for w in m.expected_words()}
    assert {"refusing to back up while", "does not verify with the key of the identity", "resuming at block",
            "Error: WhoAmI refused: RULE caller-not-a-party: ", " acts for no party: nothing to unbind"} <= words
    keys = {k.text for m in MODULES for k in m.keys_read()}
    assert {"financier_entries", "made_offer", "children_records", "crl_number", "already_revoked"} <= keys
    rules = {r.text for m in MODULES for r in m.expected_rules()}
    assert {"invoice-already-financed", "role-not-permitted", "not-yet-due", "exposure-changed"} <= rules


WRONG = '''
import secrets
from chaincode.receivables.uscc import check_character

CODE = "91110000MA1K00007" + check_character("91110000MA1K0000I")
FIXED = "91110000MA1K000070"

def test_it(result, refused, today, claim):
    number = f"{today:%y%m%d}{secrets.randbelow(10**13):013d}"
    paper_number = f"{secrets.randbelow(10**9):09d}"
    unknown = f"R-{secrets.token_hex(100)}"
    offer = f"O-{secrets.token_hex(9)}"
    peer = f"x509::CN=peer0.bank.example,OU=peer,O=bank.example::CN=ca-{secrets.token_hex(2)}"
    wrapped = "x509::CN=supplier1\\n::CN=ca"
    client = f"x509::CN=supplier-{secrets.token_hex(4)},OU=client::CN=ca.supplier"
    run(["receivable", "link-paper", claim, "--paper-code", "14403190011"])
    assert "refusing to back up while" in result.output
    assert "refused to back up while" in result.output
    assert refused.value.rule == "no-such-rule"
    assert json.loads(result.stdout)["financier_entrys"] == 0
    number = f"{today:>10}"
'''


def test_a_wrong_value_and_a_reworded_message_are_found():
    module = Module(WRONG, "test_wrong.py")
    bodies = [b for _, values in module.credit_code_bodies() for b in values]
    assert bodies == ["91110000MA1K0000I"] and not CREDIT_CODE_BODY_FORM.fullmatch(bodies[0])
    assert [c.text for c in module.credit_codes() if uscc.problem(c.text)] == ["91110000MA1K000070"]
    numbers = [n for _, values in module.invoice_numbers() for n in values]
    assert numbers == ["261207" + "0" * 13, "261207" + "9" * 13]       # 19 digits: refused
    assert all(fingerprint.identity_problem("", n, DAY) for n in numbers)
    assert [fingerprint.paper_number_problem(n) is not None for _, v in module.paper_numbers() for n in v] == \
        [True, True]
    assert [c for _, v in module.paper_codes() for c in v] == ["14403190011"]
    assert fingerprint.paper_identity_problem("", f"{DAY:%y}{'1' * 18}", "14403190011", "12345678")
    assert [id_problem(i) is not None for _, v in module.record_ids() for i in v] == [True, True, True, True]
    refusals = [client_id_refusal(i) for _, v in module.client_ids() for i in v]
    assert len(refusals) == 5, refusals                   # two of each f-string, and the constant
    assert ["RULE identity-of-a-node" in (r or "") for r in refusals[:2]] == [True, True]
    assert "RULE client-id-invalid" in (refusals[2] or "") and refusals[3:] == [None, None], refusals
    words = [w.text for w in module.expected_words()]
    assert [said_by_the_code(w) for w in words] == [True, False]
    assert [r.text for r in module.expected_rules() if r.text not in rule_codes()] == ["no-such-rule"]
    assert [k.text for k in module.keys_read() if k.text not in source_names() | set(source_texts())] == \
        ["financier_entrys"]
    assert module.unreadable == ["test_wrong.py:21: f'{today:>10}': a field {today:>10} this test cannot fill in"]


@pytest.mark.parametrize("words, template, said", [
    ("set RECFIN_HSM_PIN to the user PIN of token", f"set {FIELD} to the user PIN of token {FIELD!s}: ", True),
    ("refusing to back up while", f"refusing to {FIELD} while {FIELD} process(es)", True),
    ("refusing to back up now", f"refusing to {FIELD} while {FIELD} process(es)", False),
    (f"{FIELD} refused: RULE {FIELD}: ", f"{FIELD} refused: RULE {FIELD}: {FIELD}", True),
    ("WhoAmI refused: RULE caller-not-a-party: ", f"{FIELD} refused: RULE {FIELD}: {FIELD}", False),
    ("refused to back up while", f"{FIELD} {FIELD} while the data folder was", False),
    ("refused: RULE", "not refused: RULE", True),
    ("abc", "ab", False),
])
def test_words_are_read_in_a_text_whose_fields_stand_for_any_text(words, template, said):
    assert said_within(words, template) is said
