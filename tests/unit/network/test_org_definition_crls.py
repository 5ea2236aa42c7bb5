"""An org's public definition carries its CA's CRLs: an org added (or added back) from it with
`recfin org add --definition` keeps refusing the users its CA revoked."""
from __future__ import annotations

import json
import shutil

import pytest

from network import crl, org_definition_file, org_keys
from network.crypto import load_cert, load_key, org_crypto
from network.org_change import plan_add_defined
from network.org_definition import decode_msp
from network.org_definition_file import OrgDefinitionError
from network.org_users import CaFolder, add_user, keys_folder_org

from .channel_fixtures import channel_config

CODE = "91110000MA1K00007E"


@pytest.fixture
def revoked_company(hosts, tmp_path):
    """bank2's keys folder after `recfin org keys`, a user issued and revoked there, and `org keys` run again."""
    company = org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "keys")
    paths = add_user(CaFolder(company.root, keys_folder_org(company.root, "bank2")), "teller1", {}).paths
    serial = load_cert(paths.user_msp("teller1") / "signcerts" / "cert.pem").serial_number
    crl.write_local(paths, crl.pem(crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [], serial)))
    return org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "keys"), serial


def test_an_org_added_from_its_definition_keeps_its_revocations(hosts, prepared_hosts, tmp_path, fake_fabric,
                                                                revoked_company):
    company, serial = revoked_company
    network_host = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, network_host)
    definition = org_definition_file.read(company.definition_path)
    kept = crl.crl_path(org_crypto(company.root, "bank2", definition.org.domain)).read_bytes()
    change = plan_add_defined(hosts, network_host, channel_config(hosts, network_host), definition, ["bank"])
    revocation_list = decode_msp(change.update.write_set.groups["Application"].groups["Bank2MSP"]).revocation_list
    assert revocation_list == (kept,)
    assert crl.lists([crl.load(kept)], serial) is not None
    assert definition.crls == (kept,)


def test_a_definition_written_before_it_carried_crls_is_read_with_none(revoked_company, tmp_path):
    company, _ = revoked_company
    doc = json.loads(company.definition_path.read_text())
    del doc["msp"]["crls"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(doc))
    assert org_definition_file.read(older).crls == ()


def test_a_crl_of_another_ca_in_the_definition_is_refused(hosts, prepared_hosts, revoked_company, tmp_path):
    company, _ = revoked_company
    supplier = org_crypto(prepared_hosts, "supplier", hosts.org("supplier").domain)
    foreign = crl.pem(crl.extended(load_key(supplier.ca_key), load_cert(supplier.ca_cert), [], 7))
    doc = json.loads(company.definition_path.read_text())
    doc["msp"]["crls"].append(foreign.decode())
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    with pytest.raises(OrgDefinitionError, match=r"msp\.crls: CRL 2 of 2 \(issuer .*supplier.*CRL number 1\) is not "
                                                 r"the org's CA's: Fabric takes a CRL of the org only with its CA's"):
        org_definition_file.read(edited)
    # nor does `recfin org keys` write one from a keys folder whose msp/crls holds it
    folder = crl.crl_path(org_crypto(company.root, "bank2", company.definition.org.domain)).parent
    (folder / "other.pem").write_bytes(foreign)
    with pytest.raises(OrgDefinitionError, match=rf"{folder}: CRL 2 of 2 .* is not the org's CA's"):
        org_keys.make(hosts, "bank2", "bank", CODE, company.root)


@pytest.mark.parametrize("crls", ["not a list", ["not a CRL"], [None]])
def test_crls_that_are_not_a_list_of_pem_crls_are_refused(revoked_company, tmp_path, crls):
    company, _ = revoked_company
    doc = json.loads(company.definition_path.read_text())
    doc["msp"]["crls"] = crls
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    with pytest.raises(OrgDefinitionError, match=r"msp\.crls is not a list of PEM CRLs: write the definition again"):
        org_definition_file.read(edited)
