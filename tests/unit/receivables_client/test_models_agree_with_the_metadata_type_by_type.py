"""The models agree with the contract's published metadata in the JSON type of every field, and the requests the
client sends in their enums and defaults too (test_contract_agreement.py compares the documents' field names,
requiredness, enums and defaults, and the requests' field names and requiredness).

A document model must read every type the contract may write in a field (a reader no stricter than the
contract: it may take more, such as None from an older contract); a request must write only types the contract
takes. Nested objects compare as objects, whatever their model's name (``ScaleTierIn`` sends a ``ScaleTier``).
"""

from __future__ import annotations

import pytest

import client.receivables as sdk

from .test_contract_agreement import (JSON_ARGUMENTS, _defaults_that_differ, _enum_values, _literal_values, metadata,
                                      transactions)

__all__ = ["metadata"]   # the module's fixture, shared


def _json_types(prop: dict) -> set[str]:
    """The JSON types a schema property allows: ``array<...>`` and ``map<...>`` with their items', every object
    (a ``$ref`` too) as ``object``."""
    if "$ref" in prop:
        return {"object"}
    found: set[str] = set()
    kinds = prop.get("type", [])
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        if kind == "array" and "items" in prop:
            found.add("array<" + ",".join(sorted(_json_types(prop["items"]))) + ">")
        elif kind == "object" and isinstance(prop.get("additionalProperties"), dict):
            found.add("map<" + ",".join(sorted(_json_types(prop["additionalProperties"]))) + ">")
        else:
            found.add(kind)
    for inner in (*prop.get("anyOf", []), *prop.get("oneOf", []), *prop.get("allOf", [])):
        found |= _json_types(inner)
    if "enum" in prop and not kinds:
        found |= {"string" if isinstance(v, str) else "integer" for v in prop["enum"]}
    return found or {"any"}


def _model_schema(model) -> dict:
    """The model's own JSON schema (a model with a wrap serializer publishes none for serialization)."""
    schema = model.model_json_schema(mode="validation")
    if "$ref" in schema:
        schema = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _disagreements(model, published: dict, *, writes: bool) -> list[str]:
    ours = _model_schema(model)["properties"]
    found = []
    for field, prop in published["properties"].items():
        contract, client = _json_types(prop), _json_types(ours[field])
        # a reader takes all the contract writes; a writer sends only what the contract takes
        if not (client <= contract if writes else contract <= client) and "any" not in client:
            found.append(f"{model.__name__}.{field}: the contract's {sorted(contract)}, the client's {sorted(client)}")
    return found


def test_every_document_reads_every_type_the_contract_writes_in_each_field(metadata):
    schemas = metadata["components"]["schemas"]
    models = {name: getattr(sdk, name) for name in schemas if isinstance(getattr(sdk, name, None), type)
              and hasattr(getattr(sdk, name), "model_json_schema")}
    assert set(models) == set(schemas), set(schemas) - set(models)
    assert [d for name, model in models.items() for d in _disagreements(model, schemas[name], writes=False)] == []


@pytest.mark.parametrize("transaction", sorted(JSON_ARGUMENTS))
def test_every_request_sends_only_types_values_and_defaults_the_contract_takes(metadata, transaction):
    model = JSON_ARGUMENTS[transaction]
    published = transactions(metadata)[transaction]["parameters"][0]["schema"]
    assert _disagreements(model, published, writes=True) == []
    assert _defaults_that_differ(model, published) == []
    for field, prop in published["properties"].items():
        if values := _enum_values(prop):
            assert _literal_values(model.model_fields[field].annotation) == values, f"{transaction}.{field}"


def test_a_type_the_client_would_misread_is_told():
    """The comparison itself: an integer field read as a string is a disagreement."""
    published = {"properties": {"face_amount": {"type": "string"}}}
    assert _disagreements(sdk.ReceivableSummary, published, writes=False) == [
        "ReceivableSummary.face_amount: the contract's ['string'], the client's ['integer']"]
