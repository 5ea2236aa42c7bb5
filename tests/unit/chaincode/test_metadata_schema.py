"""GetMetadata validates against Fabric's own contract metadata schema.

The schema is fabric-contract-api's ``schema/contract-schema.json`` (2.5.8, installed with the
official Node shim in node_shim/): a draft-04 subset without ``anyOf``, ``oneOf`` or ``const``.
Tools that read a chaincode's metadata check it against that file, so every contract here must
publish metadata it accepts. Its ``objecttype`` checks little more than a component's ``$id``, so
each component is also held to the file's own definition of a schema, as parameters are.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Literal, Optional, Union

import pydantic
import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.feature_contract import FeatureContract
from chaincode.receivables import ReceivablesContract
from chaincode.testing import MemoryLedger, make_identity
from tests.unit.node_packages import CONTRACT_SCHEMA, FABRIC_CONTRACT_API
from tests.unit.receivables.support import standard_net

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency: run scripts/install")

# skipped only where Node.js cannot run the shim; failed, naming node_shim's node_modules, where it is not installed
needs_schema = pytest.mark.usefixtures("official_node_shim")


class Tier(pydantic.BaseModel):
    days: int = pydantic.Field(gt=0)
    rate: str


class Flat(pydantic.BaseModel):
    style: Literal["flat"]
    fee: int


class Tiered(pydantic.BaseModel):
    style: Literal["tiered"]
    tiers: list[Tier]


class Terms(pydantic.BaseModel):
    kind: Literal["flat"]
    basis: Literal["ACT/360", "ACT/365"] = "ACT/360"
    note: Optional[str] = None
    tiers: Optional[list[Tier]] = None
    fallback: Optional[Tier] = None
    maybe_basis: Optional[Literal["ACT/360", "ACT/365"]] = None
    either: int | str = 0
    model_or_text: Tier | str = ""
    # pydantic writes a discriminated union as oneOf with an OpenAPI discriminator object, examples as a list,
    # and a dict with constrained keys as patternProperties: none of them is in the subset
    schedule: Annotated[Union[Flat, Tiered], pydantic.Field(discriminator="style")] = Flat(style="flat", fee=0)
    label: str = pydantic.Field("", examples=["spring discount"])
    rates_by_code: dict[Annotated[str, pydantic.StringConstraints(pattern="^[A-Z]{3}$")], int] = {}


class Pricing(Contract):
    """Every shape the rewrite handles: optional fields, literals, exclusive bounds, unions."""
    name = "pricing"

    @transaction
    async def Quote(self, ctx: Context, terms: Terms, limit: Optional[int] = None) -> Terms:
        return terms


class Node(pydantic.BaseModel):
    name: str
    children: list["Node"] = []


class Shapes(Contract):
    """A model that refers to itself, and tuples, which pydantic describes with draft 2020-12's prefixItems."""
    name = "shapes"

    @transaction
    async def Tree(self, ctx: Context, root: Node) -> Node:
        return root

    @transaction
    async def Pair(self, ctx: Context, pair: tuple[int, str], rest: tuple[int, ...]) -> tuple[str, int]:
        return pair[1], pair[0]


def metadata_of(contract: Contract) -> dict:
    ledger = MemoryLedger([contract])
    result = asyncio.run(ledger.evaluate(make_identity("SupplierMSP", "reader"), "org.hyperledger.fabric:GetMetadata"))
    assert result.status == 200, result.message
    return json.loads(result.payload)


def problems(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors(document)]


@needs_schema
def test_the_schema_is_the_pinned_releases():
    assert json.loads((FABRIC_CONTRACT_API / "package.json").read_text())["version"] == "2.5.8"


@needs_schema
@pytest.mark.parametrize("contract", [ReceivablesContract, FeatureContract, Pricing, Shapes],
                         ids=lambda c: c.__name__)
def test_metadata_is_valid_under_fabrics_contract_schema(contract):
    official = json.loads(CONTRACT_SCHEMA.read_text())
    metadata = metadata_of(contract())
    assert problems(jsonschema.Draft4Validator(official), metadata) == []
    as_schema = jsonschema.Draft4Validator({**official, "$ref": "#/definitions/schema"})
    for name, component in metadata["components"]["schemas"].items():
        assert component["$id"] == name
        assert problems(as_schema, {k: v for k, v in component.items() if k != "$id"}) == [], name


