"""JSON schemas of transaction parameters and results, for the GetMetadata system contract.

Pydantic models go into ``components.schemas`` and are referenced with
``$ref: #/components/schemas/<Model>``, the layout Fabric's contract APIs publish.
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
    bytes: {"type": "string", "format": "byte"},
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
    components.update(schema.pop("$defs", {}))
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        components[annotation.__name__] = schema
        return {"$ref": _REF_TEMPLATE.format(model=annotation.__name__)}
    return schema
