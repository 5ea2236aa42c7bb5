"""The arguments of the contract's operations: checked as the caller gave them, then written as the contract takes
them (the text of an id, a page size, a date, a JSON document)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date

from chaincode.receivables import model as contract
from chaincode.receivables import uscc as credit_code
from chaincode.receivables.arguments import require_order_reference, require_text
from chaincode.receivables.errors import RuleViolation as ContractRuleViolation
from chaincode.receivables.fingerprint import is_fingerprint
from chaincode.receivables.keys import (KEY_DELIMITERS, REQUEST_ID_MAX, can_be_attribute, child_id, is_request_id,
                                        new_id, spaces_around_id)
from chaincode.receivables.lifecycle import MAX_SPLIT_DEPTH
from chaincode.receivables.money import hundredths_problem, invoice_currency_problem, parse_amount
from chaincode.receivables.settlement import check_discount_terms
from client.gateway._proposal import as_tuple

from ._models import (DiscountOfferRequest, FinancingTerms, InvoiceAttestationRequest, PartyRegistration, Request,
                      ReceivableRegistration, date_given, fen_sent)
from .errors import ArgumentRefused, ArgumentTypeRefused, RefusedBeforeSending
from ..money import LEDGER_MAX_FEN, MAX_FEN, Amount
from ..shown import shown_value
from .ledger_keys import composite_key, split_key


def _text(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeRefused(f"{what} must be a str, not {type(value).__name__}")
    return value


def _id(value: str, what: str) -> str:
    """An argument naming a record (a claim's or a financing's id, a party's credit code, a client
    identity...): text, and neither empty nor blank, which names no record. Such a value, an id gone missing
    upstream (``row.get("id", "")``), is refused here, naming the argument, rather than sent for the contract
    to answer about a record of no name (``transfer(..., to="")`` was told to register the party "")."""
    text = _text(value, what)
    if not text.strip():
        raise ArgumentRefused(f"{what} {shown_value(text)} names nothing: give the {what.replace('_', ' ')} itself; "
                         "nothing was sent")
    # the contract forms a key of it, which U+0000, U+10FFFF (the keys' delimiters) or text that is not UTF-8 cannot
    # be part of (keys.can_be_attribute): refused after a round trip to the peers, argument-invalid, where the
    # Gateway did not refuse it first
    if not can_be_attribute(text):
        stray = next((c for c in text if c in KEY_DELIMITERS or "\ud800" <= c <= "\udfff"), "")
        raise ArgumentRefused(f"{what} {shown_value(text)} holds {stray!r}, which no id, credit code or client "
                              "identity holds (the contract forms a key of it): remove it; nothing was sent")
    return text


def _values(values, what: str) -> tuple:
    """A list argument (``client_ids``, ``endorsing_organizations``) read once into a tuple, as the gateway reads
    one (``as_tuple``: a lone str or bytes is refused, as iterating it would send its characters one by one), its
    refusal an :class:`ArgumentTypeRefused` in the gateway's words."""
    try:
        return as_tuple(values, what)
    except TypeError as wrong:   # a lone str, or no list at all (a number)
        raise ArgumentTypeRefused(str(wrong)) from None


def _msp_id(value: str) -> str:
    """An org's MSP ID (``msp_id``, the org whose peer a ledger read asks): as :func:`_id`, and without white space
    around it, which no org's MSP ID holds (the channel's configuration names each org exactly). Sent as given, the
    Gateway found no org of that name to ask, and refused in words of its own about its endorsing organizations."""
    text = _id(value, "msp_id")
    if text != text.strip():
        raise ArgumentRefused(f"msp_id {shown_value(text)} has white space around it, which no org's MSP ID holds: "
                              f"give {shown_value(text.strip())}, as the connection profile names the org; nothing "
                              "was sent")
    return text


def _record_id(value: str, what: str) -> str:
    """An argument naming a record the contract made (a claim's, financing's, offer's or notice's id): as
    :func:`_id`, and holding nothing no id holds (:func:`record_id_problem`, as the CLI refuses it). One pasted
    from a table's column, or retyped from print with a space inside, went out as given and came back not-found,
    as though the record were not there."""
    text = _id(value, what)
    if (why := record_id_problem(text, what.replace("_", " "))) is not None:
        raise ArgumentRefused(f"{what} {why}; nothing was sent")
    return text


