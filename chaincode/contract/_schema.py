"""JSON schemas of transaction parameters and results, for the GetMetadata system contract.

Pydantic models go into ``components.schemas`` (each with its ``$id``) and are referenced with
``$ref: #/components/schemas/<Model>``, the layout Fabric's contract APIs publish.

Fabric's contract metadata schema (fabric-contract-api's ``contract-schema.json``) allows a
deterministic subset of JSON Schema draft-04: no ``anyOf``, ``oneOf``, ``const``, ``examples`` or
``patternProperties``, a string ``discriminator``, and draft-04's boolean ``exclusiveMinimum``.
Pydantic writes draft 2020-12, so ``_deterministic`` rewrites each schema into that subset: an
optional ``X | None`` becomes X with ``"null"`` among its types (and in its ``enum``); an optional
model becomes ``{"type": ["object", "null"]}`` described as that model, since the subset cannot say
"or null" beside a ``$ref``; a ``const`` a one-value ``enum``; a tuple's ``prefixItems`` draft-04's
array of ``items``; a discriminated union's ``oneOf`` is read as an ``anyOf`` and its
``discriminator`` becomes the property's name; ``examples`` the first one, as ``example``; a dict
with constrained keys (``patternProperties``) the values' schema as ``additionalProperties``, the
pattern named in the description.
"""

from __future__ import annotations

import inspect
from typing import Any

import pydantic

_REF_TEMPLATE = "#/components/schemas/{model}"
_SIMPLE = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    # not OpenAPI's "byte", which means base64: the argument's bytes are the value as they come
    bytes: {"type": "string", "format": "binary",
            "description": "raw bytes: the argument itself is the value (not base64 or any other encoding)"},
    dict: {"type": "object"},
    list: {"type": "array"},
    type(None): {"type": "null"},
}


def schema_of(annotation: Any, components: dict[str, Any]) -> dict[str, Any]:
    """The schema for ``annotation``; model definitions are added to ``components``."""
    if annotation is inspect.Parameter.empty:
        return {"type": "string"}
    if annotation in _SIMPLE:
        return dict(_SIMPLE[annotation])
    if annotation is Any:
        return {}
    try:
        schema = pydantic.TypeAdapter(annotation).json_schema(ref_template=_REF_TEMPLATE)
    except (pydantic.PydanticSchemaGenerationError, TypeError):
        return {}
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = _component(name, definition)
    if set(schema) == {"$ref"}:
        # A model that refers to itself is all in $defs, and the schema is a reference to it: replacing
        # the component with that reference would make it refer to itself alone, with no definition.
        return dict(schema)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        components[annotation.__name__] = _component(annotation.__name__, schema)
        return {"$ref": _REF_TEMPLATE.format(model=annotation.__name__)}
    return _deterministic(schema)


def _component(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"$id": name, **_deterministic(schema)}


def _deterministic(schema: Any) -> Any:
    """schema in the draft-04 subset Fabric's contract metadata schema allows (see the module's doc)."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            out[key] = {name: _deterministic(sub) for name, sub in value.items()}
        elif key == "patternProperties":   # a dict whose keys are constrained: outside the subset
            out.update(_values_of_constrained_keys(value, schema))
        elif key == "prefixItems":   # a tuple: draft-04 says the same with an array of item schemas
            out["items"] = [_deterministic(sub) for sub in value]
        elif key == "items" and "prefixItems" in schema:
            # The items after a tuple's fixed ones: draft-04's additionalItems, outside the subset. Left
            # out, they are any JSON value, which accepts all the contract does (pydantic counts them).
            continue
        elif key in ("items", "additionalProperties", "not"):
            out[key] = [_deterministic(sub) for sub in value] if isinstance(value, list) else _deterministic(value)
        elif key == "allOf":
            out[key] = [_deterministic(sub) for sub in value]
        elif key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key in ("anyOf", "oneOf"):   # a discriminated union is a oneOf: said as the subset can
            out.update(_one_of_or_null(value))
        elif key == "discriminator":   # OpenAPI's object; the subset takes the property's name alone
            out[key] = value["propertyName"] if isinstance(value, dict) else value
        elif key == "description" and "patternProperties" in schema:
            continue   # _values_of_constrained_keys says it, with the keys' patterns
        elif key == "examples":   # draft 2020-12's list; the subset has OpenAPI's one example
            if value:
                out["example"] = value[0]
        else:
            out[key] = value
    return out


def _values_of_constrained_keys(patterns: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``patternProperties`` as the subset can say it: the values' schema as ``additionalProperties`` (any JSON
    where the patterns' schemas differ), the patterns, which the subset cannot check, named in the description."""
    values = [_deterministic(sub) for sub in patterns.values()]
    said = ", ".join(patterns)
    described = f"keys match {said} (not expressible in this schema)"
    return {"additionalProperties": values[0] if all(v == values[0] for v in values) else {},
            "description": f"{schema['description']}; {described}" if schema.get("description") else described}


def _one_of_or_null(alternatives: list[Any]) -> dict[str, Any]:
    """``anyOf`` as the subset says it: one schema, its type widened by "null" where the union allowed null."""
    present = [alt for alt in alternatives if alt != {"type": "null"}]
    nullable = len(present) < len(alternatives)
    if len(present) == 1:
        merged = _deterministic(present[0])
    elif all(set(alt) == {"type"} for alt in present):    # a union of plain types: a list of types
        merged = {"type": [t for alt in present for t in _types(alt["type"])]}
    else:   # the subset cannot say "one of these schemas": describe the value as any JSON rather than wrongly
        merged = {}
    if nullable and "$ref" in merged:
        # "this model or null" has no form in the subset (draft-04 ignores a type beside a $ref), and a
        # bare $ref would refuse the null the contract writes: publish an object, naming its model.
        model = merged.pop("$ref").rsplit("/", 1)[-1]
        merged = {"type": "object", **merged}
        merged.setdefault("description", f"a {model}, or null")
    if nullable and "type" in merged:
        merged["type"] = [*_types(merged["type"]), "null"]
    if nullable and "enum" in merged and None not in merged["enum"]:
        merged["enum"] = [*merged["enum"], None]
    return merged


def _types(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
