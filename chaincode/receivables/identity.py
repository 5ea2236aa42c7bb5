"""Who is calling: org admins and the parties that client identities act for.

- Org admin: a certificate whose subject carries ``OU=admin``, the mark Fabric's
  NodeOUs give an org's admin identities (and that the org's CA alone can issue).
  Admins register parties of their own MSP; an admin is not a party by being one.
- Party binding: a party record lists the client identities that act for it, as
  Fabric spells them: ``x509::<subject DN>::<issuer DN>``. The index
  ``recfin.client [MSP ID, client id]`` maps each to the party's credit code, so
  the caller's party is found from ``(msp_id, id)`` alone. Because the MSP ID is
  part of the key, a certificate from another org can never act for the party.
  Binding is explicit and on the ledger: who may act for a party is part of the
  audited record, not of a certificate attribute that any CA of the org could add.
"""

from __future__ import annotations

from typing import Any

from cryptography.x509.oid import NameOID

ADMIN_OU = "admin"


def is_org_admin(client_identity: Any) -> bool:
    cert = client_identity.certificate
    if cert is None:
        return False
    ous = [attr.value for attr in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]
    return ADMIN_OU in [str(ou).lower() for ou in ous]
