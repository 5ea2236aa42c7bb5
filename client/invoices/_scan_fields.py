"""What each field of a scanned invoice looks like, and how two readings of it become one.

Every field has a kind: how its text is cleaned of OCR noise, when a reading of it
is well formed, and the :class:`ReadMode` its region is read again in (a page
segmentation mode and the characters the field can hold). The page pass reads
every field once; the second pass reads the field's own crop in its kind's mode;
:func:`reconcile` makes one value of the two and says when they disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any, Callable

from ._amount_words import WORD_CHARACTERS, amount_in_words_fen
from ._ocr import Box, Reading, ReadMode
from ._reading import NO_TAX_WORDS, PERCENT, REDUCED_RATE, ValueProblem, half_width_figures
from .credit_code import check_tax_id
from .fingerprint import code_problem, number_problem

# A minus sign as printed: a red-letter invoice's amounts may carry the ASCII one, the full-width one (－), the
# minus sign (−) or a dash (– —); each means "-", and none may be taken off a figure as noise
MINUS_SIGNS = "-－−–—"
_AS_ASCII_MINUS = str.maketrans(MINUS_SIGNS, "-" * len(MINUS_SIGNS))
# The currency sign and how it is read: ¥ and ￥ as printed (and as the second pass, which has ¥ in its whitelist,
# reads it); chi_sim, which lacks the sign, reads it as 半, Y or 闻, and may so read ¥- as one character. Taken off
# a figure, these are the sign; any other character taken off may have stood for a minus sign.
PRINTED_CURRENCY = "¥￥"
CURRENCY_READINGS = PRINTED_CURRENCY + "Y半闻"
# a figure as printed, its digits, comma and point typed full-width or not (８００．００): its cleaning makes it ASCII
_FIGURES = r"\d[\d,，]*[.．]\d{2}"
_CLEAN_MONEY = r"-?" + _FIGURES  # a money field's value once cleaned
# What may stand before a figure in its sign's place: neither a digit, a blank, a bracket nor a colon
_BEFORE = r"[^\d\s()（）:：]"
_MINUS = "[" + re.escape(MINUS_SIGNS) + "]"
_SIGN = "[" + re.escape(MINUS_SIGNS + CURRENCY_READINGS) + "]"
# A figure as it stands on a line, with what stands before it in its sign's place, so that the field's cleaning
# (_money_parts) sees it: a minus is never left behind (¥－300.00 is -300.00), and what is no sign is told. That is
# every character after a blank, bracket or colon (at most three: a currency sign, a minus, one more; a minus may
# stand a blank apart); where more stand there (the words ran into the figures), the currency and minus signs
# right before the figure. It never starts inside a figure (after a digit, a point or a comma): where the figure
# cannot be taken whole (---- 2303.00: the dash a blank before it may be its minus), no part of it (303.00) is.
MONEY = (r"(?<![\d.,．，])"
         r"(?:(?<!" + _BEFORE + r")(?<!" + _MINUS + r"\s)(?:" + _BEFORE + "{0,2}" + _MINUS + r"\s|" + _BEFORE
         + r"{1,3})?|(?<=" + _BEFORE + r"{3})" + _SIGN + r"{0,3})" + _FIGURES)
# A tax rate as printed: a whole or decimal percent (13%, 1.5%), a statutory rate reduced to the one the tax is
# computed at (5%减按1.5%), or a word or stars for none: the forms _reading.to_rate reads, from its own patterns.
# Both the item-row pattern and a rate cell's reading are held to it; OCR may put a space before a % or around
# 减按, or between the characters of a word (免 税), which the row pattern allows and a cell's reading has taken out
# before it is matched. The stars may be typed full-width (＊＊＊); _reading.carries_no_tax reads both as ***.
NO_TAX_STARS = r"[*＊](?:\s?[*＊]){2}"
TAX_RATE = "|".join((REDUCED_RATE, PERCENT,
                     *("(?i:" + r"\s?".join(map(re.escape, word)) + ")" for word in NO_TAX_WORDS),   # Exempt too
                     NO_TAX_STARS))
_DIGITS = "0123456789"
_LOOKALIKE = str.maketrans("IOSZ", "1052")
# Letters a page pass reads for digits, as the digit they stand for: a malformed first reading compared with
# its crop's well-formed one (:func:`_misread_otherwise`) differs beyond these only where a digit was read two
# ways.
_DIGIT_LOOKALIKE = str.maketrans("OoDBlI|SZ", "000811152")
STRAY = str.maketrans("", "", "“”‘’\"'|")  # quotes and bars OCR sees in specks; no field has them


@dataclass
class Found:
    """A field's value as read, how sure the reading is, where it is on its page, and any doubt about it."""

    value: str
    confidence: float
    box: Box | None = None
    page: Any = None
    derived: str | None = None  # how the value was computed from other fields: never trusted, always flagged
    note: str | None = None  # a correction that a check confirms (I read as 1 in a tax id whose check digit passes)
    doubt: str | None = None  # why a person must look although the value is well formed
    # the confidence of each character of value but its spaces, where the page pass gives them; none once reconciled
    characters: tuple[float, ...] = ()
    # the characters the page pass weighed at each of those characters, its choice first ("" where it does not say)
    choices: tuple[str, ...] = ()


