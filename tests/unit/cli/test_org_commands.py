"""`recfin org bundle` and `recfin network prepare --hostnames` through the CLI."""
import json
from pathlib import Path

from cli.main import main
from network import contract_config, crypto, membership
from network.topology import load


def _prepared(tmp_path) -> Path:
    root = tmp_path / "hosts"
    crypto.generate(load().on_hosts(), root)
    return root


def test_org_bundle_writes_the_orgs_bundle(runner, tmp_path):
    data = _prepared(tmp_path)
    out = tmp_path / "supplier-bundle"
    result = runner.invoke(main, ["org", "bundle", "SupplierMSP", "--data-root", str(data), "--out", str(out),
                                  "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["org"] == "supplier" and summary["msp_id"] == "SupplierMSP"
    assert summary["folder"] == str(out) and summary["install_root"] == "/var/recfin"
    assert "receivables.block" in summary["missing"]
    assert "warning: not in the bundle yet" in result.stderr
    manifest = json.loads((out / "bundle.json").read_text())
    assert manifest["files"] and all((out / f).is_file() for f in manifest["files"])
    assert (out / "profiles" / "supplier.json").is_file()


def test_org_bundle_defaults_to_the_hosts_data_folder(runner, tmp_path, monkeypatch):
    data = _prepared(tmp_path)
    monkeypatch.setenv("RECFIN_HOSTS_DATA", str(data))
    result = runner.invoke(main, ["org", "bundle", "bank", "--install-root", "/srv/bank"])
    assert result.exit_code == 0, result.output
    profile = json.loads((data / "bundles" / "bank" / "profiles" / "bank.json").read_text())
    assert profile["gateway"]["tls_root_cert"] == "/srv/bank/crypto/bank/tlsca/tlsca.pem"


def test_org_bundle_names_the_choices_for_an_unknown_org(runner, tmp_path):
    result = runner.invoke(main, ["org", "bundle", "acme", "--data-root", str(_prepared(tmp_path))])
    assert result.exit_code == 1
    assert "no peer org named 'acme'" in result.output and "supplier" in result.output


def test_org_bundle_without_prepared_material_says_what_to_run(runner, tmp_path):
    result = runner.invoke(main, ["org", "bundle", "bank", "--data-root", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "recfin network prepare --hostnames" in result.output


def test_prepare_hostnames_writes_crypto_config_and_packages_then_asks_for_configtxgen(runner, tmp_path):
    data = tmp_path / "hosts"
    result = runner.invoke(main, ["network", "prepare", "--hostnames", "--data-root", str(data)])
    assert result.exit_code == 1
    assert "configtxgen" in result.output and "-outputBlock" in result.output
    assert (data / "crypto" / "bank" / "nodes" / "peer0.bank.recfin.local" / "tls" / "server.crt").is_file()
    configtx = (data / "config" / "configtx.yaml").read_text()
    assert "orderer0.orderer.recfin.local" in configtx and "127.0.0.1" not in configtx
    label = f"receivables_{contract_config.definition_version(load())}"    # 1.0+cfg.<config digest>
    assert len(list((data / "chaincode" / "receivables").glob(f"*/{label}.tar.gz"))) == 4
    assert f"chaincode package BankMSP: {label}:" in result.output


def test_org_group_is_registered(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "org" in result.output


def test_prepare_hostnames_and_bundle_take_an_added_org_from_the_membership_record(runner, tmp_path):
    data = tmp_path / "hosts"
    topology = load()
    membership.record_added(data, membership.new_org_spec(topology, "bank2", "bank", "91110000MA1K00006B"))
    channel = membership.effective(topology, data)
    result = runner.invoke(main, ["network", "prepare", "--hostnames", "--data-root", str(data)])
    assert "configtxgen" in result.output          # configtxgen is absent here; everything before it is written
    assert (data / "crypto" / "bank2" / "nodes" / "peer0.bank2.recfin.local" / "tls" / "server.crt").is_file()
    label = f"receivables_{contract_config.definition_version(channel)}"
    assert (data / "chaincode" / "receivables" / "bank2" / f"{label}.tar.gz").is_file()
    config = json.loads(contract_config.config_path(data, "receivables").read_text())
    assert config["org_roles"]["Bank2MSP"] == ["financier"]

    out = tmp_path / "bank2-bundle"
    result = runner.invoke(main, ["org", "bundle", "bank2", "--data-root", str(data), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["msp_id"] == "Bank2MSP"
    assert json.loads((out / "bundle.json").read_text())["chaincode_version"] == label.split("_", 1)[1]
