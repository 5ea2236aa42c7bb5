"""A transaction's public name is one the router can reach, given once per class: else a transaction would be
lost, or published in the metadata and never run, without a word at start-up."""

import pytest

from chaincode.contract import Context, Contract, ContractRouter, transaction


def test_a_class_giving_one_name_to_two_transactions_is_refused_at_registration():
    class Accounts(Contract):
        @transaction(name="Close")
        async def close_account(self, ctx: Context, account: str) -> str:
            return account

        @transaction
        async def Close(self, ctx: Context) -> str:
            return "day"

    with pytest.raises(TypeError, match=r"Accounts.close_account and .*Accounts.Close are both published as "
                                        r"transaction 'Close'"):
        ContractRouter([Accounts()])


@pytest.mark.parametrize("name", ["v2:Open", ""])
def test_a_name_the_router_cannot_reach_is_refused_where_it_is_given(name):
    with pytest.raises(TypeError, match="must be non-empty and contain no ':'"):
        @transaction(name=name)
        async def open_account(self, ctx: Context) -> str:
            return "open"


def test_a_subclass_may_still_replace_its_base_s_transaction_of_a_name():
    class Base(Contract):
        name = "base"

        @transaction
        async def Close(self, ctx: Context) -> str:
            return "base"

    class Child(Base):
        name = "child"

        @transaction(name="Close")
        async def close_for_good(self, ctx: Context) -> str:
            return "child"

    transactions = Child().transactions()
    assert list(transactions) == ["Close"] and transactions["Close"][1].__name__ == "close_for_good"