def _party_code(value: str, what: str) -> str:
    """An argument naming a party (``uscc``, a transfer's ``to``, a listing's holder, debtor or financier...): as
    :func:`_id`, and a unified social credit code by the contract's own check (``uscc.problem``: 18 characters of
    its set, the region's digits, the check character). RegisterParty takes no other code, so no party is
    registered under one; sent, a 10,000-character or lower-case one went to the peers to come back
    ``party-not-registered``, or, where the caller may not read the party's claims, ``not-permitted-to-read``,
    which hid the typo."""
    text = _id(value, what)
    if (why := credit_code.problem(text)) is not None:
        raise ArgumentRefused(f"{what}: {why}: no party is registered under it, nor can one be (RegisterParty takes "
                              "valid credit codes only); give the party's 18-character unified social credit code, in "
                              "upper case as its record shows it; nothing was sent")
    return text


def _optional_party_code(value: str | None, what: str) -> str:
    """An optional argument naming a party: ``""`` for none (``None`` or ``""``), else as :func:`_party_code`."""
    if value is None or value == "":
        return ""
    return _party_code(value, what)


def _fingerprint(value: str, transaction: str) -> str:
    """An invoice fingerprint to look up (``transaction``: FindInvoice, GetInvoiceAttestations): as :func:`_id`,
    and 64 lower-case hex digits (``is_fingerprint``, the contract's own test), the one spelling the invoice
    registry keys by. Anything else (an invoice number, a file's path, one cut short or in capitals) is refused
    under the rule the contract refuses it with, ``fingerprint-invalid``, before anything is sent: it came back
    from the peers after a round trip, or, unanswered, read as a network that is down."""
    text = _id(value, "fingerprint")
    if is_fingerprint(text):
        return text
    if is_fingerprint(text.lower()):
        why = (f"{text!r} is an invoice fingerprint in capitals: give it in lower case (fingerprint.lower()), "
               "the one spelling the invoice registry keys by")
    else:
        why = (f"{shown_value(text)} is not an invoice fingerprint: give the invoice's 64 lower-case hex digits "
               "(client.invoices.fingerprint_of computes them)")
    raise RefusedBeforeSending(transaction, "fingerprint-invalid", why)


# what no id the contract makes holds (keys.new_id, keys.child_id): anything but ASCII letters, digits, '-' and '.'
_ID_STRAY = re.compile(r"[^A-Za-z0-9.-]")

RECORD_ID_LENGTH = len(new_id("R", ""))
"""The length of every id the contract makes (``keys.new_id``: a capital letter, ``-`` and 16 hex digits): a
financing's, an offer's, a notice's, a discount offer's, and a claim's before any split."""
RECEIVABLE_ID_MAX = RECORD_ID_LENGTH + MAX_SPLIT_DEPTH * len(child_id("", 2))
"""The longest receivable id the contract makes: each split adds ``.1`` or ``.2`` (``keys.child_id``),
``lifecycle.MAX_SPLIT_DEPTH`` times at most. A lineage split deeper before that bound existed keeps its longer
ids (:data:`_SPLIT_STEPS`), which the contract still reads."""
# what the splits of a claim add to its id (keys.child_id: '.1' for the part passed on, '.2' for the part kept)
_SPLIT_STEPS = re.compile("(?:%s)+" % "|".join(re.escape(child_id("", part)) for part in (1, 2)))


# the words naming a record whose id no split lengthens (keys.new_id alone): a financing, an offer (a bank's or a
# debtor's discount offer), a notice
_UNSPLIT_RECORDS = re.compile(r"(?<![a-z])(?:financing|offer|notice)(?![a-z])")


def _longest_id_of(what: str) -> int:
    """The longest id of the record ``what`` names ("financing id", "discount offer", "receivable id"...):
    :data:`RECORD_ID_LENGTH` for a financing, an offer or a notice, whose ids no split lengthens;
    :data:`RECEIVABLE_ID_MAX` for a claim, and for any other words, so that no part of a split claim is refused."""
    return RECORD_ID_LENGTH if "receivable" not in what and _UNSPLIT_RECORDS.search(what) else RECEIVABLE_ID_MAX


