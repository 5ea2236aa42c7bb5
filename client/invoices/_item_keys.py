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


def unit_key(unit: str) -> str:
    """A unit as units are compared: NFKC (full-width letters as ASCII), no spaces, lower case (PCS is pcs)."""
    return normalise_name(unit).lower()
