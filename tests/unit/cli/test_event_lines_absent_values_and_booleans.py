"""`recfin events` lines show a value the event leaves out (None) and a yes-or-no one as the CLI's tables do: ``-``
and ``yes``/``no``, not Python's ``None``, ``True`` and ``False``. A freeze lifted with none left names no
``frozen_by``; a freeze that waits behind another says ``queued``."""
from __future__ import annotations

from cli.event_commands import _line
from cli.output import inline, table
from client.receivables import ReceivablesEvent


def event(name: str, **details) -> ReceivablesEvent:
    return ReceivablesEvent(name=name, receivable_id="R-0123456789abcdef", tx_id="t1", block_number=17,
                            details=details)


def test_a_lifted_freeze_with_none_left_shows_frozen_by_as_a_dash():
    line = _line(event("ReceivableUnfrozen", order_reference="U-1", lifted="F-1", frozen_by=None), as_json=False)
    assert line.endswith("order_reference=U-1, lifted=F-1, frozen_by=-")
    assert "None" not in line


def test_a_freeze_shows_queued_as_yes_or_no():
    assert _line(event("ReceivableFrozen", order_reference="F-1", queued=False), as_json=False).endswith(
        "order_reference=F-1, queued=no")
    assert _line(event("ReceivableFrozen", order_reference="F-2", queued=True), as_json=False).endswith(
        "order_reference=F-2, queued=yes")


def test_nested_values_read_as_the_tables_write_them():
    assert inline({"by": None, "live": True, "orders": [None, False]}) == "{by=-, live=yes, orders=[-, no]}"
    assert table([{"id": "R-1", "frozen": {"by": None, "queued": False}}], ["id", "frozen"]).splitlines()[1] == \
        "R-1  {by=-, queued=no}"


def test_the_json_line_keeps_null_and_booleans():
    import json
    doc = json.loads(_line(event("ReceivableFrozen", order_reference="F-1", queued=False, frozen_by=None),
                           as_json=True))
    assert doc["queued"] is False and doc["frozen_by"] is None
