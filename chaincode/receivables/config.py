"""Network configuration that ships with the chaincode.

Which roles each organisation's parties may hold, the maximum payment term,
and who attests invoice verifications and whether registration needs them.
It is data, not code: a new bank or supplier org is one more entry here.
Adding an org to the channel also needs a new chaincode definition anyway (its
private data collection is part of the definition), so the mapping changes
through the same lifecycle approvals as the collections: no single org can
change it, and every peer runs the same values (a per-peer setting would make
endorsements disagree).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

    attesting_roles: tuple[str, ...] = Field(
        default=("financier", "regulator"),
        description="roles whose parties may attest an invoice verification. By default banks and the regulator: "
                    "they check invoices for their own decisions and answer for what they sign, while the supplier "
                    "that registers a claim and the debtor that owes it each have a stake in the outcome",
    )
    require_attestation: bool = Field(
        default=False,
        description="RegisterReceivable refuses an invoice without a passing verification attestation",
    )
    attestation_sources: tuple[str, ...] = Field(
        default=(),
        description="sources a passing attestation must name to count for registration (e.g. reference-tax); "
                    "empty: any source",
    )

    @field_validator("attesting_roles")
    @classmethod
    def _known_roles(cls, roles: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise ValueError(f"attesting_roles: {', '.join(unknown)} is not one of {', '.join(ROLES)}")
        return roles

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
