"""The amount in words (价税合计（大写）) as integer fen, read strictly.

An invoice prints its total with tax twice: in figures (小写, ``¥2303.00``) and in
Chinese uppercase numerals (大写, ``贰仟叁佰零叁圆整``), so that one cannot be
altered alone. The words follow the rules for amounts on financial documents
(支付结算办法, 正确填写票据和结算凭证的基本规定):

- digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group of four digits, 万 and
  亿 after a group; 圆 or 元 after the whole yuan, then 角 and 分;
- 整 (or 正) after 圆 when there are no 角 and 分, optionally after 角, never after 分;
- zeros between digits are written as one 零 (``壹仟零伍`` = 1005, ``壹万零伍拾`` =
  10050); a zero in the 角 place before a 分 is 零 (``壹佰圆零伍分``); where the last
  digit before 万 or 圆 is 0 and the next one is not, the 零 may be written or not
  (``壹拾万柒仟`` or ``壹拾万零柒仟``, ``壹仟陆佰捌拾圆叁角`` or ``…圆零叁角``);
- ``壹拾`` may open the amount as ``拾``; ``人民币`` may precede it, ``负`` or the
  red-letter invoice's ``（负数）`` / ``(负数)`` a negative one, and a paper invoice
  prints ``ⓧ`` or ``⊗`` before it;
- the traditional forms 萬 億 圓 貳 陸 參 are the same characters as 万 亿 圆 贰 陆 叁.

Text is accepted only when it is one of the spellings these rules allow for the
value it reads as: ``壹仟伍`` (1005? 1500?), ``壹仟零零伍`` or ``伍角叁`` are not
read at all (:class:`ValueProblem`), never guessed.
"""

from __future__ import annotations

import re
from itertools import product

from client.money import MAX_FEN, above_cap

from ._reading import ValueProblem

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
# the traditional forms the rules accept, read as their simplified ones
_SIMPLIFIED = str.maketrans("萬億圓貳陸參", "万亿圆贰陆叁")
_NEGATIVE = ("（负数）", "(负数)", "负")  # 负数 in brackets is how a red-letter (负数) invoice prints it
WORD_CHARACTERS = _DIGITS + "拾佰仟万亿圆元角分整正人民币负" + "萬億圓貳陸參" + "数（）()"
_MARKS = "ⓧ⊗Ⓧ⊕"  # printed before the words on paper invoices so nothing can be written in front
_MAX_LENGTH = 64  # the longest spelling below the cap has fewer than 40 characters
_FRACTION = re.compile(r"零?(?:(?P<jiao>[壹贰叁肆伍陆柒捌玖])角)?零?(?:(?P<fen>[壹贰叁肆伍陆柒捌玖])分)?整?")


def amount_in_words_fen(text: str) -> int:
    """The amount the words say, in fen. Raises :class:`ValueProblem` when they are not a well-formed amount."""
    negative, words = _signed(text)
    words = words.removeprefix("人民币")
    if not words:
        raise ValueProblem("no amount in words")
    if len(words) > _MAX_LENGTH:
        raise ValueProblem(f"{len(words)} characters, more than any amount in words has")
    stray = sorted(set(words) - set(WORD_CHARACTERS))
    if stray:
        raise ValueProblem(f"{''.join(stray)!r} in {text.strip()!r} is no part of an amount in words")
    spelled = words.replace("元", "圆").replace("正", "整")
    fen = _value(spelled, text)
    if fen > MAX_FEN:
        raise ValueProblem(str(above_cap(repr(text.strip()))))
    if spelled not in spellings(fen):
        raise ValueProblem(f"{text.strip()!r} is not an amount as it is written in words (one 零 for each run of "
                           "zeros between digits, a unit after every digit but the last, 整 after 圆)")
    return -fen if negative else fen


def words_negative(text: str) -> bool:
    """Whether the words say a negative amount (``负``, a red-letter invoice's ``（负数）``), whether or not what
    follows can be read as an amount: OCR may misread the digits and still read the sign."""
    return _signed(text)[0]


def _signed(text: str) -> tuple[bool, str]:
    """Whether the words carry a minus sign, and the words after it: blanks and the marks before them taken out,
    traditional forms simplified."""
    words = "".join(text.split()).lstrip(_MARKS).translate(_SIMPLIFIED)
    sign = next((s for s in _NEGATIVE if words.startswith(s)), "")
    return bool(sign), words.removeprefix(sign)


