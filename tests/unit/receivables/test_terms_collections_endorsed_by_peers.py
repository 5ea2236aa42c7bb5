"""A terms collection's endorsement policy names its orgs' peers, never any member.

That policy, not the chaincode's, governs a write to the collection: a transaction writing only private data
of it (an offer's terms or its ``recfin.offer-parties`` record, a disbursement's figures) is valid once it is
met. The network's MSPs enable NodeOUs, so a MEMBER principal is met by a client certificate too: a user of
one supplier of the holder's org and a user of one bank of the bank's org could sign such a write between
them, as its only "endorsements", no peer running the contract, and rewrite another bank's disbursement (the
principal its exposure counts) or whose offer its terms are. A PEER principal is met only by a peer of the
org, which runs the contract's rules (docs/receivables.md, "Key-level policies", says so of every key-level
policy).
"""

from __future__ import annotations

import pytest

from chaincode.receivables import collections
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from network.org_definition import signature_policy

from .support import BANK, CORE, REGULATOR, SUPPLIER, _clients_satisfy, _peers_satisfy

DEFAULT_ORGS = DEFAULT_CONFIG.org_roles
HOLDS_AND_FINANCES = NetworkConfig(org_roles={**DEFAULT_ORGS, SUPPLIER: ("supplier", "financier")})
CONFIGS = {
    "default": DEFAULT_CONFIG,
    "two banks and two suppliers": NetworkConfig(
        org_roles={**DEFAULT_ORGS, "Bank2MSP": ("financier",), "Supplier2MSP": ("supplier",)}),
    "one org holds and finances": HOLDS_AND_FINANCES,
    "two regulator orgs": NetworkConfig(
        org_roles={**HOLDS_AND_FINANCES.org_roles, "Regulator2MSP": ("regulator",)}),
    # refused where the contract reads a configuration (config.NetworkConfig), so made without that check
    "no regulator org": DEFAULT_CONFIG.model_copy(update={
        "org_roles": {CORE: ("core_enterprise",), SUPPLIER: ("supplier", "financier"), BANK: ("financier",)}}),
}


def _endorsement(collection: dict) -> bytes:
    return signature_policy(collection["endorsementPolicy"]["signaturePolicy"]).SerializeToString()


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_no_clients_of_the_member_orgs_meet_a_terms_collections_endorsement_policy(config):
    every_org = tuple(config.org_roles)
    for collection in collections.collections_config(config):
        assert not _clients_satisfy(_endorsement(collection), every_org), collection["endorsementPolicy"]
        # their peers do: one of the holder's org and one of the bank's (a regulator org's if those are one)
        holder, bank = collection["name"].removeprefix("terms-").split("-")
        regulators = tuple(config.msps_with_role("regulator"))
        endorsers = (holder, bank) if holder != bank else (holder, *regulators[:1])
        assert _peers_satisfy(_endorsement(collection), endorsers), collection["endorsementPolicy"]


def test_the_default_collection_names_the_holders_and_the_banks_peers():
    (collection,) = collections.collections_config()
    assert collection["endorsementPolicy"] == {"signaturePolicy": f"AND('{SUPPLIER}.peer', '{BANK}.peer')"}
    # who is a member is a matter of org, whoever's certificate: the regulator's clients read the terms
    assert collection["policy"] == f"OR('{BANK}.member', '{REGULATOR}.member', '{SUPPLIER}.member')"
