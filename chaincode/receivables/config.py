"""Network configuration that ships with the chaincode.

Which roles each organisation's parties may hold, and the maximum payment
term. It is data, not code: a new bank or supplier org is one more entry here.
Adding an org to the channel also needs a new chaincode definition anyway (its
private data collection is part of the definition), so the mapping changes
through the same lifecycle approvals as the collections: no single org can
change it, and every peer runs the same values (a per-peer setting would make
endorsements disagree).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

CORE_ENTERPRISE = "core_enterprise"
SUPPLIER = "supplier"
FINANCIER = "financier"
REGULATOR = "regulator"
ROLES = (CORE_ENTERPRISE, SUPPLIER, FINANCIER, REGULATOR)


class NetworkConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    org_roles: dict[str, tuple[str, ...]] = Field(
        description="MSP ID -> the roles its parties may hold",
    )
    max_payment_term_days: int = Field(
        default=365,
        description="longest allowed span from issue date to due date; one year by default, after the 2025 rules on supply-chain payment terms",
    )

    def msps_with_role(self, role: str) -> list[str]:
        return sorted(msp for msp, roles in self.org_roles.items() if role in roles)

    @property
    def msp_ids(self) -> list[str]:
        return sorted(self.org_roles)


DEFAULT_CONFIG = NetworkConfig(
    org_roles={
        "CoreEnterpriseMSP": (CORE_ENTERPRISE,),
        "SupplierMSP": (SUPPLIER,),
        "BankMSP": (FINANCIER,),
        "RegulatorMSP": (REGULATOR,),
    },
)
