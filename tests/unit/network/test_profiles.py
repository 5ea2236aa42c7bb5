import json

import pytest

from cli.connection import default_user
from network import profiles
from network.errors import NetworkError


def test_profiles_name_the_gateway_and_every_user(topology, data_root):
    paths = profiles.write_all(topology, data_root)
    assert sorted(p.name for p in paths) == ["bank.json", "coreenterprise.json", "regulator.json", "supplier.json"]
    doc = json.loads((data_root / "profiles" / "supplier.json").read_text())
    assert doc["msp_id"] == "SupplierMSP" and doc["channel"] == "receivables"
    assert doc["gateway"]["address"] == "127.0.0.1:8051"
    assert doc["gateway"]["host_name_override"] == "peer0.supplier.recfin.local"
    assert set(doc["users"]) == {"admin", "supplier1", "supplier2", "supplier3", "supplier4"}


def test_load_by_name_or_msp_id_gives_existing_files(topology, data_root):
    profiles.write_all(topology, data_root)
    p = profiles.load("SupplierMSP", data_root)
    assert p == profiles.load("supplier", data_root)
    assert p.gateway.tls_root_cert.is_file()
    user = p.user("supplier3")
    assert user.role == "client" and user.attrs["recfin.role"] == "creditor"
    for f in (user.msp_dir, user.cert, user.key, user.tls_cert, user.tls_key):
        assert f.exists(), f
    assert user.key.name.endswith("_sk")
    assert p.user("admin").role == "admin"
    assert [o.address for o in p.orderers] == ["127.0.0.1:7050", "127.0.0.1:7150", "127.0.0.1:7250"]
    with pytest.raises(NetworkError, match="no user 'nobody'"):
        p.user("nobody")


def test_the_default_data_folder_is_that_of_the_topology_recfin_topology_names(topology, data_root, tmp_path,
                                                                              monkeypatch):
    """As the network commands read RECFIN_TOPOLOGY, so does every ledger command's profile lookup."""
    import yaml
    profiles.write_all(topology, data_root)
    other = tmp_path / "other-topology.yaml"
    other.write_text(yaml.safe_dump({**topology.model_dump(mode="json", exclude_none=True),
                                     "data_root": str(data_root)}))
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "default-home"))     # the default topology's: no profiles
    monkeypatch.setenv("RECFIN_TOPOLOGY", str(other))
    assert profiles.default_data_root() == data_root
    assert profiles.load("bank").msp_id == "BankMSP"


def test_missing_profile_says_to_run_up(tmp_path):
    with pytest.raises(NetworkError, match="run `recfin network up` first") as refused:
        profiles.load("bank", tmp_path)
    # a data folder named by hand may not be the network's: `network up` writes into its topology's; on an org's
    # host, where no `network up` runs, the profile is in the unpacked bundle
    assert str(refused.value).endswith(f"(is {tmp_path} the network's data folder? `recfin network up` writes them "
                                       "into its topology's data_root; on an org's own host, give the install root "
                                       "its bundle (`recfin org bundle ORG`) is unpacked at)")


def test_a_folder_where_the_orgs_profile_goes_is_named_not_taken_for_no_such_org(topology, data_root):
    profiles.write_all(topology, data_root)
    own = profiles.profiles_dir(data_root) / "supplier.json"
    own.unlink()
    own.mkdir()
    with pytest.raises(NetworkError) as refused:
        profiles.load("supplier", data_root)
    assert str(refused.value).startswith(f"{own} is not a file (a folder), where the connection profile of org "
                                         "'supplier' goes: move it away and run `recfin network up`")


def test_a_cli_session_acts_as_the_profile_user_and_endorses_lost_races_again(topology, data_root):
    from cli import connection
    from client.receivables import RACE_RETRY

    profiles.write_all(topology, data_root)
    # connect() opens its gRPC channel lazily: nothing is dialled until a call is made
    with connection.open_session("supplier", "supplier3", data_root) as session:
        assert session.client.retry is RACE_RETRY
        assert session.user == profiles.load("supplier", data_root).user("supplier3")
        assert session.client.contract.chaincode_name == "receivables"


