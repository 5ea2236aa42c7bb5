"""Checks of what a caller sends that several transactions of the receivables contract share.

Text a party writes (a reason, an identity, a freeze order's reference), a request id, an invoice fingerprint, a page
size, a list that must not repeat itself and the offers a priced offer names as left out of its figures are checked
alike wherever a transaction takes them, so each check is written once here rather than in the module of one group
of transactions. None of them reads the ledger or imports the runtime, so the SDK and the CLI run them before sending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from chaincode.client_ids import client_id_as_sent

from . import keys
from .errors import rule, shown
from .fingerprint import VERSION as FINGERPRINT_VERSION
from .fingerprint import is_fingerprint
from .identity import refusal_of_client_id, refusal_of_node_identity
from .model import PARTY_NAME_MAX, ensure_one_line, order_key, party_name_shown


def require_text(value: str, field: str, max_len: int = 500, *, one_line: bool = True) -> str:
    """``value`` trimmed, refused (``argument-invalid``) when empty or over ``max_len`` characters, or, with
    ``one_line`` (text a party writes: a reason, an order reference), when it holds a control character or a line
    or paragraph separator: on a record and in an event, it would start a line that reads as one of its own.
    Records written before this was refused keep theirs, and clients print such characters escaped. An identity
    (``one_line=False``) is what its certificate's subject spells, which the contract does not choose, so one
    holding such a character must still be found, bound and unbound."""
    value = value.strip()
    if not value or len(value) > max_len:
        raise rule("argument-invalid", f"{field} must be 1 to {max_len} characters")
    if one_line:
        ensure_one_line(value, field)
    return value


def require_order_reference(value: str, field: str) -> str:
    """An order reference (a freeze order, the order lifting one, ``lifts``) as ``require_text`` takes it, refused
    (``argument-invalid``) too when nothing of it is compared (``order_key`` empty: only invisible characters, a
    zero-width space or a byte order mark): it would name the same order as every other such reference. Here, not
    with the freeze transactions, so that the SDK runs it before sending, without the contract's runtime."""
    order = require_text(value, field, 200)
    if not order_key(order):
        raise rule("argument-invalid", f"{field} {shown(order)} holds only invisible characters: give the order's "
                                       "reference as written on the order")
    return order


def require_party_name(name: str) -> str:
    """A party's new name, refused (``argument-invalid``) as RegisterParty refuses its registration's name: 1 to
    ``PARTY_NAME_MAX`` characters as sent, on one line, at least one of them visible, and no white space or
    invisible character at either end. Here, not with the parties' transactions, so that the CLI and the SDK run it
    before connecting, without the contract's runtime."""
    if not 1 <= len(name) <= PARTY_NAME_MAX:
        raise rule("argument-invalid", f"name must be 1 to {PARTY_NAME_MAX} characters (it has {len(name)}): "
                   "give the enterprise's registered name")
    try:
        return party_name_shown(name)
    except ValueError as exc:
        raise rule("argument-invalid", str(exc)) from None


def require_client_id(value: str, field: str = "client_id") -> str:
    """An identity a caller names: ``value`` as ``client_id_as_sent`` takes it (trimmed, but for the escaped
    space a certificate's id may end in), refused (``argument-invalid``) as ``require_text`` refuses one."""
    require_text(value, field, 1000, one_line=False)
    return client_id_as_sent(value)


def require_bindable_client_id(value: str, field: str = "client_id") -> str:
    """An identity to bind to a party: ``value`` as ``require_client_id`` takes it, refused unless a client's
    certificate could present it (not a node's: ``refusal_of_node_identity``)."""
    client_id = require_client_id(value, field)
    if (refused := refusal_of_client_id(client_id, field) or refusal_of_node_identity(client_id, field)):
        raise refused
    return client_id


def _request_id(value: str) -> str:
    if not keys.is_request_id(value):
        raise rule("request-id-invalid", f"request id {shown(value)}: send 1 to {keys.REQUEST_ID_MAX} letters, digits, "
                   "'-', '_', '.' or ':' (the SDK sends a uuid4 hex), or nothing")
    return value


def _fingerprint(value: str) -> str:
    if not is_fingerprint(value):
        raise rule("fingerprint-invalid", f"{shown(value)} is not an invoice fingerprint: send the 64 "
                   f"lower-case hex digits of sha256({FINGERPRINT_VERSION}|seller tax id|code|number)")
    return value


def _first_repeat(keys: Iterable[str]) -> tuple[int, int] | None:
    """(the position of the first key listed before, the position it was listed at first), None when none is."""
    first_listed: dict[str, int] = {}
    for position, key in enumerate(keys):
        if (first := first_listed.setdefault(key, position)) != position:
            return position, first
    return None


# ASCII digits, three at most: str.isdigit() also passes "²" (int() refuses it), "٣" (int() reads 3) and
# strings too long for int()
_PAGE_SIZE = re.compile(r"[0-9]{1,3}")


def _page_size(value: str) -> int:
    if not _PAGE_SIZE.fullmatch(value) or not 1 <= int(value) <= 100:
        raise rule("page-size-invalid", f"page size {shown(value)}: ask for 1 to 100 "
                   "records per page, in digits 0-9")
    return int(value)


# the most offers a bank's offer may name as left out of the figures it was priced on (MakeFinancingOffer's
# ``uncounted_offers``): those of its offers on the debtor that lapsed, were accepted or expired since its last offer
# there, or that two orgs hid
UNCOUNTED_OFFERS_MAX = 1000


def too_many_uncounted_offers(count: int) -> str:
    """Why a priced offer naming ``count`` (> UNCOUNTED_OFFERS_MAX) uncounted offers is not made: each priced offer
    drops the bank's entries its figures left out, so a bank's own offers alone do not pile up past the cap
    between two of them; entries past it were written in its name by other orgs, or offers made without the list
    let them pile up."""
    return (f"the bank's exposure lists {count} uncounted offers on the debtor, more than the "
            f"{UNCOUNTED_OFFERS_MAX} one offer drops: each offer priced with them drops those its figures left out, "
            "so this many were written in the bank's name by other orgs (recfin.offer-made entries under its org), "
            "or its offers were made without them; look at GetFinancierExposure's uncounted_offers before lending "
            "more on this debtor")


def uncounted_offers_problem(ids: object, given: str, what_to_send: str) -> str | None:
    """Why ``ids`` (parsed) cannot be MakeFinancingOffer's ``uncounted_offers``, or None: a list of at most
    UNCOUNTED_OFFERS_MAX offer ids. ``given`` names what was sent, ``what_to_send`` says what to send instead; the
    contract and the SDK refuse with the same words."""
    if not isinstance(ids, list):
        problem = "not a list"
    elif len(ids) > UNCOUNTED_OFFERS_MAX:
        return too_many_uncounted_offers(len(ids))
    elif wrong := [i for i in ids if not (isinstance(i, str) and keys.is_offer_id(i))]:
        problem = f"{shown(wrong[0])} is not an offer id (\"O-\" and 16 hex digits)"
    else:
        return None
    return f"{given}: {problem}; {what_to_send}"