def _value(spelled: str, text: str) -> int:
    """What the words add up to, read loosely: :func:`spellings` decides whether they are written right."""
    yuan_text, has_yuan, fraction = spelled.rpartition("圆") if "圆" in spelled else ("", "", spelled)
    if has_yuan and not yuan_text:
        raise ValueProblem(f"{text.strip()!r} has no digits before 圆")
    fraction_match = _FRACTION.fullmatch(fraction)
    if fraction_match is None:
        raise ValueProblem(f"{fraction!r} in {text.strip()!r} is not 角 and 分")
    jiao, fen = (_DIGITS.index(fraction_match[part]) if fraction_match[part] else 0 for part in ("jiao", "fen"))
    return _whole(yuan_text, text) * 100 + jiao * 10 + fen


def _whole(words: str, text: str) -> int:
    if "圆" in words or "角" in words or "分" in words or "整" in words:
        raise ValueProblem(f"{text.strip()!r} has 圆, 角, 分 or 整 out of place")
    above_yi = above_wan = group = 0
    digit: int | None = None
    for char in words:
        if char in _DIGITS:
            digit = _DIGITS.index(char)
        elif char in _SMALL_UNITS:
            group += (1 if digit is None else digit) * _SMALL_UNITS[char]  # 拾伍: a leading 拾 is 壹拾
            digit = None
        elif char == "万":
            above_wan, group, digit = group + (digit or 0), 0, None
        elif char == "亿":
            above_yi, above_wan, group, digit = above_wan * 10**4 + group + (digit or 0), 0, 0, None
        else:
            raise ValueProblem(f"{char!r} in {text.strip()!r} is out of place")
    return above_yi * 10**8 + above_wan * 10**4 + group + (digit or 0)


# --- the spellings the rules allow ------------------------------------------------

def spellings(fen: int) -> set[str]:
    """Every way the rules allow to write ``fen`` (not negative) in words, with 圆 for 元 and 整 for 正."""
    yuan, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    if jiao == 0 and fen_digit == 0:
        whole = _whole_spellings(yuan, opening=True) if yuan else {"零"}
        return {w + "圆整" for w in whole}
    heads = {w + "圆" for w in _whole_spellings(yuan, opening=True)} if yuan else {""}
    # 零 after 圆: written where the 角 is 0 and a 分 follows; may be where the last yuan digit is 0
    optional_zero = ("", "零") if yuan and yuan % 10 == 0 else ("",)
    jiao_text, fen_text = _DIGITS[jiao] + "角", _DIGITS[fen_digit] + "分"
    if jiao and fen_digit:
        tails = {z + jiao_text + fen_text for z in optional_zero}
    elif jiao:
        tails = {z + jiao_text + end for z in optional_zero for end in ("", "整")}
    else:
        tails = {("零" if yuan else "") + fen_text}
    return {h + t for h, t in product(heads, tails)}


def _whole_spellings(number: int, opening: bool) -> set[str]:
    """Every spelling of a whole number of yuan (> 0); ``opening``: it starts the amount, so 壹拾 may be 拾."""
    for size, mark in ((10**8, "亿"), (10**4, "万")):
        if number >= size:
            high, low = divmod(number, size)
            heads = {h + mark for h in _whole_spellings(high, opening)}
            if low == 0:
                return heads
            if low < size // 10:
                zeros: tuple[str, ...] = ("零",)  # a gap inside the digits: one 零
            elif high % 10 == 0:
                zeros = ("", "零")  # the digit before 万 or 亿 is 0, the next one is not: 零 or not
            else:
                zeros = ("",)
            return {h + z + t for h, z, t in product(heads, zeros, _whole_spellings(low, False))}
    return _group_spellings(number, opening)


def _group_spellings(number: int, opening: bool) -> set[str]:
    """A group of up to four digits (1 to 9999): each digit with its unit, one 零 for each run of zeros inside."""
    out, zero_pending, started = "", False, False
    for place, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = number // place % 10
        if digit == 0:
            zero_pending = started
            continue
        out += ("零" if zero_pending else "") + _DIGITS[digit] + unit
        zero_pending, started = False, True
    if opening and 10 <= number <= 19:
        return {out, out[1:]}
    return {out}
