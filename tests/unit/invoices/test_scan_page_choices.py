"""The characters tesseract weighed at each character of the page pass (its hOCR alternatives): where the page pass
weighed the crop's reading of an item name's character too, its own choice there is not taken over the crop's."""

import subprocess
from pathlib import Path

import pytest

from client.invoices import MalformedInput, _ocr, read_scan
from client.invoices._ocr import Reading, hocr_choices
from client.invoices._scan_fields import KINDS, Found, reconcile, surer_characters

from ._tesseract import needs_tesseract
from .test_scan import NEW_CORPUS, NEW_SCALE, VARIANTS, needs_font
from .test_scan_name_by_character import _sure

# tesseract 5.3's hOCR with lstm_choice_mode=2, cut down: a word of two characters, one of one character whose choices
# begin with a blank group (a space weighed before it), and one whose groups are fewer than its characters; then
# 设备, whose first group is chosen as 和 (no character of the word: 设 has none of its own), 社会, whose groups are
# chosen as 全 and 人, each at 0.97, and R&D, whose first group is a space weighed before it, with other choices
HOCR = """<span class='ocr_line' id='line_1_1' title="bbox 197 488 900 529">
 <span class='ocrx_word' id='word_1_1' title='bbox 228 488 268 529; x_wconf 66'>压条
  <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>
   <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 98'>压</span>
   <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 0'>丰</span></span>
  <span class='ocrx_cinfo' id='lstm_choices_1_1_2'>
   <span class='ocrx_cinfo' id='choice_1_1_3' title='x_confs 81'>条</span>
   <span class='ocrx_cinfo' id='choice_1_1_4' title='x_confs 55'>泵</span>
   <span class='ocrx_cinfo' id='choice_1_1_5' title='x_confs 38'>&lt;</span></span>
 </span>
 <span class='ocrx_word' id='word_1_2' title='bbox 300 490 330 529; x_wconf 90'>5
  <span class='ocrx_cinfo' id='lstm_choices_1_2_1'>
   <span class='ocrx_cinfo' id='choice_1_2_1' title='x_confs 93'> </span></span>
  <span class='ocrx_cinfo' id='lstm_choices_1_2_2'>
   <span class='ocrx_cinfo' id='choice_1_2_2' title='x_confs 95'>5</span>
   <span class='ocrx_cinfo' id='choice_1_2_3' title='x_confs 0'>S</span></span>
 </span>
 <span class='ocrx_word' id='word_1_3' title='bbox 340 490 420 529; x_wconf 96'>工业
  <span class='ocrx_cinfo' id='lstm_choices_1_3_1'>
   <span class='ocrx_cinfo' id='choice_1_3_1' title='x_confs 0'>业</span></span>
 </span>
 <span class='ocrx_word' id='word_1_8' title='bbox 117 108 178 144; x_wconf 95'>设备
  <span class='ocrx_cinfo' id='lstm_choices_1_8_1'>
   <span class='ocrx_cinfo' id='choice_1_8_1' title='x_confs 93.972557'>和</span>
   <span class='ocrx_cinfo' id='choice_1_8_2' title='x_confs 0'>认</span></span>
  <span class='ocrx_cinfo' id='lstm_choices_1_8_2'>
   <span class='ocrx_cinfo' id='choice_1_8_7' title='x_confs 93.570404'>备</span>
   <span class='ocrx_cinfo' id='choice_1_8_8' title='x_confs 0'>训</span></span>
 </span>
 <span class='ocrx_word' id='word_1_40' title='bbox 460 376 534 413; x_wconf 96'>社会
  <span class='ocrx_cinfo' id='lstm_choices_1_40_1'>
   <span class='ocrx_cinfo' id='choice_1_40_1' title='x_confs 97.341805'>全</span>
   <span class='ocrx_cinfo' id='choice_1_40_2' title='x_confs 0'>守</span></span>
  <span class='ocrx_cinfo' id='lstm_choices_1_40_2'>
   <span class='ocrx_cinfo' id='choice_1_40_5' title='x_confs 96.642891'>人</span>
   <span class='ocrx_cinfo' id='choice_1_40_6' title='x_confs 0'>客</span></span>
 </span>
 <span class='ocrx_word' id='word_1_41' title='bbox 155 31 228 59; x_wconf 95'>R&amp;D
  <span class='ocrx_cinfo' id='lstm_choices_1_41_1'>
   <span class='ocrx_cinfo' id='choice_1_41_1' title='x_confs 92.149338'> </span>
   <span class='ocrx_cinfo' id='choice_1_41_2' title='x_confs 0'>_</span></span>
  <span class='ocrx_cinfo' id='lstm_choices_1_41_2'>
   <span class='ocrx_cinfo' id='choice_1_41_5' title='x_confs 94.217285'>R</span></span>
  <span class='ocrx_cinfo' id='lstm_choices_1_41_3'>
   <span class='ocrx_cinfo' id='choice_1_41_8' title='x_confs 93.291756'>&amp;</span>
   <span class='ocrx_cinfo' id='choice_1_41_9' title='x_confs 0'>8</span></span>
  <span class='ocrx_cinfo' id='lstm_choices_1_41_4'>
   <span class='ocrx_cinfo' id='choice_1_41_14' title='x_confs 94.77269'>D</span></span>
 </span>
</span>
</p>"""


