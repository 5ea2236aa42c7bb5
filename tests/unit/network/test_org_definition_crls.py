"""An org's public definition carries its CA's CRLs: an org added (or added back) from it with
`recfin org add --definition` keeps refusing the users its CA revoked."""
from __future__ import annotations

import functools
import json
import re
import shutil

import pytest

from network import crl, org_definition_file, org_keys
from network.channel_config import with_org
from network.crypto import load_cert, load_key, org_crypto
from network.org_change import plan_add_defined
from network.org_definition import OrgMsp, decode_msp, fabric_msp_config
from network.org_definition_file import OrgDefinitionError, write_msp_of, write_public_msp
from network.org_users import CaFolder, add_user, keys_folder_org

from .channel_fixtures import channel_config, kept_crl

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


def _as_format_1(company, tmp_path):
    """The company's definition as a recfin that wrote no CRLs wrote it (format /1)."""
    doc = json.loads(company.definition_path.read_text())
    del doc["msp"]["crls"]
    doc["format"] = "recfin.org-definition/1"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(doc))
    return older


def test_a_definition_written_before_it_carried_crls_is_read_with_none(revoked_company, tmp_path):
    company, _ = revoked_company
    assert org_definition_file.read(_as_format_1(company, tmp_path)).crls == ()


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


def _revoke_another(company, user):
    """A user issued and revoked in the company's keys folder after its definition was written: its CRL's next."""
    ca = CaFolder(company.root, keys_folder_org(company.root, "bank2"))
    paths = add_user(ca, user, {}).paths
    serial = load_cert(paths.user_msp(user) / "signcerts" / "cert.pem").serial_number
    crl.write_local(paths, crl.pem(crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert),
                                                [kept_crl(paths)], serial)))
    return paths, serial


def test_a_definition_behind_a_crl_kept_where_the_org_is_added_is_refused(hosts, prepared_hosts, tmp_path,
                                                                           fake_fabric, revoked_company):
    """The adding host's data folder keeps the org's public MSP from when it was in the channel, with a CRL written
    after the definition: the definition (and one in format /1, with none) would add it back without it."""
    company, _ = revoked_company
    stale = org_definition_file.read(company.definition_path)
    old_format = _as_format_1(company, tmp_path)
    paths, serial = _revoke_another(company, "teller2")
    network_host = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, network_host)
    there = org_crypto(network_host, "bank2", stale.org.domain)
    write_public_msp(there, stale.ca_cert, stale.tlsca_cert, stale.node_ous, (crl.crl_path(paths).read_bytes(),))
    config = channel_config(hosts, network_host)
    crls_there = re.escape(str(there.msp_dir / "crls"))
    with pytest.raises(OrgDefinitionError, match=rf"{crls_there} holds a CRL of bank2's CA \(CRL number "
                                                 rf"2\) the definition does not: it carries CRLs up to CRL number 1, "
                                                 rf"and lacks revoked serial\(s\) {serial:x}, .* run `recfin org keys` "
                                                 rf"again"):
        plan_add_defined(hosts, network_host, config, stale, ["bank"])
    with pytest.raises(OrgDefinitionError, match=r"it carries no CRL \(a definition in format /1 carries none\), "
                                                 r"and lacks revoked serial\(s\) [0-9a-f]+, [0-9a-f]+, "):
        plan_add_defined(hosts, network_host, config, org_definition_file.read(old_format), ["bank"])
    current = org_keys.make(hosts, "bank2", "bank", CODE, company.root)       # `org keys` run again: taken
    change = plan_add_defined(hosts, network_host, config, org_definition_file.read(current.definition_path), ["bank"])
    got = decode_msp(change.update.write_set.groups["Application"].groups["Bank2MSP"]).revocation_list
    assert [crl.number(crl.load(data)) for data in got] == [2]


def test_a_definition_is_format_2_with_crls_and_1_without(hosts, tmp_path, revoked_company):
    """A recfin that reads only /1 refuses a definition whose CRLs it would drop, and still reads one without."""
    company, _ = revoked_company
    doc = json.loads(company.definition_path.read_text())
    assert doc["format"] == "recfin.org-definition/2" and len(doc["msp"]["crls"]) == 1
    plain = org_keys.make(hosts, "bank3", "bank", CODE, tmp_path / "plain")
    doc = json.loads(plain.definition_path.read_text())
    assert doc["format"] == "recfin.org-definition/1" and "crls" not in doc["msp"]
    assert org_definition_file.read(plain.definition_path).crls == ()
    doc = json.loads(company.definition_path.read_text())
    del doc["msp"]["crls"]                                    # format /2 says it carries them
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    with pytest.raises(OrgDefinitionError, match=r"msp\.crls is not a list of PEM CRLs"):
        org_definition_file.read(edited)


