"""The names of the contract's roles the network tooling and the CLI take: a module of its own, light to import,
which the CLI's option types read for --help without loading the topology's models."""
from __future__ import annotations

# The contract role -> its name for `recfin org add --role` (network.membership.CONTRACT_ROLES reads it back).
ORG_ADD_ROLES = {"core_enterprise": "core-enterprise", "supplier": "supplier", "financier": "bank",
                 "regulator": "regulator"}


def contract_role_named(spelling: str) -> str | None:
    """The contract role a role's spelling names, None when it names none. Both commands that take a role
    (`recfin org add|keys --role`, `recfin party register --role`) accept either of its names, the contract's
    (financier, core_enterprise) or `org add`'s (bank, core-enterprise), in any case and with '-' or '_': an org
    onboarded as a bank registers its enterprises as the same role without a second name to know."""
    key = spelling.strip().lower().replace("-", "_")
    return next((contract_role for contract_role, add_role in ORG_ADD_ROLES.items()
                 if key in (contract_role, add_role.replace("-", "_"))), None)