def _nothing_dropped(text: str) -> tuple[str, str | None]:
    return "", None


@dataclass(frozen=True)
class FieldKind:
    mode: ReadMode
    clean: Callable[[str], str]
    well_formed: Callable[[str], bool]
    canonical: Callable[[str], str] = lambda text: text  # two readings with one canonical form agree
    # psm 13 reports low confidence on text it reads right, so its confidence cannot be weighed against the
    # page pass's: on disagreement its reading is kept (and the field flagged)
    prefer_second: bool = False
    # with prefer_second: where the two readings give each character's confidence, a run of Chinese characters the
    # page pass read otherwise (as many characters) is taken from it where it read them more surely
    # (:func:`surer_characters`)
    by_character: bool = False
    # the field may hold spaces (an item name or spec: 贴片电容 0603 100nF): the first reading's are kept
    spaced: bool = False
    # what cleaning takes off a reading that may have stood for something (a currency sign, which may hide a
    # minus), and the doubt that raises, if any
    dropped: Callable[[str], tuple[str, str | None]] = _nothing_dropped


def _no_spaces(text: str) -> str:
    return "".join(text.translate(STRAY).split())


def _money_parts(text: str) -> tuple[str, str, str]:
    """A figure as read, cleaned: ``¥－2,100.00`` as ``-2,100.00``; and what was taken off before it: the readings
    of the currency sign, and any other characters (at most two). Text with more before its digits, or more than
    one minus, is left as read: malformed, not guessed at."""
    text = _figure_text(text)
    head = re.match(r"\D*", text).group()
    if not head or len(head) == len(text):
        return text, "", ""
    currency = "".join(char for char in head if char in CURRENCY_READINGS)
    other = "".join(char for char in head if char not in CURRENCY_READINGS and char != "-")
    if head.count("-") > 1 or len(currency + other) > 2:
        return text, "", ""
    return ("-" if "-" in head else "") + text[len(head):], currency, other


def _money_text(text: str) -> str:
    return _money_parts(text)[0]


def _money_dropped(text: str) -> tuple[str, str | None]:
    """What cleaning takes off a figure before its digits, and the doubt it raises: a character that is no
    reading of the currency sign may have been a minus sign (``¥-`` read as one character), so the sign is in
    doubt."""
    value, currency, other = _money_parts(text)
    if not other:
        return currency, None
    return currency + other, (f"{other!r} taken off before the figure {value!r}: it is no reading of the currency "
                              "sign ¥ and may have been a minus sign; check the figure's sign against the invoice")


# A discount line (折扣行) prints a dash alone in the cells it leaves empty: its spec, unit, quantity and unit price.
# Standing alone in its cell a dash is no figure's sign (a minus is printed against its figure, -20.00, and cut into
# one cell with it). chi_sim reads a printed dash as 一, which is also a misread 1 or a spec or unit of its own: which
# row a dash alone empties is the item table's to say (_item_table.without_empty_marks).
_DASHES = frozenset(MINUS_SIGNS)
_DASHES_AS_READ = _DASHES | {"一"}


def is_dash(text: str, *, as_read: bool = False) -> bool:
    """Whether a cell's text is a dash alone (one or more, spaces aside), printed as any of MINUS_SIGNS; with
    ``as_read``, also as 一, the way chi_sim reads a printed dash."""
    marks = _no_spaces(text)
    return bool(marks) and set(marks) <= (_DASHES_AS_READ if as_read else _DASHES)