def test_each_character_of_a_word_has_the_characters_weighed_there():
    assert hocr_choices(HOCR) == {(228, 488, 268, 529): ("压丰", "条泵<"), (300, 490, 330, 529): ("5S",),
                                  (117, 108, 178, 144): ("", "备训"), (460, 376, 534, 413): ("", ""),
                                  (155, 31, 228, 59): ("R", "&8", "D")}


def test_a_group_tesseract_chose_as_another_character_gives_a_character_no_alternatives():
    # where the crop read 和 for 设, the page pass's surer 设 is taken: the group chosen as 和 is no character's
    page, crop = "*机械设备*液压泵", "*机械和备*液压泵"
    reading, taken = surer_characters(Reading(crop, 0.0, _sure(crop, 0.93, 和=0.05)), page, _sure(page, 0.9),
                                      ("*", "机", "械", *hocr_choices(HOCR)[117, 108, 178, 144],
                                       "*", "液", "压", "泵"))
    assert (reading.text, taken) == (page, [("和", "设")])


def test_a_character_the_page_pass_weighed_as_the_crop_read_it_is_not_taken_from_the_page_pass():
    # the page pass read 液压条 (条 at 0.66, 泵 its next choice), the crop 液压泵 with 泵 at 0.00
    page, crop = "*#机械设备*液压条", "*机械设备*液压泵"
    weighed = ("*", "#", "机", "械", "设", "备", "*", "液", "压", "条泵夺双")
    reading, taken = surer_characters(Reading(crop, 0.0, _sure(crop, 0.93, 泵=0.0)), page, _sure(page, 0.66),
                                      weighed)
    assert (reading.text, taken) == (crop, [])
    found = reconcile(Found(page, 0.07, characters=_sure(page, 0.66), choices=weighed),
                      Reading(crop, 0.0, _sure(crop, 0.93, 泵=0.0)), KINDS["name"])
    assert found.value == crop and "'*机械设备*液压条'" in found.doubt  # flagged, both readings named


@pytest.mark.parametrize("weighed", [("*", "#", "机", "械", "设", "备", "*", "液", "压", "条夺双"), ()])
def test_a_character_the_page_pass_did_not_weigh_as_the_crop_read_it_is_taken_as_before(weighed):
    page, crop = "*#机械设备*液压条", "*机械设备*液压泵"
    reading, taken = surer_characters(Reading(crop, 0.0, _sure(crop, 0.93, 泵=0.0)), page, _sure(page, 0.66),
                                      weighed)
    assert (reading.text, taken) == ("*机械设备*液压条", [("泵", "条")])


@needs_tesseract
@needs_font
def test_a_scanned_name_keeps_the_character_the_page_pass_weighed_as_its_next_choice(tmp_path):
    # the new corpus's image-only PDF: the page pass reads 液压泵 as 液压条 (条 at 0.66, 泵 its next choice), the
    # crop 泵 at 0.00; 液压条 was taken before
    inv = NEW_CORPUS[0]
    result = read_scan(VARIANTS["image-pdf"](inv, tmp_path / "new0", scale=NEW_SCALE))
    assert result.line_items[0].name == inv.lines[0].name == "*机械设备*液压泵"
    assert result.fields["lines[0].name"].flagged  # the two readings disagree: a person still looks


def _fake_tesseract(monkeypatch, written: dict[str, bytes]):
    """tesseract faked: the page pass writes each of ``written`` (a suffix and its bytes) beside the page, and
    exits 0 saying it could not write the rest."""
    def run(args, **kw):
        for suffix, data in written.items():
            Path(f"{args[2]}{suffix}").write_bytes(data)
        return subprocess.CompletedProcess(args, 0, b"", b"Error: could not write the output")

    monkeypatch.setattr(_ocr, "tesseract_path", lambda: "/usr/bin/tesseract")
    monkeypatch.setattr(_ocr.subprocess, "run", run)


_TSV = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t228\t488\t40\t41\t66.5\t压条\n").encode()


def test_a_page_pass_without_its_hocr_is_read_without_alternatives(monkeypatch):
    pytest.importorskip("PIL", reason="Pillow writes the page")
    from PIL import Image

    _fake_tesseract(monkeypatch, {".tsv": _TSV})
    [word] = _ocr.read_words(Image.new("L", (600, 600), 255), "page.png")
    assert (word.text, word.box, word.choices) == ("压条", (228, 488, 268, 529), ())
    _fake_tesseract(monkeypatch, {".tsv": _TSV, ".hocr": HOCR.encode()})
    assert _ocr.read_words(Image.new("L", (600, 600), 255), "page.png")[0].choices == ("压丰", "条泵<")


def test_a_page_pass_that_wrote_no_tsv_is_refused_saying_what_tesseract_said(monkeypatch):
    pytest.importorskip("PIL", reason="Pillow writes the page")
    from PIL import Image

    _fake_tesseract(monkeypatch, {})
    with pytest.raises(MalformedInput, match="could not write the output"):
        _ocr.read_words(Image.new("L", (600, 600), 255), "page.png")