def record_id_problem(text: str, what: str, *, longest: int | None = None) -> str | None:
    """Why ``text`` is no id the contract makes (``what``: "receivable id", "financing id"...), or None: spaces
    around it (``keys.spaces_around_id``), a character no id holds (a space inside, an invisible one, ``_``), or
    more than ``longest`` characters (default: the longest id of the record ``what`` names, :data:`RECORD_ID_LENGTH`
    for a financing, an offer or a notice, else :data:`RECEIVABLE_ID_MAX`: no id the contract makes now is longer,
    though a part of a lineage split deeper before it bounded splits, a root's id and split steps only, is): the
    contract makes every id of a capital letter, ``-`` and 16 hex digits, a split's parts adding ``.1`` or ``.2``.
    The one rule of the SDK and the CLI. A 10,000-character id went out whole, to come back not-found."""
    if longest is None:
        longest = _longest_id_of(what)
    if (padded := spaces_around_id(text, what)) is not None:
        return padded
    if (stray := _ID_STRAY.search(text)) is None:
        # a part of a lineage split deeper than the contract now allows, before it bounded splits, is read as any
        if len(text) <= longest or (longest == RECEIVABLE_ID_MAX
                                    and _SPLIT_STEPS.fullmatch(text, RECORD_ID_LENGTH) is not None):
            return None
        form = ("a capital letter, '-' and 16 hex digits" if longest == RECORD_ID_LENGTH else
                f"a capital letter, '-' and 16 hex digits, then '.1' or '.2' for each of at most {MAX_SPLIT_DEPTH} "
                "splits; only a part of a lineage split deeper before splits were bounded has more, each '.1' or "
                "'.2'")
        return (f"{shown_value(text)} is longer than any {what}, which has at most {longest} characters ({form}): "
                "give it as recfin prints it")
    # the example in the kind of id given (F-, O-...), where its prefix says
    example = f"{text[0] if re.match(r'[A-Z]-', text) else 'R'}-0123456789abcdef"
    return (f"{shown_value(text)} holds {stray.group()!r}, which no {what} holds: give it as recfin prints it, a "
            f"capital letter, '-' and 16 hex digits ({example}), a split claim's parts adding .1 or .2")


def _optional_id(value: str | None, what: str) -> str:
    """An optional argument naming a record (a listing's debtor, the party a request is of...): ``""`` for none
    (``None`` or ``""``: left out, as the contract takes it), else as :func:`_id`. A blank one (``"  "``, a field
    read from a file) names no record either, and sent it was answered as one of that name: a listing of the
    debtor ``"  "``'s claims came back empty, as though there were none."""
    if value is None or value == "":
        return ""
    return _id(value, what)


def _optional_record_id(value: str | None, what: str) -> str:
    """An optional argument naming a record the contract made (the claim a discount offer is read for...): ``""``
    for none, else as :func:`_record_id`."""
    if value is None or value == "":
        return ""
    return _record_id(value, what)


@contextmanager
def _as_the_contract_checks(transaction: str) -> Iterator[None]:
    """Runs the contract's own check of an argument (its code, not a copy): what it refuses is raised as
    :class:`RefusedBeforeSending` (a ValueError) with the rule the contract would answer with, before anything is
    read or sent, where it came back as that RuleViolation only after a round trip to the peers."""
    try:
        yield
    except ContractRuleViolation as refused:
        raise RefusedBeforeSending(transaction, refused.code, refused.detail) from None


def _part_of_a_claim(amount: Amount, transaction: str) -> str:
    """The amount of a transfer or a payment, sent as fen text: a part of a claim already on the ledger, so held
    to the cap it may have been stored under, as the contract holds it, and above zero (``amount-not-positive``):
    the contract moves and pays nothing of 0."""
    fen = fen_sent(amount, "amount", cap=LEDGER_MAX_FEN)
    with _as_the_contract_checks(transaction):
        parse_amount(fen, "amount", cap=LEDGER_MAX_FEN)
    return str(fen)


def _said(value: str, what: str, transaction: str, *, max_len: int | None = None) -> str:
    """Text a party writes on a record (a ``reason``; the freeze order an unfreeze ``lifts``, ``max_len`` 200), sent
    as given once the contract's own check of it passes: neither blank nor over ``max_len`` characters (None: the
    check's own bound, which the contract holds a reason to), and on one line (``argument-invalid``), where a blank
    or multi-line reason went to the peers to be refused there."""
    with _as_the_contract_checks(transaction):
        if max_len is None:
            require_text(_text(value, what), what)
        else:
            require_text(_text(value, what), what, max_len)
    return value


