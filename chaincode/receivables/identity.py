"""Who is calling: org admins and the parties that client identities act for.

- Org admin: a certificate whose subject carries ``OU=admin``, the mark Fabric's
  NodeOUs give an org's admin identities (and that the org's CA alone can issue).
  Admins register parties of their own MSP; an admin is not a party by being one.
  The OU is matched as Fabric's MSP matches NodeOU identifiers: exactly, case and all,
  and an identity with the OUs of two roles is of neither (validateIdentityOUsV142). Fabric
  CA adds an OU per part of a user's affiliation, so a client of affiliation ``Admin``
  carries ``OU=client`` and ``OU=Admin``: a client to Fabric and to this contract.
  The contract cannot read the channel's MSP configuration, so the OUs are this network's
  (each role's OU is its name, as network/crypto.py issues them), and `recfin org add`
  refuses an org whose admin, peer or orderer OU is not the role's name, or that gives
  another role one of them.
- Party binding: a party record lists the client identities that act for it, as
  Fabric spells them: ``x509::<subject DN>::<issuer DN>``. The index
  ``recfin.client [MSP ID, client id]`` maps each to the party's credit code, so
  the caller's party is found from ``(msp_id, id)`` alone. Because the MSP ID is
  part of the key, a certificate from another org can never act for the party.
  Binding is explicit and on the ledger: who may act for a party is part of the
  audited record, not of a certificate attribute that any CA of the org could add.
- A node's identity acts for no party: a certificate carrying the NodeOU ``peer`` or ``orderer`` (matched exactly,
  as Fabric matches them) is refused as a caller and is never bound (``identity-of-a-node``). Its key is on a node,
  in its operators' hands, and the channel's Writers admit only an org's admins and clients, so bound, it could not
  act, yet would count as an identity left to act for its party.
  Every org's MSP names the peer role (its peers endorse as ``Org.peer``), so ``OU=peer`` is always a role's: the
  certificate is a peer's, or of two roles and admitted nowhere. The orderer role is optional in an application
  org's MSP (its orderers are the orderer org's), and where the MSP leaves it out ``OU=orderer`` is a plain
  affiliation: Fabric CA adds it to a client or admin of affiliation ``orderer``. The contract cannot read which
  roles the MSP names, but Fabric admits an identity carrying exactly one role's OU: so a certificate carrying
  ``OU=orderer`` with ``OU=client`` or ``OU=admin`` is a client or an admin (its MSP leaves the orderer role out),
  or is admitted nowhere (its MSP names it), and is never an orderer's (but in an org whose clients' OU is not
  ``client``, where an orderer of affiliation ``client`` carries both: bound, it cannot act, as any orderer's
  identity). Only ``OU=orderer`` with neither is. An id read more than one way is a node's where any reading is
  (``node_role_of``).
- Acting for a party takes both: the binding names the party, and the party record
  (under its own org's key-level policy) lists the identity (``lists_identity``). A
  binding alone may have been written by other orgs under the chaincode's policy.
"""

from __future__ import annotations

from typing import Any

from cryptography.x509.oid import NameOID

from chaincode.client_ids import client_id_problem, subject_values_of_every_reading

from .errors import RuleViolation, _identity, rule

ADMIN_OU = "admin"
# the other roles' NodeOU identifiers every org's MSP names: a certificate carrying one of them as well is no admin
# to Fabric (``orderer`` is not among them: with OU=admin it is an affiliation or the identity is admitted nowhere)
OTHER_ROLE_OUS = frozenset({"client", "peer"})
# the NodeOU identifiers of a node's identity: a peer's or an orderer's, never an enterprise's
NODE_OUS = ("peer", "orderer")
# the OUs that, on a certificate carrying OU=orderer too, make that OU an affiliation (see above)
ORDERER_AFFILIATION_BESIDE = frozenset({"client", ADMIN_OU})


def node_role_of_ous(ous: set[str] | list[str]) -> str | None:
    """The node role (``peer``, ``orderer``) a certificate carrying the OUs ``ous`` is of, or None: ``OU=peer``
    always, ``OU=orderer`` only beside no client's or admin's OU (see above)."""
    if "peer" in ous:
        return "peer"
    if "orderer" in ous and not ORDERER_AFFILIATION_BESIDE.intersection(ous):
        return "orderer"
    return None


def node_role_of_certificate(certificate: Any) -> str | None:
    """The node role (``peer``, ``orderer``) the certificate's subject carries as an OU, or None."""
    if certificate is None:
        return None
    return node_role_of_ous({attr.value for attr in
                             certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)})


def node_role_of(client_id: str) -> str | None:
    """The node role (``peer``, ``orderer``) the subject DN of ``client_id`` carries as an OU, or None (also for
    text no certificate presents). An id whose DN values hold ``::`` may be read more than one way
    (``subject_values_of_every_reading``), each the id of another certificate: it is a node's where any reading
    is, as the certificate presenting it may be that one (read by the first alone, an orderer's id with the OU
    ``client::OU=x`` would be bound to a party as ``OU=client`` beside ``OU=orderer``, and refused as a caller)."""
    return next((role for ous in subject_values_of_every_reading(client_id, "OU")
                 if (role := node_role_of_ous(ous)) is not None), None)


def refusal_of_node_identity(client_id: str, field: str = "client_id") -> RuleViolation | None:
    """``identity-of-a-node`` for the id of a peer's or orderer's certificate, or None."""
    if (node := node_role_of(client_id)) is None:
        return None
    return rule("identity-of-a-node", f"{field} {_identity(client_id)} is a {node}'s identity (its subject carries "
                f"OU={node}): a node's identity acts for no party (its key is the node operators', and the channel "
                "admits only an org's admins and clients as writers). Bind a client identity of the enterprise's "
                "user instead (`recfin org user add ORG NAME` issues one; --client NAME binds it)")


def lists_identity(party: Any, msp_id: str, client_id: str) -> bool:
    """Whether the party record names the client identity of ``msp_id`` among those acting for it."""
    return party.msp_id == msp_id and client_id in party.client_ids


def is_org_admin(client_identity: Any) -> bool:
    """Whether the caller's certificate carries the admin OU, exactly, and no other role's OU (see above)."""
    cert = client_identity.certificate
    if cert is None:
        return False
    ous = {attr.value for attr in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)}
    return ADMIN_OU in ous and not ous & OTHER_ROLE_OUS


def presented_by_a_certificate(client_id: str) -> bool:
    """Whether some client's certificate's id is ``client_id``: of the ids a party record lists, only those can
    act for it. Others were stored by an older contract as sent (with surrounding spaces, or any text at all), or
    are a node's (``node_role_of``), which an older contract bound as any other."""
    return client_id_problem(client_id) is None and node_role_of(client_id) is None


def refusal_of_client_id(client_id: str, field: str = "client_id") -> RuleViolation | None:
    """``client-id-invalid`` for an identity no certificate presents (``client_id_problem``: ``+5``, a
    line-wrapped copy, a DN cut short), or None. Bound, such an id would act for no one, while counting as an
    identity left to act for its party."""
    why = client_id_problem(client_id)
    if why is None:
        return None
    return rule("client-id-invalid", f"{field} {_identity(client_id)} is no client identity a certificate "
                f"presents ({why}): it is x509::<subject DN>::<issuer DN> as the contract forms it from the "
                "user's certificate. Name a user of the org instead (--client NAME of `recfin party register` or "
                "`recfin party bind` forms its id; `recfin org user list ORG` shows each user's client_id), or "
                "send the id client_id_of(certificate) gives in the SDK")
