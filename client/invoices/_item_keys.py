"""The keys that item names, item codes and units are compared by when an invoice is matched with its order and
receipt: two spellings of one item or unit (full-width letters, spaces, a ``*category*`` prefix) give one key."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from .checks import normalise_name


_CATEGORY = re.compile(r"^\*([^*]*)\*")


def _visible(text: str) -> str:
    """``text`` without its invisible format characters (Unicode category Cf: a zero-width space or joiner, a byte
    order mark, a soft hyphen), which copying a name from a web page or a spreadsheet cell can carry: a person sees
    贴片电\u200b容 as 贴片电容, and a line so named is of the goods so named."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


# Asked of each PO line once per invoice item: an item invoiced on hundreds of lines asks the same names again.
@lru_cache(maxsize=4096)
def item_key(name: str) -> str:
    """A name as lines are paired by it: no ``*category*`` prefix, NFKC, no invisible format characters
    (:func:`_visible`), no spaces, lower case. A name that is a category alone (``*信息技术服务*``) keys as that
    category (信息技术服务): with the prefix taken off it would key as nothing, which every such line would share,
    another category's negative line folding in as its discount."""
    name = _visible(unicodedata.normalize("NFKC", name)).strip()
    key = "".join(_CATEGORY.sub("", name).split()).lower()
    if key:
        return key
    return "".join(_CATEGORY.sub(r"\1", name).split()).lower()


@dataclass(frozen=True)
class Unit:
    """A unit of measure of a fixed size: its kind (``mass``), and how many of its kind's base unit (kg, m, pcs, L)
    one of it is, exactly."""

    key: str
    kind: str
    size: Decimal


# Units of a fixed size, each with the spellings the ERP, the receipt and the invoice may each write it in (kg on
# the order, 千克 on the receipt), and what converts between them: 1 吨 is 1000 千克, 1 打 12 个. Only units whose
# size is the same for every supplier: a 箱 of how many 个, or a 卷 of how many 米, is the supplier's to say, so
# those stay what they are, compared by spelling alone.
_UNITS: tuple[tuple[Unit, tuple[str, ...]], ...] = (
    (Unit("kg", "mass", Decimal(1)), ("kg", "千克", "公斤")),
    (Unit("t", "mass", Decimal(1000)), ("t", "吨", "公吨")),
    (Unit("g", "mass", Decimal("0.001")), ("g", "克")),
    (Unit("mg", "mass", Decimal("0.000001")), ("mg", "毫克")),
    (Unit("斤", "mass", Decimal("0.5")), ("斤", "市斤")),
    (Unit("m", "length", Decimal(1)), ("m", "米")),
    (Unit("km", "length", Decimal(1000)), ("km", "千米", "公里")),
    (Unit("cm", "length", Decimal("0.01")), ("cm", "厘米")),
    (Unit("mm", "length", Decimal("0.001")), ("mm", "毫米")),
    (Unit("pcs", "count", Decimal(1)), ("pcs", "pc", "个", "ea")),   # not 件: as often a case or a parcel
    (Unit("dozen", "count", Decimal(12)), ("dozen", "dz", "doz", "打")),
    (Unit("l", "volume", Decimal(1)), ("l", "升", "公升")),
    (Unit("ml", "volume", Decimal("0.001")), ("ml", "毫升")),
    (Unit("m3", "volume", Decimal(1000)), ("m3", "立方米")),     # m³ is m3 once NFKC
)
_UNIT_OF_SPELLING = {spelling: unit for unit, spellings in _UNITS for spelling in spellings}


def known_unit(unit: str) -> Unit | None:
    """The unit of a fixed size a spelling names (``千克``, ``KG``), or None for one of no fixed size (箱) or unknown."""
    return _UNIT_OF_SPELLING.get(normalise_name(unit).lower())


@lru_cache(maxsize=256)
def unit_factor(from_unit: str, to_unit: str) -> Fraction | None:
    """How many ``to_unit`` one ``from_unit`` is, exactly (1000 from 吨 to kg, 1/12 from 个 to 打): a quantity in
    ``from_unit`` times it is the quantity in ``to_unit``, a unit price divided by it the price. 1 for two spellings
    of one unit; None where they are units of different kinds (kg and m), or differ and either is of no fixed size
    (箱) or unknown."""
    if unit_key(from_unit) == unit_key(to_unit):
        return Fraction(1)
    given, wanted = known_unit(from_unit), known_unit(to_unit)
    if given is None or wanted is None or given.kind != wanted.kind:
        return None
    return Fraction(given.size) / Fraction(wanted.size)


@lru_cache(maxsize=4096)   # asked of every line of an item, for every invoice line of it
def unit_key(unit: str) -> str:
    """A unit as units are compared: NFKC (full-width letters as ASCII), no spaces, lower case (PCS is
    pcs), and one key for the spellings of one unit (kg and 千克; see ``_UNITS``)."""
    written = normalise_name(unit).lower()
    known = _UNIT_OF_SPELLING.get(written)
    return written if known is None else known.key