def _order(value: str, what: str, transaction: str) -> str:
    """The reference of the order that freezes a claim or lifts a freeze, sent as given once the contract's own
    check of it passes: as :func:`_said`'s, of at most 200 characters, and with a character that shows
    (``argument-invalid``): one of only invisible ones (a zero-width space) would name the same order as every
    other such reference, and went to the peers to be refused there. Not ``lifts``: the contract takes an
    invisible one that names exactly an order an earlier contract version recorded so, to lift it."""
    with _as_the_contract_checks(transaction):
        require_order_reference(_text(value, what), what)
    return value


def _registration_currency(registration: contract.ReceivableRegistration) -> None:
    """The claim's currency, one of hundredths, and its invoices' (the contract's checks of them, which read nothing:
    ``currency-invalid``, ``invoice-currency-mismatch`` in its words)."""
    if (why := hundredths_problem(registration.currency)) is not None:
        raise ContractRuleViolation("currency-invalid", why)
    for inv in registration.invoices:
        if (why := invoice_currency_problem(inv.number, inv.currency, registration.currency)) is not None:
            raise ContractRuleViolation("invoice-currency-mismatch", why)


def _discount_terms(offer: contract.DiscountOfferRequest) -> None:
    check_discount_terms(offer.apr, offer.scale)


# A request the client sends as a transaction's JSON argument (or transient data): the transaction, the contract's
# model of it, the name the contract's refusals give it, and what the contract checks of it next without reading
# the ledger
_AS_THE_CONTRACT_READS = {
    PartyRegistration: ("RegisterParty", contract.PartyRegistration, "party", None),
    ReceivableRegistration: ("RegisterReceivable", contract.ReceivableRegistration, "receivable",
                             _registration_currency),
    DiscountOfferRequest: ("PublishDiscountOffer", contract.DiscountOfferRequest, "offer", _discount_terms),
    InvoiceAttestationRequest: ("AttestInvoiceVerification", contract.InvoiceAttestationRequest,
                                "attestation_request", None),
    FinancingTerms: ("MakeFinancingOffer", contract.OfferTerms, "terms", None),
}


def _read_as_the_contract_reads(request: Request, *, cap: int = MAX_FEN) -> dict:
    """``request`` as sent (:meth:`Request.to_json`), after the contract's own reading of it (``parse_request``
    with its model, then the checks it makes next that read nothing): a credit code whose check digit is wrong, a
    zero face amount, a currency of no hundredths, a rate above 1, a contract hash that is no SHA-256 hex... is
    refused here, naming the rule the contract would refuse it under, before anything is read or sent. ``cap``:
    the largest amount the contract takes in it (a new record's, unless the request repeats a stored one)."""
    doc = request.to_json()
    reading = next((_AS_THE_CONTRACT_READS[kind] for kind in type(request).__mro__ if kind in _AS_THE_CONTRACT_READS),
                   None)
    if reading is None:
        return doc
    transaction, model, what, then = reading
    with _as_the_contract_checks(transaction):
        read = contract.parse_request(model, doc, what, amount_cap=cap)
        if then is not None:
            then(read)
    return doc


def new_request_id() -> str:
    """A fresh business request id (uuid4 hex): the contract answers a retry with the same id with the first result."""
    return uuid.uuid4().hex


def _request_id(value: str | None, transaction: str) -> str:
    """The business request id ``transaction`` sends: a fresh one for ``None``, else the caller's.

    ``""`` is refused (ValueError): the contract reads an empty id as "no request id" and would apply every retry
    again, so an id that went missing upstream (``order.get("ref", "")``) must fail here instead of losing
    exactly-once. Any other id is checked with the contract's own rule (:func:`_known_request_id`), so that a bad
    one (``"order 7"``, 200 characters) fails here, before anything is sent, as an id of the wrong type does.
    """
    if value is None:
        return new_request_id()
    text = _text(value, "request_id")
    if not text:
        raise ArgumentRefused(f"request_id '': {_REQUEST_ID_ADVICE}; nothing was sent")
    return _known_request_id(text, transaction)