def is_negative_figure(text: str) -> bool:
    """Whether a money cell's text reads as a negative figure once cleaned (``¥-20.00``, ``—20.00``)."""
    return re.fullmatch("-" + _FIGURES, _money_text(text)) is not None


def _figure_text(text: str) -> str:
    """A figure as read (a quantity, a unit price, or an amount before :func:`_money_parts` takes its signs off):
    without blanks, half-width, a red-letter line's minus sign (any of MINUS_SIGNS) as ``-``."""
    return half_width_figures(_no_spaces(text)).translate(_AS_ASCII_MINUS)


_PUNCTUATION = r"[.,:;，。：；_、]"


def _item_name(text: str) -> str:
    """An item name with its ``*category*`` prefix as printed: OCR drops the first asterisk, reads them as
    + or #, or sets stray punctuation beside them or at the end, which no item name has."""
    text = _no_spaces(text)
    text = re.sub(r"^[^*+#\u4e00-\u9fff]*(?=[*+#])", "", text)
    text = re.sub(_PUNCTUATION + r"+(?=[*+#])|(?<=[*+#])" + _PUNCTUATION + "+", "", text)
    text = re.sub(_PUNCTUATION + r"+$", "", text)
    if len(re.findall(r"[*+#]", text)) == 1 and not text.startswith(("*", "+", "#")):
        text = "*" + text  # psm 13 drops a leading asterisk more often than any other character
    return re.sub(r"^[*+#]+([^*+#]+)[*+#]+", lambda m: f"*{m.group(1)}*", text)


def _name_line(text: str) -> str:
    """A wrapped item name's further line: no ``*category*`` prefix to restore, only stray punctuation at its end."""
    return re.sub(_PUNCTUATION + r"+$", "", _no_spaces(text))


def tax_id_passes(text: str) -> bool:
    return check_tax_id(text).valid or check_tax_id(text.translate(_LOOKALIKE)).valid


def tax_id_text(text: str) -> tuple[str, str | None]:
    """The tax id, with I O S Z read as 1 0 5 2 when only that makes its check digit pass; and a note saying so."""
    if len(text) == 18 and not check_tax_id(text).valid:
        fixed = text.translate(_LOOKALIKE)
        if check_tax_id(fixed).valid:
            # I, O, S, V, Z are not in the credit-code set because they pass for 1, 0, 5, U, 2
            return fixed, "read I O S Z as 1 0 5 2 (a credit code has no such letters); the check digit confirms it"
    return text, None


# Units of measure (计量单位) printed on invoices
UNITS = frozenset((
    "个 件 项 次 天 日 月 年 小时 分钟 台 套 批 片 只 支 张 箱 吨 千克 公斤 克 斤 米 厘米 毫米 千米 公里 "
    "平方米 立方米 升 毫升 卷 包 袋 桶 根 块 盒 本 册 页 人 人次 人天 人月 辆 部 双 对 瓶 罐 条 组 份 票 "
    "间 台班 工日 株 棵 头 度 千瓦时 方 立方 付 副 把 枚 粒 颗 趟 单 户 座 栋 层 孔 节 段 宗 笔 元 "
    "kg g t m km L ml mm cm m2 m3 kWh"
).split())
# Characters chi_sim confuses in units, and what they stand for there: 千克 is read as 干克, which is no unit
_UNIT_LOOKALIKE = str.maketrans("干", "千")


def unit_text(text: str) -> tuple[str, str | None]:
    """A unit read as no unit but one look-alike character away from one (干克 for 千克): that unit, and how."""
    if text in UNITS:
        return text, None
    fixed = text.translate(_UNIT_LOOKALIKE)
    if fixed in UNITS:
        return fixed, f"read as {text!r}, which is no unit; {fixed!r} differs from it by a look-alike character"
    return text, None


def amount_in_words(text: str) -> int | None:
    """The fen an amount in words (大写) says, or ``None`` when it is no well-formed amount."""
    try:
        return amount_in_words_fen(text)
    except ValueProblem:
        return None


