"""Each ```json example of docs/receivables.md is the shape of a document the contract takes or answers.

A reader copies the registration or attestation JSON and reads an answer's fields from the examples, so an
example must be one of the contract's models (``chaincode.receivables.model`` and ``schemas``): its keys all
fields of that model, every field the model requires given, and so for each object a field lists. ``{...}``
and ``...`` stand for what the example leaves out, and a model the example's keys fit is enough: the text
beside it says which transaction's it is.
"""
from __future__ import annotations

import json
import re
import types
import typing

import pytest
from pydantic import BaseModel

from chaincode.receivables import model, schemas
from tests.unit.test_documented_python import ROOT, fences

PAGE = ROOT / "docs" / "receivables.md"
MODELS = sorted({value for module in (model, schemas) for value in vars(module).values()
                 if isinstance(value, type) and issubclass(value, BaseModel) and value.model_fields},
                key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def examples() -> list[tuple[int, dict]]:
    found = []
    for fence in fences(PAGE.read_text(encoding="utf-8")):
        if fence.info == "json":
            text = re.sub(r",\s*\.\.\.\s*(?=[}\]])", "", fence.source.replace("{...}", "{}"))
            found.append((fence.line, json.loads(text)))
    return found


def _item_model(annotation: object) -> type[BaseModel] | None:
    """The model each item of a ``list[Model]`` field is (``Model | None`` read as ``Model``), else None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = models[0] if len(models) == 1 else annotation
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def problems(document: dict, cls: type[BaseModel]) -> list[str]:
    """What keeps ``document`` from being a ``cls``: keys it has no field for, required fields it lacks, and
    the same of each object a field of it lists."""
    fields = cls.model_fields
    found = [f"no field {key!r}" for key in document if key not in fields]
    found += [f"lacks {name!r}" for name, field in fields.items() if field.is_required() and name not in document]
    for name, value in document.items():
        item_model = _item_model(fields[name].annotation) if name in fields else None
        if item_model is not None and isinstance(value, list):
            found += [f"{name}[{index}] {problem}" for index, item in enumerate(value) if isinstance(item, dict)
                      for problem in problems(item, item_model)]
    return found


@pytest.mark.parametrize(("line", "document"), examples(),
                         ids=lambda value: str(value) if isinstance(value, int) else "")
def test_the_example_is_a_document_of_the_contract(line, document):
    fitting = [cls for cls in MODELS if not problems(document, cls)]
    closest = min(MODELS, key=lambda cls: len(problems(document, cls)))
    assert fitting, (f"docs/receivables.md:{line}: the example is none of the contract's documents; the closest, "
                     f"{closest.__name__}: {problems(document, closest)}")


def test_the_page_has_its_examples():
    assert len(examples()) >= 4
