"""Onboarding and offboarding a peer org on the running channel: `recfin org add|remove`.

add: the channel config fetched from the ordering service -> the channel's orgs' crypto
completed (an admin's lost key issued again) -> the policy check (the update computed on
certificates made in a temporary folder, as a dry run does: a refused add writes nothing of
the new org) -> the new org's crypto -> the ConfigUpdate adding its MSP, anchor peer and policies,
signed by the existing org admins -> the policy check again on it (nothing is sent unless the
signatures satisfy every mod_policy the update touches) -> `peer channel update` -> its peer
started and joined -> the topology's chaincode deployed again (a new sequence: the contract
configuration now names the org's role, with the collections that brings, and every org's server
restarts with it); any other deployed chaincode installed and approved at the committed sequence
for the new org, its server started -> connection profiles. remove is the reverse: the update dropping the org,
its chaincode servers and peer stopped, the topology's chaincode deployed again without it, and
only then the removal recorded (refused first when another deployed chaincode would still need the
org). Its crypto and ledger stay in the data folder.

The config travels through the `peer` CLI (`peer channel fetch config`, `peer channel
update`), as every other channel operation here does: the CLI already carries the TLS
setup, hostname overrides and the org admin's MSP, while Python computes, signs and checks
the update itself. `peer channel update` adds the submitting admin's own signature, so the
envelope handed to it carries the other admins' signatures only.

Both steps are safe to re-run: an org already in (or already gone from) the channel skips
the update and completes the rest.

On a network in Linux network namespaces (topology `namespaces:`), a new org gets a namespace
of its own at the next free address before its peer starts (recorded with it in membership.yaml),
and a removed org's namespace goes once its processes have stopped (network.namespaces).

When the admins' keys live on other hosts, the update travels as a file instead:
write_update (`--update-out`), sign_update_file on each admin's host (`recfin org sign`),
submit_update_file (`recfin org submit`), which then runs the same steps after the update
(_after_add, _after_remove) as add and remove do. The file carries the org's spec
(org_change.carried_org), so any channel org's admin can submit it with `channel_only`: what
that host needs is its own admin's MSP folder, the orderers' TLS CA certificate and the
`peer` CLI (a bundle has the first two). Starting the new org's nodes stays with the host that
holds its keys. A file whose update the channel already has is not sent again: submitting it
only finishes or records the change, so every host that keeps a record can run it; one that
does not hold the org's keys records its certificates from the update (for bundles).

An org that made its own keys on its own host (`recfin org keys`) is added from its public
definition (plan_add_definition, `recfin org add --definition`): the update is computed from its
certificates, nothing of it is generated or written here, and it goes on as a file as above.

The operations live in modules of their own, mixed into OrgMembership here: org_admins (acting as the channel's
org admins, the base of the others), org_add, org_remove, org_update_file (the update as a file), org_chaincode
(the chaincode definitions as orgs join or leave), org_claims (the claims check before a regulator org leaves);
org_stranded holds the plain functions about the chaincode an org's leaving strands. Every name callers import
from this module is still importable from it.
"""
from __future__ import annotations

from .org_add import OrgAddition
from .org_admins import Admin, AdminKeyError, ChannelAdmins, PolicyNotSatisfiedError
from .org_chaincode import OrgChaincode
from .org_change import OrgChangeError, updates_dir
from .org_claims import ClaimsCheck, ClaimsUnreadable, RemovalClaimsCheck
from .org_remove import OrgRemoval
from .org_stranded import StrandedChaincode, _names_unendorsable, _policy_flag
from .org_update_file import OrgUpdateFiles, UpdateFileCheck


class OrgMembership(OrgAddition, OrgRemoval, OrgUpdateFiles, RemovalClaimsCheck, OrgChaincode, ChannelAdmins):
    """Adds and removes peer orgs of a Network's running channel."""


# the names callers and tests import from here (cli/org_commands.py, network/org_users.py, tests/unit/network)
__all__ = ["Admin", "AdminKeyError", "ClaimsCheck", "ClaimsUnreadable", "OrgChangeError", "OrgMembership",
           "PolicyNotSatisfiedError", "StrandedChaincode", "UpdateFileCheck", "_names_unendorsable", "_policy_flag",
           "updates_dir"]
