"""RegisterParty refuses a credit code registered already before it looks at the role: an admin
re-registering an existing code with a role its org may not hold, told only `role-not-allowed-for-org`,
would correct the role and send it again only to learn then that the code was taken."""

from __future__ import annotations

from .support import SUPPLIER, credit_code, standard_net


async def test_a_taken_code_with_a_role_its_org_may_not_hold_is_refused_as_taken():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    taken = {"uscc": tier1.uscc, "name": "X", "role": "regulator", "msp_id": SUPPLIER,
             "client_ids": ["x509::CN=x::CN=ca"]}
    message = await net.refused(net.admins[SUPPLIER], "RegisterParty", taken, rule="party-already-registered")
    assert f"credit code {tier1.uscc} is already registered" in message
    # a new code with that role is still refused for the role
    await net.refused(net.admins[SUPPLIER], "RegisterParty", dict(taken, uscc=credit_code(501)),
                      rule="role-not-allowed-for-org")