_REQUEST_ID_RULE = (f"a request id is 1 to {REQUEST_ID_MAX} letters, digits, '-', '_', '.' or ':' (unique per "
                    "party, e.g. an order number)")
_REQUEST_ID_ADVICE = f"{_REQUEST_ID_RULE}; pass None for a fresh one"


def _known_request_id(text: str, transaction: str, advice: str = _REQUEST_ID_ADVICE) -> str:
    """``text``, a request id ``transaction`` sends or asks about, unless the contract's rule (``is_request_id``)
    refuses it: :class:`RefusedBeforeSending` ``request-id-invalid`` then, the contract's answer to it, saying
    ``advice``."""
    if not is_request_id(text):
        raise RefusedBeforeSending(transaction, "request-id-invalid", f"request_id {shown_value(text)}: {advice}")
    return text


def _int(value: int, what: str, advice: str) -> int:
    """A count argument (a page size, a version): an int. Another type is refused with TypeError, as an
    id that is no str is, where it was a ValueError: ``"20"`` or ``20.0`` (a size read from a file or a
    JSON number) is of the wrong type, not a wrong count, and ``True``, though an int to Python, is no
    count at all."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeRefused(f"{what} must be an int, not {type(value).__name__} ({repr(value)[:60]}): "
                        f"{advice}; nothing was sent")
    return value


def _page_size(value: int, transaction: str) -> str:
    """A page size ``transaction`` sends: an int (TypeError otherwise), from 1 to 100, else
    :class:`RefusedBeforeSending` ``page-size-invalid``, as the contract answers it."""
    advice = "ask for 1 to 100 records per page"
    if not 1 <= _int(value, "page_size", advice) <= 100:
        raise RefusedBeforeSending(transaction, "page-size-invalid", f"page_size {value!r}: {advice}")
    return str(value)


_BOOKMARK_ADVICE = 'pass "" for the first page, then the bookmark the previous page of this same listing returned'

def _bookmark(value: str, transaction: str, listing: str, *leading: str) -> str:
    """The ``bookmark`` of a page ``transaction`` asks for, sent as given where the contract takes it
    (``StoreBase.index_page``): ``""`` for the first page, else a key of the list's own range, the index
    ``listing`` under its ``leading`` attributes (a holder; a bank, or a bank and a debtor), as the page before
    returned it. Another one (a bookmark of another listing, or of the same index under another party, text
    that is no key) went out to come back ``bookmark-invalid`` after a round trip to the peers, and one holding
    a lone surrogate, which no UTF-8 key holds, failed to encode with no word of the argument: each is
    :class:`RefusedBeforeSending` ``bookmark-invalid`` here, naming the argument, what it is, and what to do."""
    text = _text(value, "bookmark")
    prefix = composite_key(listing, *leading)
    # the list's range ends at prefix + U+10FFFF (the shim's partial key range), as the contract reads it
    if text == "" or (text.startswith(prefix) and text < prefix + "\U0010ffff" and _utf8(text)):
        return text
    raise RefusedBeforeSending(transaction, "bookmark-invalid",
                               f"bookmark {shown_value(text)} {_no_page_of(text, listing, leading)}: "
                               f"{_BOOKMARK_ADVICE}")


def _upgrade_bookmark(value: str) -> str:
    """The ``bookmark`` of an ``UpgradeLedger`` page: ``""`` for the first page, else sent as given unless no
    version of the contract could take it (:func:`_no_upgrade_page`). Which kinds of record the upgrade pages
    through is the contract's to say: a newer version scans kinds this SDK does not know of, and where the
    chaincode is upgraded before the SDKs, a page hands back a bookmark of one, which an SDK holding its own list
    of the kinds would refuse unsent, stopping the upgrade until every SDK was upgraded too. A key of a kind the
    channel's contract does not scan comes back from it as ``bookmark-invalid``."""
    text = _text(value, "bookmark")
    if text == "" or (problem := _no_upgrade_page(text)) is None:
        return text
    raise RefusedBeforeSending("UpgradeLedger", "bookmark-invalid", f"bookmark {shown_value(text)} {problem}: "
                               "pass \"\" for the first page, then the bookmark the previous page returned")


