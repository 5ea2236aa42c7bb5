from pathlib import Path

import pytest

from network import lifecycle
from network.errors import ChaincodeError
from network.lifecycle import Definition, next_sequence

D = Definition("receivables", "receivables", "1.0", 3, "OutOf(2,'A.peer','B.peer')", Path("/x/collections.json"))


def test_definition_args():
    assert D.args() == ["--channelID", "receivables", "--name", "receivables", "--version", "1.0", "--sequence", "3",
                        "--signature-policy", "OutOf(2,'A.peer','B.peer')", "--collections-config", "/x/collections.json"]
    plain = Definition("receivables", "cc", "2", 1)
    assert "--signature-policy" not in plain.args() and "--collections-config" not in plain.args()


def test_approve_reaches_the_orderer_over_tls_with_the_package_id(topology, data_root):
    args = lifecycle.approve_args(topology, data_root, D, "receivables_1.0:abc")
    assert args[:3] == ["lifecycle", "chaincode", "approveformyorg"]
    assert args[args.index("-o") + 1] == "127.0.0.1:7050"
    assert args[args.index("--ordererTLSHostnameOverride") + 1] == "orderer0.orderer.recfin.local"
    assert "--tls" in args and Path(args[args.index("--cafile") + 1]).is_file()
    assert args[args.index("--package-id") + 1] == "receivables_1.0:abc"
    assert args[args.index("--sequence") + 1] == "3"


def test_commit_collects_every_org_s_peer(topology, data_root):
    args = lifecycle.commit_args(topology, data_root, D)
    peers = [args[i + 1] for i, a in enumerate(args) if a == "--peerAddresses"]
    roots = [args[i + 1] for i, a in enumerate(args) if a == "--tlsRootCertFiles"]
    assert peers == ["127.0.0.1:7051", "127.0.0.1:8051", "127.0.0.1:9051", "127.0.0.1:10051"]
    assert len(roots) == 4 and all(Path(r).is_file() for r in roots)


def test_readiness_and_querycommitted_ask_for_json():
    assert lifecycle.readiness_args(D)[-2:] == ["--output", "json"]
    assert lifecycle.querycommitted_args("receivables", "cc") == [
        "lifecycle", "chaincode", "querycommitted", "--channelID", "receivables", "--name", "cc", "--output", "json"]


def test_parse_outputs():
    installed = '{"installed_chaincodes":[{"package_id":"cc_1:aa","label":"cc_1"},{"package_id":"cc_2:bb","label":"cc_2"}]}'
    assert lifecycle.parse_installed(installed) == {"cc_1:aa", "cc_2:bb"}
    assert lifecycle.parse_installed("{}") == set()
    assert lifecycle.parse_readiness('{"approvals":{"BankMSP":true,"SupplierMSP":false}}') == {
        "BankMSP": True, "SupplierMSP": False}


WANTED = {"version": "1.0", "contract": "m:C", "signature_policy": None, "collections_sha256": None,
          "package_ids": {"BankMSP": "x"}}


def test_first_deploy_is_sequence_one():
    assert next_sequence(None, None, WANTED) == (1, True)


def test_same_definition_already_committed_changes_nothing():
    recorded = {**WANTED, "sequence": 2, "name": "cc"}
    assert next_sequence({"sequence": 2, "version": "1.0"}, recorded, WANTED) == (2, False)


def test_any_change_bumps_the_sequence():
    recorded = {**WANTED, "sequence": 2}
    assert next_sequence({"sequence": 2}, recorded, {**WANTED, "version": "1.1"}) == (3, True)
    assert next_sequence({"sequence": 2}, recorded, {**WANTED, "signature_policy": "AND('A.peer','B.peer')"}) == (3, True)
    # committed by someone else since we recorded: move past what is on the channel
    assert next_sequence({"sequence": 5}, recorded, WANTED) == (6, True)
    assert next_sequence({"sequence": 1}, None, WANTED) == (2, True)


@pytest.mark.parametrize("name, version", [("receivables", "1.0+cfg.e0a7dfbc22d4"), ("my_cc-2", "v2"), ("CC9", "1")])
def test_names_and_versions_fabric_accepts(name, version):
    lifecycle.check_name_and_version(name, version)


@pytest.mark.parametrize("name, version, problem", [
    ("receivables-", "1.0", "name 'receivables-'"), ("a--b", "1.0", "name 'a--b'"), ("_lifecycle", "1.0", "name"),
    ("my cc", "1.0", "name"), ("lscc", "1.0", "system chaincode"), ("receivables", "1.0 beta", "version"),
    ("receivables", "1.0/2", "version"),
    # "$" with .match matches before a final newline: Go's regexp (the peer's) does not
    ("other\n", "1.0", "name"), ("receivables", "1.0\n", "version")])
def test_names_and_versions_fabric_refuses_are_named(name, version, problem):
    with pytest.raises(ChaincodeError, match=problem):
        lifecycle.check_name_and_version(name, version)


def test_queryapproved_names_the_sequence_and_its_package_is_found_wherever_nested():
    from network.lifecycle import _package_id_in, queryapproved_args
    assert queryapproved_args("receivables", "receivables", 3) == [
        "lifecycle", "chaincode", "queryapproved", "--channelID", "receivables", "--name", "receivables",
        "--sequence", "3", "--output", "json"]
    doc = {"sequence": 3, "version": "1.0", "source": {"Type": {"local_package": {"package_id": "cc_1.0:ab12"}}}}
    assert _package_id_in(doc) == "cc_1.0:ab12"
    assert _package_id_in({"sequence": 3, "source": {"Type": {"unavailable": {}}}}) is None
