"""`recfin party|receivable|finance|discount ...`: the receivables contract's business operations.

Thin: parse options, call ``client.receivables`` through ``cli.connection``, render
with ``cli.output``; a command that prints the one document its call returns just
returns it (``cli.documents.prints_document``). Every ledger command takes ``--as ORG[/USER]`` (default: the org
that usually acts: the supplier registers, the core enterprise confirms, the bank
offers...; the user defaults to the org's first client user in its connection profile,
or its admin for party commands; ``--org``/``--user`` remain as aliases),
``--data-root`` and ``--json``.

Amounts are yuan (``12,345.67``) or fen with the suffix ``fen`` (``1234567fen``):
one parser, ``cli.amounts``; tables show them with the currency (``CNY 12,345.67``).
The regulator's commands are in ``cli.regulator_commands`` and the event stream in
``cli.event_commands``; ``receivable freeze|unfreeze|stats|events`` are aliases of them.
"""
from __future__ import annotations

import functools
import hashlib
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from chaincode.receivables.limits import STATUSES, TIER_MAX_DAYS_EARLY, TIER_MIN_DAYS_EARLY
from client.money import exact_percent, rate_text, yuan
from client.shown import shown_value
from network.errors import NetworkError, shell_words

from . import audit_commands, connection, event_commands, regulator_commands
from .amounts import AMOUNT, AMOUNT_HELP, PART_OF_CLAIM, Amount, fen_of_option, money, read_amount, with_money
from .connection import acting
from .documents import prints_document
from .options import (DATE, ChoiceCutShort, PathType, ROLE_HELP, RoleType, as_the_contract_checks, business_today,
                      claim_currency_code, each_once, credit_code_option, endorsing_org_option,
                      endorsing_organizations, names_a_record, names_an_identity, names_something, read_date,
                      said_on_the_record)
from .output import (as_typed, emit, on_one_line, paper_identity_text, quoted_cut_short, read_json_file,
                     read_json_stdin, read_option_file, show, validated)
from .regulator_commands import (LIST_COLUMNS, checked_before_connecting, emit_listing, emit_pages,
                                  ledger_exit_codes, with_page_options)
from .request_ids import (REQUEST_ID, exactly_once_naming_its_id, request_get_command, request_id_option,
                          transaction_status_command)

if TYPE_CHECKING:
    from client.receivables import DiscountOffer, Receivable
    from network.org_users import HeldCertificate

T = TypeVar("T")

PARTY_COLUMNS = ["uscc", "name", "role", "msp_id", "client_ids"]
RECEIVABLE_COLUMNS = ["id", "status", "holder", "debtor", "face_amount", "outstanding", "due_date", "financing_id"]
# what a financing step prints of the record it wrote: each command adds the date it set (requested_on,
# disbursed_on, repaid_on, ...), not every date of the record, which `finance get` shows; accepting an offer and
# withdrawing a request set no date of the financing (their day is the transaction's)
FINANCING_COLUMNS = ["id", "receivable_id", "status", "holder", "financier", "accepted_offer_id", "notice_id"]
OPEN_OFFER_COLUMNS = ["id", "financing_id", "receivable_id", "debtor", "status", "made_on"]
# an offer's day-count basis is shown with its rate: ACT/360 or ACT/365 changes what the holder is paid
DISCOUNT_COLUMNS = ["id", "debtor", "apr", "scale", "day_count", "published_on", "expires_on", "receivable_ids",
                    "status"]
GET_COLUMNS = RECEIVABLE_COLUMNS + ["creditor", "parent_id", "children", "notice_id", "financier", "frozen"]
# what confirm, reject, withdraw and overdue print of the claim they changed: `get` shows those a claim holds, so a
# REJECTED or WITHDRAWN claim says why, not only in --json (a "-" line on every other claim would read as a reason)
LIFECYCLE_COLUMNS = ["issue_date", "confirmed_on", "rejection_reason", "withdrawn_on", "withdrawal_reason",
                     "overdue_since"]
HISTORY_COLUMNS = ["timestamp", "action", "by", "status", "holder", "outstanding", "financing_id", "financier",
                   "freeze_order", "queued_orders", "lifting_order", "lifted", "tx_id"]
"""A claim's history: the financing each write left it under (a cancelled or recoursed one's only trace), the order
it was frozen under and those queued behind it, and on an unfreeze the order that lifted it and the freeze
order it lifted (:func:`_lifted_orders`; "-" where none)."""
REQUEST_COLUMNS = ["request_id", "party", "transaction", "tx_id", "at", "result"]
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


RATE_EXPONENT_LIMIT = 30
"""How far an exponent may move a rate's decimal point (``3.6E-2``): far more than any rate the contract takes,
and small enough that writing the rate out in full, as the contract takes it, costs nothing."""


class RateType(click.ParamType):
    """A rate option (a decimal fraction, ``0.036``) read with the SDK's rate parser (``client.money.rate_text``),
    as the plain decimal string the contract takes, and checked with the contract's own rate rule
    (``chaincode.receivables.daycount.parse_rate``: 0 to 1, at most 10 decimal places; above 0 for an advance
    rate, ``positive``); a bad one is a usage error (exit 2) naming the option, with ``example``: a figure of the
    kind the option takes, so that an advance rate is never shown an annual rate's example."""

    name = "RATE"

    def __init__(self, *, example: str, positive: bool = False) -> None:
        self.example = example
        self.positive = positive

    @property
    def advice(self) -> str:
        bounds = "above 0 and at most 1" if self.positive else "from 0 to 1"
        return f"write a decimal fraction {bounds} with at most 10 decimal places, e.g. {self.example}"

    def convert(self, value: Any, param, ctx) -> str:
        return self.checked(value, getattr(param, "name", None) or "rate", param, ctx)

    def checked(self, value: Any, field: str, param, ctx) -> str:
        """``value`` as the contract's rate string; ``field`` names it as the contract's refusal would."""
        from chaincode.receivables.daycount import parse_rate
        from chaincode.receivables.errors import RuleViolation as ContractRule

        text = str(value).strip()
        try:
            exponent = Decimal(text).as_tuple().exponent
        except InvalidOperation:
            exponent = 0    # not a number: rate_text says so
        if isinstance(exponent, int) and abs(exponent) > RATE_EXPONENT_LIMIT:
            self.fail(f"rate {text[:40]!r} has an exponent of {exponent}: {self.advice}", param, ctx)
        try:
            plain = rate_text(text)
        except ValueError as exc:
            self.fail(f"{exc}: {self.advice}", param, ctx)
        try:
            parse_rate(plain, field, allow_zero=not self.positive)
        except ContractRule as refusal:
            self.fail(f"rate {shown_value(text)} is refused by the contract's rate rule ({refusal.detail}): "
                      f"{self.advice}",
                      param, ctx)
        return plain


RATE = RateType(example="0.036 for 3.6% a year")     # a financing offer's annual discount rate
APR = RateType(example="0.05 for 5% a year")        # a discount offer's annual rate, flat or of a tier
ADVANCE_RATE = RateType(positive=True, example="0.9 for 90% of what the debtor owes")


class TierType(click.ParamType):
    """One ``--tier DAYS:APR`` as the contract's scale tier; anything but exactly two parts is refused, so a
    mistyped tier is never sent as a part of itself, and the APR is read as a :class:`RateType` is."""

    name = "DAYS:APR"

    def convert(self, value: Any, param, ctx) -> dict:
        if isinstance(value, dict):
            return value
        text = str(value)
        days, sep, apr = text.partition(":")
        if not sep or ":" in apr or not re.fullmatch(r"[0-9]+", days.strip()) or not apr.strip():
            self.fail(f"{shown_value(text)}: write DAYS:APR, e.g. 30:0.04 (at least 30 days early, 4% a year)", param,
                      ctx)
        digits = days.strip().lstrip("0")
        fewest, most = TIER_MIN_DAYS_EARLY, TIER_MAX_DAYS_EARLY
        # the length first: int() refuses a number of over 4300 digits
        if len(digits) > len(str(most)) or not fewest <= int(digits or "0") <= most:
            self.fail(f"{shown_value(text)}: DAYS is how many days early the tier starts, from {fewest} to "
                      f"{most}", param, ctx)
        return {"min_days_early": int(digits), "apr": APR.checked(apr, "apr", param, ctx)}


# ------------------------------------------------------------------ parties

def _party_code(left_out_means: str | None = None) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """:func:`credit_code_option` of a party's credit code these commands take, lower case read as capitals: the
    contract registers parties, and so keys claims and offers, by codes in capitals only, so ``91350100m000100y43``
    pasted from a form can only mean ``91350100M000100Y43``, which is what is sent. A record under a lower-case
    key can only have been written outside the contract (altered chaincode); these commands never read one (they
    refused the code before), and the SDK, which sends a code as given, still does (``get_party``)."""
    return credit_code_option(left_out_means, capitals_read=True)


@click.group()
@ledger_exit_codes()
def party() -> None:
    """Enterprises on the ledger and the identities that act for them (org admins).

    A credit code (USCC) is read in capitals, as GB 32100-2015 writes it
    and the ledger keeps it: 91310000ma1k000019 is 91310000MA1K000019.

    \b
    Example:
      recfin party whoami --as bank/officer2
      recfin party get 91310000MA1K000019 --as supplier/supplier1 --json
    """


# what --client and --client-id name, for the refusal of a blank one
_A_USER = "the name of a user of this org's profile, e.g. supplier3"
_AN_ID = "the client identity id as x509::<subject>::<issuer>"


