"""The JSON shapes the contract publishes through GetMetadata: arguments and results.

JSON arguments are declared with :func:`json_argument`: the runtime parses the JSON
and hands the contract the plain value, and the metadata shows the model's
schema. The contract then validates the value itself, so a bad field is refused
with a rule code (``amount-not-integer-fen``, ``argument-invalid``, ...) rather than a
generic conversion error. Text that is not JSON at all is refused by the runtime,
naming the parameter, before the contract runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from pydantic_core import core_schema

from .model import Doc, Financing, Offer, Receivable


def json_argument(model: type[BaseModel]) -> type:
    """A parameter type: any JSON value at run time, ``model``'s schema in the metadata."""

    def core(cls: type, source: Any, handler: Any) -> Any:
        return core_schema.any_schema()

    def json_schema(cls: type, schema: Any, handler: Any) -> Any:
        return handler(model.__pydantic_core_schema__)

    return type(f"{model.__name__}Argument", (), {
        "__get_pydantic_core_schema__": classmethod(core),
        "__get_pydantic_json_schema__": classmethod(json_schema),
        "__doc__": f"A JSON {model.__name__}, validated by the contract.",
    })


class Allocation(Doc):
    receivable_id: str
    amount: int
    payee: str
    outstanding: int


class PaymentResult(Receivable):
    """The receivable paid against, with where each fen went (one entry per leaf paid)."""

    allocations: list[Allocation]


class TransferResult(Receivable):
    """The receivable transferred or split; on a split, the two children as well."""

    children_records: list[Receivable] = []


class FinancingView(Financing):
    offers: list[Offer]


class HistoryEntry(Doc):
    tx_id: str
    timestamp: str
    is_delete: bool
    action: str | None = None
    by: str | None = None
    msp_id: str | None = None
    status: str | None = None
    holder: str | None = None
    outstanding: int | None = None
    frozen: bool | None = None


class ReceivableSummary(Doc):
    id: str
    status: str
    holder: str
    face_amount: int
    outstanding: int
    parent_id: str | None


class ProvenanceNode(ReceivableSummary):
    children: list[ProvenanceNode]


class Provenance(Doc):
    id: str
    root_id: str
    ancestors: list[ReceivableSummary]
    tree: ProvenanceNode


class Page(Doc):
    records: list[Receivable]
    fetched: int
    bookmark: str


class Exposure(Doc):
    exposure: int
    financed: int
    overdue: int
    receivables: int
    financed_share: str


class Statistics(Doc):
    per_debtor: dict[str, Exposure]
    total: Exposure
    count_by_status: dict[str, int]


class InvoiceLookup(Doc):
    """FindInvoice's answer: is the invoice used, by which receivable, is that claim still live."""

    fingerprint: str
    used: bool = Field(description="the registry holds it: a registration naming this invoice is refused")
    receivable_id: str | None = Field(description="the root receivable it backs; null when unused")
    live: bool = Field(description="a claim of that lineage is still unsettled (REGISTERED, CONFIRMED, FINANCED, OVERDUE)")
