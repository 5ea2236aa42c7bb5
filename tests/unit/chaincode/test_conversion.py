"""Arguments converted by annotation, results encoded, both through the real router."""

import base64
import dataclasses
import json
import math
import sys
from collections.abc import Iterable
from decimal import Decimal

import pydantic
import pytest
from pydantic_core import core_schema
from typing_extensions import TypedDict  # pydantic takes typing's only from Python 3.12

from chaincode.contract import Context, Contract, transaction
from chaincode.contract._conversion import MAX_JSON_ARGUMENT_BYTES, encode_result
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


class Invoice(pydantic.BaseModel):
    number: str
    amount: int = pydantic.Field(gt=0)


class Echo(Contract):
    name = "echo"

    @transaction(evaluate=True)
    async def Types(self, ctx: Context, text: str, count: int, flag: bool, raw: bytes, obj: dict, items: list) -> dict:
        return {"text": text, "count": count, "flag": flag, "raw": raw.hex(), "obj": obj, "items": items}

    @transaction(evaluate=True)
    async def Model(self, ctx: Context, invoice: Invoice) -> Invoice:
        return invoice

    @transaction(evaluate=True)
    async def Models(self, ctx: Context, invoices: list[Invoice]) -> list[Invoice]:
        return invoices

    @transaction(evaluate=True)
    async def Optional(self, ctx: Context, who: str, greeting: str = "hi") -> str:
        return f"{greeting} {who}"

    @transaction(evaluate=True)
    async def Nothing(self, ctx: Context) -> None:
        return None

    @transaction(evaluate=True)
    async def Raw(self, ctx: Context) -> bytes:
        return b"\x00\xff"

    @transaction(evaluate=True)
    async def Amount(self, ctx: Context, amount: Decimal) -> str:
        return str(amount)


class Reading(pydantic.BaseModel):
    label: str
    values: list[float]


class Rates(Contract):
    name = "rates"

    @transaction(evaluate=True)
    async def Scale(self, ctx: Context, rate: float, factors: list[float]) -> list:
        return [rate * factor for factor in factors]

    @transaction(evaluate=True)
    async def Record(self, ctx: Context, reading: Reading) -> Reading:
        return reading

    @transaction(evaluate=True)
    async def Ratio(self, ctx: Context, numerator: float, denominator: float) -> dict:
        """A computation that can go wrong: 0/0 as a float is NaN."""
        ratio = numerator / denominator if denominator else numerator * math.inf
        return {"ratio": {"of": [numerator, denominator], "is": ratio}}


class Loan(pydantic.BaseModel):
    principal: int
    months: int

    @pydantic.computed_field
    @property
    def monthly(self) -> int:
        return self.principal // self.months


