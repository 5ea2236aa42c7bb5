"""Rule violations: every rejected call names the rule it broke.

A :class:`RuleViolation` carries a stable rule code (listed in
``docs/receivables.md``) and a message that says what to do. The domain modules
raise it without knowing about the chaincode runtime; the contract turns it
into the runtime's ``ContractError`` with the text ``RULE <code>: <message>``.
"""

from __future__ import annotations

import json
import reprlib

from pydantic import ValidationError


class RuleViolation(Exception):
    """A business rule that a call broke. Nothing is written when one is raised."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"RULE {code}: {message}")
        self.code = code
        self.detail = message


def rule(code: str, message: str) -> RuleViolation:
    """Shorthand for ``raise rule(...)`` at guard clauses."""
    return RuleViolation(code, message)


# How a refusal quotes what the caller sent: text as repr() writes it, so a line break or any other character that
# does not print is escaped and the message stays one line, and cut short, so a 100,000-character id or a
# list of a thousand items does not come back whole. Long text keeps its start and end ("abc...xyz"). A value
# the caller sent in a JSON document (true, null, an object) is written as JSON spells it, since that is what
# the caller wrote and looks for: never as Python does (True, None, {'a': None}).
SHOWN_LENGTH = 60
IDENTITY_LENGTH = 240  # a client identity (x509::<subject>::<issuer>) shown whole, as an admin needs it to act


# How many parts of a split claim a refusal names: a lineage may hold thousands, and a longer message is cut
# at the peer's 4096 bytes mid-id (chaincode.shim's MAX_RESPONSE_MESSAGE_BYTES), even at 64 splits deep.
PARTS_NAMED = 10


def parts_named(part_ids: list[str], claim_id: str) -> str:
    """The parts ``part_ids`` of the split claim ``claim_id``, as a refusal names them: each, or the first
    ``PARTS_NAMED`` and how many more, with where the caller reads them all: GetProvenance, which answers
    ``queries.PROVENANCE_PARTS_MAX`` parts at most and is asked again of each part it marks ``children_omitted``."""
    if len(part_ids) <= PARTS_NAMED:
        return ", ".join(part_ids)
    from .queries import PROVENANCE_PARTS_MAX   # here: queries imports this module
    return (f"{', '.join(part_ids[:PARTS_NAMED])} and {len(part_ids) - PARTS_NAMED} more "
            f"({len(part_ids)} in all: GetProvenance {claim_id} lists them with their status, up to "
            f"{PROVENANCE_PARTS_MAX} parts an answer; ask it again of a part marked children_omitted for the parts "
            "below it)")


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    """``value``, from a caller, as a refusal message shows it: quoted, escaped onto one line, about ``limit``
    characters at most. Every caller value a message echoes goes through here."""
    quote = _Quote()
    quote.maxstring = quote.maxother = limit
    quote.maxlong = 40
    quote.maxlevel, quote.maxlist, quote.maxtuple, quote.maxdict = 3, 4, 4, 4
    try:
        return quote.repr(value)
    except ValueError:  # an integer past Python's 4300-digit limit on int -> str conversion
        return f"an integer of over {quote.maxlong} digits"


def _identity(client_id: str) -> str:
    """A client identity as a refusal shows it: whole, unless very long (``shown``)."""
    return shown(client_id, IDENTITY_LENGTH)


class UnreadableRecord(RuleViolation):
    """A stored value this contract cannot read as the record its key holds (rule ``record-unreadable``): no
    transaction of the contract wrote it. Any two orgs running altered chaincode can write a key nobody has
    written yet (the chaincode-level policy guards it), with whatever bytes they like. A read that can pass such a
    record over (a list, a planning read) catches this; any other refuses the call by it, naming the key."""


def unreadable(record: str, why: str, remedy: str) -> UnreadableRecord:
    """The refusal of a stored value that is no ``record`` (a key as ``keys.label`` names it: ``recfin.party
    [<credit code>]``), ``why`` it is not (the parser's first complaint), and what the caller can do."""
    return UnreadableRecord("record-unreadable", f"the stored {record} is no record this contract wrote ({why}): any "
                            f"two orgs running altered chaincode can write a key nobody has written yet. {remedy}")


class NewerVersionRecord(RuleViolation):
    """A stored record a newer version of this contract wrote (rule ``record-newer-version``): every field this
    version reads, each as it reads it, and fields it does not know besides (each version adds fields, with
    defaults). The peer that read it runs an older contract version than the channel's; its operators put that
    right. A read that can pass an unreadable record over passes this one over too."""


def newer_version_record(record: str) -> NewerVersionRecord:
    """The refusal of a stored ``record`` (a key as ``keys.label`` names it) a newer contract version wrote. It names
    the key and what the operators do, never the record's fields or values (not even the names of those it does not
    know): the caller may be one who may not read them, and the key is what the operators need."""
    return NewerVersionRecord(
        "record-newer-version", f"the stored {record} was written by a newer version of this contract than the one "
        "this peer's chaincode server runs: it holds fields this version does not know. Its org's operators run the "
        "channel's current version there: `recfin chaincode config --committed` (Fabric: `peer lifecycle chaincode "
        "querycommitted`) names the committed definition; install the recfin release that defines it for that org "
        "and restart its chaincode server (`recfin chaincode restart`), then send the call again. Where it runs that "
        "version already, no version of the contract wrote the record: report the key to the network's operators "
        "(its history names the transaction that wrote it and the orgs that endorsed it)")


def parse_problem(exc: Exception) -> str:
    """What a parser said first of a stored value it refused, quoted short on one line (``shown``), for
    ``unreadable``: pydantic's first error with where it lies, or the message of ``json``'s."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return shown(f"{where}: {first['msg']}" if where else first["msg"])
    return shown(str(exc) or type(exc).__name__)


class _Quote(reprlib.Repr):
    """reprlib's cut-short repr, spelling the values a JSON document holds as JSON does: null, true, false, a
    number's JSON text, and, inside an array or object, strings in double quotes."""

    def repr_NoneType(self, _value: None, _level: int) -> str:
        return "null"

    def repr_bool(self, value: bool, _level: int) -> str:
        return "true" if value else "false"

    def repr_float(self, value: float, _level: int) -> str:
        return json.dumps(value)   # inf and nan as the JSON reader takes them: Infinity, NaN

    def repr_str(self, value: str, level: int) -> str:
        if level == self.maxlevel:   # a value on its own, not inside an array or object: quoted as ever
            return super().repr_str(value, level)
        # cut as reprlib cuts a text on its own: as written, escapes counted, keeping its start and end
        written = _json_string(value[:self.maxstring])
        if len(written) > self.maxstring:
            start = max(0, (self.maxstring - 3) // 2)
            end = max(0, self.maxstring - 3 - start)
            written = _json_string(value[:start] + value[len(value) - end:])
            written = written[:start] + self.fillvalue + written[len(written) - end:]
        return written


def _json_string(text: str) -> str:
    """``text`` in double quotes as JSON writes it, each character that does not print escaped."""
    return "".join(c if c.isprintable() else json.dumps(c)[1:-1] for c in json.dumps(text, ensure_ascii=False))
