"""Deployment pieces: the collections configuration and the chaincode endorsement policy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from chaincode.receivables import collections
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from network.org_definition import signature_policy

from .support import CORE, SUPPLIER, _clients_satisfy, _peers_satisfy

ROOT = Path(__file__).resolve().parents[3]


def test_one_collection_per_supplier_and_bank_org_with_the_regulator():
    (coll,) = collections.collections_config()
    assert coll["name"] == "terms-SupplierMSP-BankMSP"
    assert coll["policy"] == "OR('BankMSP.member', 'RegulatorMSP.member', 'SupplierMSP.member')"
    assert coll["endorsementPolicy"] == {"signaturePolicy": "AND('SupplierMSP.peer', 'BankMSP.peer')"}
    assert coll["memberOnlyRead"] and coll["memberOnlyWrite"] and coll["blockToLive"] == 0
    assert "CoreEnterpriseMSP" not in coll["policy"]


def test_more_banks_mean_more_collections():
    cfg = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, "Bank2MSP": ("financier",), "Supplier2MSP": ("supplier",)})
    names = sorted(c["name"] for c in collections.collections_config(cfg))
    assert names == ["terms-Supplier2MSP-Bank2MSP", "terms-Supplier2MSP-BankMSP",
                     "terms-SupplierMSP-Bank2MSP", "terms-SupplierMSP-BankMSP"]
    assert "'Bank2MSP.peer'" in collections.endorsement_policy(cfg)


def test_endorsement_policy_is_any_two_orgs_peers():
    assert collections.endorsement_policy() == (
        "OutOf(2, 'BankMSP.peer', 'CoreEnterpriseMSP.peer', 'RegulatorMSP.peer', 'SupplierMSP.peer')")


def test_the_printed_policy_is_the_one_the_network_commits_and_no_two_clients_meet_it():
    # a policy of MEMBER principals is met by two users of two orgs signing a write between them, no peer running
    # the contract: the module's --policy must print what `recfin chaincode deploy` commits, never that weaker form
    from network import contract_config
    from network.topology import load as load_topology

    printed = subprocess.run([sys.executable, "-m", "chaincode.receivables.collections", "--policy"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
    assert printed == contract_config.endorsement_policy(load_topology())
    policy = signature_policy(printed).SerializeToString()
    assert not _clients_satisfy(policy, (SUPPLIER, CORE)) and _peers_satisfy(policy, (SUPPLIER, CORE))


def test_module_prints_the_collections_json_for_the_peer_cli():
    out = subprocess.run([sys.executable, "-m", "chaincode.receivables.collections"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == collections.collections_config()
    policy = subprocess.run([sys.executable, "-m", "chaincode.receivables.collections", "--policy"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.strip()
    assert policy == collections.endorsement_policy()


def test_the_shipped_collections_file_is_the_generated_one():
    shipped = json.loads((ROOT / "chaincode" / "receivables" / "collections_config.json").read_text())
    assert shipped == collections.collections_config()


def test_the_server_loads_the_contract_by_its_documented_spec():
    from chaincode.receivables import CONTRACTS, ReceivablesContract
    from chaincode.shim.server import load_contract

    contract = load_contract("chaincode.receivables:ReceivablesContract")
    assert isinstance(contract, ReceivablesContract) and contract.name == "receivables"
    assert [type(c) for c in CONTRACTS] == [ReceivablesContract]