def _matches(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda text: compiled.fullmatch(text) is not None


def scanned_number_problem(text: str) -> str | None:
    """Why a number read off a page is not one the ledger takes, or ``None`` where it is. The layouts read have no
    invoice code (发票代码) field, as a fully digitalised invoice has none: its number, 20 digits, is the one that
    stands without a code. A reading of 19 has lost a digit, one of 12 is a code or a part, and one of 8 (the
    number of an invoice with a code) is cut short, or of an invoice whose code is not read: none is to trust."""
    if (why := number_problem(text)) is not None or code_problem("", text) is None:
        return why
    return (f"invoice number {text} has the 8 digits of an invoice with an invoice code (发票代码), and no code is "
            "read off a page: the number of a fully digitalised invoice, which has none, has 20 digits")


def _unit_like(text: str) -> bool:
    # a unit is a word (个, 千克, kg); a reading of digits only is a misread glyph (个 as 4)
    return 0 < len(text) <= 4 and not re.fullmatch(r"[\d.,%*+#-]+", text)


_UNIT = ReadMode("chi_sim", 7)  # not English: with it 盒 comes back as "a", 千克 as "Ts"
_FIGURE = ReadMode("chi_sim+eng", 7)
_NAME = ReadMode("chi_sim", 13, fit=True)  # one line of an item name, on a crop fitted to its ink

KINDS: dict[str, FieldKind] = {
    # only 20 digits are a number on the layouts read, which have no 发票代码 field (scanned_number_problem)
    "number": FieldKind(ReadMode("eng", 7, _DIGITS), _no_spaces, lambda t: scanned_number_problem(t) is None),
    "date": FieldKind(ReadMode("chi_sim", 7, _DIGITS + "年月日-"), _no_spaces,
                      _matches(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")),
    "party": FieldKind(ReadMode("chi_sim", 7), lambda t: _no_spaces(t).lstrip(":：;；,，.。"),
                       lambda t: len(t) >= 2),
    "tax_id": FieldKind(ReadMode("eng", 7, _DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                        lambda t: _no_spaces(t).upper(), tax_id_passes, lambda t: tax_id_text(t)[0]),
    "money": FieldKind(ReadMode("eng", 7, _DIGITS + ".,-¥"), _money_text, _matches(_CLEAN_MONEY),
                       dropped=_money_dropped),
    # the amount in words: well formed only when it reads as an amount, and two readings agree on its value
    "words": FieldKind(ReadMode("chi_sim", 7, WORD_CHARACTERS), _no_spaces,
                       lambda t: amount_in_words(t) is not None, lambda t: str(amount_in_words(t))),
    # the item table's columns
    "name": FieldKind(_NAME, _item_name, lambda t: len(t) >= 2, prefer_second=True, by_character=True, spaced=True),
    # a wrapped name's further line has no asterisks, and psm 13 reads it about as surely as the page pass does
    # (0.82 to 0.96 where both were right): the surer of the two readings is kept
    "name_line": FieldKind(_NAME, _name_line, lambda t: len(t) >= 1, spaced=True),
    "spec": FieldKind(_FIGURE, _no_spaces, lambda t: len(t) >= 1, spaced=True),
    "unit": FieldKind(_UNIT, _no_spaces, _unit_like),
    # a red-letter line's quantity is negative (its price may be): quantity x price = amount checks the sign
    "quantity": FieldKind(_FIGURE, _figure_text, _matches(r"-?\d+(?:\.\d+)?")),
    "unit_price": FieldKind(_FIGURE, _figure_text, _matches(r"-?\d+(?:\.\d+)?")),
    "amount": FieldKind(_FIGURE, _money_text, _matches(_CLEAN_MONEY), dropped=_money_dropped),
    "tax_rate": FieldKind(_FIGURE, _no_spaces, _matches(TAX_RATE)),
    "tax": FieldKind(_FIGURE, _money_text, _matches(_CLEAN_MONEY + r"|[*＊]+"), dropped=_money_dropped),
}


def reconcile(first: Found | None, second: Reading | None, kind: FieldKind) -> Found | None:
    """One value from the page pass's reading (``first``) and the region's second reading.

    A well-formed reading beats a malformed one. Two well-formed readings that agree
    are as sure as the surer of them, unless they agree only once cleaning took off
    one of them what may hide a minus sign, and the other had no sign there
    (``半300.00`` and ``300.00``: 半 may be ``¥-`` read as one character; ``¥`` as
    printed hides none): then they are as sure as the less sure, and in doubt. Two
    that disagree keep the surer one, or the second where the kind says so or where
    it is the first read on past the point the page pass stopped; the doubt is
    recorded either way, so the field is flagged. A character cleaning takes off that
    no currency sign is read as is a doubt too (:func:`_money_dropped`), unless the
    other reading agrees and has the currency sign as printed there (``羊11140.00``
    and ``¥11140.00``: the character was the sign, and no minus hides behind it).
    Readings are compared without spaces; where the kind may hold spaces, the value
    gets the first reading's (a text layer's, or the page pass's where it saw a wide
    gap between two words: the second pass joins what it reads), and a space that has
    no place in a value read otherwise is a doubt.
    """
    found = _reconciled(first, second, kind)
    if found is not None:
        # the value is now no one reading's: its characters' confidences and choices go
        found = replace(found, characters=(), choices=())
    if found is None or first is None or not kind.spaced or " " not in first.value.strip():
        return found
    value, lost = respaced(found.value, first.value)
    if not lost:
        return replace(found, value=value)
    return replace(found, value=value, doubt=_doubts(
        found.doubt, f"read with a space after {', '.join(repr(c) for c in lost)}, which has no place in {value!r}"))


def _doubts(*doubts: str | None) -> str | None:
    return "; ".join(dict.fromkeys(d for d in doubts if d)) or None  # each once: two readings may raise the same


def _reconciled(first: Found | None, second: Reading | None, kind: FieldKind) -> Found | None:
    first_dropped, first_read, earlier_doubt, first_doubt = "", None, None, None
    if first is not None:
        first_read, earlier_doubt = first.value, first.doubt
        first_dropped, first_doubt = kind.dropped(first.value)
        first = replace(first, value=kind.clean(first.value), doubt=_doubts(earlier_doubt, first_doubt))
    if second is None:
        return first
    text = kind.clean(second.text)
    if not kind.well_formed(text):
        return first
    second_dropped, second_doubt = kind.dropped(second.text)
    if first is None or not kind.well_formed(first.value):
        base = first or Found("", 0.0)
        return replace(base, value=text, confidence=second.confidence,
                       doubt=_doubts(base.doubt, second_doubt, _misread_otherwise(base.value, text)))
    if kind.canonical(text) == kind.canonical(first.value):
        value = text if kind.canonical(text) == text else first.value  # the reading that needs no correcting
        if _may_hide_a_minus(first_dropped, second_dropped):
            taken, where = first_dropped, "the first"
        elif _may_hide_a_minus(second_dropped, first_dropped):
            taken, where = second_dropped, "the second"
        else:
            # a character taken off one reading that the other reads as the currency sign as printed stood for
            # that sign: no minus hides there ('羊11140.00' and '¥11140.00')
            if _printed_currency(second_dropped):
                first_doubt = None
            if _printed_currency(first_dropped):
                second_doubt = None
            return replace(first, value=value, confidence=max(first.confidence, second.confidence),
                           doubt=_doubts(earlier_doubt, first_doubt, second_doubt))
        return replace(first, value=value, confidence=min(first.confidence, second.confidence), doubt=_doubts(
            first.doubt, second_doubt,
            f"read as {first_read!r} ({first.confidence:.2f}) and as {second.text!r} ({second.confidence:.2f}), "
            f"which agree only once {taken!r} is taken off {where}, and the other reading has no sign there: "
            f"{taken!r} may be ¥ and a minus sign read as one; check the figure's sign against the invoice"))
    if kind.prefer_second or text.startswith(first.value):  # a value cut short on the page, read whole
        readings = [(second.confidence, text), (first.confidence, first.value)]
    else:
        readings = sorted([(first.confidence, first.value), (second.confidence, text)], reverse=True)
    (conf, value), (other_conf, other) = readings
    doubt = f"read as {value!r} ({conf:.2f}) and as {other!r} ({other_conf:.2f})"
    if kind.by_character and first.characters:
        merged, taken = surer_characters(second, first_read, first.characters, first.choices)
        if taken and kind.well_formed(kind.clean(merged.text)):
            value, conf = kind.clean(merged.text), merged.confidence
            doubt += "; " + ", ".join(f"{theirs!r} for {mine!r}" for mine, theirs in taken) \
                + f" taken from the page pass's reading, surer there: {value!r}"
    return replace(first, value=value, confidence=conf, doubt=_doubts(first.doubt, second_doubt, doubt))


def _han(text: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in text)


def surer_characters(second: Reading, first: str, first_characters: tuple[float, ...],
                     first_choices: tuple[str, ...] = ()) -> tuple[Reading, list[tuple[str, str]]]:
    """``second``'s text (spaces aside) with each run of Chinese characters that ``first`` read as other Chinese
    characters, as many, taken from ``first`` where its characters there are surer (``first_characters``: the
    confidence of each of its characters but its spaces), as a reading whose characters keep the confidences of
    the reading each came from, and as sure as the least sure of them (a character taken out no longer counts);
    and the runs taken, as (second's, first's). A psm 13 reading's confidence is the lowest of its words', and the
    asterisk of ``*category*`` stands as a word of its own, read unsure on most lines: the reading is not to be
    weighed whole against the page pass's. Its words are weighed one by one, where it misreads a rare character:
    瓷 read 赛 at 0.00 beside Chinese words at 0.80 to 0.96, where the page pass read 陶瓷 at 0.77. ``second``'s
    text (spaces aside) at its confidence, nothing taken, where either reading lacks a character's confidence.

    A run is not taken where the page pass weighed the crop's characters there too (``first_choices``: the
    characters it weighed at each of its own, from tesseract's alternatives): it was torn between the two, and its
    confidence in its choice says nothing against the crop's (液压泵's 泵 read 条 at 0.66 in the page pass, 泵 its
    next choice, where the crop read 泵 at 0.00)."""
    mine, theirs = "".join(second.text.split()), "".join(first.split())
    if len(second.characters) != len(mine) or len(first_characters) != len(theirs):
        return Reading(mine, second.confidence), []
    weighed = first_choices if len(first_choices) == len(theirs) else ("",) * len(theirs)
    out, confidences, taken = [], [], []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes():
        if (op == "replace" and a2 - a1 == b2 - b1 and _han(mine[a1:a2]) and _han(theirs[b1:b2])
                and min(first_characters[b1:b2]) > min(second.characters[a1:a2])
                and not all(char in weighed[b1 + k] for k, char in enumerate(mine[a1:a2]))):
            out.append(theirs[b1:b2])
            confidences += first_characters[b1:b2]
            taken.append((mine[a1:a2], theirs[b1:b2]))
        else:
            out.append(mine[a1:a2])
            confidences += second.characters[a1:a2]
    return Reading("".join(out), min(confidences, default=0.0), tuple(confidences)), taken


def _misread_otherwise(first: str, second: str) -> str | None:
    """The doubt where a malformed page reading and its crop's well-formed one, of as many characters, differ
    in more than letters read for digits (``2644...567B`` and ``2644...5673``: the B is an 8 or a 3, and the
    crop, held to digits, had to choose one), or ``None``. Without it the crop's choice was taken as sure as
    its confidence, and a number or date that no other field checks reached the invoice unflagged."""
    seen = first.translate(_DIGIT_LOOKALIKE)
    if not first or len(seen) != len(second) or seen == second:
        return None
    return f"read as {first!r} on the page and as {second!r} again: one of them misreads a character"


def _printed_currency(taken: str) -> bool:
    """Whether what cleaning took off a reading is the currency sign as printed, and nothing else."""
    return bool(taken) and set(taken) <= set(PRINTED_CURRENCY)


def _may_hide_a_minus(taken: str, other_taken: str) -> bool:
    """Whether what cleaning took off one reading (``taken``) may hide a minus sign that the other reading, which
    had nothing taken off there, lost: anything but the currency sign as printed (``半`` for ``¥-``) may."""
    return bool(set(taken) - set(PRINTED_CURRENCY)) and not other_taken


def respaced(text: str, model: str) -> tuple[str, list[str]]:
    """``text`` (no spaces) with a space wherever ``model`` has one between two characters that ``text`` has
    side by side too; and the characters of ``model`` whose space found no such place. The two are aligned
    character by character: a run of characters read otherwise, as many in both, stands where it stood."""
    chars: list[str] = []
    after: list[int] = []  # the model's characters that a space follows
    for char in model.strip():
        if not char.isspace():
            chars.append(char)
        elif not after or after[-1] != len(chars) - 1:
            after.append(len(chars) - 1)
    where = {}  # a model character's place in text
    for op, a1, a2, b1, b2 in SequenceMatcher(None, chars, text, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and a2 - a1 == b2 - b1):
            where.update((a1 + k, b1 + k) for k in range(a2 - a1))
    out, lost = list(text), []
    for i in reversed(after):
        if i in where and where.get(i + 1) == where[i] + 1:
            out.insert(where[i] + 1, " ")
        else:
            lost.insert(0, chars[i])
    return "".join(out), lost