def _no_upgrade_page(text: str) -> str | None:
    """Why ``text`` is the bookmark of no ``UpgradeLedger`` page of any contract version, or None: each page's
    bookmark is the key of a record the next page starts at (``upgrade.upgrade_page``), so text that is no key
    of the ledger (U+0000, a kind, U+0000, ...; a kind holding U+10FFFF, which the shim refuses in a key's type),
    one holding a lone surrogate, which no UTF-8 key holds, and the end of a kind's range (U+10FFFF right after the
    kind, the shim's partial-key range end, which no key holds: ``StoreBase.records_from``) are no bookmark of it."""
    if not _utf8(text):
        return _no_page_of(text, "", ())
    kind = text[1:].partition("\x00")[0] if text.startswith("\x00") and "\x00" in text[1:] else ""
    if not kind or not can_be_attribute(kind):
        return _NO_KEY
    if text.startswith(composite_key(kind) + "\U0010ffff"):
        return f"is past the end of {kind}"
    return None


def _present(*values: str) -> tuple[str, ...]:
    """The leading attributes of a list's index that were given: a listing whose last one (a debtor) was left
    out (``""``) ranges over every value of it."""
    return tuple(v for v in values if v)


# a lone surrogate: what no UTF-8 (a key, an argument sent) can carry; searched for by the regex engine, as a
# bookmark may be megabytes long
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8(text: str) -> bool:
    """Whether ``text`` holds no lone surrogate, which no UTF-8 (a key, an argument sent) can carry."""
    return _LONE_SURROGATE.search(text) is None


_NO_KEY = "is no key of the ledger (a page's bookmark is the key the next page starts at)"


def _no_page_of(text: str, listing: str, leading: tuple[str, ...]) -> str:
    """What a ``bookmark`` that is no key of the listing ``listing`` under ``leading`` is instead."""
    if (stray := _LONE_SURROGATE.search(text)) is not None:
        return f"holds {stray.group()!r}, a lone surrogate, which no key of the ledger holds"
    if listing and text.startswith(composite_key(listing, *leading)):
        return f"is past the end of {listing}" + (f" under {', '.join(leading)}" if leading else "")
    found = split_key(text, len(leading))
    if found is None or not found[0]:   # no composite key, or one of no kind ("\x00\x00...")
        return _NO_KEY
    kind, attributes = found
    if kind != listing:
        return f"is a page of {kind}, not of {listing}"
    if not attributes:
        return f"is the start of {kind}, not a page under {', '.join(leading)}"
    return f"is a page of {kind} under {', '.join(attributes[:len(leading)])}, not under {', '.join(leading)}"


def _one_of(value: str, what: str, known: tuple[str, ...], transaction: str) -> str:
    """An argument the contract takes one of a few words for (a listing's status, a scope): a str (TypeError
    otherwise), one of ``known``, else :class:`RefusedBeforeSending` ``argument-invalid``, as the contract
    answers it."""
    if _text(value, what) not in known:
        raise RefusedBeforeSending(transaction, "argument-invalid",
                                   f"{what} {shown_value(value)} is not one of {', '.join(known)}")
    return value


def _date_text(value: date | None, what: str) -> str:
    """A date argument: ``""`` for none (the contract's today), else YYYY-MM-DD."""
    if value is None:
        return ""
    # a datetime is a date too, but its isoformat() carries the time, which the contract refuses as no date
    return date_given(value, what).isoformat()


def _request_of(value, model: type[Request], call: str, build: str) -> None:
    """A TypeError unless ``value`` is a ``model``, naming what was given and how to build one (``build``): a dict of
    its fields, as a JSON document reads, is the likeliest, and the model checks each field as it builds one."""
    if isinstance(value, model):
        return
    name = model.__name__
    how = (f"{name}.model_validate(the_dict) builds one from a dict of its fields, checking each"
           if isinstance(value, Mapping) else f"build one: {build}")
    raise ArgumentTypeRefused(f"{call} takes a {name}, not {type(value).__name__}: {how}; nothing was sent")


def _json(request: Request) -> str:
    """A request as the argument sent: validated again as it stands (``Request.to_json``), so one changed since it
    was built (``model_copy(update=...)`` validates nothing) goes out converted, or raises before it is sent; and
    read as the contract reads it (:func:`_read_as_the_contract_reads`), so one it would refuse is not sent."""
    return json.dumps(_read_as_the_contract_reads(request), separators=(",", ":"), ensure_ascii=False)