def _client_ids_held_to(check: Callable[[str], object]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A --client-id callback: a blank id refused as ``names_an_identity`` refuses it, then ``check``, the contract's
    own check of the id the transaction takes, before anything connects."""
    blank, held = names_an_identity(_AN_ID), as_the_contract_checks(check)
    return lambda ctx, param, value: held(ctx, param, blank(ctx, param, value))


# The contract's checks of a party's arguments (chaincode.receivables.arguments), imported when a value is checked:
# the module loads pydantic and cryptography. RegisterParty and BindPartyIdentity bind an id, so only one a
# certificate presents; UnbindPartyIdentity takes any id of 1 to 1000 characters, such as one an earlier contract
# version bound.
def _bindable_client_id(given: str) -> object:
    from chaincode.receivables.arguments import require_bindable_client_id

    return require_bindable_client_id(given, "client id")


def _listed_client_id(given: str) -> object:
    from chaincode.receivables.arguments import require_text

    return require_text(given, "client id", 1000, one_line=False)


def _party_name(given: str) -> object:
    from chaincode.receivables.arguments import require_party_name

    return require_party_name(given)


_BINDABLE_CLIENT_ID = _client_ids_held_to(_bindable_client_id)
_LISTED_CLIENT_ID = _client_ids_held_to(_listed_client_id)
_PARTY_NAME = as_the_contract_checks(_party_name)


def _some_identity_named(clients: tuple[str, ...], client_ids: tuple[str, ...], **_: Any) -> None:
    """`party register` binds at least one identity: a user of the org's profile, or an id as given."""
    if not clients and not client_ids:
        raise click.UsageError("name at least one --client USER or --client-id ID")


def _one_identity_named(client_user: str | None, client_id: str | None, **_: Any) -> None:
    """`party bind`/`unbind` name one identity: a user of the org's profile, or an id as given."""
    if (client_user is None) == (client_id is None):
        raise click.UsageError("give exactly one of --client USER or --client-id ID")


def _profile_user(profile, user_name: str, otherwise: str):
    """The user ``user_name`` of the org's connection profile; one it has not is a usage error naming its client
    users and ``otherwise``, what else to do."""
    user = profile.users.get(user_name)
    if user is None:
        users = ", ".join(name for name, u in profile.users.items() if u.role == "client" and not u.revoked)
        raise click.BadParameter(f"{user_name!r}: org {profile.org}'s profile has no user of that name (its client "
                                 f"users: {users or 'none'}): name one of them, or {otherwise}",
                                 param_hint="'--client'")
    return user


def _users_to_bind(*, clients: tuple[str, ...] = (), client_user: str | None = None, **options: Any) -> None:
    """`party register`/`bind`: each --client a user of the org's profile not revoked (:func:`_bindable_user`),
    told from the data folder before anything connects."""
    if (profile := _profile_of_the_caller(options)) is not None:
        for name in (*clients, *([client_user] if client_user is not None else [])):
            _bindable_user(profile, name)


@functools.cache
def _ids_as_registered():
    """The client ids a registration lists, as the contract reads them (trimmed) before it looks for one listed
    twice: its model's type, built when a registration is checked (the model loads pydantic)."""
    from chaincode.receivables.model import PartyRegistration
    from pydantic import TypeAdapter

    return TypeAdapter(PartyRegistration.model_fields["client_ids"].annotation)


def _each_identity_once(*, clients: tuple[str, ...] = (), client_ids: tuple[str, ...] = (), **options: Any) -> None:
    """`party register`: two --client-id the contract trims to one, or a --client-id that is the identity of a
    --client user (its certificate's id, which the command binds for it), name one identity twice, which the
    contract refuses (argument-invalid, "list each identity once"): told from the line and the user's certificate
    in the data folder before anything connects. A user whose certificate cannot be read here is left to the
    session, which says what is wrong."""
    from client.receivables import client_id_of
    from pydantic import ValidationError

    try:
        read = _ids_as_registered().validate_python(list(client_ids))
    except ValidationError:   # refused by the contract for what it is, not for a repeat
        return
    given: dict[str, str] = {}
    for as_read, as_given in zip(read, client_ids):
        if as_read in given:
            raise click.BadParameter(f"{as_given!r} and {given[as_read]!r} are one identity once trimmed, as the "
                                     "contract reads them: name each identity once", param_hint="'--client-id'")
        given[as_read] = as_given
    if not clients or not client_ids or (profile := _profile_of_the_caller(options)) is None:
        return
    for name in clients:
        try:
            own = client_id_of(profile.user(name).cert)
        except (NetworkError, OSError, ValueError):
            continue
        if own in given:
            raise click.BadParameter(f"{given[own]!r} is the identity of {name}, which --client {name} binds "
                                     "already: name each identity once", param_hint="'--client-id'")


def _user_to_unbind(*, client_user: str | None = None, **options: Any) -> None:
    """`party unbind --client`: a user of the org's profile, told from the data folder before anything connects; one
    gone from it is unbound by its id."""
    if client_user is not None and (profile := _profile_of_the_caller(options)) is not None:
        _profile_user(profile, client_user, "give the --client-id of one no longer in the profile (`recfin party get` "
                                            "lists the party's)")


def _profile_of_the_caller(options: dict[str, Any]):
    """The connection profile of the org a party command acts as (``--as``, by default the supplier's, as
    ``prints_document`` opens it), or None where it cannot be read: opening the session then says what is wrong."""
    org, _user = connection.caller(options.get("as_"), options.get("org"), options.get("user"), "supplier")
    try:
        return connection.load_profile(org, options.get("data_root"))
    except (NetworkError, OSError, ValueError):
        return None


@party.command("register")
@click.option("--uscc", required=True, callback=_party_code(), metavar="USCC",
              help="Unified social credit code of the enterprise.")
@click.option("--name", required=True, callback=_PARTY_NAME,
              help="The enterprise's name, as it is registered (one line, up to 200 characters, no space at "
                   "either end).")
@click.option("--role", required=True, type=RoleType(contract_names=True),
              help=f"What the enterprise does on the ledger ({ROLE_HELP}).")
@click.option("--client", "clients", multiple=True, callback=each_once(names_an_identity(_A_USER)), metavar="USER",
              help="A user of this org who acts for the party (repeatable); its certificate's id is bound. "
                   "Refused for a user the profile marks revoked. At least one --client or --client-id.")
@click.option("--client-id", "client_ids", multiple=True, callback=each_once(_BINDABLE_CLIENT_ID), metavar="ID",
              help="A client identity id x509::<subject>::<issuer> (repeatable).")
@endorsing_org_option("the org's own and the first other org of the channel whose peers can endorse")
@checked_before_connecting(_some_identity_named)
@checked_before_connecting(_users_to_bind)
@checked_before_connecting(_each_identity_once)
@prints_document("supplier", PARTY_COLUMNS, admin=True)
def register_party(session, uscc, name, role, clients, client_ids, endorsing_orgs):
    """An org admin registers an enterprise of its org.

    The record is endorsed by the org's own peers and one other org's, so that an audit of a claim
    (recfin receivable audit) finds the party's org among its endorsers. A --client user whose
    certificate the org's CRL revokes (the profile marks it revoked) is refused: no peer takes it.

    \b
    Example:
      recfin party register --as supplier/admin --uscc 91310000MA1K00002C --name 'Tier-1 Parts Co.' \\
        --role supplier --client supplier1
      recfin party register --as supplier/admin --msp-dir /secure/supplier-admin/msp \\
        --uscc 91310000MA1K00002C --name 'Tier-1 Parts Co.' --role supplier --client supplier1
      recfin party register --as supplier/admin --uscc 91310000MA1K00002C --name 'Tier-1 Parts Co.' \\
        --role supplier --client supplier1 --endorsing-org SupplierMSP --endorsing-org RegulatorMSP
    """
    ids = [_live_client_id(session, u) for u in clients] + list(client_ids)
    return session.client.register_party(uscc, name, role, session.profile.msp_id, ids,
                                         endorsing_organizations=endorsing_organizations(endorsing_orgs))


@party.command("rename")
@click.argument("uscc", callback=_party_code())
@click.option("--name", required=True, callback=_PARTY_NAME,
              help="The enterprise's new name, as it is now registered (one line, up to 200 characters, no space "
                   "at either end).")
@prints_document("supplier", ["uscc", "name", "role", "msp_id"], admin=True)
def rename_party(session, uscc, name):
    """An org admin records the new name of party USCC, an enterprise of its org that changed its
    name under the same credit code.

    Only the name changes; the former names stay in the party's history (`recfin party history
    USCC` shows each write's name). The name the party has already is refused (party-name-unchanged), and so
    is one RegisterParty would refuse. The tx line (tx_id with --json) is the rename's transaction.

    \b
    Example:
      recfin party rename 91310000MA1K00002C --as supplier/admin --name 'Tier-1 Auto Parts Co.'
    """
    return session.client.rename_party(uscc, name)


@party.command("bind")
@click.argument("uscc", callback=_party_code())
@click.option("--client", "client_user", callback=names_an_identity(_A_USER), metavar="USER",
              help="A user of this org to bind (not one the profile marks revoked). Give it or --client-id, not "
                   "both.")
@click.option("--client-id", callback=_BINDABLE_CLIENT_ID, metavar="ID",
              help="A client identity id x509::<subject>::<issuer> to bind.")
@checked_before_connecting(_one_identity_named)
@checked_before_connecting(_users_to_bind)
@prints_document("supplier", ["uscc", "name", "client_ids"], admin=True)
def bind_party(session, uscc, client_user, client_id):
    """An org admin lets one more identity act for party USCC.

    An identity that acts for a party already is refused; a binding whose party record does not
    list the identity acts for no one and is overwritten. An identity whose binding other orgs
    hold a key-level policy on is refused too: issue the user a certificate with another name
    (recfin org user add) and bind that. A --client user whose certificate the org's CRL revokes
    (the profile marks it revoked) is refused: no peer takes it, so it could not act for the party.
    --msp-dir signs as an admin whose MSP folder is kept outside the data folder.
    The tx line (tx_id with --json) is the bind's transaction; the record's `registered`
    stays its registration.

    \b
    Example:
      recfin party bind 91310000MA1K00002C --as supplier/admin --client supplier3
      recfin party bind 91310000MA1K00002C --as supplier/admin --msp-dir /secure/supplier-admin/msp \\
        --client supplier3
    """
    return session.client.bind_party_identity(uscc, client_id or _live_client_id(session, client_user))


@party.command("unbind")
@click.argument("uscc", callback=_party_code())
@click.option("--client", "client_user", callback=names_an_identity(_A_USER), metavar="USER",
              help="A user of this org to unbind. Give it or --client-id, not both.")
@click.option("--client-id", callback=_LISTED_CLIENT_ID, metavar="ID",
              help="A client identity id to unbind (a user no longer in the profile).")
@click.option("--force", is_flag=True,
              help="Unbind even when none of the party's other identities is a profile user not revoked (the "
                   "contract still keeps the last identity it counts, revoked or not).")
@checked_before_connecting(_one_identity_named)
@checked_before_connecting(_user_to_unbind)
@prints_document("supplier", ["uscc", "name", "client_ids"], admin=True)
def unbind_party(session, uscc, client_user, client_id, force):
    """An org admin stops an identity acting for party USCC, at once (an employee left, a key was lost).

    Any identity USCC's record lists is taken off it, whatever its binding says; the binding is
    deleted where it names USCC. The party's only identity stays until another is bound: `party
    bind` first. The contract cannot see the org's CRL, so before unbinding, the party's other
    identities are counted as `recfin org user revoke` counts them: a user of the profile whose
    certificate is here and not revoked, that the contract counts (not acting for another party,
    nor with a binding other orgs hold). With none, nothing is sent and the command says why
    (exit 1): bind a live user first, or, knowing one the profile does not hold is live, --force.
    --msp-dir signs as an admin whose MSP folder is kept outside the data folder.
    The tx line (tx_id with --json) is the unbind's transaction.

    \b
    Example:
      recfin party unbind 91310000MA1K00002C --as supplier/admin --client supplier3
      recfin party unbind 91310000MA1K00002C --as supplier/admin --msp-dir /secure/supplier-admin/msp \\
        --client-id 'x509::CN=supplier3@supplier.recfin.local,OU=client,...::CN=ca.supplier.recfin.local,...'
    """
    from client.receivables import client_id_of

    leaving = client_id or client_id_of(session.profile.user(client_user).cert)
    if not force:
        _refuse_leaving_no_one_to_act(session, uscc, leaving)
    return session.client.unbind_party_identity(uscc, leaving)


def _live_client_id(session, user_name: str) -> str:
    """The client id of a profile user to act for a party (:func:`_bindable_user`)."""
    from client.receivables import client_id_of

    return client_id_of(_bindable_user(session.profile, user_name).cert)


def _bindable_user(profile, user_name: str):
    """A profile user to act for a party; a usage error for one the profile does not have, or marks revoked (its
    certificate on the org's CRL): every peer refuses it, while the contract, which cannot see the CRL, would
    count it as an identity left to act for the party and let the last live one be unbound."""
    # the command as a shell takes it pasted: a name as given may hold a space, or an ESC that drives the terminal
    add = shell_words(["recfin", "org", "user", "add", profile.org, user_name])
    user = _profile_user(profile, user_name, f"issue it a certificate first (`{add}`)")
    if user.revoked:
        raise click.BadParameter(
            f"{user_name} is revoked: {profile.msp_id}'s CRL lists its certificate, so every peer refuses "
            f"it and it could not act for the party; name a user that is not revoked (`recfin org user list "
            f"{profile.org}` shows them, `recfin org user add` issues a new one)", param_hint="'--client'")
    return user


class _ProfileCertificates:
    """The certificates ``left_to_act`` counts a party's identities from, as the session's connection profile
    holds them: each user's whose certificate file is here, revoked as the profile marks it (from the org's CRL in
    the data folder)."""

    def __init__(self, session) -> None:
        self.session = session

    def held_certificates(self, _org_name, _msp_dir, _revoking) -> list[HeldCertificate]:
        from network.crypto import load_cert
        from network.org_users import HeldCertificate

        users = {**self.session.profile.users, self.session.user.name: self.session.user}   # --msp-dir's cert
        return [HeldCertificate(name, load_cert(user.cert), user.revoked) for name, user in users.items()
                if user.cert.is_file()]


def _refuse_leaving_no_one_to_act(session, uscc: str, leaving: str) -> None:
    """Refuse (exit 1, nothing sent) an unbind after which none of the party's other identities is a profile user
    not revoked that the contract counts (``left_to_act``). Left to the contract's own refusals: a record the
    caller cannot read, one of another org, one that does not list ``leaving``, or lists no other identity."""
    from client.receivables import RuleViolation

    from .org_commands import identity_not_counted, left_to_act   # a group of its own, which loads the network's

    try:
        party = session.client.get_party(uscc)
    except RuleViolation:
        return
    if party.msp_id != session.profile.msp_id or leaving not in party.client_ids or party.client_ids == [leaving]:
        return
    live, why = left_to_act(_ProfileCertificates(session), session.profile.org, None, party, leaving, [],
                             functools.partial(identity_not_counted, session.client, party))
    if not live:
        acting_as = f"--as {session.profile.org}/{session.user.name}"
        raise click.ClickException(
            f"not unbound from {uscc}: {why}. Bind a user that is not revoked first (`recfin party bind {uscc} "
            f"--client USER {acting_as}`), then unbind; --force unbinds all the same where another identity "
            f"this profile does not hold is live")


@party.command("get")
@click.argument("uscc", callback=_party_code())
@prints_document("supplier", PARTY_COLUMNS)
def get_party(session, uscc):
    """A party by credit code (lower case is read in capitals, as the ledger keeps it).

    \b
    Example:
      recfin party get 91310000MA1K000019 --as supplier/supplier1 --json
    """
    return session.client.get_party(uscc)


PARTY_HISTORY_COLUMNS = ["timestamp", "change", "name", "role", "msp_id", "tx_id"]


@party.command("history")
@click.argument("uscc", callback=_party_code())
@acting("supplier")
def party_history(session, as_json, uscc) -> None:
    """Every write of party USCC's record, oldest first: when, what changed, the name, role and org
    the record named after it, and the transaction (a rename shows the former name, a bind or an
    unbind how many identities it bound or unbound; --json gives the contract's entries, each
    with the identities acting for the party after it). No transaction changes a party's role or
    org: a write that did was made outside the contract, by the party's own org, and is shown as
    such. Whoever may `party get` USCC may ask. USCC in lower case is read in capitals, as the
    ledger keeps it.

    \b
    Example:
      recfin party history 91310000MA1K00002C --as supplier/supplier1
    """
    entries = [h.to_json() for h in session.client.party_history(uscc)]
    if as_json:
        emit(entries, as_json=True)
        return
    emit([{**e, "change": change} for e, change in zip(entries, _party_changes(entries))],
         as_json=False, columns=PARTY_HISTORY_COLUMNS)


def _party_changes(entries: list[dict]) -> list[str]:
    """What each write of a party record changed, as its entry and the one before it show. An entry of a contract
    older than ``role`` and ``client_ids`` names the name alone, so a write that kept it says only that."""
    changes = []
    for before, entry in zip([None, *entries], entries):
        former = before.get("name") if before is not None else None
        if entry["is_delete"]:
            changes.append("deleted")
        elif before is None:
            changes.append("registered")
        elif before["is_delete"]:
            # a record written again after a delete, which no transaction makes: RegisterParty of the code anew
            changes.append("registered anew after its deletion")
        elif entry.get("name") is None or former is None:
            # a contract older than the field, or a value no party record parses to: nothing to compare
            changes.append("name not recorded")
        else:
            changes.append(_party_write(before, entry))
    return changes


def _party_write(before: dict, entry: dict) -> str:
    """What ``entry``, a write of a party record, changed against ``before``, the write before it: its name, and,
    where both name them, its role, its org and its identities."""
    said = [f"renamed from {before['name']}"] if entry["name"] != before["name"] else []
    for field, what in (("role", "role"), ("msp_id", "org")):
        if None not in (before.get(field), entry.get(field)) and entry[field] != before[field]:
            # no transaction of the contract does this: the party's org rewrote its record alone
            said.append(f"{what} changed from {before[field]} to {entry[field]}")
    if None in (before.get("client_ids"), entry.get("client_ids")):
        return "; ".join(said) or "name unchanged (identities bound or unbound)"
    bound = [c for c in entry["client_ids"] if c not in before["client_ids"]]
    unbound = [c for c in before["client_ids"] if c not in entry["client_ids"]]
    for ids, done in ((bound, "bound"), (unbound, "unbound")):
        if ids:
            said.append(f"{len(ids)} {'identity' if len(ids) == 1 else 'identities'} {done}")
    # a bind of an identity the record lists whose binding was gone writes the record as it was
    return "; ".join(said) or "unchanged (its bindings written again)"


@party.command("whoami")
@prints_document("supplier", ["uscc", "name", "role", "msp_id"])
def whoami(session):
    """The party the calling user acts for.

    \b
    Example:
      recfin party whoami --as bank/officer2
    """
    return session.client.who_am_i()


# ------------------------------------------------------------------ receivables

def _in_claim_currency(session, receivable_id: str, amount: Amount, option: str = "--amount") -> int:
    """The fen of an amount option on RECEIVABLE_ID. Only an amount written with a currency code costs a read
    of the claim (an amount without one is in the claim's currency by definition).

    Whoever may transfer, pay or offer on a claim may read it: when the contract refuses the caller the read, the
    action is refused as well, and is sent as written for the contract to say why (``not-the-holder``...)."""
    from client.receivables import unless_refused_the_read

    if amount.currency is None:
        return amount.fen
    claim = unless_refused_the_read(lambda: session.client.get_receivable(receivable_id))
    return amount.fen if claim is None else fen_of_option(amount, claim.currency, option)


@click.group()
@ledger_exit_codes(" `audit` exits 0 when every check passed, 1 when one failed, 3 when the audit "
                   "could not be made; `events` 0 when stopped with Ctrl-C.")
def receivable() -> None:
    """Register, confirm, transfer, pay and look up receivables (应收账款).

    \b
    Example:
      recfin receivable list --as supplier/supplier1 --all
      recfin receivable confirm R-0123456789abcdef --as coreenterprise/treasurer
    """


def _sha256_hex(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--contract-hash: the trade contract's SHA-256, as 64 hex digits (stored in lower case)."""
    if value is not None and not SHA256_HEX.fullmatch(value):
        raise click.BadParameter(f"{quoted_cut_short(value)}: give the trade contract's SHA-256 as 64 hex digits "
                                 "(sha256sum FILE), or the file with --contract-file")
    return None if value is None else value.lower()


def _sha256_of_file(_ctx: click.Context, _param: click.Parameter, path: Path | None) -> str | None:
    """--contract-file: the SHA-256 of the trade contract, read before connecting."""
    if path is None:
        return None
    # read as every file an option names (a FIFO or /dev/zero refused, not waited on or read forever); an empty file
    # is no contract, and its SHA-256 (e3b0c442...) would be recorded as one
    return hashlib.sha256(read_option_file(path, "--contract-file", "the signed trade contract's file")).hexdigest()


def _refuse_a_face_the_invoices_do_not_back(face_fen: int, backing_fen: int, currency: str,
                                            invoices: list[InvoiceGiven]) -> None:
    """The contract's rules on a claim's face, by its rule names (docs/receivables.md), said before
    connecting: above zero (amount-not-positive), and at most the invoices' total with tax
    (face-exceeds-invoices). An --invoice of four parts whose amount and tax read as one amount split at a
    thousands separator is named with the latter: the face is then most likely right and the invoice read
    as another one (:func:`_split_amount_hint`)."""
    if face_fen == 0:
        raise click.BadParameter(f"{money(face_fen, currency)} is zero, which the contract refuses "
                                 f"(amount-not-positive): give the claim's face amount, at most the invoices' total "
                                 f"with tax, {money(backing_fen, currency)}", param_hint="'--face'")
    if face_fen > backing_fen:
        hints = "".join(_split_amount_hint(given, currency) for given in invoices)
        raise click.BadParameter(f"{money(face_fen, currency)} exceeds the invoices' total with tax, "
                                 f"{money(backing_fen, currency)}, which the contract refuses "
                                 "(face-exceeds-invoices): give a face of at most that, or list every "
                                 "invoice the claim is for with --invoice" + hints, param_hint="'--face'")


# How far the business date of the transaction a command sends may be from today's here (business_today), either way:
# a clock here that differs from the peers', or a midnight passed while the command runs. A date the contract refuses
# against every day within it is surely refused, and is said before connecting; one it might take is left to it.
_TODAY_MARGIN = timedelta(days=1)
_BUSINESS_DATE = "in China Standard Time (the ledger's business date)"


def _refuse_dates_surely_refused(issue_date: date, due_date: date, invoices: list[InvoiceGiven]) -> None:
    """The contract's rules on a registration's dates against the transaction's business date, said before
    connecting where it surely refuses them (``_TODAY_MARGIN``): a claim fallen due (due-date-passed), one issued or
    invoiced on a day still to come (issue-date-in-future, invoice-date-in-future)."""
    today = business_today()
    if due_date <= today - _TODAY_MARGIN:
        raise click.BadParameter(f"{due_date} is before today {today} {_BUSINESS_DATE}: the claim has fallen due, "
                                 "and the contract registers only claims not yet due (due-date-passed); check the "
                                 "date", param_hint="'--due'")
    if issue_date > today + _TODAY_MARGIN:
        raise click.BadParameter(f"{issue_date} is after today {today} {_BUSINESS_DATE}, which the contract refuses "
                                 "(issue-date-in-future): give the date the claim was issued, today or earlier, or "
                                 "register it once that date has come", param_hint="'--issue'")
    for given in invoices:
        if given.date > today + _TODAY_MARGIN:
            raise click.BadParameter(f"{quoted_cut_short(given.text)}: dated {given.date}, after today {today} "
                                     f"{_BUSINESS_DATE}, which the contract refuses (invoice-date-in-future): give "
                                     "the date on the invoice, today or earlier, or register the claim once that date "
                                     "has come",
                                     param_hint="'--invoice'")


def _refuse_an_invoice_given_twice(invoices: list[InvoiceGiven]) -> None:
    """The contract's invoice-listed-twice, said before connecting: two --invoice of one code and number (another
    date or amount does not make another invoice), or of the invoice's two spellings (a 12-digit code and 8-digit
    number, and the two run together as a 20-digit number), which the contract compares in the one spelling both
    share (``one_spelling``). Its fingerprint holds the seller too, which is the caller for every invoice. The code
    and number are compared as :func:`_invoice_parts` gives them, trimmed."""
    from chaincode.receivables.fingerprint import one_spelling

    first_given: dict[tuple[str, str], InvoiceGiven] = {}
    for given in invoices:
        shared = one_spelling(given.code, given.number)
        listed = first_given.setdefault(shared, given)
        if listed is given:
            continue
        if (listed.code, listed.number) == (given.code, given.number):
            same = "the same code and number"
        else:
            coded = given if given.code else listed
            same = f"code {coded.code} and number {coded.number} run together are the 20-digit number {shared[1]}"
        raise click.BadParameter(f"{quoted_cut_short(given.text)} is the same invoice as "
                                 f"{quoted_cut_short(listed.text)}: {same} (another date or "
                                 "amount does not make it another invoice), which the contract refuses "
                                 "(invoice-listed-twice): list each invoice once", param_hint="'--invoice'")


def _split_amount_hint(given: InvoiceGiven, currency: str) -> str:
    """What to check in an --invoice of four parts whose AMOUNT and TAX read as one amount a thousands
    separator split (``N,DATE,1,130.00``: amount 1.00 and tax 130.00, where 1,130.00 without its tax was
    meant); ``""`` for any other. Not refused on its own: ``N,DATE,100,130.00`` is an amount of 100 and a
    tax of 130.00 too."""
    parts = [p.strip() for p in given.text.split(",")]
    amount_text, tax_text = parts[2:] if len(parts) == 4 else ("", "")
    if not (_BEFORE_A_SEPARATOR.fullmatch(amount_text) and _AFTER_A_SEPARATOR.fullmatch(tax_text)):
        return ""
    amount, tax = given.amount.in_currency(currency), given.tax.in_currency(currency)
    split = f"{amount_text},{tax_text}"
    return (f"; --invoice {as_typed(given.text)} reads as amount {money(amount, currency)} and tax "
            f"{money(tax, currency)}: if {split} is one amount, write it without the thousands separator "
            f"({split.replace(',', '')}) and give the tax after it (NUMBER,DATE,AMOUNT,TAX)")


def _registration_read_first(command: Callable[..., T]) -> Callable[..., T]:
    """``receivable register``'s input that no one option holds, checked before connecting (so a bad one is said
    as such, not hidden behind a network that is down): exactly one of --contract-file and --contract-hash, a due
    date after the issue date (the contract takes a claim issued by today and due after it), the face and the
    invoices' amounts in --currency, and the contract's rules on them: each invoice's amount and the face above
    zero, each invoice listed once, the face at most the invoices' total with tax. The command gets the face in
    fen, the invoices as the SDK takes them but
    for the parties (the seller is the caller, which only the ledger says), and the contract's SHA-256."""
    @functools.wraps(command)
    def checked(*args: Any, face: Amount, issue_date: date, due_date: date, invoices: list[InvoiceGiven],
                contract_file_hash: str | None, contract_hash: str | None, currency: str, **kwargs: Any) -> T:
        if (contract_file_hash is None) == (contract_hash is None):
            raise click.UsageError("give exactly one of --contract-file or --contract-hash")
        if due_date <= issue_date:
            raise click.BadParameter(f"{due_date} is not after the issue date {issue_date} (--issue): a claim falls "
                                     "due after it is issued; check both dates", param_hint="'--due'")
        _refuse_dates_surely_refused(issue_date, due_date, invoices)
        face_fen = fen_of_option(face, currency, "--face")
        lines = []
        for given in invoices:
            try:
                lines.append(dict(number=given.number, code=given.code, date=given.date,
                                  amount=given.amount.in_currency(currency), tax=given.tax.in_currency(currency),
                                  # only where given: an invoice without a paper identity is sent as before
                                  **({"paper_code": given.paper_code, "paper_number": given.paper_number}
                                     if given.paper_code else {})))
            except ValueError as exc:
                raise click.BadParameter(f"{quoted_cut_short(given.text)}: {exc}", param_hint="'--invoice'") from None
            if lines[-1]["amount"] == 0:
                raise click.BadParameter(f"{quoted_cut_short(given.text)}: its amount is zero, which the contract "
                                         "refuses (amount-not-positive): give the invoice's amount excluding tax",
                                         param_hint="'--invoice'")
        _refuse_an_invoice_given_twice(invoices)
        _refuse_a_face_the_invoices_do_not_back(face_fen, sum(line["amount"] + line["tax"] for line in lines),
                                                currency, invoices)
        return command(*args, face_fen=face_fen, issue_date=issue_date, due_date=due_date, invoice_lines=lines,
                       contract_hash=contract_hash or contract_file_hash, currency=currency, **kwargs)
    return checked


@receivable.command("register")
@click.option("--debtor", required=True, callback=_party_code(), metavar="USCC",
              help="Credit code of the core enterprise that owes.")
@click.option("--face", required=True, type=AMOUNT,
              help=f"Face amount: {AMOUNT_HELP}; a currency code before it must be --currency's.")
@click.option("--issue", "issue_date", type=DATE, required=True,
              help="The claim's issue date; its payment term runs from it, or from its earliest invoice's date "
                   "when that is earlier.")
@click.option("--due", "due_date", type=DATE, required=True,
              help="After --issue, and after today in China Standard Time (the ledger's business date).")
@click.option("--invoice", "invoices", multiple=True, required=True,
              metavar="NUMBER,DATE,AMOUNT,TAX[,CODE[,PAPER_CODE,PAPER_NUMBER]]",
              callback=lambda ctx, param, texts: [_invoice_given(text) for text in texts],
              help="An invoice from you to the debtor: number, date (YYYY-MM-DD), amount excluding tax, tax (yuan, "
                   "or NNNfen, in --currency; no thousands separators inside this list: 1000.00, not 1,000.00), "
                   "and the invoice code of an older 8-digit-number invoice; for a 20-digit invoice delivered on "
                   "paper (数电纸质发票), an empty code then the paper form's 发票代码 and 8-digit 发票号码, "
                   "N,DATE,AMOUNT,TAX,,PAPER_CODE,PAPER_NUMBER, so the ledger holds it under both (repeatable).")
@click.option("--contract-file", "contract_file_hash", type=PathType(dir_okay=False, exists=True, path_type=Path),
              callback=_sha256_of_file,
              help="The trade contract (a file of at most 1 GiB); its SHA-256 is recorded.  "
                   "[one of the two is required: this or --contract-hash]")
@click.option("--contract-hash", callback=_sha256_hex,
              help="SHA-256 hex of the trade contract.  [one of the two is required: this or --contract-file]")
@click.option("--currency", default="CNY", show_default=True, callback=claim_currency_code,
              help="ISO 4217 code of the claim's currency, one of two decimals (not JPY or KWD); --face and the "
                   "invoices are in it.")
@request_id_option("the receivable it registered")
@_registration_read_first
@acting("supplier")
def register_receivable(session, as_json, debtor, face_fen, issue_date, due_date, invoice_lines, contract_hash,
                        currency, request_id) -> None:
    """The holder registers a receivable backed by invoices; you become creditor and holder.

    With --request-id, sending it again after a timeout registers nothing twice: you get the first receivable.

    \b
    Example:
      recfin receivable register --as supplier/supplier1 --debtor 91310000MA1K000019 \\
        --face 113,000.00 --issue 2026-12-01 --due 2027-11-30 \\
        --invoice 26312000000012345678,2026-11-30,100000.00,13000.00 --contract-file contract.pdf
      recfin receivable register --as supplier/supplier1 --debtor 91310000MA1K000019 --currency USD \\
        --face "USD 11,300.00" --issue 2026-12-01 --due 2027-11-30 \\
        --invoice 26312000000012345678,2026-11-30,10000.00,1300.00 --contract-file contract.pdf
      recfin receivable register --as supplier/supplier1 --debtor 91310000MA1K000019 \\
        --face 113,000.00 --issue 2026-12-01 --due 2027-11-30 --request-id PO-2026-0042 \\
        --invoice 26312000000012345678,2026-11-30,100000.00,13000.00 --contract-file contract.pdf
      recfin receivable register --as supplier/supplier1 --debtor 91310000MA1K000019 \\
        --face 113,000.00 --issue 2026-12-01 --due 2027-11-30 --contract-file contract.pdf \\
        --invoice 26312000000012345678,2026-11-30,100000.00,13000.00,,131002400111,87654321
    """
    from client.receivables import InvoiceInput, ReceivableRegistration

    me = session.client.who_am_i().uscc
    parsed = [InvoiceInput(**line, seller_tax_id=me, buyer_tax_id=debtor, currency=currency) for line in invoice_lines]
    registration = ReceivableRegistration(debtor=debtor, face_amount=face_fen, currency=currency,
                                          issue_date=issue_date, due_date=due_date, invoices=parsed,
                                          contract_hash=contract_hash)
    # a due date past the network's maximum payment term is refused before anything is sent, in the contract's words
    # (not a retry of a registration that committed under --request-id: the contract answers it as it did then)
    session.client.check_payment_term(registration, today=business_today(), request_id=request_id)
    registered, sent_with = exactly_once_naming_its_id(
        request_id, lambda rid: session.client.register_receivable(registration, request_id=rid))
    show(registered, as_json, RECEIVABLE_COLUMNS, request_id=sent_with)


# the two sides of a thousands separator once the list's commas have split an amount: "1" | "000.00" of "1,000.00"
_BEFORE_A_SEPARATOR = re.compile(r"([A-Z]{3} +)?[0-9]{1,3}", re.ASCII)
_AFTER_A_SEPARATOR = re.compile(r"[0-9]{3}(\.[0-9]*)?", re.ASCII)


class InvoiceGiven(NamedTuple):
    """One ``--invoice`` as read, before the ledger is asked: its amounts' currency is checked against --currency
    by the command."""

    text: str
    number: str
    date: date
    amount: Amount
    tax: Amount
    code: str
    paper_code: str = ""
    paper_number: str = ""


def _invoice_given(text: str) -> InvoiceGiven:
    """One ``--invoice`` read (:func:`_invoice_parts`): its date and amounts as every date and amount option reads
    them; a usage error naming the invoice as written otherwise, or when a 20-digit number does not open with
    its date's year (the client's check before a registration, which the contract does not make)."""
    from chaincode.receivables.fingerprint import issue_year_problem

    number, day, amount, tax, code, paper_code, paper_number = _invoice_parts(text)
    try:
        given = InvoiceGiven(text, number, read_date(day), read_amount(amount), read_amount(tax), code, paper_code,
                             paper_number)
    except ValueError as exc:
        raise click.BadParameter(f"{quoted_cut_short(text)}: {exc}", param_hint="'--invoice'") from None
    if (why := issue_year_problem(number, given.date)) is not None:
        raise click.BadParameter(f"{quoted_cut_short(text)}: {why}", param_hint="'--invoice'")
    return given


def _invoice_parts(text: str) -> list[str]:
    """NUMBER, DATE, AMOUNT, TAX, CODE, PAPER_CODE and PAPER_NUMBER (``""`` when not given) of one ``--invoice``; a
    usage error (exit 2, before the ledger is asked) when the parts cannot be one invoice: not four, five or seven
    of them, a number that is not one (20 or 8 ASCII digits: ``１２３`` full-width is not), a fifth that is not the
    code the number takes (the contract's own rule: only an 8-digit number has
    one, of 10 or 12 digits), or a sixth and seventh that are not the paper form's 发票代码 and 8-digit 发票号码 of
    a 20-digit number with no code (数电纸质发票: the code left empty, ``N,DATE,AMOUNT,TAX,,PAPER_CODE,PAPER_NUMBER``).
    A thousands separator ("1,000.00") splits an amount in two at its comma, shifting the parts after it: the
    error then names the amount that looks so written, rather than the code the contract would blame."""
    from chaincode.receivables.fingerprint import identity_problem, paper_identity_problem

    parts = [p.strip() for p in text.split(",")]
    given = (parts + [""] * 7)[:7]   # the parts not given empty (and too few or too many refused below)
    number, _, _, _, code, paper_code, paper_number = given
    if len(parts) not in (4, 5, 7):
        problem = "write NUMBER,DATE,AMOUNT,TAX[,CODE], or NUMBER,DATE,AMOUNT,TAX,,PAPER_CODE,PAPER_NUMBER"
    else:   # every form checked alike, a number without a code too (else a wrong one is refused only once
        # connected); paper_identity_problem finds nothing where no paper identity is given
        problem = (identity_problem(code, number)
                   or paper_identity_problem(code, number, paper_code, paper_number))
    if problem is None:
        return given
    amounts = parts[2:]
    split = next((f"{before},{after}" for before, after in zip(amounts, amounts[1:])
                  if _BEFORE_A_SEPARATOR.fullmatch(before) and _AFTER_A_SEPARATOR.fullmatch(after)), None)
    if split is not None:
        problem = (f"{shown_value(split)} looks like an amount written with a thousands separator, whose comma splits "
                   f"the list: write it without one ({split.replace(',', '')})")
    raise click.BadParameter(f"{quoted_cut_short(text)}: {problem}", param_hint="'--invoice'")


@receivable.command("confirm")
@click.argument("receivable_id", callback=names_a_record)
@endorsing_org_option("the debtor's org and the holder's; when they are one org, the orgs the claim's key names "
                      "(it and the regulator's) and any the chaincode's endorsement policy asks besides, or, "
                      "where those cannot be read, it and every other org of the channel")
@prints_document("coreenterprise", RECEIVABLE_COLUMNS + ["confirmed_on"])
def confirm(session, receivable_id, endorsing_orgs):
    """The debtor confirms (确权) RECEIVABLE_ID.

    The confirmation is endorsed by the debtor's org, so that an audit (recfin receivable audit) finds it.

    \b
    Example:
      recfin receivable confirm R-0123456789abcdef --as coreenterprise/treasurer
      recfin receivable confirm R-0123456789abcdef --as coreenterprise \\
        --endorsing-org CoreEnterpriseMSP --endorsing-org SupplierMSP
    """
    return session.client.confirm(receivable_id, endorsing_organizations=endorsing_organizations(endorsing_orgs))


@receivable.command("reject")
@click.argument("receivable_id", callback=names_a_record)
@click.option("--reason", required=True, callback=said_on_the_record,
              help="Why the debtor rejects the claim (kept on it as rejection_reason).")
@prints_document("coreenterprise", RECEIVABLE_COLUMNS + ["rejection_reason"])
def reject(session, receivable_id, reason):
    """The debtor rejects RECEIVABLE_ID; its invoices are released.

    \b
    Example:
      recfin receivable reject R-0123456789abcdef --reason 'goods returned' --as coreenterprise
    """
    return session.client.reject(receivable_id, reason)


@receivable.command("withdraw")
@click.argument("receivable_id", callback=names_a_record)
@click.option("--reason", required=True, callback=said_on_the_record,
              help="Why the creditor withdraws the claim (kept on it as withdrawal_reason).")
@prints_document("supplier", RECEIVABLE_COLUMNS + ["withdrawn_on", "withdrawal_reason"])
def withdraw_receivable(session, receivable_id, reason):
    """The creditor withdraws RECEIVABLE_ID, which its debtor has not confirmed; its invoices are released.

    Any day while the claim is REGISTERED and not frozen, its due date passed or not: a claim its
    debtor never answered, or one registered with a mistake, frees its invoices for a corrected one.

    \b
    Example:
      recfin receivable withdraw R-0123456789abcdef --reason 'wrong face amount' --as supplier
    """
    return session.client.withdraw(receivable_id, reason)


def _paper_identity_of_the_right_form(invoice_number: str, paper_code: str, paper_number: str, **_: Any) -> None:
    """link-paper's invoice number, paper code and paper number held to the contract's rules for an invoice naming
    a paper identity before connecting (a usage error naming the option, exit 2): the SDK refused some only once
    connected, under the contract's field names, and sent a paper code of the wrong length to the peers."""
    from chaincode.receivables.fingerprint import number_problem
    from client.invoices.fingerprint import paper_identity_problem

    if (why := number_problem(invoice_number)) is not None:
        raise click.BadParameter(why, param_hint="'--invoice'")
    if len(invoice_number) != 20:   # the contract's words here would say to leave the paper fields out
        raise click.BadParameter(f"{invoice_number} is the 8-digit number of an invoice with a code, which has no "
                                 "paper form to link: give the 20-digit number (数电票号码) of the fully digitalised "
                                 "invoice printed on it", param_hint="'--invoice'")
    # a link is nothing without a paper identity: the contract refuses none, and its words for one field missing
    # would say to give "neither"
    for option, value, what in (("--paper-code", paper_code, "10- or 12-digit 发票代码"),
                                ("--paper-number", paper_number, "8-digit 发票号码")):
        if not value:
            raise click.BadParameter(f"empty (an unset variable?): give the paper form's {what}, exactly as printed",
                                     param_hint=f"'{option}'")
    if (found := paper_identity_problem("", invoice_number, paper_code, paper_number)) is None:
        return
    field, why = found
    option = "--paper-number" if field == "paper_number" else "--paper-code"
    raise click.BadParameter(why.removeprefix(f"{field}: "), param_hint=f"'{option}'")


@receivable.command("link-paper")
@click.argument("receivable_id", callback=names_a_record)
@click.option("--invoice", "invoice_number", required=True, metavar="NUMBER",
              help="The invoice's 20-digit number (数电票号码), as the claim lists it.")
@click.option("--paper-code", required=True, metavar="CODE",
              help="The 10- or 12-digit 发票代码 printed on the invoice's paper form.")
@click.option("--paper-number", required=True, metavar="NUMBER",
              help="The 8-digit 发票号码 printed beside the code on the paper form.")
@checked_before_connecting(_paper_identity_of_the_right_form)
@prints_document("supplier", RECEIVABLE_COLUMNS)
def link_paper(session, receivable_id, invoice_number, paper_code, paper_number):
    """Link the paper form's code and number to an invoice of RECEIVABLE_ID (数电纸质发票).

    A fully digitalised invoice printed on paper carries its 20-digit number and the paper
    form's code and 8-digit number. Linked, the invoice registry holds it under both, so no
    claim can be registered on it under the paper identity. The invoice is the lineage's
    root's (a part's id names its root), which is printed. Only the claim's creditor, the
    invoice's seller, links it, before or after the debtor confirms the claim, while the
    lineage is unsettled: the registry holds the identity under the seller's tax id, so a
    debtor's link could lock an invoice the seller issued to another buyer.

    \b
    Example:
      recfin receivable link-paper R-0123456789abcdef --invoice 26312000000000000001 \\
        --paper-code 144031900111 --paper-number 00012345 --as supplier/supplier1
    """
    return session.client.link_paper_identity(receivable_id, invoice_number, paper_code, paper_number)


@receivable.command("transfer")
@click.argument("receivable_id", callback=names_a_record)
@click.option("--to", "recipient", required=True, callback=_party_code(), metavar="USCC",
              help="Credit code of the supplier receiving it.")
@click.option("--amount", required=True, type=PART_OF_CLAIM,
              help=f"How much to pass on ({AMOUNT_HELP}; a currency code before it must be the claim's); "
                   "less than outstanding splits the claim.")
@request_id_option("the first transfer's result (the same <id>.1 and <id>.2 of a split)")
@acting("supplier")
def transfer(session, as_json, receivable_id, recipient, amount, request_id) -> None:
    """The holder transfers all or part (a split) of RECEIVABLE_ID.

    With --request-id, sending it again after a timeout moves nothing twice.
    The table shows the claim, then what moved, as `recfin request get` does: who holds
    the part transferred and the part kept of a split, and how much each is (--json:
    children_records).

    \b
    Example:
      recfin receivable transfer R-0123456789abcdef --to 91320500MA1K00003D --amount 30,000.00 \\
        --as supplier/supplier1
      recfin receivable transfer R-0123456789abcdef --to 91320500MA1K00003D --amount 30,000.00 \\
        --request-id order-7 --as supplier/supplier1 --json
    """
    fen = _in_claim_currency(session, receivable_id, amount)
    moved, sent_with = exactly_once_naming_its_id(
        request_id, lambda rid: session.client.transfer(receivable_id, recipient, fen, request_id=rid))
    show(moved, as_json, RECEIVABLE_COLUMNS + ["children"], request_id=sent_with)
    if not as_json:
        _echo_applied("TransferReceivable", moved.to_json())


@receivable.command("pay")
@click.argument("receivable_id", callback=names_a_record)
@click.option("--amount", required=True, type=PART_OF_CLAIM,
              help=f"The payment: {AMOUNT_HELP}; a currency code before it must be the claim's.")
@request_id_option("the first payment's result")
@acting("coreenterprise")
def pay(session, as_json, receivable_id, amount, request_id) -> None:
    """The debtor records a payment on RECEIVABLE_ID (pro rata over a split claim's leaves).

    With --request-id, sending it again after a timeout pays nothing twice.
    The tx line (payment_tx_id with --json) is the payment's transaction; on a
    split claim the claim's own last change (last.tx_id) is the split.

    \b
    Example:
      recfin receivable pay R-0123456789abcdef --amount 83,000.00 --as coreenterprise/treasurer
      recfin receivable pay R-0123456789abcdef --amount 83,000.00 --request-id PAY-2026-0517 --as coreenterprise
    """
    fen = _in_claim_currency(session, receivable_id, amount)
    result, sent_with = exactly_once_naming_its_id(
        request_id, lambda rid: session.client.record_payment(receivable_id, fen, request_id=rid))
    payment_tx = result.tx_id   # on a split claim read from the request record: None when that read failed
    if payment_tx is None and result.tx_id_unread_because:
        click.echo(f"cannot read the payment's transaction ({result.tx_id_unread_because}): "
                   f"`{request_get_command(sent_with)}` names it", err=True)
    if as_json:
        emit({**result.to_json(), "payment_tx_id": payment_tx, "request_id": sent_with}, as_json=True)
        return
    emit(with_money(result.to_json()), as_json=False, columns=RECEIVABLE_COLUMNS)
    click.echo(f"tx: {payment_tx or f'unknown: `{request_get_command(sent_with)}` names it'}")
    # the payment as `receivable get` says it, late or not, as --json's payments hold it (a claim not split: a
    # split claim's payment is recorded on its parts, in the rows below)
    if payment_tx is not None and (paid := next((p for p in result.payments if p.tx_id == payment_tx), None)):
        click.echo(f"payment: {_payment_line(paid, result.currency)}")
    emit([with_money(a.to_json(), result.currency) for a in result.allocations], as_json=False,
         columns=["receivable_id", "amount", "payee", "outstanding"])


@receivable.command("overdue")
@click.argument("receivable_id", callback=names_a_record)
@prints_document("supplier", RECEIVABLE_COLUMNS + ["overdue_since"])
def overdue(session, receivable_id):
    """The claim's debtor, holder or bank records that RECEIVABLE_ID is unpaid past its due date.

    Past due by the ledger's business date (China Standard Time, from the transaction's
    timestamp): on the due date itself it is refused (not-yet-due), and so is anyone not a
    party to the claim (not-a-party-to-claim). Only a CONFIRMED or FINANCED claim is marked; a
    split one is refused naming its parts, which are marked instead; a frozen one, until it is
    unfrozen. The claim becomes OVERDUE, in arrears since the day after its due date
    (overdue_since); the debtor can still pay it, recorded late.

    \b
    Example:
      recfin receivable overdue R-0123456789abcdef --as supplier/supplier1
    """
    return session.client.record_overdue(receivable_id)


@receivable.command("reseal")
@click.argument("receivable_id", callback=names_a_record)
@endorsing_org_option("the orgs the claim's key names now (GetReceivableEndorsers), which Fabric checks the "
                      "change against")
@prints_document("supplier", ["receivable_id", "orgs_before", "orgs_after", "member_form_resealed",
                               "entries_resealed"])
def reseal(session, receivable_id, endorsing_orgs):
    """Rewrite RECEIVABLE_ID's key-level policy to the orgs due now, as their peers.

    Use it for each claim `recfin chaincode upgrade-ledger` lists as a claim to reseal: its key
    names fewer orgs than due (KEY_ORGS), so until it is resealed those orgs alone can change it,
    a freeze's lifting included. A claim frozen before a freeze added the regulator's org, or one of
    one org's parties an earlier contract version guarded by that org alone. Use it too on a claim
    whose key is in the form earlier contract versions wrote (MSP role MEMBER, which a client
    certificate of its orgs meets, so their users could sign a change without any peer), before the
    upgrade's pages reach it: the key is rewritten to role PEER, the same orgs where it names every
    org due (member_form_resealed: yes). The entries the claim's reseal covers (its live loan's
    by-financier entry; its invoices' and goods receipts' registry entries, past registration only
    one in the earlier form, to the same orgs' peers) are rewritten to this version's form too, with
    the key or alone (entries_resealed: how many), except
    one naming an org the key does not, whose rewrite the key's orgs could not endorse. Nothing else
    of the claim changes. Its debtor, its holder, its bank while financed, or the regulator runs it;
    the orgs the key names now endorse it (Fabric checks a change of a policy against that policy).
    A key with no policy gets the orgs due too (orgs_before empty). A claim where nothing needs
    rewriting (its key names every org due already, not in the earlier form, and so do its entries)
    is refused (RULE nothing-to-reseal), nothing written; one whose key must get the orgs due and
    those are one org, RULE claim-needs-two-orgs; anyone else, RULE not-a-party-to-claim.

    \b
    Example:
      recfin receivable reseal R-0123456789abcdef --as regulator
      recfin receivable reseal R-0123456789abcdef --as supplier --json
    """
    return session.client.reseal_receivable(receivable_id,
                                             endorsing_organizations=endorsing_organizations(endorsing_orgs))


@receivable.command("get")
@click.argument("receivable_id", callback=names_a_record)
@acting("supplier")
def get_receivable(session, as_json, receivable_id) -> None:
    """One receivable, with its issue date and, once set, when it was confirmed and the
    reason and date it was rejected, withdrawn or found overdue. On a frozen claim, FROZEN
    is the order in effect, and a line under it gives "+N" and the orders queued behind it
    (轮候冻结), each binding the claim in turn.
    A line per goods receipt the claim lists follows; for a part of a delivery
    invoiced in parts, with the receipt's value the supplier gave, the claim's
    share, what the receipt's live parts invoiced at its registration (fixed
    then; not recorded on a claim the first contract version with parts
    registered) and the claim's face with tax: the debtor compares them with
    its own receipt before it confirms. A character other than printable ASCII or a
    Chinese character in a PO or receipt number, which a claim on a receipt
    registered before such numbers were refused can carry, and any character
    that does not print, prints escaped (\\u200b), and a backslash doubled
    (a typed \\\\u200b is not U+200B).
    A line per invoice the claim stands on follows (its number, code, date, amount
    and tax: what its debtor confirms against; for one delivered on paper, the
    paper form's code and number too; a part split off lists none, its root,
    named by root_id, does), then one per payment recorded on it: the day, the amount, the
    payee and whether holder or bank, late, an early payment's discount, and its
    transaction.

    \b
    Example:
      recfin receivable get R-0123456789abcdef --as regulator --json
    """
    claim = session.client.get_receivable(receivable_id)
    held = claim.to_json()
    columns = GET_COLUMNS + [c for c in LIFECYCLE_COLUMNS if held.get(c) is not None]
    if claim.root_id != claim.id:
        # a part lists no invoices: its root does, which parent_id names only for a part of the root itself
        columns.insert(columns.index("parent_id") + 1, "root_id")
    regulator_commands.show_freeze_orders(claim, as_json, columns)
    if not as_json:
        for gr in claim.goods_receipts:
            click.echo(f"goods_receipt: {_goods_receipt_line(gr, claim.currency, claim.face_amount)}")
        for invoice in claim.invoices:
            click.echo(f"invoice: {_invoice_line(invoice)}")
        for payment in claim.payments:
            click.echo(f"payment: {_payment_line(payment, claim.currency)}")


def _invoice_line(invoice) -> str:
    """An invoice of a claim as its debtor checks it against its own books before it confirms: number, code (an
    invoice with one), or the paper form's code and number of one delivered on paper (数电纸质发票), which books may
    hold it under (worded as `recfin invoice verify` names it), date, amount and tax in the invoice's currency."""
    code = paper_identity_text(invoice) or (f" (code {on_one_line(invoice.code)})" if invoice.code else "")
    return (f"{on_one_line(invoice.number)}{code} of {invoice.date}: {money(invoice.amount, invoice.currency)}, "
            f"tax {money(invoice.tax, invoice.currency)}")


def _payment_line(payment, currency: str) -> str:
    """A payment recorded on a claim: when, how much, to whom (its holder, or the bank financing it), whether
    late or an early payment at a discount, and the transaction that recorded it."""
    how = {"dynamic-discount": f", paid early less a discount of {money(payment.discount, currency)}",
           "repayment": ", recorded by the bank as repaid to it"}.get(payment.method, "")
    late = ", late" if payment.late else ""
    return (f"{payment.date}: {money(payment.amount, currency)} to {payment.payee} ({payment.payee_role}){how}"
            f"{late}, tx {payment.tx_id}")


def _goods_receipt_line(gr, currency: str, face_amount: int) -> str:
    """A goods receipt of a claim as its debtor checks it: the numbers, and for a part of a delivery invoiced in
    parts the receipt's value as the supplier gave it, the claim's share as the contract counted it, the running
    total of the receipt's parts with this one at its registration (amounts without tax), and the claim's face,
    with tax: what the part asks of the debtor against the receipt. A character a number may not hold (invisible,
    or a look-alike), which a claim on a receipt registered before that rule can carry, or one that does not print,
    is printed escaped (``\\u200b``), so that the number does not read as another receipt's."""
    from chaincode.receivables.model import buyer_number_as_shown

    numbers = f"PO {buyer_number_as_shown(gr.po_number)}, receipt {buyer_number_as_shown(gr.receipt_number)}"
    if gr.part is None:
        return f"{numbers} (whole)"
    p = gr.part
    share = (f"{numbers}, part: invoiced {money(p.invoiced, currency)} of {money(p.received, currency)} "
             "received")
    face = f"face {money(face_amount, currency)} with tax"
    if p.invoiced_before is None:
        # a part the contract of e813413 registered: it took the share as the supplier stated it and did not
        # record the running total
        return (f"{share} (without tax), as its registration stated them: an earlier contract version's "
                "claim, which neither counted the share from its invoices nor recorded what the receipt's "
                "parts invoiced before it; check the share against the invoices and add up the receipt's "
                f"other parts from your claims on it; {face}")
    return (f"{share}; {money(p.invoiced_before, currency)} invoiced before it at its registration, "
            f"{money(p.invoiced_before + p.invoiced, currency)} with it (without tax); {face}")


@receivable.command("history")
@click.argument("receivable_id", callback=names_a_record)
@acting("supplier")
def history(session, as_json, receivable_id) -> None:
    """Every change of RECEIVABLE_ID, oldest first: who, what, its status, holder and outstanding
    amount after it, the financing and bank it was under (a financing since cancelled or recoursed
    too), the order it was frozen under after it, and on an unfreeze the order that lifted a freeze
    (LIFTING_ORDER) and the freeze order it lifted (LIFTED: the one of the orders binding the claim
    before the change that no longer does; --json gives the contract's entries, where it is the one
    gone from freeze_order and queued_orders, each with the claim's currency, which they do not name).

    \b
    Example:
      recfin receivable history R-0123456789abcdef --as supplier/supplier1
    """
    entries = [h.to_json() for h in session.client.history(receivable_id)]
    # the entries' amounts are fen of the claim's currency, which they do not name: read from the claim
    currency = session.client.get_receivable(receivable_id).currency
    if as_json:
        emit([{**e, "currency": currency} for e in entries], as_json=True)
        return
    # the queued orders as text, "-" where none (an empty list would show as "[]")
    emit([{**with_money(e, currency), "queued_orders": ", ".join(e.get("queued_orders") or ()) or None,
           "lifted": lifted} for e, lifted in zip(entries, _lifted_orders(entries))],
         as_json=False, columns=HISTORY_COLUMNS)


def _lifted_orders(entries: list[dict]) -> list[str | None]:
    """For each entry of a claim's history, the freeze order its unfreeze lifted, or None. The contract's
    entries name the order that lifted a freeze (``lifting_order``) and the orders binding the claim after
    each write, in effect (``freeze_order``) and queued: next to the lifting order, the order in effect
    after it (the one that was queued, or none) would read as the order lifted. The order lifted is the
    one binding the claim before the unfreeze that no longer does; None where the entry before it was not
    read as a claim (nothing to compare with)."""
    def binding(entry: dict) -> list[str]:
        return [o for o in (entry.get("freeze_order"), *(entry.get("queued_orders") or ())) if o is not None]

    lifted: list[str | None] = []
    for before, entry in zip([None, *entries], entries):
        unfrozen = entry.get("lifting_order") is not None and before is not None and before.get("action")
        gone = [o for o in binding(before) if o not in binding(entry)] if unfrozen else []
        lifted.append(gone[0] if len(gone) == 1 else None)
    return lifted


@receivable.command("provenance")
@click.argument("receivable_id", callback=names_a_record)
@acting("supplier")
def provenance(session, as_json, receivable_id) -> None:
    """Ancestors and the tree of splits of RECEIVABLE_ID.

    The contract answers 64 levels of splits below RECEIVABLE_ID, and at most 500 parts, level by
    level; a lineage split deeper (before splits were limited) or into more parts is cut there, and
    a line under each node cut names the command that shows the parts below it. A part you may not
    read (`receivable get` would be refused: one passed on to another holder, say) shows its id,
    marked redacted, with the parts split from it below. A part the peer cannot read is marked so
    too, with nothing below it, and a warning line after the tree names it (--json: unreadable,
    newer_version); so is an ancestor, in its place, and where its parent cannot be told (its
    record unread does not say it) a line says the ancestors end there. --json gives the contract's answer and
    the claim's currency, which its
    amounts are in.

    \b
    Example:
      recfin receivable provenance R-0123456789abcdef --as regulator
    """
    p = session.client.provenance(receivable_id)
    currency = session.client.get_receivable(receivable_id).currency   # a claim's splits and ancestors share it
    if as_json:
        emit({**p.to_json(), "currency": currency}, as_json=True)
        return
    for a in reversed(p.ancestors):
        if a.parent_unknown:   # printed above it, as its parent would be
            click.echo("^ ...  (the ancestors above cannot be told: the record below, unread, does not name its "
                       "parent)")
        if a.redacted:   # an ancestor the peer cannot read: the contract names only where it lies
            click.echo(f"^ {a.id}  (redacted: the peer cannot read it, see the warning below)")
        else:
            click.echo(f"^ {a.id}  {a.status}  {a.holder}  {money(a.face_amount, currency)}")

    # a part the peer cannot read is redacted too, its key named (composite: its id the last attribute)
    unread = {key.split("\x00")[-2] for key in (*p.unreadable, *p.newer_version)}

    def walk(node, depth):
        if node.id in unread:
            click.echo(f"{'  ' * depth}- {node.id}  (redacted: the peer cannot read it, see the warning below)")
        elif node.redacted:   # a part the caller may not read: the contract names only where it lies
            click.echo(f"{'  ' * depth}- {node.id}  (redacted: you may not read it)")
        else:
            click.echo(f"{'  ' * depth}- {node.id}  {node.status}  {node.holder}  "
                       f"outstanding {money(node.outstanding, currency)}")
        for child in node.children:
            walk(child, depth + 1)
        if node.children_omitted and node.redacted:   # asking from there would be refused the same way
            click.echo(f"{'  ' * (depth + 1)}  (deeper splits not shown, and not yours to read)")
        elif node.children_omitted:   # a lineage split deeper or wider than the contract answers in one tree
            click.echo(f"{'  ' * (depth + 1)}  (deeper splits not shown: recfin receivable provenance {node.id})")
    walk(p.tree, 0)
    regulator_commands.note_passed_over(p.unreadable, p.newer_version, "shown redacted in the tree above")


def _invoice_fingerprint(ctx: click.Context, param: click.Parameter, fingerprint: str) -> str:
    """FINGERPRINT of `receivable find-invoice`: 64 hex digits, in the ledger's lower case (other tools print it in
    upper case, which `invoice attestations` takes too). What is none (an invoice file's path, one cut short) is a
    usage error naming it before anything connects, where the contract refused it (fingerprint-invalid) once
    connected, and a network that was down was to be started first."""
    from chaincode.receivables.fingerprint import is_fingerprint

    names_something(ctx, param, fingerprint)
    if not is_fingerprint(fingerprint.lower()):
        raise click.BadParameter(f"{shown_value(fingerprint)} is not an invoice fingerprint: give its 64 hex digits "
                                 "(`recfin invoice verify FILE --json` prints an invoice file's)")
    return fingerprint.lower()


@receivable.command("find-invoice")
@click.argument("fingerprint", callback=_invoice_fingerprint)
@acting("supplier")
def find_invoice(session, as_json, fingerprint) -> None:
    """Whether the invoice with FINGERPRINT already backs a receivable (anti double-financing registry).

    FINGERPRINT is the invoice's 64 hex digits, as `recfin invoice verify FILE --json` prints them.

    \b
    Example:
      recfin receivable find-invoice ad32af03024955001a6872522ab12abbefe88c674e268bb2ba75048fa8ecf5ba \\
        --as bank/officer1 --json
    """
    emit(session.client.find_invoice(fingerprint).to_json(), as_json=as_json)


# an empty --holder, --debtor or --party (an unset shell variable) is refused, not read as left out, which means
# the caller's own: its holdings, its requests
_credit_code_given = _party_code("to mean your own")


def _one_listing(holder: str | None, debtor: str | None, status: str | None, financier: str | None,
                 **_: Any) -> None:
    """`receivable list` lists by one of --holder, --debtor, --status, or by --financier (which --debtor
    narrows)."""
    if financier is not None:
        if holder is not None or status is not None:
            raise click.UsageError("--financier lists a bank's claims and takes --debtor only (to narrow "
                                   "them to one debtor), not --holder or --status: give one of them")
    elif sum(v is not None for v in (holder, debtor, status)) > 1:
        raise click.UsageError("give at most one of --holder, --debtor, --status (or --financier, which "
                               "--debtor narrows to one debtor)")


@receivable.command("list")
@click.option("--holder", metavar="USCC", callback=_credit_code_given, help="Credit code of the holder.")
@click.option("--debtor", metavar="USCC",
              callback=_party_code("to mean your own (with --financier, every debtor's)"),
              help="Credit code of the debtor (with --financier: that debtor's claims of the bank only).")
@click.option("--status", type=regulator_commands.STATUS, metavar="STATUS",
              help=f"A status, one of {', '.join(STATUSES)}, in any case (the regulator; also `recfin regulator "
                   "list`).")
@click.option("--financier", metavar="USCC", callback=_party_code("to list by holder, debtor or status"),
              help="Credit code of a bank: the claims it finances (the bank itself or the regulator).")
@with_page_options
@checked_before_connecting(_one_listing)
@acting("supplier")
def list_receivables(session, as_json, holder, debtor, status, financier, page_size, bookmark, all_pages) -> None:
    """A page of receivables by holder, debtor, status or financier (default: the caller's holdings).

    Only the regulator lists any party's claims, and by status; a party lists its own: a supplier the
    claims it holds, a debtor those it owes (--debtor), a bank those it finances (--financier). Listing
    its own holdings by default, a regulator, a debtor or a bank is told so after the table (on stderr
    with --json), with the listing that is its to make.

    The FROZEN column shows the reference of the order that freezes a claim and "+N" for the orders
    queued behind it ("-": not frozen); --json gives the whole orders as "frozen" and "queued_freezes".

    \b
    Example:
      recfin receivable list --as supplier/supplier1 --all
      recfin receivable list --debtor 91310000MA1K000019 --as coreenterprise --json
      recfin receivable list --financier 91110000MA1K00006B --debtor 91310000MA1K000019 --as bank/officer1 --all
    """
    if financier is not None:
        emit_listing(session, as_json, "financier", financier, page_size, bookmark, all_pages, LIST_COLUMNS,
                     debtor=debtor)
        return
    given = [(k, v) for k, v in (("holder", holder), ("debtor", debtor), ("status", status)) if v is not None]
    if given:
        emit_listing(session, as_json, *given[0], page_size, bookmark, all_pages, LIST_COLUMNS)
        return
    caller = session.client.who_am_i()
    emit_listing(session, as_json, "holder", caller.uscc, page_size, bookmark, all_pages, LIST_COLUMNS)
    if (other_listings := _listings_beyond_holdings(caller)) is not None:
        click.echo(other_listings, err=as_json)


def _listings_beyond_holdings(caller) -> str | None:
    """The line after a default listing (the caller's own holdings) of a party whose role holds no claims of
    its own, saying what it listed and what it may list instead; None for a supplier, whose holdings they are.
    Without it the regulator, a debtor or a bank got an empty table that read as "there are no claims"."""
    own = f"listed: the claims {caller.uscc} holds itself"
    if caller.role == "regulator":
        return (f"{own}, and a regulator holds none: it reads every claim, so name the claims to list with --status "
                "STATUS (`recfin regulator list STATUS`), --holder USCC, --debtor USCC or --financier USCC")
    if caller.role == "core_enterprise":
        return (f"{own}; the claims it owes: --debtor {caller.uscc}. A debtor lists no other party's holdings "
                "(a claim on it is read by id: `recfin receivable get ID`)")
    if caller.role == "financier":
        return (f"{own}; the claims it finances: --financier {caller.uscc}, narrowed to one debtor with --debtor "
                "USCC. A bank lists no other party's holdings")
    return None


# ------------------------------------------------------------------ financing

def _not_surely_past(_ctx: click.Context, _param: click.Parameter, expires_on: date | None) -> date | None:
    """An offer's --expires (``finance offer``, ``discount publish``), refused as a usage error before anything
    connects when it is surely past: the contract refuses an offer expiring before the transaction's business date
    (``offer-expired``), which came back once connected, or with the network down not at all. Only a day before
    yesterday or earlier is refused here: yesterday is left to the contract, which judges it by the transaction's
    own timestamp, so nothing it would take is refused for this machine's clock running ahead of the peers'."""
    today = business_today()
    if expires_on is not None and expires_on < today - _TODAY_MARGIN:
        raise click.BadParameter(f"the offer would expire on {expires_on}, before today {today} {_BUSINESS_DATE}: "
                                 "no holder could accept it; give today or a later day, the last day it may be "
                                 "accepted; nothing was sent")
    return expires_on


OFFER_ENDORSERS = ("the claim holder's org and the bank's; where they are one org, it and a regulator org, read from "
                   "the chaincode definition by that org's peer")
"""What ``--endorsing-org`` of an offer (``finance offer``, ``finance quote``) means when left out."""


@click.group()
@ledger_exit_codes(" `quote` says its own in its --help.")
def finance() -> None:
    """Financing of a confirmed receivable (保理): request, offers (made, listed and withdrawn), acceptance,
    disbursement, repayment, cancellation, recourse; a bank's priced quote and every offer compared.

    \b
    Example:
      recfin finance request R-0123456789abcdef.2 --as supplier/supplier1
      recfin finance compare R-0123456789abcdef.2 --as supplier/supplier1 --by cash
    """


@finance.command("request")
@click.argument("receivable_id", callback=names_a_record)
@prints_document("supplier", FINANCING_COLUMNS + ["requested_on"])
def request_financing(session, receivable_id):
    """The holder asks banks to finance RECEIVABLE_ID.

    \b
    Example:
      recfin finance request R-0123456789abcdef.2 --as supplier/supplier1
    """
    return session.client.request_financing(receivable_id)


@finance.command("withdraw")
@click.argument("financing_id", callback=names_a_record)
@prints_document("supplier", FINANCING_COLUMNS)
def withdraw(session, financing_id):
    """The holder withdraws a request it has not accepted an offer on.

    \b
    Example:
      recfin finance withdraw F-0123456789abcdef --as supplier/supplier1
    """
    return session.client.withdraw_financing(financing_id)


@finance.command("offer")
@click.argument("financing_id", callback=names_a_record)
@click.option("--advance-rate", required=True, type=ADVANCE_RATE,
              help="Share of the claim's outstanding amount (what the debtor still owes) advanced, a decimal "
                   "fraction above 0 and at most 1 (0.9).")
@click.option("--discount-rate", required=True, type=RATE, help="Annual discount rate, a decimal fraction (0.036).")
@click.option("--fees", default="0", show_default=True, type=AMOUNT,
              help=f"Fees, in the claim's currency: {AMOUNT_HELP}.")
@click.option("--recourse/--no-recourse", default=False, show_default=True,
              help="With recourse the holder repays the bank if the debtor does not pay; without, the bank bears it.")
@click.option("--day-count", type=ChoiceCutShort(["ACT/360", "ACT/365"]), default="ACT/360", show_default=True,
              help="Interest on the actual days to the due date over a year of 360 or of 365 days.")
@click.option("--expires", "expires_on", type=DATE, required=True, callback=_not_surely_past,
              help="The last day the holder can accept the offer, that day included, in China Standard Time "
                   "(the ledger's business date); not before today there.")
@endorsing_org_option(OFFER_ENDORSERS)
@prints_document("bank", ["id", "financing_id", "receivable_id", "financier", "status", "made_on", "expires_on",
                          "terms_hash"])
def offer(session, financing_id, advance_rate, discount_rate, fees, recourse, day_count, expires_on, endorsing_orgs):
    """A bank offers terms on FINANCING_ID (sent as private transient data; the ledger keeps their hash).

    Where the bank is a party of the claim holder's own org, the terms' collection needs that org and a
    regulator org: the regulator org is read from the channel's chaincode definition, asked of that org's
    own peer. Where it cannot be read, the offer is refused, nothing sent: name both with --endorsing-org.

    \b
    Example:
      recfin finance offer F-0123456789abcdef --advance-rate 0.9 --discount-rate 0.036 --fees 200.00 \\
        --expires 2027-06-30 --as bank/officer1
      recfin finance offer F-0123456789abcdef --advance-rate 0.9 --discount-rate 0.036 \\
        --expires 2027-06-30 --as supplier/supplier3 --endorsing-org SupplierMSP --endorsing-org RegulatorMSP
    """
    from client.receivables import FinancingTerms, unless_refused_the_read

    fees_fen = fees.fen
    if fees.currency is not None:
        # a bank refused the read is refused the offer: the contract says why
        financing = unless_refused_the_read(lambda: session.client.get_financing(financing_id))
        fees_fen = fees_fen if financing is None else _in_claim_currency(session, financing.receivable_id, fees,
                                                                         "--fees")
    terms = FinancingTerms(advance_rate=advance_rate, discount_rate=discount_rate, fees=fees_fen,
                           recourse=recourse, day_count=day_count, expires_on=expires_on)
    # the expiry is private on the ledger: the bank is shown its own terms'
    made = session.client.make_offer(financing_id, terms,
                                     endorsing_organizations=endorsing_organizations(endorsing_orgs))
    return made.model_copy(update={"expires_on": terms.expires_on})


@finance.command("withdraw-offer")
@click.argument("offer_id", callback=names_a_record)
@click.option("--reason", required=True, callback=said_on_the_record,
              help="Why the bank takes the offer back. Public: on the offer's record, which every bank reads while "
                   "the request is open, and in its event; never name the bank's limit or exposure.")
@prints_document("bank", ["id", "financing_id", "receivable_id", "financier", "status", "withdrawn_on",
                          "withdrawal_reason"])
def withdraw_offer(session, offer_id, reason):
    """The bank that made OFFER_ID takes it back while it is open: no holder can accept it afterwards.

    It leaves the bank's open offers on the debtor (what a quote counts against the limit), and the bank
    may offer on the same request again; a freeze of the claim does not stop it. An accepted offer is
    ended with `recfin finance cancel` before disbursement instead.

    \b
    Example:
      recfin finance withdraw-offer O-0123456789abcdef --reason 'terms revised' --as bank/officer1
      recfin finance withdraw-offer O-0123456789abcdef --reason 'terms revised' --as bank/officer1 --json
    """
    return session.client.withdraw_offer(offer_id, reason)


@finance.command("offers")
@click.option("--financier", callback=_party_code("to list your own bank's"), metavar="USCC",
              help="Credit code of the bank whose open offers to list (the regulator names any bank) "
                   "[default: your own].")
@click.option("--debtor", callback=_party_code("to list every debtor's"), metavar="USCC",
              help="Credit code of a debtor: the offers on its claims only.")
@with_page_options
@acting("bank")
def open_offers(session, as_json, financier, debtor, page_size, bookmark, all_pages) -> None:
    """A bank's offers still open (made, not yet accepted, lapsed or withdrawn), by debtor then offer id: the
    ones `recfin finance withdraw-offer` can take back.

    Each is the offer's public record and its claim's debtor. An expired offer stays listed until something
    ends it: its expiry is one of the private terms, which this list does not read (`recfin finance terms
    OFFER_ID` shows them); `recfin finance quote` counts only the offers a holder could still accept today.

    \b
    Example:
      recfin finance offers --as bank/officer1 --all
      recfin finance offers --debtor 91310000MA1K000019 --as bank/officer1 --json
      recfin finance offers --financier 91110000MA1K00006B --as regulator --all
    """
    client = session.client
    if financier is None:
        caller = client.who_am_i()
        if caller.role == "regulator":   # it has no offers of its own: said here, not by the contract's refusal
            raise click.UsageError("--financier: name the bank whose open offers to list (the regulator may name "
                                   "any bank)")
    bank = financier if financier is not None else caller.uscc
    emit_pages(functools.partial(client.list_offers_by_financier, bank, debtor=debtor), as_json, page_size,
               bookmark, all_pages, OPEN_OFFER_COLUMNS)


@finance.command("accept")
@click.argument("offer_id", callback=names_a_record)
@prints_document("supplier", FINANCING_COLUMNS)
def accept(session, offer_id):
    """The holder accepts OFFER_ID; the receivable becomes FINANCED.

    \b
    Example:
      recfin finance accept O-0123456789abcdef --as supplier/supplier1
    """
    return session.client.accept_offer(offer_id)


@finance.command("disburse")
@click.argument("financing_id", callback=names_a_record)
@endorsing_org_option("the debtor's, the holder's and the bank's orgs; where the holder and the bank are one org, "
                      "the debtor's org, it and a regulator org read from the chaincode definition")
@prints_document("bank", FINANCING_COLUMNS + ["disbursed_on"])
def disburse(session, financing_id, endorsing_orgs):
    """The bank records the advance (the accepted terms are read back from private data) and notifies the debtor.

    Where the bank is a party of the holder's own org (and the debtor of another), the debtor's org, that
    org and a regulator org endorse, the regulator org read as for `finance offer`; where it cannot be read
    it is refused, nothing sent: name them with --endorsing-org.

    \b
    Example:
      recfin finance disburse F-0123456789abcdef --as bank/officer1
      recfin finance disburse F-0123456789abcdef --as supplier/supplier3 --endorsing-org CoreEnterpriseMSP \\
        --endorsing-org SupplierMSP --endorsing-org RegulatorMSP
    """
    return session.client.record_disbursement(financing_id,
                                              endorsing_organizations=endorsing_organizations(endorsing_orgs))


@finance.command("acknowledge")
@click.argument("notice_id", callback=names_a_record)
@prints_document("coreenterprise", ["id", "receivable_id", "financier", "status", "acknowledged_on", "text"])
def acknowledge(session, notice_id):
    """The debtor acknowledges the assignment notice (债权转让通知) NOTICE_ID.

    \b
    Example:
      recfin finance acknowledge N-0123456789abcdef --as coreenterprise/treasurer
    """
    return session.client.acknowledge_assignment(notice_id)


@finance.command("repay")
@click.argument("financing_id", callback=names_a_record)
@prints_document("bank", FINANCING_COLUMNS + ["repaid_on"])
def repay(session, financing_id):
    """The bank records repayment; the financing closes.

    It takes no amount: whatever the claim still owes is recorded as the debtor's
    payment to the bank today, the claim is SETTLED and the bank's recourse ends,
    for good. Paid only part, record nothing yet: the debtor records what it paid
    (`recfin receivable pay`).

    \b
    Example:
      recfin finance repay F-0123456789abcdef --as bank/officer1
    """
    return session.client.record_repayment(financing_id)


@finance.command("cancel")
@click.argument("financing_id", callback=names_a_record)
@click.option("--reason", required=True, callback=said_on_the_record,
              help="Why the financing ends. Public: on the financing record, in the transaction's "
                   "arguments and in its FinancingCancelled event, which every org of the channel reads, "
                   "other banks included; never name the bank's limit or exposure.")
@prints_document("supplier", FINANCING_COLUMNS + ["cancelled_on", "cancellation_reason"])
def cancel(session, financing_id, reason):
    """The holder, or the bank whose offer was accepted, ends a financing the bank has not disbursed.

    The bank leaves the receivable: a FINANCED claim is CONFIRMED again (it can be paid, and before
    its due date financed anew or transferred); an OVERDUE claim stays OVERDUE (only payment is left
    for it). A disbursed financing is ended by repayment instead.

    \b
    Example:
      recfin finance cancel F-0123456789abcdef --reason 'not disbursed by the due date' --as supplier/supplier1
      recfin finance cancel F-0123456789abcdef --reason 'credit line withdrawn' --as bank/officer1 --json
    """
    return session.client.cancel_financing(financing_id, reason)


@finance.command("demand-recourse")
@click.argument("financing_id", callback=names_a_record)
@click.option("--reason", required=True, callback=said_on_the_record,
              help="Why the bank calls on the holder (public, kept on the financing record).")
@acting("bank")
def demand_recourse(session, as_json, financing_id, reason) -> None:
    """The bank, unpaid by the debtor past the due date, calls on the holder to take the receivable back.

    Only on terms with recourse: the demand (回购通知) goes on the financing record, where the holder
    and the regulator read it. A demand on a later day (a new deadline, after a partial payment) is
    added to the earlier ones, each kept with what the debtor still owed then (`recfin finance get`
    lists them); a second one the same day is refused. Nothing else changes: the financing stays
    DISBURSED, the debtor may still pay the bank, and once the holder has paid the bank back,
    `recfin finance recourse` records it. The accepted terms are read back from the bank's peer.

    \b
    Example:
      recfin finance demand-recourse F-0123456789abcdef --reason 'unpaid at maturity; repurchase within 10 days' \
--as bank/officer1
      recfin finance demand-recourse F-0123456789abcdef --reason 'unpaid at maturity' --as bank/officer1 --json
    """
    f = session.client.demand_recourse(financing_id, reason)
    if as_json:
        emit(f.to_json(), as_json=True)
        return
    emit(with_money(f.to_json()), as_json=False, columns=FINANCING_COLUMNS)
    _echo_recourse_demands(f)
    click.echo(f"tx: {f.last.tx_id}")


@finance.command("recourse")
@click.argument("financing_id", callback=names_a_record)
@click.option("--reason", required=True, callback=said_on_the_record,
              help="Why the bank takes recourse. Public: on the financing record, in the transaction's "
                   "arguments and in its RecourseExercised event, which every org of the channel "
                   "reads; never name the accepted terms or what the holder paid back.")
@prints_document("bank", FINANCING_COLUMNS + ["recourse_on", "recourse_reason"])
def recourse(session, financing_id, reason):
    """The bank, unpaid by the debtor past the due date, gives the receivable back to its holder.

    Only on terms with recourse, and only once the holder has paid the bank back as their agreement says
    (it cannot be undone; `finance demand-recourse` may come first): the financing ends RECOURSED, the
    receivable is the holder's again (OVERDUE), the assignment notice is RELEASED and the debtor pays the
    holder from then on. The accepted terms are read back from the bank's peer; on terms without
    recourse the bank bears the default and the contract refuses.

    \b
    Example:
      recfin finance recourse F-0123456789abcdef --reason 'unpaid at maturity; holder repaid the advance' \
--as bank/officer1
      recfin finance recourse F-0123456789abcdef --reason 'unpaid at maturity' --as bank/officer1 --json
    """
    return session.client.exercise_recourse(financing_id, reason)


@finance.command("get")
@click.argument("financing_id", callback=names_a_record)
@acting("supplier")
def get_financing(session, as_json, financing_id) -> None:
    """A financing and its offers. An offer the peer cannot read (written by a newer contract version, or by
    none) is in no row: a warning line names it, and --json lists its key in newer_version or unreadable. An
    offer whose private terms could not be read (a peer error) is shown without its expiry, and the command
    exits 1 after showing the rest, naming it and why; one whose terms this peer does not hold yet is shown
    without it too, and a note under the offers says so (on stderr with --json). --json says of each offer
    whether its terms were read (terms_on_this_peer true), are not on this peer yet (false) or were not read
    (null).

    \b
    Example:
      recfin finance get F-0123456789abcdef --as supplier/supplier1 --json
    """
    f = session.client.get_financing(financing_id)
    unread_terms: list[tuple[str, BaseException]] = []
    not_on_this_peer: list[str] = []
    offers = [_with_expiry(session, o, unread_terms, not_on_this_peer) for o in f.offers]
    if as_json:
        emit({**f.to_json(), "offers": offers}, as_json=True)
        for note in not_on_this_peer:   # beside the JSON, which says it as terms_on_this_peer false
            click.echo(note, err=True)
        _fail_on_terms_unread(unread_terms)
        return
    # how a financing that ended other than by repayment ended, and why, where it did
    ended = [field for field in ("cancelled_on", "cancellation_reason", "recourse_on", "recourse_reason")
             if getattr(f, field) is not None]
    # every date --json holds: when the holder asked, and when the bank paid and was repaid
    emit(with_money(f.to_json()), as_json=False,
         columns=FINANCING_COLUMNS + ["requested_on", "disbursed_on", "repaid_on"] + ended)
    _echo_recourse_demands(f)
    click.echo(f"tx: {f.last.tx_id}")
    if offers:
        # when and why a bank took its offer back, where one did
        withdrawn = ["withdrawn_on", "withdrawal_reason"] if any(o["status"] == "WITHDRAWN" for o in offers) else []
        emit(offers, as_json=False, columns=["id", "financier", "status", "made_on", "expires_on"] + withdrawn)
    # under the table, whose expiry cell it explains: a reader of stdout alone would take it for none
    for note in not_on_this_peer:
        click.echo(note)
    # an offer the peer cannot read is in no row above: said, so that a holder choosing among them knows
    regulator_commands.note_passed_over(f.unreadable, f.newer_version, "in no offer above")
    _fail_on_terms_unread(unread_terms)


def _fail_on_terms_unread(unread_terms: list[tuple[str, BaseException]]) -> None:
    """Exit 1 after the financing was shown, where the private terms of an offer could not be read (a peer or
    network error, not a refusal): its expiry is missing from its row, and a holder choosing among the offers must
    not take the missing date for an offer without one. Each offer named with why, and how to read its terms."""
    if not unread_terms:
        return
    why = "; ".join(f"offer {offer_id}: {connection.describe(error)}" for offer_id, error in unread_terms)
    retry = " and ".join(f"`recfin finance terms {offer_id}`" for offer_id, _ in unread_terms)
    raise click.ClickException(f"the financing is shown, but the private terms of {len(unread_terms)} of its offers "
                               f"could not be read, so their expiry is not shown ({why}): read them with {retry} "
                               "once the peer answers")


def _echo_recourse_demands(f) -> None:
    """Each of the bank's demands of recourse on ``f``, one line each, oldest first (the last is the latest),
    whether or not the financing has ended since. The reason is escaped as a table's cell is (:func:`on_one_line`):
    a demand recorded before the contract held reasons to one line may hold a line break, which would print a line
    of its own (even an ``Error:``), or a right-to-left override, which would show the rest reversed."""
    for demand in f.recourse_demands:
        click.echo(f"recourse_demand: {demand.on}, {money(demand.outstanding, demand.currency)} outstanding: "
                   f"{on_one_line(demand.reason)}")


def _with_expiry(session, o, unread_terms: list[tuple[str, BaseException]], not_on_this_peer: list[str]) -> dict:
    """The offer's public record, with the expiry of its private terms where the caller may read them (the
    holder, the offering bank, the regulator); for anyone else none is shown. Terms this peer does not hold yet
    (it missed them and has not reconciled) leave it out too, a note saying so added to ``not_on_this_peer``:
    the financing was read. Terms that could not be read for another reason (a peer error) leave it out, and
    (offer id, error) is added to ``unread_terms``: the command fails once it has shown the rest.

    ``terms_on_this_peer`` says which it was, for a script that finds no expiry: true (read), false (this peer
    does not hold them yet: ask again, or a peer of another member org), null (not read: refused to the caller,
    the read failed, or an earlier contract's offer whose expiry is public)."""
    from client.gateway import GatewayError
    from client.receivables import ReceivablesError, RuleViolation, unless_refused_the_read

    row = {**o.to_json(), "terms_on_this_peer": None}
    if o.expires_on is not None:
        return row
    try:
        terms = unless_refused_the_read(lambda: session.client.get_offer_terms(o.id))
    except (ReceivablesError, GatewayError) as error:
        if isinstance(error, RuleViolation) and error.rule == "not-found":
            not_on_this_peer.append(f"note: offer {o.id}'s expiry is in its private terms, which this peer does not "
                                    f"hold yet ({error.detail}); `recfin finance terms {o.id}` reads them once it does")
            row["terms_on_this_peer"] = False
        else:
            unread_terms.append((o.id, error))
        return row
    if terms is not None:
        row["expires_on"] = terms.expires_on.isoformat()
        row["terms_on_this_peer"] = True
    return row


@finance.command("terms")
@click.argument("offer_id", callback=names_a_record)
@acting("bank")
def terms(session, as_json, offer_id) -> None:
    """An offer's private terms (the holder, the bank, the regulator).

    The fees are in the claim's currency (`recfin finance get` names the claim, `recfin receivable get`
    its currency): the terms do not say which claim they are for. --json gives them in fen.

    \b
    Example:
      recfin finance terms O-0123456789abcdef --as regulator
    """
    _emit_private_amounts(session.client.get_offer_terms(offer_id).to_json(), ("fees",), as_json)


def _emit_private_amounts(document: dict, amounts: tuple[str, ...], as_json: bool) -> None:
    """Print a private record whose ``amounts`` (fen) name no currency: --json as it is, in fen; else each
    of them in yuan, said to be in the claim's currency, which the record does not name."""
    if as_json:
        emit(document, as_json=True)
        return
    emit({**document, **{field: f"{yuan(document[field])} (in the claim's currency)" for field in amounts}},
         as_json=False)


@finance.command("disbursement")
@click.argument("financing_id", callback=names_a_record)
@acting("bank")
def disbursement(session, as_json, financing_id) -> None:
    """A disbursed financing's private record of the advance (the holder, the bank, the regulator).

    The outstanding amount advanced against, the principal, interest, fees and net amount (what the holder
    received), the days and day count, the dates. Amounts are in the claim's currency (`recfin finance get`
    names the claim, `recfin receivable get` its currency): the record does not say which. --json gives them
    in fen. A financing not disbursed yet is refused (invalid-state).

    \b
    Example:
      recfin finance disbursement F-0123456789abcdef --as regulator
    """
    _emit_private_amounts(session.client.get_disbursement(financing_id).to_json(),
                          ("outstanding", "principal", "interest", "fees", "net_amount"), as_json)


@finance.command("notice")
@click.argument("notice_id", callback=names_a_record)
@prints_document("coreenterprise", ["id", "receivable_id", "debtor", "financier", "status", "issued_on",
                                    "acknowledged_on", "released_on", "text"])
def notice(session, notice_id):
    """An assignment notice.

    \b
    Example:
      recfin finance notice N-0123456789abcdef --as coreenterprise
    """
    return session.client.get_assignment_notice(notice_id)


# ------------------------------------------------------------------ dynamic discounting

@click.group()
@ledger_exit_codes(" `accept` declined at its prompt exits 0, nothing sent.")
def discount() -> None:
    """Dynamic discounting (动态折扣): the debtor offers early payment, the holder takes it.

    \b
    Example:
      recfin discount publish --apr 0.05 --expires 2027-06-30 --receivable R-0123456789abcdef.1 \\
        --as coreenterprise/treasurer
      recfin discount accept D-0123456789abcdef R-0123456789abcdef.1 --as supplier/supplier2
    """


def _one_rate_form(command: Callable[..., T]) -> Callable[..., T]:
    """``discount publish`` takes its rate as --apr or as --tier, one of them, and each tier at its own DAYS:
    checked before connecting, the tiers with the contract's own rule (it refuses both, neither and two tiers at
    the same days, discount-terms-invalid)."""
    @functools.wraps(command)
    def checked(*args: Any, apr: Any, tiers: tuple, **kwargs: Any) -> T:
        from chaincode.receivables.errors import RuleViolation as ContractRule
        from chaincode.receivables.model import ScaleTier
        from chaincode.receivables.settlement import check_discount_terms

        if apr is not None and tiers:
            raise click.UsageError("give --apr RATE (a flat rate) or --tier DAYS:APR (a sliding scale), not both")
        if apr is None and not tiers:
            raise click.UsageError("give the offer's rate: --apr RATE (a flat rate, e.g. --apr 0.05) or --tier "
                                   "DAYS:APR (a sliding scale, e.g. --tier 30:0.04 --tier 60:0.05)")
        if tiers:
            try:
                check_discount_terms(None, [ScaleTier.model_validate(t) for t in tiers])
            except ContractRule as refusal:
                days = [t["min_days_early"] for t in tiers]
                clash = " and ".join(f"{t['min_days_early']}:{t['apr']}" for t in tiers
                                     if days.count(t["min_days_early"]) > 1)
                raise click.BadParameter(f"{clash} start at the same DAYS, so only one of them could apply: give "
                                         f"each tier its own DAYS (the contract refuses it, {refusal.code})",
                                         param_hint="'--tier'") from None
        return command(*args, apr=apr, tiers=tiers, **kwargs)
    return checked


@discount.command("publish")
@click.option("--apr", type=APR, help="A flat annual rate, a decimal fraction from 0 to 1 (0.05 for 5% a year).")
@click.option("--tier", "tiers", multiple=True, type=TierType(),
              help=f"A sliding-scale tier: paid at least DAYS days early ({TIER_MIN_DAYS_EARLY} to "
                   f"{TIER_MAX_DAYS_EARLY}), the annual rate APR, a decimal fraction (30:0.04); repeatable, each at "
                   "its own DAYS.")
@click.option("--expires", "expires_on", type=DATE, required=True, callback=_not_surely_past,
              help="The last day a holder can accept the offer, that day included, in China Standard Time "
                   "(the ledger's business date); not before today there.")
@click.option("--receivable", "receivable_ids", multiple=True, callback=each_once(names_a_record),
              metavar="RECEIVABLE_ID",
              help="Limit the offer to this receivable (repeatable) [default: every confirmed payable of yours].")
@click.option("--day-count", type=ChoiceCutShort(["ACT/360", "ACT/365"]), default="ACT/360", show_default=True,
              help="The discount on the actual days paid early over a year of 360 or of 365 days.")
@request_id_option("the offer it published")
@_one_rate_form
@acting("coreenterprise")
def publish(session, as_json, apr, tiers, expires_on, receivable_ids, day_count, request_id) -> None:
    """The debtor publishes an early-payment offer: --apr or --tier (not both).

    With --request-id, sending it again after a timeout publishes no second offer.

    \b
    Example:
      recfin discount publish --apr 0.05 --expires 2027-06-30 --receivable R-0123456789abcdef.1 \\
        --as coreenterprise/treasurer
      recfin discount publish --tier 30:0.04 --tier 60:0.05 --expires 2027-06-30 --as coreenterprise \\
        --request-id DISC-2026-03
    """
    from client.receivables import DiscountOfferRequest

    request = DiscountOfferRequest(apr=apr, scale=list(tiers) or None, day_count=day_count,
                                   expires_on=expires_on, receivable_ids=list(receivable_ids))
    offer, sent_with = exactly_once_naming_its_id(
        request_id, lambda rid: session.client.publish_discount_offer(request, request_id=rid))
    show(offer, as_json, DISCOUNT_COLUMNS, request_id=sent_with)


AS_READ_WHAT = "the discount offer as `recfin discount get OFFER_ID --json` printed it"


def _read_offer_as_read(path: Path, offer_id: str) -> DiscountOffer:
    """--as-read: the offer read earlier, from the JSON `discount get --json` printed (a file, or ``-`` for
    stdin), whose terms the acceptance is then bound to; refused as a usage error, before connecting, when it
    is no discount offer's document (the shape the SDK sends the terms of: ``DiscountTerms.as_read``) or is
    another offer's. Stdin is read as a file is (``read_json_stdin``): a key given twice with copies that
    differ is refused there too, not the last copy taken."""
    from client.pricing import validation_problems
    from client.receivables import DiscountOffer

    shown = "stdin" if str(path) == "-" else as_typed(path)
    if str(path) == "-":
        document = read_json_stdin("--as-read", AS_READ_WHAT)
    else:
        document = read_json_file(path, "--as-read", AS_READ_WHAT)
    if isinstance(document, dict):
        # `discount publish --json` prints the offer with the request id it was sent with, which is no part of
        # the offer: its output is taken as `discount get --json`'s is
        document = {key: value for key, value in document.items() if key != "request_id"}
    # the model given, a misspelt key is named with the keys an offer does take, as a JSON object's (the
    # document is JSON, which has no YAML block)
    offer = validated(DiscountOffer, document, "--as-read",
                      lambda exc: f"{shown} is not a discount offer's document "
                                  f"({validation_problems(exc, DiscountOffer, written_in='JSON')}): "
                                  f"give {AS_READ_WHAT}")
    if offer.id != offer_id:
        raise click.BadParameter(f"{shown} is discount offer {as_typed(offer.id)}, not {offer_id}: give the offer you "
                                 f"accept, as `recfin discount get {offer_id} --json` printed it",
                                 param_hint="'--as-read'")
    return offer


def _terms_agreed_before_connecting(command: Callable[..., T]) -> Callable[..., T]:
    """``discount accept`` sends an acceptance only on terms the operator agreed to: at the prompt (in a
    terminal), by --yes, or as read earlier (--as-read). Checked before connecting: an --as-read file that is
    no document of the offer accepted, and no terminal to ask in without either option, are usage errors,
    and nothing is read or sent."""
    @functools.wraps(command)
    def checked(*args: Any, yes: bool, as_read_file: Path | None, offer_id: str, **kwargs: Any) -> T:
        if yes and as_read_file is not None:
            raise click.UsageError("--yes sends the offer's terms as read when the acceptance is sent, --as-read "
                                   "the terms of an earlier read: give one of them. Nothing was sent")
        as_read = _read_offer_as_read(as_read_file, offer_id) if as_read_file is not None else None
        if not yes and as_read is None and not sys.stdin.isatty():
            from .main import PROMPT_WAY_OUT   # cli.main imports this module to build the command tree
            raise click.UsageError(f"discount accept asks you to agree to the offer's terms before it sends "
                                   f"the acceptance, and there is no terminal to ask in: "
                                   f"{PROMPT_WAY_OUT['discount']}. Nothing was sent")
        return command(*args, yes=yes, as_read=as_read, offer_id=offer_id, **kwargs)
    return checked


@discount.command("accept")
@click.argument("offer_id", callback=names_a_record)
@click.argument("receivable_id", callback=names_a_record)
@click.option("--yes", is_flag=True,
              help="Accept without asking, on the offer's terms as read when the acceptance is sent.")
@click.option("--as-read", "as_read_file", metavar="FILE",
              type=PathType(dir_okay=False, path_type=Path, reads=True, allow_dash=True),
              help="Accept only on the terms of the offer as read earlier: the JSON `recfin discount get "
                   "OFFER_ID --json` printed, in FILE (- for stdin). Nothing is asked; the contract refuses "
                   "the acceptance (discount-offer-changed) if the offer's terms are no longer those.")
@request_id_option("the claim the first acceptance settled", retry=(
    "The same command with the same id (a retry after a timeout) returns the claim the first acceptance settled "
    "and changes nothing, without asking again once the claim is settled; the same id for another offer, claim "
    "or terms is refused (request-id-reused)."))
@_terms_agreed_before_connecting
@acting("supplier")
def accept_discount(session, as_json, offer_id, receivable_id, yes, as_read, request_id) -> None:
    """The holder takes early payment on RECEIVABLE_ID under OFFER_ID; the claim settles.

    The acceptance carries the offer's terms (rate or scale, day count,
    expiry), and the contract settles only on those: it refuses the
    acceptance (discount-offer-changed, naming each term) if the offer's
    differ when it runs, and nothing is settled. Which terms it carries:

    \b
      (no option)  in a terminal: the offer is read with the claim, its
                   terms and what it pays on the claim today (the amount
                   paid, the discount and its effective annual cost on
                   ACT/365, priced as `recfin finance compare` prices it)
                   are shown on stderr, where you are asked; the terms
                   shown are sent. No: nothing is sent (exit 0). Without
                   a terminal: a usage error, nothing sent.
      --yes        the offer is read as the acceptance is sent, and its
                   terms then are sent, without asking.
      --as-read    the terms of the offer as read earlier (`recfin
                   discount get OFFER_ID --json`, saved): for a script that
                   decided on that read. Nothing is asked.

    The terms accepted are printed after the claim (--json: terms_accepted, its apr or scale,
    day_count and expires_on as `recfin discount get --json` spells them).

    \b
    Example:
      recfin discount accept D-0123456789abcdef R-0123456789abcdef.1 --as supplier/supplier2
      recfin discount accept D-0123456789abcdef R-0123456789abcdef.1 --as supplier/supplier2 --yes
      recfin discount get D-0123456789abcdef --receivable R-0123456789abcdef.1 --as supplier/supplier2 \\
        --json > offer.json
      recfin discount accept D-0123456789abcdef R-0123456789abcdef.1 --as supplier/supplier2 \\
        --as-read offer.json
    """
    from chaincode.receivables.model import DiscountTerms
    from client.receivables import unless_refused_the_read

    if as_read is None:
        # a caller refused the read (not the holder) is refused the acceptance by the contract's own rule:
        # sent without terms, it cannot settle anything, so there is nothing to agree to first
        as_read = unless_refused_the_read(
            lambda: session.client.get_discount_offer(offer_id, receivable_id=receivable_id))
        if as_read is not None and not yes and not _agreed_to(session, as_read, receivable_id, request_id):
            click.echo(f"not accepted: nothing was sent, and {receivable_id} is as it was", err=as_json)
            return
    r, sent_with = exactly_once_naming_its_id(request_id, lambda rid: session.client.accept_discount_offer(
        offer_id, receivable_id, as_read=as_read, request_id=rid))
    if as_json:
        # the terms the claim settled on, which --yes read only as the acceptance was sent: a script has no
        # other way to learn them
        read = None if as_read is None else as_read.to_json()
        terms = None if read is None else {name: read[name] for name in DiscountTerms.model_fields}
        emit({**r.to_json(), "terms_accepted": terms, "request_id": sent_with}, as_json=True)
        return
    show(r, False, RECEIVABLE_COLUMNS)
    if r.payments:
        p = r.payments[-1]
        click.echo(f"paid {money(p.amount, r.currency)}, discount {money(p.discount, r.currency)}")
        if as_read is not None:
            click.echo(f"on the terms read: {_discount_terms_text(as_read)}")


def _settled_by_acceptance(claim: Receivable) -> str:
    """Who settled ``claim`` (a claim read with nothing outstanding) by accepting a discount, where its last change
    says so, and how to tell whether that was the caller's own acceptance sent before (an answer lost, then the
    command run again without --request-id): its transaction, and the request id that acceptance's error line
    named. From the claim as read: no further read. "" where another step settled it, or changed it since."""
    last = claim.last
    if claim.status != "SETTLED" or last.action != "AcceptDiscountOffer":
        return ""
    whose = f"the holder {last.by}" if last.by == claim.holder else last.by
    return (f"; {whose} ({last.msp_id}) settled it by accepting a discount, in transaction {last.tx_id} at "
            f"{last.at} (`{transaction_status_command(last.tx_id)}`): if that was this acceptance sent before, "
            f"the request id its answer's line named shows it (`{request_get_command('REQUEST_ID')}`), and "
            "nothing is to be sent again")


def _agreed_to(session, offer: DiscountOffer, receivable_id: str, request_id: str | None) -> bool:
    """Whether the operator accepts ``offer`` on ``receivable_id``, asked once its terms, and what they pay on
    the claim today as `finance compare` prices them, are shown. Both are on stderr, the question as every
    prompt (finance quote's, hsm's PIN), the terms with it: with stdout sent to a file the operator would be
    asked to agree to terms that went there unseen, and stdout keeps the command's result only (the claim
    settled, or its JSON). An offer the contract would refuse to pay on the claim today says why and asks
    nothing. A claim settled already with a ``request_id`` given is a retry: sent without asking, it is
    answered with the claim the acceptance under that id settled, or refused by the claim's status."""
    from chaincode.receivables.dates import days_text
    from client.pricing.ledger import early_payment_offer, receivable_terms
    from client.pricing.money import APR_PERCENT_PLACES, percent_of
    from client.pricing.proposals import nothing_outstanding, price_early_payment

    claim = session.client.get_receivable(receivable_id)
    if claim.outstanding == 0 and request_id is not None:   # nothing to agree to: nothing can be settled twice
        return True
    if claim.outstanding == 0:   # settled, or split: the contract pays nothing early on it
        raise click.ClickException(f"not sent: {nothing_outstanding(claim.id, claim.status, claim.children)}"
                                   f"{_settled_by_acceptance(claim)}")
    today = business_today()   # the date the contract gives the acceptance sent now
    # the financing's status, as `finance compare` reads it: a request is withdrawn, an accepted financing
    # cancelled, and a disbursed one ends only with the claim settled, so the refusal's way out depends on it
    financing = session.client.get_financing(claim.financing_id) if claim.financing_id else None
    terms = receivable_terms(claim, financing_status=financing.status if financing else None)
    priced = price_early_payment(early_payment_offer(offer), terms, today)
    say = functools.partial(click.echo, err=True)   # where the question is asked
    say(f"discount offer {offer.id} of {offer.debtor}: {_discount_terms_text(offer)}")
    say(f"{claim.id}: {money(claim.outstanding, claim.currency)} outstanding, due {claim.due_date}; "
        f"taken today, {today}")
    if not priced.takeable_now:   # the contract would refuse it: nothing to agree to
        raise click.ClickException(f"not sent: {priced.why}")
    # and what the discount costs a year on the cash taken, as `finance compare` shows this offer (its APR column,
    # on ACT/365): the offer's rate is on the claim's face and its own basis, so two offers read apart by it
    say(f"paid {money(priced.net_cash, claim.currency)}, discount {money(priced.interest, claim.currency)} "
        f"(at {exact_percent(priced.annual_rate)} a year for {days_text(priced.days)} early, {priced.day_count}); "
        f"effective annual cost {percent_of(priced.exact_apr, APR_PERCENT_PLACES)} ({priced.apr_day_count})")
    return click.confirm(f"accept {offer.id} on {claim.id} on these terms?", default=False, err=True)


def _discount_terms_text(offer: DiscountOffer) -> str:
    """An offer's terms on one line: its flat rate or its tiers (DAYS:APR), the day count and the expiry."""
    rate = (f"apr {rate_text(offer.apr)}" if offer.apr is not None else
            "scale " + ", ".join(f"{t.min_days_early}:{rate_text(t.apr)}" for t in offer.scale or []))
    return f"{rate}, {offer.day_count}, expires {offer.expires_on}"


@discount.command("withdraw")
@click.argument("offer_id", callback=names_a_record)
@prints_document("coreenterprise", DISCOUNT_COLUMNS + ["withdrawn_on"])
def withdraw_discount(session, offer_id):
    """The debtor withdraws its open early-payment offer OFFER_ID: no holder can accept it afterwards.

    Claims already settled under it stay settled; an expired or already withdrawn offer is refused.

    \b
    Example:
      recfin discount withdraw D-0123456789abcdef --as coreenterprise/treasurer
      recfin discount withdraw D-0123456789abcdef --as coreenterprise --json
    """
    return session.client.withdraw_discount_offer(offer_id)


def _whose_offers(debtor: str | None, receivable_id: str | None, **_: Any) -> None:
    """`discount list` lists by a debtor or by a receivable, not both: checked before connecting."""
    if debtor is not None and receivable_id is not None:
        raise click.UsageError("give --debtor (a debtor's offers) or --receivable (the offers covering one claim), "
                               "not both")


@discount.command("list")
@click.option("--debtor", callback=_party_code("to list your own, as a debtor"), metavar="USCC",
              help="Credit code of the debtor whose offers to list [default: your own, for a debtor].")
@click.option("--receivable", "receivable_id", metavar="RECEIVABLE_ID", callback=names_a_record,
              help="The offers covering this receivable, one you may read: how the holder of a claim or of a "
                   "part split from it finds the offers it can take.")
@click.option("--scope", type=ChoiceCutShort(["open", "all"]), default="open", show_default=True,
              help="open: the offers a holder can still take today; all: withdrawn and expired ones too.")
@with_page_options
@checked_before_connecting(_whose_offers)
@acting("supplier")
def list_discounts(session, as_json, debtor, receivable_id, scope, page_size, bookmark, all_pages) -> None:
    """A debtor's early-payment offers, or those covering a receivable, oldest publication first.

    Without --debtor or --receivable, a debtor lists its own: the ones `recfin discount withdraw` can
    take back; anyone else names one of them. A supplier reads every debtor's offers on all its
    payables and those listing a claim of its own; a bank reads none.

    \b
    Example:
      recfin discount list --as coreenterprise/treasurer --all
      recfin discount list --receivable R-0123456789abcdef.1 --as supplier/supplier2
      recfin discount list --debtor 91310000MA1K000019 --scope all --as supplier/supplier1 --json
    """
    client = session.client
    if debtor is None and receivable_id is None:
        caller = client.who_am_i()
        if caller.role != "core_enterprise":   # no offers of its own: said here, not by the contract's refusal
            raise click.UsageError("name the debtor whose offers to list (--debtor USCC) or a receivable they "
                                   "cover (--receivable RECEIVABLE_ID)")
        debtor = caller.uscc
    emit_pages(functools.partial(client.list_discount_offers, debtor, receivable_id, scope=scope), as_json,
               page_size, bookmark, all_pages, DISCOUNT_COLUMNS)


@discount.command("get")
@click.argument("offer_id", callback=names_a_record)
@click.option("--receivable", "receivable_id", metavar="RECEIVABLE_ID", callback=names_a_record,
              help="Read the offer as it covers this receivable, one you may read: how the holder of a part split "
                   "from a claim the offer lists reads it. Refused if the offer does not cover it.")
@prints_document("supplier", DISCOUNT_COLUMNS)
def get_discount(session, offer_id, receivable_id):
    """A discount offer.

    \b
    Example:
      recfin discount get D-0123456789abcdef --as supplier/supplier2
      recfin discount get D-0123456789abcdef --receivable R-0123456789abcdef.1 --as supplier/supplier2
    """
    return session.client.get_discount_offer(offer_id, receivable_id=receivable_id)


# ------------------------------------------------------------------ business request ids

@click.group()
@ledger_exit_codes()
def request() -> None:
    """Business request ids: whether a call sent with --request-id (or whose error line named its id) committed.

    \b
    Example:
      recfin receivable pay R-0123456789abcdef --amount 83,000.00 --as coreenterprise/treasurer --request-id pay-7
      recfin request get pay-7 --as coreenterprise/treasurer
    """


@request.command("get")
@click.argument("request_id", type=REQUEST_ID)
@click.option("--party", metavar="USCC", callback=_credit_code_given,
              help="Whose request id it is, for an org admin of its org or the regulator [default: the caller's].")
@acting("supplier")
def get_request(session, as_json, request_id, party) -> None:
    """What the ledger recorded for REQUEST_ID: the transaction that applied it and its result.

    A request id no attempt of which committed is refused (not-found): sending the call again with
    the same --request-id then applies it once. Request ids are per party: ask as the party that sent
    it, or as an admin of its org or the regulator with --party. The table shows what was applied:
    a payment's allocations, a transfer's recipient and the parts of a split; --json gives the whole
    result.

    \b
    Example:
      recfin request get order-7 --as supplier/supplier1
      recfin request get PAY-2026-0517 --as regulator --party 91310000MA1K000019 --json
    """
    record = session.client.request(request_id, party)
    if as_json:
        emit(record.to_json(), as_json=True)
        return
    emit({**record.to_json(), "result": _result_line(record.result)}, as_json=False, columns=REQUEST_COLUMNS)
    _echo_applied(record.transaction, record.result)


def _result_line(result: dict) -> str:
    """The recorded result in one line: the document's id and status, and a split's two parts."""
    parts = [str(result[key]) for key in ("id", "status") if result.get(key)]
    if result.get("children"):
        parts.append(f"(parts {', '.join(result['children'])})")
    return " ".join(parts) or "-"


def _echo_applied(transaction: str, result: dict) -> None:
    """The table of what ``transaction`` applied (:func:`_applied`) under ``applied:``; nothing for a result
    whose document says it all."""
    applied = _applied(transaction, result)
    if applied:
        click.echo("applied:")
        emit(applied, as_json=False, columns=list(applied[0]))


def _applied(transaction: str, result: dict) -> list[dict]:
    """What a recorded request changed, as table rows with amounts as money: where a payment's fen went (as
    `receivable pay` prints it), and who holds what after a transfer (the recipient's claim first: a split's
    ``<id>.1``, or the whole claim). Other results are their one document: the result line says it all."""
    currency = result.get("currency") or "CNY"
    if transaction == "RecordPayment":
        return [with_money(a, currency) for a in result.get("allocations", [])]
    if transaction == "TransferReceivable":
        moved = result.get("children_records") or [result]
        return [with_money({"part": "transferred" if i == 0 else "kept", "receivable_id": r.get("id"),
                            "holder": r.get("holder"), "outstanding": r.get("outstanding")}, currency)
                for i, r in enumerate(moved)]
    return []


# Aliases: one implementation each, in the regulator and events modules.
receivable.add_command(regulator_commands.freeze, "freeze")
receivable.add_command(regulator_commands.unfreeze, "unfreeze")
receivable.add_command(regulator_commands.statistics, "stats")
receivable.add_command(event_commands.events, "events")
receivable.add_command(audit_commands.audit, "audit")

COMMANDS = [party, receivable, finance, discount, request]
"""The groups to register on ``recfin``: ``for c in COMMANDS: main.add_command(c)``."""

__all__ = ["party", "receivable", "finance", "discount", "request", "RATE", "RateType", "TierType", "COMMANDS"]
