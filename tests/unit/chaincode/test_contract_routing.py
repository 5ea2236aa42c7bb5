"""Routing, hooks and error mapping of the contract API, run through MemoryLedger."""

import json

import pytest

from chaincode.contract import Context, Contract, ContractError, transaction
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


class Greeter(Contract):
    name = "greeter"

    @transaction(evaluate=True)
    async def Hello(self, ctx: Context, who: str) -> str:
        return f"hello {who}"

    @transaction(name="Shout")
    async def shout_loudly(self, ctx: Context, who: str) -> str:
        return f"HELLO {who.upper()}"

    async def not_a_transaction(self, ctx: Context) -> str:
        return "hidden"


class Counter(Contract):  # no name: the class name is used
    @transaction
    async def Bump(self, ctx: Context) -> int:
        current = int(await ctx.stub.get_state("n") or b"0")
        await ctx.stub.put_state("n", str(current + 1).encode())
        return current + 1

    @transaction
    async def Broken(self, ctx: Context) -> None:
        await ctx.stub.put_state("n", b"999")
        raise KeyError("missing thing")

    @transaction
    async def Refuse(self, ctx: Context) -> None:
        await ctx.stub.put_state("n", b"999")
        ctx.stub.set_event("Refused", b"{}")
        raise ContractError("RULE R1: not today")


async def test_function_without_contract_goes_to_the_first_registered_contract():
    ledger = MemoryLedger([Greeter(), Counter()])
    result = await ledger.evaluate(ALICE, "Hello", "bob")
    assert (result.status, result.payload) == (200, b"hello bob")


async def test_contract_prefix_selects_the_contract_and_class_name_is_the_default_name():
    ledger = MemoryLedger([Greeter(), Counter()])
    assert Counter.name == "Counter"
    first = await ledger.submit(ALICE, "Counter:Bump")
    second = await ledger.submit(ALICE, "Counter:Bump")
    assert (first.payload, second.payload) == (b"1", b"2")
    assert ledger.state["n"] == b"2"


async def test_transaction_name_override_and_undecorated_methods_are_not_callable():
    ledger = MemoryLedger([Greeter()])
    assert (await ledger.evaluate(ALICE, "greeter:Shout", "bob")).payload == b"HELLO BOB"
    hidden = await ledger.evaluate(ALICE, "greeter:not_a_transaction")
    assert hidden.status == 500
    assert hidden.message == "function 'greeter:not_a_transaction' is not a transaction of contract 'greeter'"


async def test_an_unknown_function_with_a_binary_argument_is_refused_naming_the_function():
    ledger = MemoryLedger([Greeter()])
    result = await ledger.evaluate(ALICE, "greeter:Nope", "x", b"\xff\xfe")
    assert (result.status, result.message) == (500, "function 'greeter:Nope' is not a transaction of contract "
                                                     "'greeter'")


async def test_unknown_contract_is_refused_naming_it():
    ledger = MemoryLedger([Greeter()])
    result = await ledger.evaluate(ALICE, "nosuch:Hello", "x")
    assert result.status == 500
    assert "no contract named 'nosuch'" in result.message


async def test_a_long_unknown_function_or_contract_name_is_quoted_by_its_start():
    ledger = MemoryLedger([Greeter()])
    function = await ledger.evaluate(ALICE, "greeter:" + "\x01" * 100_000)
    assert function.message == ("function 'greeter:" + "\\x01" * 49 + "...' is not a transaction of "
                                "contract 'greeter'")
    contract = await ledger.evaluate(ALICE, "n" * 100_000 + ":Hello", "x")
    assert contract.message.startswith("no contract named '" + "n" * 57 + "...' (contracts: ")


async def test_a_message_over_4_kib_comes_back_cut_as_the_peer_gets_it():
    class Wordy(Contract):
        @transaction
        async def Refuse(self, ctx: Context) -> None:
            raise ContractError("é" * 5000)

    result = await MemoryLedger([Wordy()]).submit(ALICE, "Refuse")
    assert (result.status, result.message) == (500, "é" * 2048 + "…")


async def test_contract_error_message_is_sent_as_is_and_nothing_is_written():
    ledger = MemoryLedger([Counter()])
    result = await ledger.submit(ALICE, "Refuse")
    assert (result.status, result.message, result.event) == (500, "RULE R1: not today", None)
    assert ledger.state == {} and ledger.events == []