class Attachment(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(val_json_bytes="base64")
    content: bytes


class Measure(pydantic.BaseModel):
    """A model whose author chose how NaN goes out: as the string "NaN", which JSON readers take."""
    model_config = pydantic.ConfigDict(ser_json_inf_nan="strings")
    value: float


@dataclasses.dataclass
class ScaledReading:
    value: float
    scaled: float = dataclasses.field(init=False)   # set by the contract, if at all: absent on the argument


class Lenient(Contract):
    """Arguments the NaN check must read without using them up or running the model's own code."""
    name = "lenient"

    @transaction(evaluate=True)
    async def Sum(self, ctx: Context, amounts: Iterable[int]) -> int:
        return sum(amounts)

    @transaction(evaluate=True)
    async def Plan(self, ctx: Context, loan: Loan) -> str:
        return f"months={loan.months}"

    @transaction(evaluate=True)
    async def Size(self, ctx: Context, attachment: Attachment) -> int:
        return len(attachment.content)

    @transaction(evaluate=True)
    async def Scaled(self, ctx: Context, reading: ScaledReading) -> float:
        return reading.value * 2

    @transaction(evaluate=True)
    async def Measured(self, ctx: Context) -> Measure:
        return Measure(value=math.nan)


async def call(*args):
    return await MemoryLedger([Echo()]).evaluate(ALICE, *args)


async def test_every_supported_type_converts():
    result = await call("Types", "héllo", "-42", "true", b"\x00\x01", '{"a": 1}', "[1, 2]")
    assert result.status == 200, result.message
    assert json.loads(result.payload) == {
        "text": "héllo", "count": -42, "flag": True, "raw": "0001", "obj": {"a": 1}, "items": [1, 2],
    }


async def types_with(position: int, value: str | bytes):
    """Types called with sound arguments but ``value`` at ``position`` (1 count, 2 flag, 4 obj, 5 items)."""
    args: list = ["t", "1", "true", "r", "{}", "[]"]
    args[position] = value
    return await call("Types", *args)


@pytest.mark.parametrize(("text", "flag"), [("true", True), ("false", False)])
async def test_a_bool_argument_converts_from_true_or_false(text, flag):
    result = await types_with(2, text)
    assert result.status == 200, result.message
    assert json.loads(result.payload)["flag"] is flag


@pytest.mark.parametrize(
    ("position", "bad", "expected"),
    [
        (1, "1.5", "argument 'count' = '1.5': expected a base-10 integer"),
        (1, "12abc", "argument 'count' = '12abc': expected a base-10 integer"),
        (2, "yes", "argument 'flag' = 'yes': expected true or false (lower case, as JSON writes them)"),
        # kinds named as JSON names them, which is what the caller wrote, never as Python does (dict, NoneType)
        (4, "[1]", "argument 'obj' = '[1]': expected a JSON object, got a JSON array"),
        (4, "null", "argument 'obj' = 'null': expected a JSON object, got a JSON null"),
        (4, "{nope", "argument 'obj' = '{nope': expected a JSON object"),
        (5, "{}", "argument 'items' = '{}': expected a JSON array, got a JSON object"),
        (5, "true", "argument 'items' = 'true': expected a JSON array, got a JSON boolean"),
        (5, '"[1]"', "argument 'items' = '\"[1]\"': expected a JSON array, got a JSON string"),
    ],
)
async def test_a_value_that_does_not_convert_is_refused_naming_the_parameter(position, bad, expected):
    result = await types_with(position, bad)
    assert result.status == 500
    assert result.message == f"Types: {expected}"


@pytest.mark.parametrize(("position", "bad"), [
    (4, rb'{"\udc80": 1}'),              # an unpaired escape in a key
    (4, rb'{"a": ["x\ud83d"]}'),         # the first half of a pair, alone, deep in a value
    (5, b'["\xed\xb2\x80"]'),           # the UTF-8 form of a surrogate, which json.loads also accepts
])
async def test_a_json_dict_or_list_holding_a_lone_surrogate_is_refused_naming_the_parameter(position, bad):
    result = await types_with(position, bad)
    assert result.status == 500
    parameter = "obj" if position == 4 else "items"
    assert result.message.startswith(f"Types: argument '{parameter}' = ")
    assert result.message.endswith("holds an unpaired UTF-16 surrogate (such as \\udc80), which is not a Unicode "
                                   "character: send the character itself, or both halves of its surrogate pair")


@pytest.mark.parametrize(("position", "bad"), [
    (4, "[" * 100_000),                  # deep enough that json.loads itself gives up
    (4, '{"a":' * 100_000),
    (5, "[" * 201 + "]" * 201),          # parses, but one level over the limit
])
async def test_json_nested_too_deeply_is_refused_naming_the_parameter(position, bad):
    result = await types_with(position, bad)
    parameter, kind = ("obj", "object") if position == 4 else ("items", "array")
    assert result.status == 500
    assert result.message.startswith(f"Types: argument '{parameter}' = '{bad[:10]}")
    assert result.message.endswith(f"...': its arrays and objects nest more than 200 levels deep: "
                                   f"send a flatter {kind}")


async def test_json_nested_200_levels_deep_is_read_and_can_be_returned():
    nested = "[" * 200 + "]" * 200
    result = await call("Types", "t", "1", "true", "r", "{}", nested)
    assert result.status == 200, result.message
    assert json.loads(result.payload)["items"] == json.loads(nested)


@pytest.mark.parametrize(("position", "bad", "digits"), [
    (1, "9" * 4301, 4301),
    (1, "-" + "9" * 5000, 5000),
    (4, '{"a": 1' + "0" * 5000 + "}", 5001),
    (5, "[-" + "7" * 4301 + "]", 4301),
])
async def test_a_whole_number_of_more_than_4300_digits_is_refused_naming_the_parameter(position, bad, digits):
    result = await types_with(position, bad)
    parameter = {1: "count", 4: "obj", 5: "items"}[position]
    assert result.status == 500
    assert result.message.startswith(f"Types: argument '{parameter}' = ")
    assert result.message.endswith(f"': a whole number of {digits} digits: at most 4300 digits are accepted")


async def test_a_whole_number_of_4300_digits_converts():
    big = "9" * 4300
    result = await call("Types", "t", big, "true", "r", '{"n": %s}' % big, f"[-{big}]")
    assert result.status == 200, result.message
    assert json.loads(result.payload)["count"] == int(big)


async def test_a_json_surrogate_pair_is_one_character():
    result = await call("Types", "t", "1", "true", "r", r'{"smile": "\ud83d\ude00"}', r'["\u00e9"]')
    assert result.status == 200, result.message
    assert json.loads(result.payload)["obj"] == {"smile": "\N{GRINNING FACE}"}
    assert json.loads(result.payload)["items"] == ["\u00e9"]


async def test_invalid_utf8_for_a_str_parameter_is_refused():
    result = await call("Optional", b"\xff\xfe")
    assert (result.status, result.message) == (500, "Optional: argument 'who' = '\ufffd\ufffd': not valid UTF-8")


async def test_pydantic_models_are_validated_and_returned_as_json():
    ok = await call("Model", '{"number": "INV1", "amount": 5}')
    assert json.loads(ok.payload) == {"number": "INV1", "amount": 5}
    bad = await call("Model", '{"number": "INV1", "amount": 0}')
    assert bad.status == 500
    assert bad.message.startswith("Model: argument 'invoice'")
    assert "amount: Input should be greater than 0" in bad.message
    many = await call("Models", '[{"number": "A", "amount": 1}, {"number": "B", "amount": 2}]')
    assert json.loads(many.payload) == [{"number": "A", "amount": 1}, {"number": "B", "amount": 2}]


async def test_other_pydantic_types_convert_from_json():
    assert (await call("Amount", '"12.50"')).payload == b"12.50"


async def test_argument_count_is_checked_and_defaults_apply():
    assert (await call("Optional", "bob")).payload == b"hi bob"
    assert (await call("Optional", "bob", "hey")).payload == b"hey bob"
    too_many = await call("Optional", "a", "b", "c")
    assert (too_many.status, too_many.message) == (500, "Optional takes 1-2 arguments (who, greeting), got 3")
    too_few = await call("Types", "only one")
    assert too_few.message == "Types takes 6 arguments (text, count, flag, raw, obj, items), got 1"


async def test_result_encoding():
    assert (await call("Nothing")).payload == b""
    assert (await call("Raw")).payload == b"\x00\xff"
    assert encode_result("中") == "中".encode()
    assert encode_result({"a": [1, True, None]}) == b'{"a":[1,true,null]}'
    assert encode_result(7) == b"7"
    assert encode_result(False) == b"false"
    assert encode_result(Invoice(number="X", amount=1)) == b'{"number":"X","amount":1}'


def test_unsupported_annotations_fail_when_the_contract_is_registered():
    class Opaque:  # neither a builtin nor anything pydantic can validate
        pass

    class Weird(Contract):
        @transaction
        async def Bad(self, ctx: Context, thing: Opaque) -> None:
            return None

    with pytest.raises(TypeError, match="cannot convert"):
        MemoryLedger([Weird()])


@pytest.mark.parametrize(("position", "bad", "said"), [
    (4, '{"a": NaN}', "NaN is not a JSON number"),
    (5, "[Infinity]", "Infinity is not a JSON number"),
    (5, "[-Infinity]", "-Infinity is not a JSON number"),
    (4, '{"a": 1e999}', "'1e999' is beyond the range of a number"),
])
async def test_a_number_no_json_can_hold_is_refused_naming_the_parameter(position, bad, said):
    """json.loads takes NaN and Infinity and turns 1e999 into inf; echoed back they make output that is no JSON."""
    result = await types_with(position, bad)
    assert result.status == 500
    parameter = "obj" if position == 4 else "items"
    assert result.message.startswith(f"Types: argument '{parameter}' = ")
    assert result.message.endswith(f"{said}: send a finite number")
    finite = await call("Types", "t", "1", "true", "r", '{"a": 1.5e300}', "[-0.0]")
    assert finite.status == 200 and json.loads(finite.payload)["obj"] == {"a": 1.5e300}


@pytest.mark.parametrize(("args", "parameter", "said"), [
    (("NaN", "[1]"), "rate", "value: NaN"),
    (("1e999", "[1]"), "rate", "value: Infinity"),
    (("-Infinity", "[1]"), "rate", "value: -Infinity"),
    (("2", "[1, NaN]"), "factors", "1: NaN"),
    (("2", "[1, Infinity]"), "factors", "1: Infinity"),
])
async def test_a_typed_parameter_refuses_a_number_no_json_can_hold_as_the_dict_path_does(args, parameter, said):
    result = await MemoryLedger([Rates()]).evaluate(ALICE, "rates:Scale", *args)
    assert result.status == 500
    assert result.message.startswith(f"rates:Scale: argument '{parameter}' = ")
    assert result.message.endswith(f": {said} is not a JSON number: send a finite number")
    finite = await MemoryLedger([Rates()]).evaluate(ALICE, "rates:Scale", "-1.5e300", "[0.5]")
    assert (finite.status, json.loads(finite.payload)) == (200, [-0.75e300])


async def test_a_model_parameter_refuses_a_non_finite_float_naming_the_field():
    result = await MemoryLedger([Rates()]).evaluate(ALICE, "rates:Record", '{"label": "a", "values": [1, 2, NaN]}')
    assert result.status == 500
    assert result.message.startswith("rates:Record: argument 'reading' = ")
    assert result.message.endswith(": values.2: NaN is not a JSON number: send a finite number")


async def test_a_result_holding_a_non_finite_number_fails_naming_where_instead_of_sending_no_json():
    result = await MemoryLedger([Rates()]).evaluate(ALICE, "rates:Ratio", "0", "0")
    assert (result.status, result.payload) == (500, b"")
    assert result.message == ("ValueError: the result holds ratio.is: NaN, which has no JSON form: return finite "
                              "numbers (or None, or a string, where a number is unknown)")
    assert "ratio.is: Infinity" in (await MemoryLedger([Rates()]).evaluate(ALICE, "rates:Ratio", "1", "0")).message
    assert json.loads((await MemoryLedger([Rates()]).evaluate(ALICE, "rates:Ratio", "1", "4")).payload) == {
        "ratio": {"of": [1.0, 4.0], "is": 0.25}}


def test_a_result_whose_strings_say_nan_or_infinity_is_sent_as_it_is():
    assert encode_result({"NaN": "Infinity", "n": [1.5]}) == b'{"NaN":"Infinity","n":[1.5]}'
    with pytest.raises(ValueError, match=r"the result holds value: -Infinity, which has no JSON form"):
        encode_result(-math.inf)


async def test_an_iterable_argument_reaches_the_contract_unconsumed():
    result = await MemoryLedger([Lenient()]).evaluate(ALICE, "lenient:Sum", "[100, 250]")
    assert (result.status, result.payload) == (200, b"350")


async def test_a_model_argument_is_checked_without_running_its_computed_fields():
    """months 0 is valid input; only the computed monthly amount would divide by it."""
    result = await MemoryLedger([Lenient()]).evaluate(ALICE, "lenient:Plan", '{"principal": 100, "months": 0}')
    assert (result.status, result.payload) == (200, b"months=0")


async def test_a_model_argument_holding_bytes_that_are_no_utf8_text_converts():
    content = base64.b64encode(b"\xff\x00\xfe").decode()
    result = await MemoryLedger([Lenient()]).evaluate(ALICE, "lenient:Size", json.dumps({"content": content}))
    assert (result.status, result.payload) == (200, b"3")


def test_a_result_whose_strings_say_nan_next_to_a_long_whole_number_is_sent_as_it_is():
    """More digits than Python converts from text (4300): the check must not parse the output to tell."""
    long_number = 10 ** 4400
    encoded = encode_result({"note": "NaN, Infinity", "total": long_number, "escaped": '"NaN'})
    assert encoded == b'{"note":"NaN, Infinity","total":' + b"1" + b"0" * 4400 + b',"escaped":"\\"NaN"}'
    with pytest.raises(ValueError, match=r"the result holds n: NaN, which has no JSON form"):
        encode_result({"note": '"NaN"', "total": long_number, "n": math.nan})


async def test_a_result_model_that_sends_nan_as_a_string_is_sent_as_it_is():
    result = await MemoryLedger([Lenient()]).evaluate(ALICE, "lenient:Measured")
    assert (result.status, result.payload) == (200, b'{"value":"NaN"}')


async def test_the_digit_limit_is_the_runtimes_whatever_the_interpreter_is_started_with():
    """A peer's server started with a lower int_max_str_digits must accept what the others accept, or the
    endorsements of one transaction would disagree."""
    big = "9" * 2000
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(1000)
    try:
        result = await call("Types", "t", big, "true", "r", '{"n": %s}' % big, "[]")
    finally:
        sys.set_int_max_str_digits(before)
    assert result.status == 200, result.message
    assert json.loads(result.payload)["obj"]["n"] == int(big)


async def test_a_dataclass_argument_with_a_field_never_set_converts():
    result = await MemoryLedger([Lenient()]).evaluate(ALICE, "lenient:Scaled", '{"value": 1.5}')
    assert (result.status, result.payload) == (200, b"3.0")
    refused = await MemoryLedger([Lenient()]).evaluate(ALICE, "lenient:Scaled", '{"value": NaN}')
    assert refused.status == 500 and refused.message.endswith(": value: NaN is not a JSON number: send a finite number")


def test_a_result_refused_for_nan_names_the_float_written_bare_not_those_its_models_write_as_null():
    class Quote(pydantic.BaseModel):   # pydantic's default: a non-finite float is written as null
        rate: float

    with pytest.raises(ValueError, match=r"the result holds total: NaN, which has no JSON form"):
        encode_result({"quotes": [Quote(rate=math.nan), Quote(rate=math.inf)], "total": math.nan})


def test_a_pydantic_dataclass_in_a_refused_result_is_named_by_its_own_setting():
    @pydantic.dataclasses.dataclass(config=pydantic.ConfigDict(ser_json_inf_nan="constants"))
    class Bare:
        x: float

    @pydantic.dataclasses.dataclass
    class Nulled:
        x: float

    class Holding(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(ser_json_inf_nan="constants")
        a: float
        bare: Bare
        nulled: Nulled

    with pytest.raises(ValueError, match=r"the result holds a: NaN, bare\.x: NaN, which have no JSON form"):
        encode_result(Holding(a=math.nan, bare=Bare(x=math.nan), nulled=Nulled(x=math.nan)))


@dataclasses.dataclass
class Tally:
    n: int


class Line(TypedDict):
    n: int


class ItemsArgument:
    """A parameter type supplying its own schema (any list), as a JSON argument publishing a model's does."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        return core_schema.list_schema()


class Strict(Contract):
    """Parameters pydantic converts that are no model: each as strict as a plain ``int`` or ``bool``."""
    name = "strict"

    @transaction(evaluate=True)
    async def Plain(self, ctx: Context, tally: Tally, tallies: list[Tally], line: Line, lines: list[Line]) -> list:
        return [tally, tallies, line, lines]

    @transaction(evaluate=True)
    async def Items(self, ctx: Context, items: ItemsArgument) -> list:
        return items

    @transaction(evaluate=True)
    async def Count(self, ctx: Context, count: int | None) -> int | None:
        return count

    @transaction(evaluate=True)
    async def Counts(self, ctx: Context, counts: list[int]) -> list[int]:
        return counts

    @transaction(evaluate=True)
    async def Flag(self, ctx: Context, flag: bool | None) -> bool | None:
        return flag

    @transaction(evaluate=True)
    async def Invoices(self, ctx: Context, invoices: list[Invoice] | None) -> list[Invoice] | None:
        return invoices


@pytest.mark.parametrize(("function", "bad", "parameter", "expected"), [
    ("Count", "1.0", "count", "int | None"),
    ("Count", "1e2", "count", "int | None"),
    ("Count", "true", "count", "int | None"),
    ("Count", '"1_000"', "count", "int | None"),
    ("Count", '" 7 "', "count", "int | None"),
    ("Counts", '[true, 2]', "counts", "list[int]"),
    ("Counts", '[1, "3"]', "counts", "list[int]"),
    ("Counts", '[4.0]', "counts", "list[int]"),
    ("Flag", '"yes"', "flag", "bool | None"),
    ("Flag", "1", "flag", "bool | None"),
    ("Flag", '"on"', "flag", "bool | None"),
    # named without the module that defines the class
    ("Invoices", '{"number": "A-1", "amount": 120}', "invoices", "list[Invoice] | None"),
])
async def test_a_typed_parameter_is_as_strict_as_a_plain_int_or_bool(function, bad, parameter, expected):
    """A plain ``int`` refuses 1.0 and the metadata says "integer": an optional int, or ints in a list, do too,
    and the refusal names the parameter and the type it expected."""
    result = await MemoryLedger([Strict()]).evaluate(ALICE, f"strict:{function}", bad)
    assert result.status == 500
    assert result.message.startswith(f"strict:{function}: argument '{parameter}' = "), result.message
    assert f": expected {expected} as JSON: " in result.message, result.message


@pytest.mark.parametrize(("position", "parameter", "expected"), [
    (0, "tally", "Tally"), (1, "tallies", "list[Tally]"), (2, "line", "Line"), (3, "lines", "list[Line]"),
])
async def test_a_stdlib_dataclass_or_typeddict_is_strict_alone_as_inside_a_list(position, parameter, expected):
    """Neither has a pydantic config of its own: each takes the strict one, alone or inside a container."""
    sound = ['{"n": 1}', '[{"n": 2}]', '{"n": 3}', '[{"n": 4}]']
    ledger = MemoryLedger([Strict()])
    assert json.loads((await ledger.evaluate(ALICE, "strict:Plain", *sound)).payload) == [
        {"n": 1}, [{"n": 2}], {"n": 3}, [{"n": 4}]]
    args = list(sound)
    args[position] = args[position].replace('"n": ', '"n": "').replace("}", '"}')   # the number as a string
    result = await ledger.evaluate(ALICE, "strict:Plain", *args)
    assert result.status == 500
    assert result.message.startswith(f"strict:Plain: argument '{parameter}' = "), result.message
    assert result.message.endswith(f": expected {expected} as JSON: {'0.' if '[' in args[position] else ''}n: "
                                   "Input should be a valid integer"), result.message


async def test_strict_typed_parameters_still_take_their_json_and_models_inside_keep_their_own_rules():
    ledger = MemoryLedger([Strict()])
    assert json.loads((await ledger.evaluate(ALICE, "strict:Count", "7")).payload) == 7
    assert (await ledger.evaluate(ALICE, "strict:Count", "null")).payload == b""
    assert json.loads((await ledger.evaluate(ALICE, "strict:Counts", "[1, -2]")).payload) == [1, -2]
    assert json.loads((await ledger.evaluate(ALICE, "strict:Flag", "false")).payload) is False
    # Invoice is lax, as a model parameter of its own is: its amount may come as a string of digits
    taken = await ledger.evaluate(ALICE, "strict:Invoices", '[{"number": "A-1", "amount": "120"}]')
    assert json.loads(taken.payload) == [{"number": "A-1", "amount": 120}]
    alone = await MemoryLedger([Echo()]).evaluate(ALICE, "echo:Model", '{"number": "A-1", "amount": "120"}')
    assert json.loads(alone.payload) == {"number": "A-1", "amount": 120}
    assert (await MemoryLedger([Echo()]).evaluate(ALICE, "echo:Amount", '"12.50"')).payload == b"12.50"


@pytest.mark.parametrize(("function", "position", "document"), [
    ("Types", 4, '{"amount": 1, "amount": 999}'),
    ("Types", 5, '[{"note": "a", "amount": 1, "amount": 999}]'),
    ("Model", 0, '{"number": "A-1", "amount": 1, "amount": 999}'),
    ("Model", 0, '{"number": "A-1", "amount": 1, "\\u0061mount": 999}'),
])
async def test_a_json_object_holding_a_key_twice_is_refused_naming_the_key(function, position, document):
    """Readers differ on which of two values wins: an auditor reading the arguments on the ledger must read
    the transaction the chaincode ran."""
    if function == "Types":
        result = await types_with(position, document)
    else:
        result = await call(function, document)
    assert result.status == 500
    assert result.message.endswith("the key 'amount' appears more than once in one object: send each key once"), \
        result.message


@pytest.mark.parametrize("amount", ['"1E+999999999"', '"1E-1001"', '"1E+1001"'])
async def test_a_decimal_beyond_the_exponent_bound_is_refused(amount):
    """Twelve characters that a contract formatting them (format(d, "f"), int(d)) would make a gigabyte of."""
    result = await call("Amount", amount)
    assert result.status == 500
    assert result.message.startswith(f"Amount: argument 'amount' = {amount!r}: value: a decimal of the order of "
                                     "10^"), result.message
    assert result.message.endswith("send one whose order lies from 10^-1000 to 10^1000")


async def test_a_decimal_within_the_exponent_bound_converts():
    assert (await call("Amount", '"1E+1000"')).payload == b"1E+1000"
    assert (await call("Amount", '"123456789012345678901234567890.125"')).payload \
        == b"123456789012345678901234567890.125"


@pytest.mark.parametrize(("function", "bad"), [("Count", "{not json"), ("Counts", "[1, 2"), ("Items", "{not json")])
async def test_text_that_is_no_json_is_refused_without_naming_a_type(function, bad):
    """No type takes it, so "expected list[int] as JSON" says nothing more than pydantic's "Invalid JSON"."""
    result = await MemoryLedger([Strict()]).evaluate(ALICE, f"strict:{function}", bad)
    assert result.status == 500
    assert result.message.startswith(f"strict:{function}: argument "), result.message
    assert ": value: Invalid JSON: " in result.message, result.message
    assert "expected" not in result.message, result.message


async def test_a_parameter_type_supplying_its_own_schema_is_not_named_to_the_caller():
    """Its class name is no name the metadata publishes (a JSON argument publishes its model's schema)."""
    result = await MemoryLedger([Strict()]).evaluate(ALICE, "strict:Items", '{"a": 1}')
    assert result.status == 500
    assert result.message == "strict:Items: argument 'items' = '{\"a\": 1}': value: Input should be a valid array", \
        result.message
    assert json.loads((await MemoryLedger([Strict()]).evaluate(ALICE, "strict:Items", "[1]")).payload) == [1]


def just_over_the_limit(position: int) -> str:
    """Valid JSON of MAX_JSON_ARGUMENT_BYTES + 1 bytes for Echo's parameter at ``position`` (see types_with)."""
    padding = MAX_JSON_ARGUMENT_BYTES + 1
    shells = {4: ('{"a": "', '"}'), 5: ('["', '"]'), 0: ('{"number": "', '", "amount": 1}')}
    opening, closing = shells[position]
    return opening + "x" * (padding - len(opening) - len(closing)) + closing


@pytest.mark.parametrize(("function", "position", "parameter"), [
    ("Types", 4, "obj"), ("Types", 5, "items"), ("Model", 0, "invoice"),
])
async def test_a_json_argument_over_512_kib_is_refused_naming_its_size_and_the_limit(function, position, parameter):
    """Parsing runs on the event loop that serves every transaction: a document up to the peer's 100 MiB would
    hold it for seconds."""
    document = just_over_the_limit(position)
    result = await (types_with(position, document) if function == "Types" else call(function, document))
    assert result.status == 500
    assert result.message.startswith(f"{function}: argument '{parameter}' = "), result.message
    assert result.message.endswith(f": {MAX_JSON_ARGUMENT_BYTES + 1} bytes of JSON: at most 524288 (512 KiB) are "
                                   "read: send a smaller value, or spread it over several transactions"), \
        result.message[-200:]


async def test_a_json_argument_of_512_kib_converts():
    document = just_over_the_limit(0).replace("x", "", 1)
    result = await call("Model", document)
    assert result.status == 200, result.message[-200:]
    assert len(json.loads(result.payload)["number"]) == MAX_JSON_ARGUMENT_BYTES - len('{"number": "", "amount": 1}')


async def test_a_document_the_type_refuses_is_refused_for_that_before_any_key_is_looked_for_twice():
    """The second parse, looking for keys held twice, runs only on a document the type has taken."""
    result = await call("Model", '{"number": "A-1", "number": "A-2", "amount": 0}')
    assert result.status == 500
    assert result.message.endswith("amount: Input should be greater than 0"), result.message
