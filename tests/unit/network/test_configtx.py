from pathlib import Path

import yaml

from network import configtx
from network.crypto import org_crypto


def profile(topology, root):
    return configtx.build(topology, root)["Profiles"][configtx.PROFILE]


def test_capabilities_and_batch_timeout(topology, crypto_root):
    p = profile(topology, crypto_root)
    assert p["Capabilities"] == {"V3_0": True}
    assert p["Orderer"]["Capabilities"] == {"V2_0": True}
    assert p["Application"]["Capabilities"] == {"V2_5": True}
    assert p["Orderer"]["BatchTimeout"] == "250ms"
    assert p["Orderer"]["OrdererType"] == "etcdraft"


def test_consenters_are_the_three_orderers_with_their_tls_certs(topology, crypto_root):
    consenters = profile(topology, crypto_root)["Orderer"]["EtcdRaft"]["Consenters"]
    assert [(c["Host"], c["Port"]) for c in consenters] == [("127.0.0.1", 7050), ("127.0.0.1", 7150), ("127.0.0.1", 7250)]
    for c, node in zip(consenters, topology.orderers()):
        assert c["ClientTLSCert"] == c["ServerTLSCert"]
        assert Path(c["ServerTLSCert"]).is_file()
        assert node.hostname in c["ServerTLSCert"]


def test_orderer_org_lists_its_endpoints(topology, crypto_root):
    org = profile(topology, crypto_root)["Orderer"]["Organizations"][0]
    assert org["ID"] == "OrdererMSP"
    assert org["OrdererEndpoints"] == ["127.0.0.1:7050", "127.0.0.1:7150", "127.0.0.1:7250"]
    assert org["Policies"]["Admins"]["Rule"] == "OR('OrdererMSP.admin')"
    assert (Path(org["MSPDir"]) / "cacerts").is_dir()


def test_peer_orgs_have_node_ou_policies_and_anchor_peers(topology, crypto_root):
    orgs = profile(topology, crypto_root)["Application"]["Organizations"]
    assert [o["ID"] for o in orgs] == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"]
    bank = orgs[2]
    assert bank["Policies"] == {
        "Readers": {"Type": "Signature", "Rule": "OR('BankMSP.admin', 'BankMSP.peer', 'BankMSP.client')"},
        "Writers": {"Type": "Signature", "Rule": "OR('BankMSP.admin', 'BankMSP.client')"},
        "Admins": {"Type": "Signature", "Rule": "OR('BankMSP.admin')"},
        "Endorsement": {"Type": "Signature", "Rule": "OR('BankMSP.peer')"},
    }
    assert bank["AnchorPeers"] == [{"Host": "127.0.0.1", "Port": 9051}]
    assert Path(bank["MSPDir"]) == org_crypto(crypto_root, "bank", "bank.recfin.local").msp_dir


def test_application_policies_use_majority_endorsement(topology, crypto_root):
    pol = profile(topology, crypto_root)["Application"]["Policies"]
    assert pol["LifecycleEndorsement"] == {"Type": "ImplicitMeta", "Rule": "MAJORITY Endorsement"}
    assert pol["Endorsement"] == {"Type": "ImplicitMeta", "Rule": "MAJORITY Endorsement"}
    assert pol["Admins"]["Rule"] == "MAJORITY Admins"
    assert profile(topology, crypto_root)["Orderer"]["Policies"]["BlockValidation"]["Rule"] == "ANY Writers"


def test_write_produces_yaml_configtxgen_can_read(topology, data_root):
    folder = configtx.write(topology, data_root)
    doc = yaml.safe_load((folder / "configtx.yaml").read_text())
    assert doc == configtx.build(topology, data_root)


def test_configtxgen_arguments(tmp_path):
    out = tmp_path / "receivables.block"
    assert configtx.configtxgen_args(tmp_path, "receivables", out) == [
        "-configPath", str(tmp_path), "-profile", "ReceivablesChannel", "-channelID", "receivables",
        "-outputBlock", str(out)]
