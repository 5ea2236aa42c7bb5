"""A disbursement whose interest and fees take the whole advance is refused (financing-not-positive) naming
the financing and the way on: interest falls day by day to the due date, so the refusal names the day from
which a disbursement leaves the holder some cash, or, where no day does, the cancellation that releases the
claim. It named neither, and the bank was left to guess whether waiting or cancelling ends the matter."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import financing as fin
from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.model import OfferTerms

from .support import standard_net, terms, transient_terms


async def test_interest_taking_the_rest_today_names_the_first_day_that_leaves_cash():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=60)
    # an advance of 900.00 CNY less fees of 895.00 leaves 5.00; interest at 0.036 a year (ACT/360) is
    # 0.09 CNY a day: 56 days or more take it all (5.04 CNY), 55 or fewer leave some (4.95 CNY)
    sent = transient_terms(fees=895_00)
    f = await net.financed(a["tier1"], r["id"], terms=sent, disburse=False)
    message = await net.refused(a["bank"], "RecordDisbursement", f["id"], transient=sent,
                                rule="financing-not-positive")
    first_day = net.day(60 - 55)
    assert f"financing {f['id']}: the terms leave -0.40 CNY for the holder" in message
    assert f"a disbursement from {first_day} on (55 days or fewer before the due date {net.day(60)})" \
        in message
    assert "CancelFinancing" in message

    net.advance(days=60 - 56)
    await net.refused(a["bank"], "RecordDisbursement", f["id"], transient=sent, rule="financing-not-positive")
    net.advance(days=1)
    assert net.today == first_day
    assert (await net.ok(a["bank"], "RecordDisbursement", f["id"], transient=sent))["status"] == "DISBURSED"


def test_terms_that_leave_no_cash_on_any_day_name_the_cancellation():
    # fees of the whole advance: terms an offer made before such fees were refused when offered
    whole = OfferTerms.model_validate(json.loads(json.dumps(terms(fees=900_00))))
    with pytest.raises(RuleViolation) as refused:
        fin.disbursement(financing_id="F-0123456789abcdef", receivable_id="R-0123456789abcdef",
                         outstanding=1000_00, currency="CNY", terms=whole, disbursed_on="2026-03-02",
                         due_date="2026-04-01", days=30)
    message = str(refused.value)
    assert "financing-not-positive" in message and "financing F-0123456789abcdef" in message
    assert ("no day before the due date 2026-04-01 leaves the holder any: end the financing with "
            "CancelFinancing") in message
