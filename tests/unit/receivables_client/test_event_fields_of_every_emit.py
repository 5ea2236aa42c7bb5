"""Every field each of the contract's ``emit`` calls can put in an event is a field of that event's details model,
and every field the model requires is one the call always puts there: read from the contract's source, branch by
branch, so a field emitted only on a path the lifecycle walk of test_event_details.py does not take (a payment's
``financings_withdrawn``, emitted only when the payment ended a financing request) is held to the model too.

A field the model lacks would have ``typed()`` refuse every such event on a live ledger, and a follower booking
from the typed details would stop there; a field the model requires that a call leaves out would do the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chaincode.receivables import events as contract_events
from chaincode.receivables import schemas
from chaincode.receivables.store_claims import ClaimReseal
from client.receivables import EVENT_DETAILS

CONTRACT = Path(__file__).resolve().parents[3] / "chaincode" / "receivables"

# Details spread from a value rather than written out at the call: the fields that value has, named by the
# expression the contract spreads. An expression not listed here fails the test until it is.
SPREAD_FIELDS = {
    "done._asdict()": set(ClaimReseal._fields),                  # ResealReceivable's reseal
    "result": set(schemas.LedgerUpgrade.model_fields),           # UpgradeLedger's page, as it answers it
}


def _declared() -> dict[str, str]:
    return {name: value for name, value in vars(contract_events).items()
            if name.isupper() and isinstance(value, str)}


def _keys_of(spread: ast.expr) -> tuple[set[str], set[str]]:
    """(always, sometimes): the fields a ``**spread`` puts in an event, on every path and on some only."""
    if isinstance(spread, ast.Dict) and all(isinstance(key, ast.Constant) for key in spread.keys):
        return {key.value for key in spread.keys}, set()
    if isinstance(spread, ast.IfExp):   # **({...} if condition else {...})
        body, orelse = _keys_of(spread.body), _keys_of(spread.orelse)
        always = body[0] & orelse[0]
        return always, (body[0] | body[1] | orelse[0] | orelse[1]) - always
    source = ast.unparse(spread)
    assert source in SPREAD_FIELDS, f"an event's details are spread from {source}: name its fields in SPREAD_FIELDS"
    return set(SPREAD_FIELDS[source]), set()


def emitted_fields() -> list[tuple[str, str, set[str], set[str]]]:
    """(where, event name, fields always emitted, fields emitted on some paths only) of each ``emit`` call."""
    declared, found = _declared(), []
    for path in sorted(CONTRACT.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "emit"):
                continue
            where = f"{path.name}:{node.lineno}"
            name_given = node.args[0]
            assert (isinstance(name_given, ast.Attribute) and ast.unparse(name_given.value) == "events"
                    and name_given.attr in declared), f"{where}: an event named other than by its events constant"
            always, sometimes = set(), set()
            for keyword in node.keywords:
                if keyword.arg is not None:
                    always.add(keyword.arg)
                else:
                    spread_always, spread_sometimes = _keys_of(keyword.value)
                    always |= spread_always
                    sometimes |= spread_sometimes
            found.append((where, declared[name_given.attr], always, sometimes))
    return found


EMITTED = emitted_fields()


def _fields(name: str) -> tuple[set[str], set[str]]:
    """(every field, the required ones) of the event's details model, by the payload's spelling (``from``)."""
    fields = EVENT_DETAILS[name].model_fields
    spelt = {key: field.alias or key for key, field in fields.items()}
    return set(spelt.values()), {spelt[key] for key, field in fields.items() if field.is_required()}


def test_every_event_the_contract_declares_is_emitted_somewhere():
    assert {name for _, name, _, _ in EMITTED} == set(_declared().values())


@pytest.mark.parametrize("where, name, always, sometimes", EMITTED, ids=[where for where, *_ in EMITTED])
def test_the_details_model_reads_every_field_the_call_can_emit(where, name, always, sometimes):
    known, required = _fields(name)
    assert (always | sometimes) - known == set(), \
        f"{where}: {name} can carry fields its model {EVENT_DETAILS[name].__name__} lacks: typed() would refuse it"
    assert required - always == set(), \
        f"{where}: {name} may leave out fields its model requires: typed() would refuse such an event"
