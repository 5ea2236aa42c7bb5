"""From an org's connection profile to a ReceivablesClient: the glue between `network` and `client`.

`client.receivables` knows only the gateway; `network.profiles` knows where the
peers, TLS roots and users' MSP folders are. This module joins them for the
commands, so neither package imports the other.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from client.gateway import GatewayError, Gateway, connect, load_msp_folder
from client.receivables import CONTRACT_NAME, ReceivablesClient, RuleViolation, client_id_of
from network import profiles
from network.errors import NetworkError

from .output import one_line


@dataclass
class Session:
    """An open connection: the client, and who it acts as."""

    client: ReceivablesClient
    profile: profiles.ConnectionProfile
    user: profiles.UserIdentity
    gateway: Gateway | None = None

    @property
    def client_id(self) -> str:
        """The user's client identity as the contract spells it (for party binding)."""
        return client_id_of(self.user.cert)


def default_user(profile: profiles.ConnectionProfile, *, admin: bool = False) -> str:
    """The org's admin, or its first client user, as listed in the profile."""
    wanted = "admin" if admin else "client"
    for name, user in profile.users.items():
        if user.role == wanted:
            return name
    raise NetworkError(f"org {profile.org} has no {wanted} user in its profile: choose one with --user")


def load_profile(org: str, data_root: Path | None) -> profiles.ConnectionProfile:
    return profiles.load(org, data_root)


@contextmanager
def open_session(org: str, user: str | None = None, data_root: Path | None = None, *,
                 admin: bool = False) -> Iterator[Session]:
    """Connect as ``user`` of ``org`` (default: the org's first client user, or its admin) to the org's gateway peer."""
    profile = load_profile(org, data_root)
    who = profile.user(user or default_user(profile, admin=admin))
    identity, signer = load_msp_folder(who.msp_dir, profile.msp_id)
    mutual = {"client_certificate": who.tls_cert, "client_key": who.tls_key} if (
        Path(who.tls_cert).is_file() and Path(who.tls_key).is_file()) else {}
    gateway = connect(profile.gateway.address, identity=identity, signer=signer,
                      tls_root_certificates=profile.gateway.tls_root_cert,
                      server_name_override=profile.gateway.host_name_override, **mutual)
    try:
        network = gateway.get_network(profile.channel)
        contract = network.get_contract(profile.chaincode, CONTRACT_NAME)
        yield Session(ReceivablesClient(contract, network), profile, who, gateway)
    finally:
        gateway.close()


def describe(error: BaseException) -> str:
    """One line a person can act on."""
    if isinstance(error, RuleViolation):
        return f"{error.transaction} refused: RULE {error.rule}: {error.detail}"
    return one_line(error)


def reports_ledger_errors(fn: Callable) -> Callable:
    """Refusals, gateway and profile errors become a ClickException with one line."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (RuleViolation, GatewayError, NetworkError, ValueError, TypeError) as exc:
            raise click.ClickException(describe(exc)) from exc
    return wrapper
