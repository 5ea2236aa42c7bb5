"""GetPartyHistory names, for each write of a party record, the role and the identities it left, beside its org
and name: the contract never changes a party's role, but the record is under its own org's key-level policy, so
that org's peer, running altered chaincode, can rewrite it alone (a role its org may hold, the identities acting
for it). The history is where a party's counterparties and the regulator see such a write, and which identities
could act for the party at each point."""

from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from .support import CORE, SUPPLIER, Net, client_identity
from .test_one_org_rewriting_its_own_keys import altered

# a group whose org holds a core enterprise and its finance company, as a configuration may have it
GROUP = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, CORE: ("core_enterprise", "financier")})


async def test_each_write_names_the_identities_it_left_acting_for_the_party():
    net = Net()
    tier1 = await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    admin = net.admins[SUPPLIER]
    second = client_identity(SUPPLIER, "tier1-second")
    bound = await net.ok(admin, "BindPartyIdentity", tier1.uscc, second.id)
    await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id)

    history = await net.ok(admin, "GetPartyHistory", tier1.uscc, evaluate=True)
    assert [(e["role"], e["client_ids"]) for e in history] == [
        ("supplier", [tier1.identity.id]),
        ("supplier", bound["client_ids"]),
        ("supplier", [second.id]),
    ]


async def test_a_role_its_org_rewrote_alone_shows_in_the_history():
    net = Net(GROUP)
    core = await net.party("core", CORE, "core_enterprise", "Core Manufacturing")
    tier1 = await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    await net.confirmed(tier1, core)
    party_key = net._key(keys.PARTY, core.uscc)

    def as_a_financier(key: str, value: bytes) -> bytes:
        if key != party_key or not value.startswith(b"{"):
            return value
        return json.dumps({**json.loads(value), "role": "financier"}).encode()

    forged = await altered(net, net.admins[CORE], "RenameParty", core.uscc, "Core Manufacturing Group",
                           rewrite=as_a_financier)
    # the record's key is under the core enterprise's org alone: its peer alone makes the rewrite valid
    assert net.ledger.commit(forged, endorsers=(CORE,)) == "VALID"

    history = await net.ok(tier1, "GetPartyHistory", core.uscc, evaluate=True)
    assert [(e["name"], e["role"]) for e in history] == [
        ("Core Manufacturing", "core_enterprise"), ("Core Manufacturing Group", "financier")]
