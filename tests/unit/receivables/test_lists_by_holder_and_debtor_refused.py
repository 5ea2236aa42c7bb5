"""Lists by holder and by debtor are the party's own or the regulator's: anyone else is refused, the refusal
saying whose list it is, and the regulator lists either."""

from __future__ import annotations

import pytest

from .test_authorization import matrix_net, s_by_debtor, s_by_holder


@pytest.mark.parametrize("fn, scenario, refusal", [
    ("ListReceivablesByHolder", s_by_holder, "a party lists only the receivables it holds"),
    ("ListReceivablesByDebtor", s_by_debtor, "a debtor lists only its own payables"),
])
async def test_another_party_is_refused_saying_whose_list_it_is(fn, scenario, refusal):
    net = await matrix_net()
    args, _ = await scenario(net)
    message = await net.refused(net.actors["tier2"], fn, *args, evaluate=True, rule="not-permitted-to-read")
    assert message.endswith(f"RULE not-permitted-to-read: {refusal}"), message
    assert (await net.call(net.actors["regulator"], fn, *args, evaluate=True)).status == 200
