"""A party's name RegisterParty or RenameParty would refuse is refused by the SDK with the contract's own check
(``require_party_name``), as RefusedBeforeSending naming the rule, before anything is read or sent, by the blocking
and the async client alike: empty, blank, of more than 200 characters or one line, and one that starts or ends
with white space or an invisible character ("Acme Ltd ", which prints as "Acme Ltd"). Before, the SDK kept its own
copy of one of these checks, and a padded name was sent."""

from __future__ import annotations

import pytest

from client.receivables import RefusedBeforeSending

from .fakes import TIER1
from .test_argument_types_and_empty_values import CLIENT_ID, ORGS, both_clients

NAMES = [("", "name must be 1 to 200 characters (it has 0)"),
         (" \u200b", "name has no visible character"),
         ("P" * 201, "name must be 1 to 200 characters (it has 201)"),
         ("Tier-1\nParts", "name holds '\\n'"),
         ("Tier-1 Parts ", "name ends with U+0020 SPACE, white space or an invisible character"),
         ("\ufeffTier-1 Parts", "send 'Tier-1 Parts'")]
CALLS = {
    "register": lambda name: lambda c: c.register_party(TIER1, name, "supplier", "SupplierMSP", [CLIENT_ID]),
    "register-endorsers-named": lambda name: lambda c: c.register_party(TIER1, name, "supplier", "SupplierMSP",
                                                                        [CLIENT_ID], endorsing_organizations=ORGS),
    "rename": lambda name: lambda c: c.rename_party(TIER1, name),
}
TRANSACTION = {"register": "RegisterParty", "register-endorsers-named": "RegisterParty", "rename": "RenameParty"}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("name, said", NAMES, ids=["empty", "blank", "long", "two-lines", "trailing-space", "bom"])
def test_a_name_the_contract_would_refuse_is_refused_naming_its_rule_and_nothing_is_sent(call, name, said):
    raised, contracts = both_clients(CALLS[call](name))
    for error in raised:
        assert isinstance(error, RefusedBeforeSending), repr(error)
        assert (error.transaction, error.rule) == (TRANSACTION[call], "argument-invalid")
        assert said in error.detail, error.detail
        assert str(error).endswith("nothing was sent")
    assert [c.calls for c in contracts] == [[], []]
