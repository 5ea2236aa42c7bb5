"""A stored receivable whose ``invoices`` is not a list (a number, a string, an object: bytes an altered chaincode
may write) is refused by the model's validation, a ValidationError naming ``invoices``, in the contract's model
and the SDK's alike: the step that names each legacy invoice's currency leaves such a value to it."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from chaincode.receivables.model import Receivable
from client import receivables as sdk
from .support import standard_net


@pytest.mark.parametrize("invoices", [1, 1.5, True, "INV-1", {"code": "INV-1"}])
async def test_invoices_that_are_no_list_are_a_validation_error_naming_them(invoices):
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    stored = net.doc(r["id"])
    assert Receivable.model_validate(stored).to_json() == stored      # the claim as written reads
    for model in (Receivable, sdk.Receivable):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({**stored, "invoices": invoices})
        assert any(error["loc"][:1] == ("invoices",) for error in refused.value.errors()), model
