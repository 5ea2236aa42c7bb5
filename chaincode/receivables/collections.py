"""Deployment pieces that ship with the chaincode: collections and endorsement policy.

Private data: one collection per (holder org, bank org) pair, members the two
orgs and the regulator's org(s). A bank's offer terms are seen by the holder it
made them to, the bank, and the regulator - and by no other bank or supplier
org. Holders are the orgs whose parties may hold receivables (suppliers).

- ``requiredPeerCount`` 0, ``maxPeerCount`` 3: an offer can be endorsed while a
  member peer is down; dissemination is best effort and reconciliation fills gaps.
- ``blockToLive`` 0: terms are kept for the regulator's audit.
- ``memberOnlyRead``/``memberOnlyWrite``: only member orgs' clients.
- collection endorsement policy: both the holder's and the bank's org's peers
  endorse a write of their terms. Where one org is both (its parties hold and
  finance), that org's and one of the regulator orgs' (``AND('X.peer',
  OR(<regulators>))``): Fabric counts each endorsement once, so ``AND('X.peer',
  'X.peer')`` would need two endorsing peers of X, and the regulator's org is a
  member already. Without a regulator org, the one org's alone (it is both
  parties to the terms). Its principals are the orgs' peers (MSP role PEER), as
  every key-level policy's are: a write of private data alone is checked against
  this policy only, and a MEMBER principal is met by a client's certificate too,
  so a user of a supplier of the holder's org and one of a bank of the bank's
  could otherwise sign, between them, a write of any terms, offer parties or
  disbursement of the pair, no peer running the contract. The member policy
  names ``member``: a collection's members are orgs, clients and peers alike.

What the collection does not keep from the debtor's org: acceptance, disbursement
and the exercise of recourse (AcceptFinancingOffer, RecordDisbursement,
ExerciseRecourse) take the terms again as transient data and change the
receivable, whose key-level policy names the debtor's org. Its peer endorses
them, so the terms (rates, fees, recourse, expiry, salt) reach the debtor's org
in clear in those proposals, though never its private store, the ledger or any
answer (docs/receivables.md, "Endorsement policies and collections"). A recourse
demand changes the financing record alone and goes to the holder's and the bank's
orgs only.

Chaincode-level endorsement policy: any two distinct orgs' peers
(``OutOf(2, 'X.peer', ...)``): no single org can write state by running altered
chaincode, and a transaction does not wait on a third org being up. Peers, as in
every other policy here: a client's certificate meets a MEMBER principal, so two
users of two orgs could otherwise sign, between them, a write of any key without a
key-level policy. Receivable keys get stricter key-level policies from
registration on (see :mod:`.policy`).

The network tooling derives both from the deployment's configuration
(network/contract_config.py); ``collections_config.json`` next to this module is
the derivation for the default four orgs.

``python -m chaincode.receivables.collections`` prints the collections JSON
(the form ``peer lifecycle chaincode approveformyorg --collections-config`` takes);
``--policy`` prints the chaincode-level signature policy, as the network tooling commits it
(for the configuration RECFIN_NETWORK_CONFIG names, when it is set).
"""

from __future__ import annotations

import json
import sys

from . import config as _config

ROLE = "member"
# the endorsement policies' principal (a terms collection's, the chaincode's): only the org's peers, which
# run the contract, meet it
ENDORSER_ROLE = "peer"


def collection_name(holder_msp: str, bank_msp: str) -> str:
    return f"terms-{holder_msp}-{bank_msp}"


def _member(msp: str, role: str = ROLE) -> str:
    return f"'{msp}.{role}'"


def members_policy(msps: list[str]) -> str:
    """A collection's member policy: any member of the orgs of ``msps``, in the order given."""
    return f"OR({', '.join(_member(m) for m in msps)})"


def _peers_of(msps: list[str]) -> str:
    """Any peer of the orgs of ``msps``, in the order given."""
    return f"OR({', '.join(_member(m, ENDORSER_ROLE) for m in msps)})"


def terms_endorsement_policy(holder_msp: str, bank_msp: str, regulators: list[str]) -> str:
    """Who endorses a write of a pair's terms: a peer of the holder's org and one of the bank's; where they
    are one org, that org's and any one of the ``regulators`` orgs' (each endorsement counts for one
    principal only, and the default topology runs one peer per org); that org's alone when there is no
    regulator org. Peers, not members: a client's certificate meets a MEMBER principal."""
    if holder_msp != bank_msp:
        return f"AND({_member(holder_msp, ENDORSER_ROLE)}, {_member(bank_msp, ENDORSER_ROLE)})"
    if not regulators:
        return _peers_of([holder_msp])
    return f"AND({_member(holder_msp, ENDORSER_ROLE)}, {_peers_of(regulators)})"


def collections_config(cfg: _config.NetworkConfig = _config.DEFAULT_CONFIG) -> list[dict]:
    regulators = cfg.msps_with_role(_config.REGULATOR)
    out = []
    for holder in cfg.msps_with_role(_config.SUPPLIER):
        for bank in cfg.msps_with_role(_config.FINANCIER):
            members = sorted({holder, bank, *regulators})
            out.append({
                "name": collection_name(holder, bank),
                "policy": members_policy(members),
                "requiredPeerCount": 0,
                "maxPeerCount": 3,
                "blockToLive": 0,
                "memberOnlyRead": True,
                "memberOnlyWrite": True,
                "endorsementPolicy": {"signaturePolicy": terms_endorsement_policy(holder, bank, regulators)},
            })
    return out


def endorsement_policy(cfg: _config.NetworkConfig = _config.DEFAULT_CONFIG,
                       principal: str = ENDORSER_ROLE) -> str:
    """Any two of the configuration's orgs' peers, as `recfin chaincode deploy` commits it
    (network.contract_config); principal "member" counts their clients' certificates too."""
    return f"OutOf(2, {', '.join(_member(m, principal) for m in cfg.msp_ids)})"


def main(argv: list[str]) -> int:
    cfg = _config.load_config()         # RECFIN_NETWORK_CONFIG's file when set, else the default orgs
    if "--policy" in argv:
        print(endorsement_policy(cfg))
    else:
        print(json.dumps(collections_config(cfg), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
