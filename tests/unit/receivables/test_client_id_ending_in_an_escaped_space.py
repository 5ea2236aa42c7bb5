"""An org whose CA's DN ends in a space: each of its users' client ids ends in that space, escaped (``O=Org\\ ``,
as Fabric's cid library writes a value's last space). The contract trims the ids an admin sends, so it must not
trim that space off: the id left would end in a lone backslash, no certificate's id, and no user of the org could
ever be bound to a party.
"""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from chaincode.client_ids import client_id_problem
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.testing import _ledger
from chaincode.testing._identities import TestIdentity

from .support import Actor, Net, credit_code

ORG = "SpacedCaMSP"
CONFIG = NetworkConfig.model_validate({**DEFAULT_CONFIG.model_dump(),
                                       "org_roles": {**DEFAULT_CONFIG.org_roles, ORG: ("supplier",)}})
_VALID = (datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
          datetime.datetime(2099, 12, 31, tzinfo=datetime.timezone.utc))


class _SpacedCA:
    """A CA named with no country, its organisation last in the DN as Fabric writes it, ending in a space."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Spaced Org "),
                               x509.NameAttribute(NameOID.COMMON_NAME, "ca.spaced")])
        self.certificate = (x509.CertificateBuilder().subject_name(self.name).issuer_name(self.name)
                            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                            .not_valid_before(_VALID[0]).not_valid_after(_VALID[1])
                            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                            .sign(self.key, hashes.SHA256()))

    def issue(self, common_name: str, ou: str = "client") -> TestIdentity:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Spaced Org "),
                             x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
                             x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(self.name)
                       .public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(_VALID[0]).not_valid_after(_VALID[1])
                       .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                       .sign(self.key, hashes.SHA256()))
        serialized = identities_pb2.SerializedIdentity(
            mspid=ORG, id_bytes=certificate.public_bytes(serialization.Encoding.PEM)).SerializeToString()
        return TestIdentity(serialized, msp_id=ORG, certificate=certificate, private_key=key,
                            ca_certificate=self.certificate)


@pytest.fixture
def spaced_ca(monkeypatch) -> _SpacedCA:
    ca = _SpacedCA()
    issued_by = _ledger.ca_certificate
    # the ledger takes a creator of ORG as issued by this CA, as a peer whose channel names it as ORG's root
    monkeypatch.setattr(_ledger, "ca_certificate",
                        lambda msp_id: ca.certificate if msp_id == ORG else issued_by(msp_id))
    return ca


async def test_an_org_whose_ca_dn_ends_in_a_space_binds_its_users_as_their_certificates_name_them(spaced_ca):
    net = Net(CONFIG)
    admin = Actor("admin", ORG, spaced_ca.issue("admin", ou="admin"))
    first, second = (Actor(name, ORG, spaced_ca.issue(name)) for name in ("first", "second"))
    assert first.identity.id.endswith("O=Spaced Org\\ ") and client_id_problem(first.identity.id) is None
    code = credit_code(1)

    registered = await net.ok(admin, "RegisterParty", {"uscc": code, "name": "Spaced Supplier", "role": "supplier",
                                                       "msp_id": ORG, "client_ids": [first.identity.id]})
    assert registered["client_ids"] == [first.identity.id]
    assert (await net.ok(first, "WhoAmI", evaluate=True))["uscc"] == code

    # sent as a table's column pastes it, padded: the padding goes, the id's own last space stays
    await net.ok(admin, "BindPartyIdentity", code, f"  {second.identity.id}\n")
    assert (await net.ok(second, "WhoAmI", evaluate=True))["uscc"] == code
    found = await net.ok(admin, "FindIdentityParty", ORG, second.identity.id, evaluate=True)
    assert (found["client_id"], found["party"]["uscc"]) == (second.identity.id, code)

    left = await net.ok(admin, "UnbindPartyIdentity", code, f"{first.identity.id} ")
    assert left["client_ids"] == [second.identity.id]
    await net.refused(first, "WhoAmI", evaluate=True, rule="caller-not-a-party")
