"""The keys that item names, item codes and units are compared by when an invoice is matched with its order and
receipt: two spellings of one item or unit (full-width letters, spaces, a ``*category*`` prefix) give one key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .checks import normalise_name


_CATEGORY = re.compile(r"^\*[^*]*\*")


# Asked of each PO line once per invoice item: an item invoiced on hundreds of lines asks the same names again.
@lru_cache(maxsize=4096)
def item_key(name: str) -> str:
    """A name as lines are paired by it: no ``*category*`` prefix, NFKC, no spaces, lower case."""
    name = unicodedata.normalize("NFKC", name)
    return "".join(_CATEGORY.sub("", name.strip()).split()).lower()


# Spellings that name one and the same unit, as the ERP, the receipt and the invoice may each write it
# (kg on the order, 千克 on the receipt). Only names of the very same unit: nothing converts between units
# (吨 is not 1000 千克 here, a 箱 of how many 个 is the supplier's to say), so kg against 吨 stays a difference.
_SAME_UNIT = {
    "kg": ("kg", "千克", "公斤"),
    "t": ("t", "吨"),
    "m": ("m", "米"),
    "pcs": ("pcs", "pc", "个"),     # not 件: a 件 is as often a case or a parcel as a piece
}
_UNIT_OF_SPELLING = {spelling: unit for unit, spellings in _SAME_UNIT.items() for spelling in spellings}


def unit_key(unit: str) -> str:
    """A unit as units are compared: NFKC (full-width letters as ASCII), no spaces, lower case (PCS is
    pcs), and one key for the spellings of one unit (kg and 千克; see ``_SAME_UNIT``)."""
    written = normalise_name(unit).lower()
    return _UNIT_OF_SPELLING.get(written, written)
