"""docs/sdk-receivables.md's method table writes each method's whole signature as the code has it: every parameter
by its own name, in its place, with its default, and the type it is written with. A keyword call copied from the
table (``client.transfer(receivable_id="R-1", ...)``) must work; ``id`` for ``receivable_id`` raised TypeError."""

from __future__ import annotations

import inspect
import re

from client.receivables import AsyncReceivablesClient, ReceivablesClient

from .test_sdk_docs import DOC, documented_signatures


def _first_cells(doc: str) -> list[str]:
    table = doc.split("## Methods", 1)[1].split("\n### ", 1)[0]
    return [row.strip("|").split(" | ")[0] for row in table.splitlines() if row.startswith("| `")]


def written_parameters(params: str) -> list[tuple[str, str | None, str | None]]:
    """``(name, type, default)`` of each parameter a signature writes (``"*"`` stands alone), e.g. ``("terms",
    "FinancingTerms", None)`` of ``terms: FinancingTerms``."""
    written = []
    for text in (p.strip() for p in params[1:-1].split(",") if p.strip()):
        name_and_type, _, default = text.partition("=")
        name, _, annotation = name_and_type.partition(":")
        written.append((name.strip(), annotation.strip() or None, default.strip() or None))
    return written


def signature_problems(signatures: list[tuple[str, str]]) -> list[str]:
    """How the table's signatures (``documented_signatures()``) differ from the code's, one line each."""
    problems = []
    for method, params in signatures:
        code = [p for p in inspect.signature(getattr(ReceivablesClient, method)).parameters.values()
                if p.name != "self"]
        expected = []
        for parameter in code:
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY and "*" not in [e[0] for e in expected]:
                expected.append(("*", None, None))
            default = None if parameter.default is inspect.Parameter.empty else repr(parameter.default)
            expected.append((parameter.name, parameter.annotation, default and default.replace("'", '"')))
        written = written_parameters(params)
        names = [w[0] for w in written]
        if names != [e[0] for e in expected]:
            problems.append(f"{method}{params}: the code's parameters are ({', '.join(e[0] for e in expected)})")
            continue
        for (name, annotation, default), (_, real_annotation, real_default) in zip(written, expected):
            if default != real_default:
                problems.append(f"{method}{params}: {name} defaults to {real_default} in the code")
            if annotation is not None and annotation != real_annotation:
                problems.append(f"{method}{params}: {name} is a {real_annotation} in the code")
    return problems


def test_every_signature_in_the_method_table_is_the_codes():
    assert {"transfer", "record_payment", "make_offer", "list_by_status"} <= {m for m, _ in documented_signatures()}
    assert signature_problems(documented_signatures()) == []


def test_every_method_named_in_the_table_writes_its_signature():
    written = {method for method, _ in documented_signatures()}
    named = set()
    for cell in _first_cells(DOC):
        without_aliases = re.sub(r"\(alias `[a-z_]+`\)", "", cell)
        named |= {span for span in re.findall(r"`([a-z_]+)(?:\(|`)", without_aliases)}
    assert named - written == set()


def test_the_async_client_takes_the_same_parameters_as_the_table_writes():
    for method, _ in documented_signatures():
        blocking, awaited = (inspect.signature(getattr(cls, method)).parameters
                             for cls in (ReceivablesClient, AsyncReceivablesClient))
        assert [(p.name, p.kind, p.default) for p in blocking.values()] == \
            [(p.name, p.kind, p.default) for p in awaited.values()], method