def test_the_public_msp_keeps_the_order_of_its_crls(tmp_path, revoked_company):
    """write_public_msp names the CRLs so that the folder's MSP encodes them in the list's order (Fabric and
    configtxgen read crls/ in name order), 10 and more of them too: what `org add --definition` computes is the MSP
    the company's own folder encodes."""
    company, _ = revoked_company
    definition = org_definition_file.read(company.definition_path)
    paths = org_crypto(company.root, "bank2", definition.org.domain)
    key, ca = load_key(paths.ca_key), load_cert(paths.ca_cert)
    crls = tuple(crl.pem(crl.build(key, ca, {}, number)) for number in range(12, 0, -1))
    there = org_crypto(tmp_path / "data", "bank2", definition.org.domain)
    write_public_msp(there, definition.ca_cert, definition.tlsca_cert, definition.node_ous, crls)
    assert tuple(fabric_msp_config("Bank2MSP", there.msp_dir).revocation_list) == crls
    assert crl.crl_path(there).read_bytes() == crls[0]          # the first where `org user revoke` keeps it


def test_the_public_msp_written_from_the_channel_keeps_its_crls(tmp_path, revoked_company):
    """write_msp_of (what the adding host keeps of an org added from its definition) writes the channel's CRLs."""
    company, _ = revoked_company
    definition = org_definition_file.read(company.definition_path)
    there = org_crypto(tmp_path / "data", "bank2", definition.org.domain)
    write_msp_of(there, OrgMsp("Bank2MSP", (definition.ca_cert,), (definition.tlsca_cert,), definition.node_ous,
                               revocation_list=definition.crls))
    assert tuple(fabric_msp_config("Bank2MSP", there.msp_dir).revocation_list) == definition.crls != ()


def test_a_definition_behind_the_crl_in_the_channels_config_is_refused(hosts, prepared_hosts, tmp_path, fake_fabric,
                                                                        revoked_company):
    """No folder of the org on the adding host, but the channel's config holds its MSP (an add from another host
    this one has no record of) with a CRL written after the definition: taken, the update would replace that
    MSP with one whose revoked users can sign again."""
    company, _ = revoked_company
    stale = org_definition_file.read(company.definition_path)
    _paths, serial = _revoke_another(company, "teller2")
    current = org_definition_file.read(org_keys.make(hosts, "bank2", "bank", CODE, company.root).definition_path)
    network_host = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, network_host)
    config = channel_config(hosts, network_host)
    added = plan_add_defined(hosts, network_host, config, current, ["bank"])
    config = with_org(config, "Bank2MSP", added.update.write_set.groups["Application"].groups["Bank2MSP"])
    assert not (org_crypto(network_host, "bank2", stale.org.domain).msp_dir / "crls").exists()
    with pytest.raises(OrgDefinitionError, match=rf"the channel's config \(Bank2MSP\) holds a CRL of bank2's CA "
                                                 rf"\(CRL number 2\) the definition does not: it carries CRLs up to "
                                                 rf"CRL number 1, and lacks revoked serial\(s\) {serial:x}"):
        plan_add_defined(hosts, network_host, config, stale, ["bank"])


def test_the_public_msp_written_again_with_fewer_crls_keeps_no_dropped_one(tmp_path, revoked_company):
    """A folder written before with three CRLs, then with one (then none): the CRLs dropped from the set leave
    crls/, so the folder's MSP lists exactly the new set; a file of crls/ not named as this write names CRLs
    stays."""
    company, _ = revoked_company
    definition = org_definition_file.read(company.definition_path)
    paths = org_crypto(company.root, "bank2", definition.org.domain)
    key, ca = load_key(paths.ca_key), load_cert(paths.ca_cert)
    crls = tuple(crl.pem(crl.build(key, ca, {}, number)) for number in (3, 2, 1))
    there = org_crypto(tmp_path / "data", "bank2", definition.org.domain)
    write = functools.partial(write_public_msp, there, definition.ca_cert, definition.tlsca_cert, definition.node_ous)
    write(crls)
    folder = crl.crl_path(there).parent
    assert sorted(p.name for p in folder.iterdir()) == ["crl.pem", "crl_0002.pem", "crl_0003.pem"]
    (folder / "kept-by-hand.txt").write_text("not a CRL this write names")
    write(crls[:1])
    assert sorted(p.name for p in folder.iterdir()) == ["crl.pem", "kept-by-hand.txt"]
    assert tuple(fabric_msp_config("Bank2MSP", there.msp_dir).revocation_list) == crls[:1]
    write(())
    assert sorted(p.name for p in folder.iterdir()) == ["kept-by-hand.txt"]
