"""UpgradeLedger refuses an identity that is no org admin and acts for no party as it refuses a party
(``role-not-permitted``, naming the regulator's org whose admin runs it), not with ``caller-not-a-party``,
whose way on, binding the identity to a party, would only have it refused again."""

from __future__ import annotations

import pytest

from .support import REGULATOR, SUPPLIER, Actor, client_identity, standard_net


@pytest.mark.parametrize("msp", [REGULATOR, SUPPLIER])
async def test_an_identity_acting_for_no_party_is_sent_to_the_regulators_org_admin(msp):
    net = await standard_net()
    operator = Actor("operator", msp, client_identity(msp, "operator"))
    for evaluate in (True, False):
        message = await net.refused(operator, "UpgradeLedger", "10", "", evaluate=evaluate,
                                    rule="role-not-permitted")
        assert "bind this identity" not in message, message
        assert "acts for no party" in message, message
        assert "only an admin of the regulator's org (RegulatorMSP) runs it" in message, message
