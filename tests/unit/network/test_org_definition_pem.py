"""An org definition reads its certificates as Fabric's MSP reads them (Go's pem.Decode, as the MSP folder reading
does): a BEGIN line Go passes over before the certificate is passed over. Written from an MSP folder, the
definition holds the certificate Fabric reads as its one PEM certificate; read, it still holds one PEM certificate
per field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from network import crl, membership, org_definition_file, org_keys
from network.crypto import load_cert, load_key, org_crypto
from network.errors import NetworkError
from network.org_definition_file import OrgDefinitionError

from . import test_org_own_keys
from .test_org_own_keys import CODE, _altered

company, sent = test_org_own_keys.company, test_org_own_keys.sent   # the fixtures of the tests these extend

REPEATED_BEGIN = b"-----BEGIN CERTIFICATE-----\n"      # Go takes the last BEGIN line before the END line
OTHER_BEGIN = b"-----BEGIN STRAY-----\n"               # one BEGIN CERTIFICATE line, after another label's


def _prefixed(path, line: bytes) -> bytes:
    clean = path.read_bytes()
    path.write_bytes(line + clean)
    return clean


@pytest.mark.parametrize("field", ["ca_cert", "tlsca_cert", "admin_cert"])
def test_a_definition_from_an_msp_folder_holds_the_certificate_fabric_reads_after_a_repeated_begin_line(company,
                                                                                                      hosts, field):
    org = company.definition.org
    paths = org_crypto(company.root, org.name, org.domain)
    held = {"ca_cert": paths.msp_dir / "cacerts" / "ca.pem", "tlsca_cert": paths.msp_dir / "tlscacerts" / "tlsca.pem",
            "admin_cert": paths.user_msp(org.admin) / "signcerts" / "cert.pem"}[field]
    clean = _prefixed(held, REPEATED_BEGIN)
    definition = org_definition_file.from_crypto(membership.with_orgs(hosts, [*hosts.orgs, org]), company.root,
                                                 org.name)
    assert getattr(definition, field) == clean
    written = org_definition_file.write(definition, company.root / "again.definition.json")
    assert getattr(org_definition_file.read(written), field) == clean


@pytest.mark.parametrize("field", ["ca_cert", "tlsca_cert", "admin_cert"])
def test_a_definition_certificate_after_a_begin_line_go_passes_over_is_read(company, sent, tmp_path, field):
    inner = field != "admin_cert"
    doc_of = (lambda d: d["msp"]) if inner else (lambda d: d)
    path = _altered(sent, tmp_path, lambda d: doc_of(d).update({field: OTHER_BEGIN.decode() + doc_of(d)[field]}))
    read = org_definition_file.read(path)
    assert getattr(read, field).startswith(OTHER_BEGIN)
    # a second BEGIN CERTIFICATE line stays refused: a definition holds one PEM certificate per field
    path = _altered(sent, tmp_path, lambda d: doc_of(d).update({field: REPEATED_BEGIN.decode() + doc_of(d)[field]}))
    with pytest.raises(OrgDefinitionError, match=rf"{field} is not one PEM certificate"):
        org_definition_file.read(path)


def test_a_kept_crl_is_compared_with_a_ca_after_a_begin_line_go_passes_over(company, sent):
    definition = org_definition_file.read(sent)
    definition = replace(definition, ca_cert=OTHER_BEGIN + definition.ca_cert)
    paths = org_crypto(company.root, "bank2", definition.org.domain)
    newer = crl.pem(crl.extended(load_key(paths.ca_key), load_cert(paths.ca_cert), [], 4242))
    with pytest.raises(OrgDefinitionError, match=r"there holds a CRL of bank2's CA \(CRL number 1\) the definition "
                                                 r"does not"):
        org_definition_file.check_revocations_kept(definition, {"there": [newer]})


@pytest.mark.parametrize("folder, field", [("cacerts", "ca_cert"), ("tlscacerts", "tlsca_cert")])
def test_org_keys_run_again_takes_a_ca_after_a_repeated_begin_line_in_the_msp(company, hosts, folder, field):
    # the CA folder (ca/, tlsca/) is compared with the verifying MSP's certificate as Fabric reads that
    org = company.definition.org
    held = next((org_crypto(company.root, org.name, org.domain).msp_dir / folder).glob("*.pem"))
    clean = _prefixed(held, REPEATED_BEGIN)
    again = org_keys.make(hosts, org.name, "bank", CODE, company.root)
    assert getattr(org_definition_file.read(again.definition_path), field) == clean


def test_a_key_saved_in_cacerts_under_a_name_of_its_own_is_refused_naming_it(company, hosts):
    # configtxgen keeps every file of cacerts/ holding a PEM block, a key too: it would be written into the channel
    # config, public to every org
    org = company.definition.org
    planted = org_crypto(company.root, org.name, org.domain).msp_dir / "cacerts" / "key"
    planted.write_bytes((company.crypto / "ca" / "ca.key").read_bytes())
    with pytest.raises(NetworkError) as refused:
        org_definition_file.from_crypto(membership.with_orgs(hosts, [*hosts.orgs, org]), company.root, org.name)
    assert str(refused.value).startswith(f"{planted} holds a PEM PRIVATE KEY, not the PEM CERTIFICATE")
    assert str(refused.value).endswith(f"move it out of {planted.parent}")