async def test_other_exceptions_are_reported_with_their_type_and_tx_id_and_their_text_logged(caplog):
    """A bug's text can name internals (a KeyError's key, an OSError's path): it stays in the server's log,
    under the tx id the caller is given."""
    ledger = MemoryLedger([Counter()])
    result = await ledger.submit(ALICE, "Broken")
    assert result.status == 500
    assert result.message == f"internal error (KeyError) in tx {result.tx_id}: see the chaincode server's log"
    assert ledger.state == {}
    logged = [record for record in caplog.records if record.exc_info]
    assert logged and result.tx_id in logged[0].getMessage()
    assert "missing thing" in str(logged[0].exc_info[1])


async def test_no_arguments_at_all_is_refused():
    ledger = MemoryLedger([Counter()])
    # Bypass the ledger's function argument by going to the router with an empty stub.
    from chaincode.shim import ChaincodeStub

    response = await ledger.router.invoke(ChaincodeStub(None, channel_id="c", tx_id="t", args=[]))
    assert response.status == 500
    assert "no function given" in response.message


class AuditedContext(Context):
    def __init__(self, stub):
        super().__init__(stub)
        self.trail: list[str] = []


class Hooked(Contract):
    name = "hooked"

    def __init__(self):
        super().__init__()
        self.seen: list[tuple] = []

    def create_context(self, stub):
        return AuditedContext(stub)

    async def before_transaction(self, ctx):
        ctx.trail.append("before")
        if ctx.stub.get_function_and_parameters()[1][:1] == ["deny"]:
            raise ContractError("denied by before hook")

    async def after_transaction(self, ctx, result):
        ctx.trail.append("after")
        self.seen.append((type(ctx).__name__, tuple(ctx.trail), result))

    async def unknown_transaction(self, ctx):
        function, params = ctx.stub.get_function_and_parameters()
        return {"unknown": function, "params": params}

    @transaction
    async def Do(self, ctx: AuditedContext, what: str) -> dict:
        ctx.trail.append("do")
        return {"did": what}


async def test_hooks_run_in_order_around_the_transaction_with_the_custom_context():
    contract = Hooked()
    ledger = MemoryLedger([contract])
    result = await ledger.submit(ALICE, "hooked:Do", "x")
    assert json.loads(result.payload) == {"did": "x"}
    assert contract.seen == [("AuditedContext", ("before", "do", "after"), {"did": "x"})]


async def test_before_hook_can_refuse_and_after_hook_then_does_not_run():
    contract = Hooked()
    ledger = MemoryLedger([contract])
    result = await ledger.submit(ALICE, "hooked:Do", "deny")
    assert (result.status, result.message) == (500, "denied by before hook")
    assert contract.seen == []


async def test_unknown_transaction_hook_can_answer():
    ledger = MemoryLedger([Hooked()])
    result = await ledger.evaluate(ALICE, "hooked:Nope", "a", "b")
    assert result.status == 200
    assert json.loads(result.payload) == {"unknown": "hooked:Nope", "params": ["a", "b"]}


class Strict(Contract):
    name = "strict"

    def invalid_arguments(self, error):
        return ContractError(f"RULE bad-call: {error.message}")

    @transaction
    async def Set(self, ctx: Context, value: dict) -> dict:
        await ctx.stub.put_state("v", json.dumps(value).encode())
        return value


async def test_arguments_that_do_not_convert_are_refused_as_the_invalid_arguments_hook_says():
    # by default the runtime's message as is: the count, or the parameter and why
    plain = await MemoryLedger([Greeter()]).evaluate(ALICE, "greeter:Hello")
    assert (plain.status, plain.message) == (500, "greeter:Hello takes 1 arguments (who), got 0")
    ledger = MemoryLedger([Strict()])
    for args, why in [((), "strict:Set takes 1 arguments (value), got 0"),
                      (("{not json",), "strict:Set: argument 'value' = '{not json': ")]:
        result = await ledger.submit(ALICE, "strict:Set", *args)
        assert result.status == 500 and result.message.startswith(f"RULE bad-call: {why}"), result.message
        assert ledger.state == {} and ledger.events == []
    assert (await ledger.submit(ALICE, "strict:Set", '{"a": 1}')).status == 200


def test_transactions_must_be_coroutines_and_names_unique():
    with pytest.raises(TypeError, match="async def"):

        class Sync(Contract):
            @transaction
            def Bad(self, ctx):  # pragma: no cover - never called
                return None

    with pytest.raises(ValueError, match="two contracts"):
        MemoryLedger([Greeter(), Greeter()])
    with pytest.raises(ValueError, match="':'"):
        Greeter(name="a:b")
