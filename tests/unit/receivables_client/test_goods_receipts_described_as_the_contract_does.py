"""The SDK's registrations describe what a goods receipt backs as the contract's schema does (44f5dc9): one
claim, or one claim per part of a delivery invoiced in parts, where they said each receipt backs one claim."""

from __future__ import annotations

import pytest

from client.invoices import register
from client.receivables import _models


@pytest.mark.parametrize("model", [_models.ReceivableRegistration, register.ReceivableRegistration])
def test_a_receipt_is_described_as_backing_one_claim_or_one_per_part(model):
    described = model.model_fields["goods_receipts"].description
    assert "one claim per part" in described, described
    assert "each backs one claim" not in described, described
