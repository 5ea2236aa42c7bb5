"""A joining company's own keys, made on its own host: `recfin org keys`.

The org's spec follows the network's conventions (membership.new_org_spec on the network's
topology: the operator's topology.yaml, or the one in any bundle). Its crypto comes from the
project's generator (crypto.generate, this org only, addressed by hostname as on separate
hosts) into <out>/crypto/<org>/, CA keys included: it never leaves this host. Next to it,
<out>/<org>.definition.json is the public definition (network.org_definition_file) the company
sends a channel org's admin, who computes the update from it (`recfin org add --definition`).
Once the org is in the channel, `recfin host adopt-keys --keys <out>` puts its identities into
the bundle the network's host writes for it (network.bundle_keys).

Run again, the keys are kept and the definition written again; a spec that would need other
certificates (another domain, role, users or attributes) is refused rather than mixed with them.
A revocation from the keys folder (`recfin org user revoke --keys`) writes the definition again
itself, with the CRLs of its msp/crls then (with_kept_crls), so the one sent keeps refusing the
users its CA revoked.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import crl, crypto, membership, org_definition_file
from .crypto import org_crypto
from .org_definition import fabric_msp_config
from .org_definition_file import OrgDefinition
from .topology import PeerOrgSpec, Topology

PORT_FIELDS = ("port", "chaincode_port", "operations_port")


class OrgKeysError(org_definition_file.OrgDefinitionError):
    pass


@dataclass(frozen=True)
class OrgKeys:
    root: Path                      # the keys folder (<root>/crypto/<org>/...)
    definition: OrgDefinition
    definition_path: Path

    @property
    def crypto(self) -> Path:
        org = self.definition.org
        return org_crypto(self.root, org.name, org.domain).root


def definition_path(root: Path, org_name: str) -> Path:
    return root / f"{org_name}.definition.json"


def _certified(spec: PeerOrgSpec) -> dict:
    """What of a spec the certificates carry: everything but the ports."""
    doc = spec.model_dump(mode="json")
    doc.pop("chaincode_server_port")
    for peer in doc["peers"]:
        for key in PORT_FIELDS:
            peer.pop(key, None)
    return doc


def _check_kept_users_fit(spec: PeerOrgSpec, out: Path) -> None:
    """Refused when out holds the org's users without its definition (a first run stopped between the keys
    and the definition, or the file was removed) and they are not the users spec gives, or their
    certificates carry other attributes: the generator keeps a certificate once issued, so the definition
    written now would name one role or enterprise while the certificates it is sent for carry another."""
    paths = org_crypto(out, spec.name, spec.domain)
    users = membership.with_recorded_users(spec, out).users
    if differing := crypto.attribute_differences(paths, users, spec.admin):
        raise OrgKeysError(f"{paths.root} holds keys of {spec.name} made for another spec, and no definition "
                           f"says which ({'; '.join(differing)}): a certificate is kept once issued. Give "
                           f"the --role and --enterprise of the run that made them, or another --out")


def make(topology: Topology, name: str, role: str, enterprise: str | None, out: Path) -> OrgKeys:
    """The org's keys under out and its public definition beside them (kept keys when run again)."""
    spec = membership.new_org_spec(topology, name, role, enterprise)
    path = definition_path(out, spec.name)
    if path.is_file():
        earlier = org_definition_file.read(path).org
        if _certified(earlier) != _certified(spec):
            raise OrgKeysError(f"{out} already holds keys of {spec.name} made for another spec (its domain, role, "
                               f"users or their attributes differ): give another --out, or the same --role and "
                               f"--enterprise as before")
    else:
        _check_kept_users_fit(spec, out)
    # Addressed by hostname, as on separate hosts: its TLS certificates name its peer's and chaincode
    # server's hostnames, which the other orgs dial.
    grown = membership.with_orgs(topology.model_copy(update={"namespaces": {}}), [*topology.orgs, spec]).on_hosts()
    crypto.generate(grown, out, only=[spec.name])
    definition = org_definition_file.from_crypto(grown, out, spec.name)
    org_definition_file.write(definition, path)
    return OrgKeys(out, definition, path)


def with_kept_crls(root: Path, org_name: str) -> Path | None:
    """The definition of org_name in the keys folder root written again with the CRLs the org's msp/crls there
    holds now (`recfin org user revoke --keys` writes its CA's new one there), checked as `recfin org keys` checks
    them, every other field as it was; its path, None when it carries them already. Under the keys folder's lock,
    which revocations write the CRL under: a definition written from an older CRL never replaces a newer one's."""
    path = definition_path(root, org_name)
    with membership.locked(root):
        definition = org_definition_file.read(path)
        paths = org_crypto(root, definition.org.name, definition.org.domain)
        crls = tuple(fabric_msp_config(definition.org.msp_id, paths.msp_dir).revocation_list)
        if crls == definition.crls:
            return None
        kept = replace(definition, crls=crls)
        org_definition_file.check(kept, crl.crl_path(paths).parent)
        return org_definition_file.write(kept, path)