def test_the_default_user_is_one_whose_certificate_file_is_there(topology, data_root):
    """A user whose folder was removed (and whose revocation has not reached this folder) cannot sign."""
    profiles.write_all(topology, data_root)
    profile = profiles.load("supplier", data_root)
    assert default_user(profile) == "supplier1"
    profile.user("supplier1").cert.unlink()
    assert default_user(profile) == "supplier2"
    clients = [u for u in profile.users.values() if u.role == "client"]
    for user in clients[1:]:
        user.cert.unlink()
    with pytest.raises(NetworkError, match=r"no client user .*supplier1, supplier2, supplier3, supplier4 not "
                                           r"revoked, but .*supplier1@supplier\.recfin\.local/msp/signcerts/cert\.pem "
                                           r"is missing.*choose one with --as supplier/USER$"):
        default_user(profile)
    profile.user("admin").cert.unlink()             # its folder may be elsewhere: open_session's msp_dir
    assert default_user(profile, admin=True) == "admin"


DAMAGED = {"empty": ("", "Invalid JSON: EOF while parsing"),
           "an empty object": ("{}", "org: Field required; msp_id: Field required"),
           "cut short": ('{"org": "supplier", "msp_id": "Supp', "Invalid JSON: EOF while parsing a string"),
           "not UTF-8": ("\udcff".encode("utf-8", "surrogateescape"), "Invalid JSON")}


