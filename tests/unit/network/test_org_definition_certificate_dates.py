"""An org definition `recfin org add` takes carries certificates in their validity: a CA or TLS CA certificate that
has ended (or has not begun) was taken, and the channel would have held an org whose nodes no other org's TLS
accepts and whose CA can issue nothing valid; an admin certificate that has ended, an org whose admin can act in
no channel transaction (the ordering service refuses a creator whose certificate has ended). Each is refused
before anything is written or sent, naming the certificate, its dates and what the company does. A company's own
definition is still read with them (`org keys` run again renews them), so the check is the joining's alone."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from cli.org_commands import org
from network import org_definition_file
from network.crypto import load_key
from network.org_change import OrgChangeError
from network.org_definition_file import CLOCK_SKEW, OrgDefinitionError

from . import test_org_own_keys
from .ca_renewal import renewed_ca_pem
from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, admins_host, host
from .test_org_own_keys import CODE, _altered


def joined_with(path) -> None:
    """The checks `recfin org add --definition` makes of the file before it computes the update."""
    org_definition_file.check_in_validity(org_definition_file.read(path), path)

company, sent = test_org_own_keys.company, test_org_own_keys.sent   # the fixtures of the tests these extend

ENDED = (-dt.timedelta(days=400), -dt.timedelta(days=1))
NOT_BEGUN = (dt.timedelta(days=2), dt.timedelta(days=400))


@pytest.mark.parametrize("field, folder", [("ca_cert", "ca"), ("tlsca_cert", "tlsca")])
def test_a_definition_whose_ca_has_ended_is_refused(company, sent, tmp_path, field, folder):
    ended = renewed_ca_pem(company.crypto / folder / f"{folder}.pem", company.crypto / folder / f"{folder}.key",
                           valid=ENDED).decode()
    path = _altered(sent, tmp_path, lambda d: d["msp"].update({field: ended}))
    with pytest.raises(OrgDefinitionError, match=rf"msp.{field} \(CN={folder}.bank2[^)]*\) ended on "
                                                 rf"\d{{4}}-\d\d-\d\d \d\d:\d\d UTC: .*renew it for the same key "
                                                 rf"and subject.*`recfin org keys`"):
        joined_with(path)


def test_a_definition_whose_ca_has_not_begun_is_refused(company, sent, tmp_path):
    early = renewed_ca_pem(company.crypto / "ca" / "ca.pem", company.crypto / "ca" / "ca.key",
                           valid=NOT_BEGUN).decode()
    path = _altered(sent, tmp_path, lambda d: d["msp"].update(ca_cert=early))
    with pytest.raises(OrgDefinitionError, match=r"msp.ca_cert \(CN=ca.bank2[^)]*\) is valid only from "
                                                 r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"):
        joined_with(path)


def test_a_ca_issued_by_a_clock_a_minute_ahead_of_this_one_is_taken(company, sent, tmp_path):
    # made a second ago on the company's machine, whose clock runs a minute ahead: Fabric's MSP checks no
    # certificate against the current time, so neither does the joining, within CLOCK_SKEW
    ahead = renewed_ca_pem(company.crypto / "ca" / "ca.pem", company.crypto / "ca" / "ca.key",
                           valid=(dt.timedelta(seconds=59), dt.timedelta(days=400))).decode()
    joined_with(_altered(sent, tmp_path, lambda d: d["msp"].update(ca_cert=ahead)))


@pytest.mark.parametrize("field, folder", [("ca_cert", "ca"), ("tlsca_cert", "tlsca")])
def test_a_certificate_is_taken_from_clock_skew_before_it_begins_until_it_ends(company, sent, tmp_path, field,
                                                                                folder):
    pem = renewed_ca_pem(company.crypto / folder / f"{folder}.pem", company.crypto / folder / f"{folder}.key",
                         valid=(dt.timedelta(days=1), dt.timedelta(days=2))).decode()
    path = _altered(sent, tmp_path, lambda d: d["msp"].update({field: pem}))
    defined = org_definition_file.read(path)
    cert = x509.load_pem_x509_certificate(pem.encode())
    begins, ends = cert.not_valid_before_utc, cert.not_valid_after_utc
    second = dt.timedelta(seconds=1)
    for now in (begins - CLOCK_SKEW, begins, ends - second):
        org_definition_file.check_in_validity(defined, path, now=now)
    with pytest.raises(OrgDefinitionError, match=rf"msp.{field} \(CN={folder}.bank2[^)]*\) is valid only from "
                                                 rf"{begins:%Y-%m-%d %H:%M:%S} UTC, more than 15 minutes ahead of "
                                                 rf"this machine's clock"):
        org_definition_file.check_in_validity(defined, path, now=begins - CLOCK_SKEW - second)
    with pytest.raises(OrgDefinitionError, match=rf"msp.{field} .* ended on {ends:%Y-%m-%d %H:%M} UTC"):
        org_definition_file.check_in_validity(defined, path, now=ends)


def test_a_definition_whose_admin_certificate_has_ended_is_refused(company, sent, tmp_path):
    ca_key = load_key(company.crypto / "ca" / "ca.key")
    admin = x509.load_pem_x509_certificate(org_definition_file.read(sent).admin_cert)
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(admin.subject).issuer_name(admin.issuer)
               .public_key(admin.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now + ENDED[0]).not_valid_after(now + ENDED[1]))
    for extension in admin.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    ended = builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
    path = _altered(sent, tmp_path, lambda d: d.update(admin_cert=ended))
    with pytest.raises(OrgDefinitionError, match=r"admin_cert \(CN=[^)]*\) ended on \d{4}-\d\d-\d\d \d\d:\d\d UTC: "
                                                 r".*ordering service refuses"):
        joined_with(path)
    # the company's own reading of it (`org keys` run again to renew it) is not refused
    assert org_definition_file.read(path).admin_cert == ended.encode()


def test_a_definition_in_its_validity_is_taken(sent):
    joined_with(sent)


def test_org_add_refuses_a_definition_whose_ca_has_ended_before_it_asks_the_channel(
        company, sent, tmp_path, fake_fabric, hosts, network_host, monkeypatch):
    ended = renewed_ca_pem(company.crypto / "ca" / "ca.pem", company.crypto / "ca" / "ca.key", valid=ENDED).decode()
    path = _altered(sent, tmp_path, lambda d: d["msp"].update(ca_cert=ended))
    channel = ScriptedChannel(hosts, channel_config(hosts, network_host))
    monkeypatch.setattr("network.control.Tools", lambda fabric, **_: channel)
    update = tmp_path / "bank2.tx"
    result = CliRunner().invoke(org, ["add", "bank2", "--role", "bank", "--enterprise", CODE, "--data-root",
                                      str(network_host), "--definition", str(path), "--update-out", str(update)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--definition'" in result.output and "msp.ca_cert" in result.output
    assert "ended on" in result.output and "Traceback" not in result.output
    assert channel.calls == [] and not update.exists()


@pytest.mark.parametrize("field, folder", [("ca_cert", "ca"), ("tlsca_cert", "tlsca")])
def test_org_sign_and_submit_refuse_an_update_file_adding_an_org_whose_ca_has_ended(
        company, fake_fabric, hosts, network_host, tmp_path, field, folder):
    """Written before the CA ended, or by a recfin without the check: the file reaches the other admins signed."""
    ended = renewed_ca_pem(company.crypto / folder / f"{folder}.pem", company.crypto / folder / f"{folder}.key",
                           valid=ENDED)
    definition = dataclasses.replace(company.definition, **{field: ended})
    channel = ScriptedChannel(hosts, channel_config(hosts, network_host))
    writer = host(hosts, network_host, channel)
    path = writer.write_update(writer.plan_add_definition(definition, sign_as=["bank"]), tmp_path / "bank2.tx")
    signed = path.read_bytes()
    refusal = (rf"the update in .*bank2\.tx adds Bank2MSP with the {'TLS ' if folder == 'tlsca' else ''}CA "
               rf"certificate CN={folder}\.bank2.*, which ended on \d{{4}}-\d\d-\d\d \d\d:\d\d UTC: .*Sign and "
               rf"submit none of it: the company should renew it")
    supplier_host = admins_host(hosts, network_host, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError, match=refusal):
        host(hosts, supplier_host, channel).sign_update_file(path, "supplier")
    assert path.read_bytes() == signed
    with pytest.raises(OrgChangeError, match=refusal):
        host(hosts, network_host, channel).submit_update_file(path, channel_only=True)
    assert not channel.updates
