"""An item name's two readings weighed character by character: where the page pass read a Chinese character
otherwise, and more surely than the crop's reading (``--psm 13``) read it, the page pass's is taken; the field
stays flagged, both readings named. No OCR here: readings are made up."""

from client.invoices._ocr import Reading
from client.invoices._scan_fields import KINDS, Found, reconcile, surer_characters


def _sure(text: str, confidence: float, **unsure: float) -> tuple[float, ...]:
    """Each character of ``text`` (spaces aside) at ``confidence``, those named in ``unsure`` at theirs."""
    return tuple(unsure.get(char, confidence) for char in "".join(text.split()))


def test_a_character_the_page_pass_read_more_surely_is_taken_and_the_name_stays_flagged():
    # the crop's reading misreads 瓷 as 赛 at 0.00, its other words at 0.80 and more; the page pass read 陶瓷 at 0.77
    page = "*#电子元件*多层片式陶瓷电容器高频"
    crop = "*电子元件*多层片式陶赛电容器高频"
    found = reconcile(Found(page, 0.42, characters=_sure(page, 0.9, 陶=0.77, 瓷=0.77)),
                      Reading(crop, 0.0, _sure(crop, 0.92, 赛=0.0)), KINDS["name"])
    assert found.value == "*电子元件*多层片式陶瓷电容器高频"
    assert "'*电子元件*多层片式陶赛电容器高频'" in found.doubt and "'瓷' for '赛'" in found.doubt
    # as sure as its least sure character where it was read: 瓷 on the page, at 0.77; 赛's 0.00 is no longer in it
    assert found.confidence == 0.77


def test_a_name_taken_in_part_from_the_page_pass_is_as_sure_as_its_least_sure_character():
    # the crop's asterisk, a word of its own, read at 0.31, below 瓷 on the page (0.77), is the name's least sure
    page = "*#电子元件*多层片式陶瓷电容器高频"
    crop = "*电子元件*多层片式陶赛电容器高频"
    reading, taken = surer_characters(Reading(crop, 0.0, _sure(crop, 0.92, 赛=0.0, **{"*": 0.31})), page,
                                      _sure(page, 0.9, 陶=0.77, 瓷=0.77))
    assert (reading.text, taken) == ("*电子元件*多层片式陶瓷电容器高频", [("赛", "瓷")])
    assert reading.confidence == 0.31 and len(reading.characters) == len(reading.text)


def test_a_character_the_crop_read_more_surely_stays():
    # the page pass reads 芯 as 心 at 0.62, the crop 芯片 at 0.93: the crop's reading stands, as before
    page = "*#电子元件*集成电路心片"
    crop = "*电子元件*集成电路芯片"
    found = reconcile(Found(page, 0.42, characters=_sure(page, 0.92, 心=0.62)),
                      Reading(crop, 0.05, _sure(crop, 0.93)), KINDS["name"])
    assert found.value == "*电子元件*集成电路芯片" and "taken from" not in found.doubt and found.doubt


def test_only_chinese_characters_read_as_as_many_others_are_weighed():
    # an asterisk read as 人, a character more or fewer, letters and digits: the crop's reading stands
    cases = [("*#金属制品*内六角螺栓M8x30", "*人金属制品*内六角螺栓M8x30"),  # 人 for the page pass's #
             ("*#有电子元件*贴片电容", "*电子元件*贴片电容"),  # a character the crop did not read
             ("*电子元件*贴片电容0603-100nF50", "*电子元件*贴片电容0603-1O0nF-50")]
    for page, crop in cases:
        reading, taken = surer_characters(Reading(crop, 0.0, _sure(crop, 0.0)), page, _sure(page, 0.99))
        assert (reading.text, reading.confidence, taken) == (crop, 0.0, []), page


def test_without_each_characters_confidence_the_crop_is_kept():
    # a text layer's reading, or one whose characters do not match its confidences, gives nothing to weigh
    page, crop = "*电子元件*多层片式陶瓷电容器", "*电子元件*多层片式陶赛电容器"
    assert reconcile(Found(page, 1.0), Reading(crop, 0.0, _sure(crop, 0.0)), KINDS["name"]).value == crop
    assert reconcile(Found(page, 0.9, characters=(0.9,)), Reading(crop, 0.0, _sure(crop, 0.0)),
                     KINDS["name"]).value == crop
    assert reconcile(Found(page, 0.9, characters=_sure(page, 0.9)), Reading(crop, 0.0), KINDS["name"]).value == crop


def test_spaces_the_page_pass_read_are_kept_around_what_is_taken():
    page = "*电线电缆*铜芯电力电缆 YJV 3x95"
    crop = "*电线电缆*铜艺电力电缆YJV3x95"
    found = reconcile(Found(page, 0.13, characters=_sure(page, 0.9)),
                      Reading(crop, 0.0, _sure(crop, 0.9, 艺=0.17)), KINDS["name"])
    assert found.value == "*电线电缆*铜芯电力电缆 YJV 3x95" and found.doubt


def test_a_cell_cut_from_the_page_pass_gives_each_character_but_its_spaces_its_words_confidence():
    # what surer_characters weighs the page pass's reading by: one confidence per character of the cell's text, spaces
    # aside (the page pass's own space between words, sure at 1.0, and the one the cell keeps are no characters read)
    from PIL import Image, ImageDraw

    from client.invoices._item_table import cut_row
    from client.invoices._lines import TextLine
    from client.invoices._page import WordGap

    page, line = Image.new("L", (200, 26), 255), TextLine()
    line.add("0603", 0.6, gap=False, box=(10, 0, 90, 26))
    line.add("X7R", 0.8, gap=True, box=(104, 0, 170, 26))
    for left, right in ((10, 90), (104, 170)):
        ImageDraw.Draw(page).rectangle((left, 2, right - 1, 24), fill=0)
    columns = {"name": (0, 5), "spec": (20, 160), "unit": (180, 190), "amount": (191, 192), "tax_rate": (193, 194),
               "tax": (195, 196)}
    cell = cut_row(page, line, columns, WordGap(10, 1))["spec"]
    assert cell.page_text == "0603 X7R" and cell.characters == (0.6,) * 4 + (0.8,) * 3