@pytest.mark.parametrize("content, problem", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_profile_of_the_org_names_its_file_and_how_to_write_it_again(topology, data_root, content, problem):
    profiles.write_all(topology, data_root)
    path = data_root / "profiles" / "supplier.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(NetworkError) as damaged:
        profiles.load("supplier", data_root)
    said = str(damaged.value)
    assert said.startswith(f"{path} is not a connection profile ({problem}") and "\n" not in said
    assert said.endswith("run `recfin network up` to write it again (on a host installed from an org bundle: copy "
                         "profiles/supplier.json from a new `recfin org bundle`)")
    profiles.write_all(topology, data_root)      # what `recfin network up` does at its last step, every time
    assert profiles.load("supplier", data_root).msp_id == "SupplierMSP"


def test_a_damaged_profile_of_another_org_does_not_stop_this_orgs_command(topology, data_root):
    profiles.write_all(topology, data_root)
    (data_root / "profiles" / "supplier.json").write_text("{}")
    (data_root / "profiles" / "coreenterprise.json").write_text("")
    assert profiles.load("bank", data_root).msp_id == "BankMSP"
    assert profiles.load("RegulatorMSP", data_root).org == "regulator"    # found among the others, past the damaged


def test_an_org_with_no_profile_among_others_is_told_the_orgs_there(topology, data_root):
    profiles.write_all(topology, data_root)
    folder = data_root / "profiles"
    with pytest.raises(NetworkError) as unknown:
        profiles.load("nobody", data_root)
    assert str(unknown.value) == (f"no org 'nobody' in {folder}: choose one of bank, coreenterprise, regulator, "
                                  "supplier (name or MSP ID)")


def test_an_org_by_msp_id_whose_profile_cannot_be_read_is_told_that_file_first(topology, data_root):
    profiles.write_all(topology, data_root)
    folder = data_root / "profiles"
    (folder / "supplier.json").write_text("{}")     # the org asked for by MSP ID: its file is not found by name
    with pytest.raises(NetworkError) as unknown:
        profiles.load("SupplierMSP", data_root)
    said = str(unknown.value)
    assert said.startswith(f"1 profile in {folder} cannot be read, it may be 'SupplierMSP': {folder / 'supplier.json'} "
                           "is not a connection profile (org: Field required; ")
    assert said.endswith("run `recfin network up` to write it again (on a host installed from an org bundle: copy "
                         "profiles/supplier.json from a new `recfin org bundle`). None of the others is "
                         "'SupplierMSP': choose one of bank, coreenterprise, regulator (name or MSP ID)")
    (folder / "bank.json").write_text("")
    with pytest.raises(NetworkError) as unknown:
        profiles.load("SupplierMSP", data_root)
    assert str(unknown.value).startswith(f"2 profiles in {folder} cannot be read, one may be 'SupplierMSP': "
                                         f"{folder / 'bank.json'}")
    assert str(unknown.value).endswith("None of the others is 'SupplierMSP': choose one of coreenterprise, regulator "
                                       "(name or MSP ID)")
    for other in ("coreenterprise", "regulator"):
        (folder / f"{other}.json").unlink()
    with pytest.raises(NetworkError) as unknown:    # no other profile to choose: none offered
        profiles.load("SupplierMSP", data_root)
    assert "choose" not in str(unknown.value) and str(unknown.value).startswith("2 profiles in ")


def test_marking_revocations_in_a_damaged_profile_names_the_file(topology, data_root):
    profiles.write_all(topology, data_root)
    path = data_root / "profiles" / "supplier.json"
    path.write_text("{}")
    with pytest.raises(NetworkError, match=f"^{path} is not a connection profile"):
        profiles.mark_revoked(data_root, "supplier", topology.org("supplier").domain)


def test_a_ledger_command_on_a_damaged_profile_says_so_in_one_line(topology, data_root):
    from click.testing import CliRunner

    from cli.main import main

    profiles.write_all(topology, data_root)
    path = data_root / "profiles" / "supplier.json"
    path.write_text("{}")
    res = CliRunner().invoke(main, ["receivable", "get", "R-1", "--as", "supplier", "--data-root", str(data_root)])
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr.startswith(f"Error: {path} is not a connection profile (org: Field required; ")
    assert res.stderr.count("\n") == 1 and "run `recfin network up` to write it again" in res.stderr


def test_a_hostnames_data_folder_without_profiles_sends_to_the_orgs_bundle_not_to_network_up(tmp_path):
    """`prepare --hostnames` writes no profiles, and `network up` does not start a network whose orgs run on their own
    hosts: the profile is the one `org bundle` writes, read on the org's host from its bundle."""
    hosts = tmp_path / "hosts"
    (hosts / "chaincode" / "receivables" / "regulator").mkdir(parents=True)
    (hosts / "chaincode" / "receivables" / "regulator" / "chaincode.env").write_text("CHAINCODE_ID=x\n")
    with pytest.raises(NetworkError) as refused:
        profiles.load("regulator", hosts)
    message = str(refused.value)
    assert "network up" not in message
    assert message.startswith(f"no connection profile for org 'regulator' in {hosts / 'profiles'}: "
                              "`recfin network prepare --hostnames` writes none, each org's is in its bundle")
    assert message.endswith("act as regulator on its own host, from the bundle unpacked there (--data-root, or "
                            "--bundle for `recfin org sign|submit`; `recfin org bundle regulator` writes its "
                            "connection profile into it)")


def test_a_bundle_asked_for_another_orgs_profile_says_that_org_has_it_on_its_own_host(topology, data_root, tmp_path):
    """A bundle holds its own org's profile only: choosing that org instead is no answer to another org's command."""
    bundle = tmp_path / "bank-bundle"
    profiles.profiles_dir(bundle).mkdir(parents=True)
    (bundle / "bundle.json").write_text("{}")
    profiles.write_all(topology, data_root)
    (profiles.profiles_dir(bundle) / "bank.json").write_bytes(
        (profiles.profiles_dir(data_root) / "bank.json").read_bytes())
    with pytest.raises(NetworkError) as refused:
        profiles.load("regulator", bundle)
    message = str(refused.value)
    assert "network up" not in message and "choose one of" not in message
    assert message == (f"no connection profile for org 'regulator' in {profiles.profiles_dir(bundle)}: {bundle} is "
                       "org bank's bundle, which holds bank's profile only: act as regulator on its own host, "
                       "from the bundle unpacked there (--data-root, or --bundle for `recfin org sign|submit`; "
                       "`recfin org bundle regulator` writes its connection profile into it)")
