"""org.hyperledger.fabric:GetMetadata describes every transaction in Fabric's metadata shape."""

import json

import pydantic

from chaincode.contract import Context, Contract, ContractRouter, transaction
from chaincode.testing import MemoryLedger, make_identity


class Line(pydantic.BaseModel):
    sku: str
    quantity: int


class Order(pydantic.BaseModel):
    id: str
    lines: list[Line]


class Shop(Contract):
    name = "shop"

    @transaction
    async def Place(self, ctx: Context, order: Order, rush: bool) -> Order:
        return order

    @transaction(evaluate=True)
    async def Count(self, ctx: Context, sku: str) -> int:
        return 0

    @transaction(evaluate=True)
    async def Blob(self, ctx: Context, data: bytes, tags: list[str]) -> None:
        return None


async def test_metadata_lists_contracts_transactions_parameters_and_model_schemas():
    ledger = MemoryLedger([Shop()])
    result = await ledger.evaluate(make_identity("BankMSP", "x"), "org.hyperledger.fabric:GetMetadata")
    assert result.status == 200
    metadata = json.loads(result.payload)
    assert metadata["$schema"].endswith("contract-schema.json")
    assert metadata["info"] == {"title": "recfin chaincode", "version": "0.1.0"}
    assert set(metadata["contracts"]) == {"shop", "org.hyperledger.fabric"}
    shop = metadata["contracts"]["shop"]
    assert shop["name"] == "shop" and shop["default"] is True
    by_name = {t["name"]: t for t in shop["transactions"]}
    assert by_name["Place"] == {
        "name": "Place",
        "tag": ["submit"],
        "parameters": [
            {"name": "order", "required": True, "schema": {"$ref": "#/components/schemas/Order"}},
            {"name": "rush", "required": True, "schema": {"type": "boolean"}},
        ],
        "returns": {"$ref": "#/components/schemas/Order"},
    }
    assert by_name["Count"]["tag"] == ["evaluate"]
    assert by_name["Count"]["returns"] == {"type": "integer"}
    assert by_name["Blob"]["parameters"][1]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert "returns" not in by_name["Blob"]
    schemas = metadata["components"]["schemas"]
    assert schemas["Order"]["properties"]["lines"]["items"] == {"$ref": "#/components/schemas/Line"}
    assert schemas["Line"]["required"] == ["sku", "quantity"]
    system = metadata["contracts"]["org.hyperledger.fabric"]["transactions"]
    assert system == [{"name": "GetMetadata", "tag": ["evaluate"], "parameters": [], "returns": {"type": "object"}}]


async def test_metadata_is_built_once_however_often_it_is_asked(monkeypatch):
    """GetMetadata runs on the loop that serves every peer's stream: it sends what the router built the first
    time, and rebuilds no schema however often a channel member asks."""
    from chaincode.contract import _router

    router = ContractRouter([Shop()])
    ledger = MemoryLedger([Shop()])
    built = router.metadata()
    first = await ledger.evaluate(make_identity("BankMSP", "x"), "org.hyperledger.fabric:GetMetadata")
    assert first.status == 200 and json.loads(first.payload) == built

    def no_rebuild(*_):
        raise AssertionError("GetMetadata rebuilt a schema")

    monkeypatch.setattr(_router, "schema_of", no_rebuild)
    for _ in range(2):
        result = await ledger.evaluate(make_identity("BankMSP", "x"), "org.hyperledger.fabric:GetMetadata")
        assert result.status == 200, result.message
        assert json.loads(result.payload) == built
    assert router.metadata() == built
    router.metadata()["info"]["title"] = "changed by a caller"
    assert router.metadata() == built


def test_a_bytes_parameter_is_published_as_raw_bytes_not_base64():
    """OpenAPI's format "byte" means base64, which a tool following the metadata would send, and the contract
    would take that text as the value: the argument is the bytes themselves."""
    blob = {t["name"]: t for t in ContractRouter([Shop()]).metadata()["contracts"]["shop"]["transactions"]}["Blob"]
    schema = blob["parameters"][0]["schema"]
    assert schema["type"] == "string" and schema["format"] == "binary"
    assert "not base64" in schema["description"]


class Ledger(Contract):
    name = "ledger"

    @transaction(evaluate=True)
    async def Page(self, ctx: Context, owner: str, page_size: int = 10, bookmark: str = "") -> str:
        return owner


def test_each_parameter_says_whether_the_caller_may_leave_it_out():
    """Fabric's contract schema reads a parameter without "required" as optional: unsaid, a client built from
    the metadata would leave out an argument the router then refuses, or could not tell which trailing
    arguments it may leave out."""
    page = ContractRouter([Ledger()]).metadata()["contracts"]["ledger"]["transactions"][0]
    assert [(p["name"], p["required"]) for p in page["parameters"]] == [
        ("owner", True), ("page_size", False), ("bookmark", False)]
