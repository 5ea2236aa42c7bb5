"""The amount in words (价税合计（大写）) read strictly into fen."""

import pytest
from hypothesis import given, strategies as st

from client.invoices._amount_words import amount_in_words_fen, spellings
from client.invoices._reading import ValueProblem
from client.money import MAX_FEN

from ._samples import in_words


@pytest.mark.parametrize("words, fen", [
    ("贰仟叁佰零叁圆整", 230300),
    ("壹万零伍拾圆零伍分", 1005005),
    ("壹亿圆整", 10**10),
    ("零圆整", 0),
    ("伍角", 50), ("伍角整", 50), ("伍分", 5), ("叁角贰分", 32),
    ("壹仟陆佰捌拾元零叁角贰分", 168032), ("壹仟陆佰捌拾元叁角贰分", 168032),  # 元 for 圆; 零 after a 0 yuan digit
    ("壹拾万柒仟元伍角叁分", 10700053), ("壹拾万零柒仟元伍角叁分", 10700053),  # 零 after a 0 万 digit or not
    ("壹万陆仟肆佰零玖元零贰分", 1640902),
    ("壹拾伍圆整", 1500), ("拾伍圆整", 1500),
    ("壹亿零伍佰万圆整", 10500000000), ("壹亿零伍佰圆整", 10000050000),
    ("壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁圆整", 123456789012300),
    ("玖拾万零柒佰壹拾玖亿玖仟贰佰伍拾肆万柒仟肆佰零玖圆玖角壹分", MAX_FEN),   # the cap, 2**53 - 1 fen
    ("玖拾万亿圆整", 9 * 10**15),
    ("人民币贰仟叁佰零叁元正", 230300), ("ⓧ贰仟叁佰零叁圆整", 230300), (" 贰仟 叁佰零叁圆整 ", 230300),
    ("负壹佰圆整", -10000),
    # a red-letter invoice's prefix, and the traditional forms the rules accept
    ("（负数）壹万肆仟圆整", -1400000), ("(负数)壹佰伍拾圆整", -15000), ("ⓧ（负数）壹佰伍拾圆整", -15000),
    ("壹萬圆整", 1000000), ("貳佰圓整", 20000), ("壹億圆整", 10**10), ("陸圆整", 600), ("參佰圆整", 30000),
    ("貳仟參佰零參圓整", 230300),
])
def test_amounts_in_words_as_invoices_print_them(words, fen):
    assert amount_in_words_fen(words) == fen


@pytest.mark.parametrize("words", [
    "", "人民币", "圆整",
    "壹仟伍圆整",        # 1005 or 1500: a digit after 仟 without its unit
    "贰仟叁佰叁圆整",     # the 零 of the empty 拾 place is missing
    "壹仟零零伍圆整",     # one 零 for a run of zeros
    "壹佰零圆整",         # no 零 at the end
    "叁佰拾圆整",         # 拾 needs its digit inside an amount
    "壹万伍拾圆整",       # 10050 needs its 零
    "壹亿伍佰万圆整",
    "壹佰圆",             # 整 after 圆
    "贰仟叁佰零叁",       # no 圆
    "壹佰圆伍分",         # a 分 after an empty 角 place needs 零
    "壹佰壹圆零伍角",     # 零 after a yuan digit that is not 0
    "壹佰圆伍分整", "壹佰圆整整", "伍角叁",
    "贰仟叁百零叁圆整",   # 百 is not the uppercase 佰
    "贰仟3佰零叁圆整", "贰仟叁佰零叁圆整¥2303.00",
    "壹拾亿亿圆整",       # beyond what an amount has (and the cap)
    "壹仟万亿圆整",       # 10**17 fen, above the cap
    "玖拾万零柒佰壹拾玖亿玖仟贰佰伍拾肆万柒仟肆佰零玖圆玖角贰分",   # the cap + 1 fen
    "壹" * 70,
])
def test_words_that_are_no_amount_are_not_read(words):
    with pytest.raises(ValueProblem):
        amount_in_words_fen(words)


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_what_invoicing_software_prints_reads_back(fen):
    # in_words writes digit by digit from the left, not the way the reader works out its spellings
    assert in_words(fen) in spellings(fen)
    assert amount_in_words_fen(in_words(fen)) == fen


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_every_allowed_spelling_reads_as_its_amount_and_no_other(fen):
    written = spellings(fen)
    assert written
    for words in written:
        assert amount_in_words_fen(words) == fen
    assert not written & spellings(fen + 1)