def test_a_draft_2020_schema_is_rewritten_into_the_deterministic_subset():
    metadata = metadata_of(Pricing())
    quote = metadata["contracts"]["pricing"]["transactions"][0]
    assert quote["parameters"][1] == {"name": "limit", "required": False,
                                      "schema": {"type": ["integer", "null"]}}
    terms = metadata["components"]["schemas"]["Terms"]
    fields = terms["properties"]
    assert fields["kind"]["enum"] == ["flat"] and "const" not in fields["kind"]
    assert fields["basis"]["enum"] == ["ACT/360", "ACT/365"]
    assert fields["note"]["type"] == ["string", "null"] and "anyOf" not in fields["note"]
    assert fields["tiers"]["type"] == ["array", "null"]
    assert fields["tiers"]["items"] == {"$ref": "#/components/schemas/Tier"}
    # an optional model: an object or null, named (a $ref would refuse the null the contract writes)
    assert fields["fallback"]["type"] == ["object", "null"] and fields["fallback"]["description"] == "a Tier, or null"
    assert fields["maybe_basis"]["enum"] == ["ACT/360", "ACT/365", None]
    assert fields["either"]["type"] == ["integer", "string"]
    assert "type" not in fields["model_or_text"] and "anyOf" not in fields["model_or_text"]   # any JSON
    assert terms["required"] == ["kind"]
    assert "oneOf" not in fields["schedule"] and "type" not in fields["schedule"]     # any JSON, as a union of models
    assert fields["schedule"]["discriminator"] == "style"
    assert fields["label"]["example"] == "spring discount" and "examples" not in fields["label"]
    rates = fields["rates_by_code"]
    assert "patternProperties" not in rates and rates["additionalProperties"] == {"type": "integer"}
    assert rates["description"] == "keys match ^[A-Z]{3}$ (not expressible in this schema)"
    days = metadata["components"]["schemas"]["Tier"]["properties"]["days"]
    assert (days["minimum"], days["exclusiveMinimum"]) == (0, True)    # draft-04's boolean form


def test_a_model_that_refers_to_itself_is_published_whole_and_documents_validate_under_it():
    metadata = metadata_of(Shapes())
    node = metadata["components"]["schemas"]["Node"]
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}
    tree = metadata["contracts"]["shapes"]["transactions"][0]
    assert tree["parameters"][0]["schema"] == tree["returns"] == {"$ref": "#/components/schemas/Node"}
    validator = jsonschema.Draft4Validator({**metadata, "$ref": "#/components/schemas/Node"})
    assert validator.is_valid({"name": "a", "children": [{"name": "b", "children": []}]})
    assert not validator.is_valid({"name": "a", "children": [{"children": []}]})   # the inner node has no name


def test_a_tuple_is_published_as_draft_04s_array_of_item_schemas():
    pair = metadata_of(Shapes())["contracts"]["shapes"]["transactions"][1]
    schemas = [parameter["schema"] for parameter in pair["parameters"]]
    assert schemas[0] == {"type": "array", "items": [{"type": "integer"}, {"type": "string"}],
                          "minItems": 2, "maxItems": 2}
    assert schemas[1] == {"type": "array", "items": {"type": "integer"}}
    assert pair["returns"]["items"] == [{"type": "string"}, {"type": "integer"}]
    validator = jsonschema.Draft4Validator(schemas[0])
    assert validator.is_valid([1, "a"]) and not validator.is_valid(["a", 1]) and not validator.is_valid([1])


def test_the_receivables_contract_publishes_no_construct_outside_the_subset():
    text = json.dumps(metadata_of(ReceivablesContract()))
    for keyword in ('"anyOf"', '"oneOf"', '"const"', '"$defs"'):
        assert keyword not in text


@needs_schema
def test_the_documents_the_contract_returns_are_valid_under_its_published_schemas():
    async def documents() -> tuple[dict, dict]:
        net = await standard_net()
        tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
        claim = await net.confirmed(tier1, core, 1000_00)      # unfrozen: "frozen" is null
        split = await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000")
        return claim, split

    claim, split = asyncio.run(documents())
    metadata = metadata_of(ReceivablesContract())
    assert claim["frozen"] is None
    for model, document in (("Receivable", claim), ("TransferResult", split)):
        validator = jsonschema.Draft4Validator({**metadata, "$ref": f"#/components/schemas/{model}"})
        assert problems(validator, document) == [], model
