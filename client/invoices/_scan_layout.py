"""Where each field is on an invoice's lines, and the second reading of it.

The labelled header fields are found by their labels (发票号码：, 名称：, ...); the item
rows between the table's header and 合计 are cut into cells by the header's columns
(``_item_table``: by its ink on a scan, by its characters' places on a text layer),
or split by a row pattern where there are no columns or no places; a line with text
under the name column alone, just below a row, is that row's item name wrapped onto
another line. :func:`read_again` then reads every field that has a place on a
scanned page a second time, in its kind's mode, and reconciles the two readings;
:func:`join_wrapped_names` makes each wrapped name one field again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from . import _item_table
from ._lines import TextLine
from ._ocr import Reading
from ._scan_fields import KINDS, MONEY, NO_TAX_STARS, STRAY, TAX_RATE, FieldKind, Found, _doubts, reconcile
from .checks import normalise_name

HEADER_FIELDS = ("number", "issue_date", "buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id",
                 "total_amount", "total_tax", "total_with_tax")
# Read when printed, checked against the total when read, never required: the amount in words (大写)
OPTIONAL_FIELDS = ("total_in_words",)
HEADER_KINDS = {"number": "number", "issue_date": "date", "buyer.name": "party", "seller.name": "party",
                "buyer.tax_id": "tax_id", "seller.tax_id": "tax_id", "total_amount": "money",
                "total_tax": "money", "total_with_tax": "money", "total_in_words": "words"}

_COLON = r"\s*[:：]\s*"
# A value is taken loosely after its label, up to a space: a misread value still marks a place on the page that
# the second pass reads again, and what stays malformed is flagged. A number may be printed in groups of digits
# (2644 2000 0000 1234 5678): each further group that begins with a digit is part of it.
_NUMBER = re.compile(r"发票号码" + _COLON + r"(\S+(?:\s+\d\S*)*)")
# a date printed with blanks between its parts (2026 年 09 月 01 日, as a text layer or OCR may space them) whole, not
# its year alone
_DATE = re.compile(r"开票日期" + _COLON + r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\S+)")
# a name runs on across gaps (OCR splits 广州 南方纺织品... at a wide one) up to the next label, if any: another
# 名称, or the other party's block label (购买方信息 / 销售方信息, or its 信息 alone) where the two are side by side
_NAME = re.compile(r"(?<![项目])名\s*称" + _COLON +
                   r"(\S+(?:\s+(?!\S*名\s*称|购\s*买\s*方|销\s*售\s*方|信\s*息(?:\s|$))\S+)*)")
# the id is optional: after the label of a natural person (个人) buyer nothing is printed, and the label still
# tells which block the next id belongs to. What does follow is taken, a whole id or else loosely (as any value is,
# above) up to a space or the next label: a partly read id is a misread id, not a missing one.
_NEXT_LABEL = r"(?!纳税人识别号|统一社会信用代码|名\s*称|购\s*买\s*方|销\s*售\s*方|信\s*息)"
_TAX_ID = re.compile(r"(?:纳税人识别号|统一社会信用代码)[^:：]*" + _COLON +
                     r"([0-9A-Za-z]{15,22}|(?:" + _NEXT_LABEL + r"[^\s:：])+)?")
# A gap this many character heights wide inside a name is a column gap: the other party's block begins there
COLUMN_GAP = 3
# chi_sim has no ¥: the page pass reads it as one or two other characters (半, Y, 闻)
TOTALS = re.compile(r"^合\s*计\s+[^\d\s-]{0,2}\s*(" + MONEY + r")\s+[^\d\s-]{0,2}\s*(" + MONEY + r")\s*$")
# the figure whole or not at all: one a blank breaks (¥2 303.00, as OCR or a text layer may space its digits) is not
# read as the part after the blank (303.00), which would be another total; 价税合计 is then derived and flagged
_WITH_TAX = re.compile(r"价税合计.*?(?<!\d\s)(?<!\d\s\s)(" + MONEY + r")\s*$")
# the words run from the label to （小写） or the figures: no digit, bracket or currency sign is part of them,
# but for the red-letter prefix （负数） they may start with
_IN_WORDS = re.compile(r"价税合计\s*[（(]\s*大\s*写\s*[)）]\s*((?:[ⓧ⊗Ⓧ⊕]\s*)?(?:[（(]\s*负\s*数\s*[)）]\s*)?"
                       r"[^\d(（¥￥]*[^\d\s(（¥￥])")
_ROW = re.compile(
    r"^(?P<name>\S+)(?P<mid>(?:\s+\S+){0,2}?)\s+(?P<quantity>\d+(?:\.\d+)?)\s+(?P<unit_price>\d+(?:\.\d+)?)\s+"
    r"(?P<amount>" + MONEY + r")\s+(?P<tax_rate>" + TAX_RATE + r")\s+(?P<tax>" + MONEY + r"|" + NO_TAX_STARS
    + r")\s*$"
)


@dataclass
class Row:
    """An item row: the text the page pass read, its cells by column (a blank column has none), why it could
    not be read, if it could not, and each further line its item name wraps onto."""

    text: str
    confidence: float
    cells: dict[str, Found] = field(default_factory=dict)
    problem: str | None = None
    name_lines: list[Found] = field(default_factory=list)  # the name's second line on, top to bottom
    lines: list[TextLine] = field(default_factory=list, repr=False)  # the lines it was read from
    deduction: int | None = None  # 扣除额, from the remark, of the one row of an invoice taxed on the difference


def _found(line: TextLine, span: tuple[int, int]) -> Found:
    box = line.span_box(*span)
    if line.page is not None and box is not None:
        box = line.page.value_region(box)
    return Found(line.text[span[0]:span[1]], line.span_conf(*span), box, line.page)


def _search(lines: list[TextLine], pattern: re.Pattern[str]) -> list[Found]:
    return [_found(line, m.span(1)) for line in lines for m in pattern.finditer(line.text)]


def header_readings(lines: list[TextLine]) -> dict[str, Found | None]:
    """Each header field as the page (or text layer) has it; ``None`` where its label was not found."""
    raw: dict[str, Found | None] = dict.fromkeys(HEADER_FIELDS + OPTIONAL_FIELDS)
    # a number's digit groups end at a column gap: what stands further right is no part of it
    hits = [_found(line, (m.start(1), _before_column_gap(line, *m.span(1))))
            for line in lines for m in _NUMBER.finditer(line.text)]
    raw["number"] = hits[0] if hits else None
    hits = _search(lines, _DATE)
    raw["issue_date"] = hits[0] if hits else None
    # each party's name and id by the block label it stands in (_parties)
    names = [(line, m.start(), _found(line, (m.start(1), _before_column_gap(line, *m.span(1)))))
             for line in lines for m in _NAME.finditer(line.text)]
    # a label with no id after it is an id read as "" (a natural person buyer has none), so that the next id is
    # paired with the seller's label rather than taken for the buyer's
    ids = [(line, m.start(), _found(line, m.span(1) if m.group(1) else (m.end(), m.end())))
           for line in lines for m in _TAX_ID.finditer(line.text)]
    for key, hits in (("name", names), ("tax_id", ids)):
        raw[f"buyer.{key}"], raw[f"seller.{key}"] = _parties(lines, hits, key)
    for line in lines:
        m = TOTALS.match(line.text)
        if m:
            raw["total_amount"], raw["total_tax"] = _found(line, m.span(1)), _found(line, m.span(2))
    hits = _search(lines, _WITH_TAX)
    raw["total_with_tax"] = hits[0] if hits else None
    hits = _search(lines, _IN_WORDS)
    raw["total_in_words"] = hits[0] if hits else None
    return raw


# A party's block label: 购买方 / 销售方 (信息 or 名称 after it, as the fully digitalised and the roll invoice print
# them), or its first character alone, where the label is printed upright, one character a line
_PARTY_LABEL = re.compile(r"购\s*买\s*方|销\s*售\s*方|(?<!\S)[购销](?!\S)")
_PARTY_OF_LABEL = {"购": "buyer", "销": "seller"}
_KEY_SAID = {"name": "name", "tax_id": "tax id"}


def _parties(lines: list[TextLine], hits: list[tuple[TextLine, int, Found]],
             key: str) -> tuple[Found | None, Found | None]:
    """The buyer's and the seller's value of one key (their names, or their ids) among ``hits`` (each value's line,
    where its label begins on it, and the value), each by the block label it stands in: the last one before it on
    its line, else the labels of the last line before it that has any, the first value on its line under the first
    of them, the second under the second (two blocks side by side). Printed order alone would swap the two where the
    seller's block is printed first (a roll invoice prints 销售方名称 above 购买方名称; a text layer's lines are in
    printed order, whatever order its content draws them in). Where a
    value has no label, it takes the party left in printed order (the buyer first), flagged as such; where the
    labels put the seller's before the buyer's, both are flagged: a person checks which is which."""
    said = _KEY_SAID[key]
    at = {id(line): i for i, line in enumerate(lines)}
    labelled_lines = [(i, [_PARTY_OF_LABEL[m.group()[0]] for m in _PARTY_LABEL.finditer(line.text)])
                      for i, line in enumerate(lines)]
    labelled_lines = [(i, parties) for i, parties in labelled_lines if parties]
    placed: list[tuple[str | None, Found]] = []
    on_line: dict[int, int] = {}  # by line index: how many values before this one stand on it
    for line, begins, found in hits:
        index = at[id(line)]
        nth = on_line.get(index, 0)
        on_line[index] = nth + 1
        before = [_PARTY_OF_LABEL[m.group()[0]] for m in _PARTY_LABEL.finditer(line.text[:begins])]
        if before:
            placed.append((before[-1], found))
            continue
        earlier = [parties for i, parties in labelled_lines if i < index]
        placed.append((earlier[-1][nth] if earlier and nth < len(earlier[-1]) else None, found))
    by_label = {party: next((i for i, (said_party, _) in enumerate(placed) if said_party == party), None)
                for party in ("buyer", "seller")}
    unlabelled = [i for i, (party, _) in enumerate(placed) if party is None]
    chosen: dict[str, Found | None] = {}
    by_order: list[str] = []  # the parties whose value was taken by printed order, for want of a label
    for party in ("buyer", "seller"):
        index = by_label[party]
        if index is None and unlabelled:
            index = unlabelled.pop(0)
            by_order.append(party)
        chosen[party] = placed[index][1] if index is not None else None
    if by_order:
        # the other party's value, labelled, is in doubt too: the value without a label may be the one its label
        # stands over (a page drawn bottom up puts each id before its block's label)
        for party in ("buyer", "seller"):
            if chosen[party] is not None:
                chosen[party] = replace(chosen[party], doubt=_doubts(chosen[party].doubt, (
                    f"no 购买方/销售方 block label read before the {' or '.join(by_order)}'s {said}: taken by where "
                    "it is printed (the buyer's first), check which party is which against the invoice")))
    if by_label["buyer"] is not None and by_label["seller"] is not None and by_label["seller"] < by_label["buyer"]:
        for party in ("buyer", "seller"):
            chosen[party] = replace(chosen[party], doubt=_doubts(chosen[party].doubt, (
                f"the block labels put the seller's {said} before the buyer's, which an invoice prints first: "
                f"taken for the {party}'s by its label (销售方 or 购买方), check which party is which against the "
                "invoice")))
    return chosen["buyer"], chosen["seller"]


# An invoice's own number: its label begins a line or follows a blank. A remark that cites another invoice's number
# (被红冲蓝字数电发票号码：... on a red-letter invoice) has the label inside a run of text.
_OWN_NUMBER = re.compile(r"(?<!\S)" + _NUMBER.pattern)


# A second identity printed beside the invoice's number, as a field of its own (its label begins a line or follows a
# blank): the 发票代码 of a paper form, or the platform's 20-digit number (数电票号码) on an invoice of the fully
# digitalised platform delivered on paper (数电纸质发票). A red-letter invoice's remark citing the invoice it reverses
# (被红冲蓝字数电发票号码：...) has the label inside a run of text.
_SECOND_IDENTITY = re.compile(r"(?<!\S)(发票代码|数电票号码|数电发票号码)" + _COLON + r"(\S+)")


def second_identity(lines: list[TextLine]) -> tuple[str, str] | None:
    """The label and value of the first identity the page prints besides its 发票号码, or ``None``."""
    found = next((m for line in lines for m in _SECOND_IDENTITY.finditer(line.text)), None)
    return None if found is None else (found[1], found[2])


# The labels of the two identities of a fully digitalised e-invoice delivered on paper, each a field of its own: the
# paper form's 发票代码 (its 8-digit 发票号码 is labelled as an invoice's number is) and the platform's 20-digit number
_PAPER_CODE = re.compile(r"(?<!\S)发票代码" + _COLON + r"(\S+)")
_PLATFORM_NUMBER = re.compile(r"(?<!\S)(?:数电票号码|数电发票号码)" + _COLON + r"(\S+(?:\s+\d\S*)*)")


@dataclass(frozen=True)
class PaperIdentity:
    """The two identities a page of a fully digitalised e-invoice delivered on paper prints: its 20-digit number
    (labelled 发票号码 or 数电票号码) and the paper form's 发票代码 and 8-digit 发票号码, each as read (the least sure
    reading where a value is printed more than once)."""

    number: Found
    paper_code: Found
    paper_number: Found


def paper_identity(lines: list[TextLine]) -> PaperIdentity | None:
    """The page's two identities where it prints exactly one 发票代码, one 8-digit number and one 20-digit number
    (each value perhaps more than once) and no other number; ``None`` otherwise: which value is which identity is
    then not to be told from the page, and the number is flagged for a person (:func:`second_identity`)."""
    numbers = [_found(line, (m.start(1), _before_column_gap(line, *m.span(1))))
               for pattern in (_OWN_NUMBER, _PLATFORM_NUMBER) for line in lines for m in pattern.finditer(line.text)]
    codes = _search(lines, _PAPER_CODE)
    by_value: dict[str, Found] = {}
    for found in numbers + codes:
        value = "".join(found.value.split())
        if value not in by_value or found.confidence < by_value[value].confidence:
            by_value[value] = replace(found, value=value)
    code_values = {"".join(found.value.split()) for found in codes}
    number_values = {"".join(found.value.split()) for found in numbers}
    eight = [v for v in number_values if re.fullmatch(r"[0-9]{8}", v)]
    twenty = [v for v in number_values if re.fullmatch(r"[0-9]{20}", v)]
    if len(code_values) != 1 or len(eight) != 1 or len(twenty) != 1 or len(number_values) != 2 \
            or code_values & number_values:
        return None
    return PaperIdentity(by_value[twenty[0]], by_value[code_values.pop()], by_value[eight[0]])


@dataclass(frozen=True)
class NumberReadOtherwise:
    """A number printed with no title block on a page of an invoice, one or two characters off the invoice's own:
    as read, and its page (from 1)."""

    number: str
    page: int


@dataclass
class InvoiceInFile:
    """One invoice of a file that may hold several: its number as read (``None`` where it was not read, or where
    the file has one title block and it was not looked for; spaces aside, NFKC), its lines, the pages (from 1) they
    are on, each further copy of it the file prints (its title block again after its totals), apart: never read
    into it, and each number its pages print one or two characters off its own, for a person to check.
    ``pages_after``: the pages after the one printing its total with tax that no other invoice begins on (a letter,
    a statement of account, a list of goods sent in the same file), not read into it (:func:`_up_to_its_totals`);
    ``rows_after``: whether any of them prints an item table or item rows; ``remark_runs_on``: why its remark (备注)
    may go on onto them: ``"ends"`` (its last page ends in its remark), ``"begins"`` (the page after begins with a
    remark), else ``""``."""

    number: str | None
    lines: list[TextLine]
    pages: tuple[int, ...]
    copies: list[InvoiceInFile] = field(default_factory=list)
    numbers_read_otherwise: list[NumberReadOtherwise] = field(default_factory=list)
    pages_after: tuple[int, ...] = ()
    rows_after: bool = False
    remark_runs_on: Literal["", "ends", "begins"] = ""


def invoices_in(lines: list[TextLine]) -> list[InvoiceInFile]:
    """A file's lines as the invoices they print, in order. Each invoice number printed as a title block's begins
    one; the title blocks an invoice printed on several pages repeats on each (the same number, the same seller)
    are one invoice. A title block with another number, or the same number and another seller (its tax id, else
    its name), is another invoice: read together, the two would be one invoice with the fields of the first and
    the rows of both. So is another number with no title block and item rows after it (a page printing only its
    number and rows: :func:`_begins_another_invoice`). Numbers are compared spaces aside and after NFKC (digits
    printed in groups, or full width, are the same number). The same number and seller again after the invoice's
    totals (价税合计) is a copy of it (the same page printed twice): kept apart in ``copies``, since read into it
    each row would count twice. Any other number line with nothing of a title block after it (no date, party,
    table or totals before the next number) is text of the invoice it stands in: the invoice going on onto its
    next page, or a red-letter invoice's remark citing the invoice it reverses, wrapped so that the label begins a
    line. A number with no title block one or two characters off the invoice's own (OCR misreads a digit) is
    taken for the invoice going on, rows after it or not, and kept in ``numbers_read_otherwise``: whether it is a
    misreading or another invoice's number only a person can tell.

    An invoice begins at the first line of its number's page, where neither a table, totals, nor another number
    stand on that page before the number (a page of its own), else at the number's line (two invoices on one
    page, or a number printed twice in one title block). It ends on the page printing its total with tax: the
    pages after it that no other invoice begins on are not read into it (:func:`_up_to_its_totals`)."""
    lines = _from_the_first_invoice_page(lines)
    starts = [i for i, line in enumerate(lines) if _OWN_NUMBER.search(line.text)]
    if len(starts) < 2:  # one title block: one invoice, whatever its number reads as
        return [_up_to_its_totals(InvoiceInFile(None, lines, ()))]
    bounds = [0] + [_invoice_start(lines, i, before) for before, i in zip(starts, starts[1:])] + [len(lines)]
    out: list[InvoiceInFile] = []
    seller_of: dict[int, tuple[str | None, str | None]] = {}  # by id of an invoice in out: its seller as read
    # by id of an invoice or copy in out: its lines so far print its total with tax. Kept as each part is added:
    # looking through all its lines again at each part would take a long invoice's pages times its lines
    totalled: set[int] = set()
    for begin, end in zip(bounds, bounds[1:]):
        part = lines[begin:end]
        if not part:
            continue
        raw = header_readings(part)
        number = _plain(raw["number"])
        seller = (_plain(raw["seller.tax_id"]), _plain(raw["seller.name"]))
        current = (out[-1].copies or [out[-1]])[-1] if out else None  # the copy being read, else the invoice
        untitled = current is not None and not _title_block(part, raw)
        near_number = untitled and _one_or_two_off(number, out[-1].number)
        if untitled and (near_number or not _begins_another_invoice(part, number, out[-1].number)):
            if near_number:
                out[-1].numbers_read_otherwise.append(NumberReadOtherwise(raw["number"].value,
                                                                          part[0].page_number + 1))
            current.lines += part
            into = current
        elif out and number == out[-1].number and not _other_seller(seller_of[id(out[-1])], seller):
            if id(current) in totalled:
                into = InvoiceInFile(number, part, ())
                out[-1].copies.append(into)
            else:
                current.lines += part
                into = current
            first = seller_of[id(out[-1])]
            seller_of[id(out[-1])] = (first[0] or seller[0], first[1] or seller[1])
        else:
            into = InvoiceInFile(number, part, ())
            out.append(into)
            seller_of[id(into)] = seller
        if _has_total_with_tax(part):
            totalled.add(id(into))
    return [_up_to_its_totals(invoice) for invoice in out]


def _up_to_its_totals(invoice: InvoiceInFile) -> InvoiceInFile:
    """The invoice, and each copy of it, ending on the page that prints its total with tax (价税合计; the first
    such line after its item table begins, where a table is read), or on a later one printing an invoice number as
    a field (its own, misread on the page of its rows): the pages after it are no part of it (a cover
    letter, a statement of account, terms of payment, a list of goods sent in the same file), and read into it
    their labels would give it their values (a statement's 合计 as its totals, a letter's 备注 as its remark).
    They are kept in ``pages_after``, with ``rows_after`` where one prints item rows, and ``remark_runs_on`` where
    its remark may go on onto them, for the reading to say so. The line that ends it is the first 价税合计 printing
    its figure: a page of a longer invoice may print the label with no figure (the form's frame, printed on each
    page, filled on the last), and ending there would leave out the pages of its further rows and its totals. Where
    no total with tax is read, every line is kept: nothing tells where the invoice ends."""
    for printed in (invoice, *invoice.copies):
        lines = printed.lines
        table = next((i for i, line in enumerate(lines)
                      if _item_table.is_header(line) or _ROW.match(_clean_row(line.text))), 0)
        labelled = [i for i in range(table, len(lines)) if _has_total_with_tax([lines[i]])] \
            or [i for i, line in enumerate(lines) if _has_total_with_tax([line])]
        totals = next((i for i in labelled if _WITH_TAX.search(lines[i].text)), labelled[0] if labelled else None)
        end = len(lines)
        if totals is not None:
            # to the end of the later of its totals' page and the last page printing an invoice number as a field
            # (the one page its number was read on, where the page of its rows printed it misread)
            last = max([totals, *(i for i, line in enumerate(lines) if _OWN_NUMBER.search(line.text))])
            end = last + 1
            while end < len(lines) and lines[end].same_page(lines[last]):
                end += 1
        after = lines[end:]
        printed.lines = lines[:end]
        printed.pages = _pages(printed.lines)
        printed.pages_after = tuple(page for page in _pages(after) if page not in printed.pages)
        printed.rows_after = any(_item_table.is_header(line) or _ROW.match(_clean_row(line.text)) for line in after)
        printed.remark_runs_on = (
            "" if not after or totals is None else "ends" if _ends_in_its_remark(lines[totals:end])
            else "begins" if _REMARK_LABEL.match(after[0].text.lstrip()) else "")
    return invoice


# the remark's label (备注; OCR may read an older invoice's seller block, left of the remark, into its line), and a
# line beginning with the drawer's, the payee's or the reviewer's (开票人, 收款人, 复核), printed below the remark:
# after them the remark has ended
_REMARK_LABEL = re.compile(r"备\s*注")
_BELOW_THE_REMARK = re.compile(r"\s*(?:开\s*票\s*人|收\s*款\s*人|复\s*核)")


def _ends_in_its_remark(lines: list[TextLine]) -> bool:
    """Whether the lines from an invoice's totals to the end of its last page end in its remark: a line after the
    totals prints 备注, and none after it begins with a label printed below the remark (开票人). A remark cut there
    by the page's end may go on onto the next page, with what it names (the invoice a red-letter one offsets, the
    deduction of one taxed on the difference)."""
    remark = next((i for i in range(len(lines) - 1, 0, -1) if _REMARK_LABEL.search(lines[i].text)), None)
    return remark is not None and not any(_BELOW_THE_REMARK.match(line.text) for line in lines[remark + 1:])


def _from_the_first_invoice_page(lines: list[TextLine]) -> list[TextLine]:
    """The lines from the first page that prints an invoice number on: the pages before it, with no item table, are
    no invoice's (a cover letter, a statement of account sent in one file with the invoice), and read into it their
    labels would give it their values (a statement's 开票日期 as its issue date, unflagged). A page before it that
    prints an item table's header or an item row is kept, as the invoice's own page whose number was misread: the
    invoice's rows are on it (its header line may be misread too, as OCR may a shaded one). Where no number is
    printed, every line is kept: nothing tells which page the invoice begins on."""
    first = next((i for i, line in enumerate(lines) if _OWN_NUMBER.search(line.text)), None)
    if first is None:
        return lines
    begin = first
    while begin > 0 and lines[begin - 1].same_page(lines[first]):
        begin -= 1
    if any(_item_table.is_header(line) or _ROW.match(_clean_row(line.text)) for line in lines[:begin]):
        return lines
    return lines[begin:]


def _pages(lines: list[TextLine]) -> tuple[int, ...]:
    return tuple(sorted({line.page_number + 1 for line in lines}))


def _invoice_start(lines: list[TextLine], number_line: int, previous_number_line: int) -> int:
    page_start = number_line
    while page_start > 0 and lines[page_start - 1].same_page(lines[number_line]):
        page_start -= 1
    before = lines[page_start:number_line]
    if page_start <= previous_number_line or any(_item_table.is_header(line) or _ends_table(line)
                                                 for line in before):
        return number_line
    return page_start


def _title_block(part: list[TextLine], raw: dict[str, Found | None]) -> bool:
    """Whether the lines from an invoice number's up to the next are a title block's: more than the number, a date,
    a party, a table header or totals."""
    return any(raw[key] is not None for key in ("issue_date", "buyer.name", "buyer.tax_id", "seller.name",
                                                 "seller.tax_id")) \
        or any(_item_table.is_header(line) or _ends_table(line) for line in part)


def _begins_another_invoice(part: list[TextLine], number: str | None, current_number: str | None) -> bool:
    """Whether a number line with no title block after it (``part``: from its page's first line or its own to the
    next number's) begins another invoice: it prints another number than the invoice being read, and item rows
    follow it (a page carrying only an invoice's number and its rows). Read into the invoice before, its rows would
    count as that one's. The same number so printed is the invoice going on onto its next page; a number cited in a
    remark, wrapped so that its label begins a line (its page's first, where the remark runs over), has no rows
    after it."""
    if number is None or number == current_number:
        return False
    at = next(i for i, line in enumerate(part) if _NUMBER.search(line.text))
    return any(_ROW.match(_clean_row(line.text)) for line in part[at + 1:])


def _one_or_two_off(number: str | None, current_number: str | None) -> bool:
    """Whether two numbers differ, by one or two characters put in, left out or read as others (as OCR misreads
    a digit or two of twenty)."""
    if number is None or current_number is None or number == current_number:
        return False
    # edits between the first i characters of number and each beginning of current_number (Levenshtein), row by row
    before = list(range(len(current_number) + 1))
    for i, char in enumerate(number, 1):
        row = [i]
        for j, other in enumerate(current_number, 1):
            row.append(min(before[j] + 1, row[j - 1] + 1, before[j - 1] + (char != other)))
        before = row
    return before[-1] <= 2


def _has_total_with_tax(lines: list[TextLine]) -> bool:
    """Whether the lines print an invoice's total with tax (价税合计): the end of the invoice."""
    return any(line.text.replace(" ", "").startswith("价税合计") for line in lines)


def _ends_table(line: TextLine) -> bool:
    """合计 or 价税合计: where the item table ends."""
    return bool(TOTALS.match(line.text)) or line.text.replace(" ", "").startswith(("合计", "价税合计"))


def _plain(found: Found | None) -> str | None:
    """A value as two are compared: spaces aside, after NFKC (full-width digits and brackets as ASCII)."""
    return None if found is None else (normalise_name(found.value) or None)


def _other_seller(first: tuple[str | None, str | None], then: tuple[str | None, str | None]) -> bool:
    """Whether two title blocks name different sellers: by tax id where both have one, else by name."""
    for mine, theirs in zip(first, then):
        if mine and theirs:
            return mine != theirs
    return False


def _before_column_gap(line: TextLine, start: int, end: int) -> int:
    """Where a value from ``start`` to ``end`` ends: at the first gap between characters wider than
    :data:`COLUMN_GAP` character heights (where the characters have boxes), else at ``end``."""
    previous = None
    for i in range(start, end):
        box = line.boxes[i] if i < len(line.boxes) else None
        if box is None:
            continue
        if previous is not None and box[0] - previous[2] > COLUMN_GAP * max(1, box[3] - box[1]):
            return len(line.text[:i].rstrip())
        previous = box
    return end


def item_rows(lines: list[TextLine]) -> list[Row]:
    """The item table's rows. A row of the table that cannot be read is kept, with its problem: never dropped.
    A line with text only under the name column, within the band of the row above, is that row's item name
    wrapped onto another line: it joins the row (see :func:`join_wrapped_names`).

    The table ends at 合计, at the end of its page, at a line of the invoice's labelled fields and at a line that
    repeats one printed above the table (the invoice's title): an invoice printed on several pages repeats its
    title, labelled fields and table header on each, and its table goes on under the repeated header, whether or
    not the text says where one page ends (a text layer without places, pages run together)."""
    rows: list[Row] = []
    in_table = False
    columns = None  # the table's columns, where its header's characters have boxes
    last: Row | None = None  # the table's row above the current line
    previous: TextLine | None = None
    heading: set[str] = set()  # the lines above the table's first header, spaces aside: the title, the fields
    header_seen = False
    for line in lines:
        next_page = previous is not None and not line.same_page(previous)
        previous = line
        if _item_table.is_header(line):
            in_table, columns, last, header_seen = True, _item_table.column_extents(line), None, True
            continue
        if not header_seen:
            heading.add("".join(line.text.split()))
        if _ends_table(line):
            in_table, last = False, None
            continue
        if in_table and (next_page or _is_labelled_field(line) or "".join(line.text.split()) in heading):
            in_table, last = False, None
        confidence = line.span_conf(0, len(line.text))
        split = _ROW.match(_clean_row(line.text))
        if not in_table:
            if split:
                rows.append(Row(line.text, confidence, _split_cells(split, confidence), lines=[line]))
            continue
        cells = None
        if columns is not None and line.page is not None:  # a scan: the row is cut by its ink
            cells = {c.column: Found(c.page_text, c.page_confidence, c.box, line.page, doubt=c.doubt,
                                     characters=c.characters, choices=c.choices)
                     for c in _item_table.cut_row(line.page.image, line, columns, line.page.word_gap).values()}
        elif columns is not None:  # a text layer: by where its characters are, when it says where
            placed = _item_table.cut_text_row(line, columns)
            if placed is not None:
                cells = {c.column: Found(c.page_text, confidence, doubt=c.doubt) for c in placed.values()}
        if last is not None and _continues_name(last, line, cells):
            last.lines.append(line)
            last.text += " " + line.text
            last.confidence = min(last.confidence, confidence)
            if last.problem is None:
                last.name_lines.append(cells["name"])
            continue
        last = _table_row(line, confidence, cells, split)
        rows.append(last)
    return rows


def invoice_text_on(lines: list[TextLine]) -> bool:
    """Whether the lines hold anything of an invoice the reader looks for: a labelled field (发票号码：, 名称：, ...),
    the item table's header or a line of its totals (合计, 价税合计). A page read turned on its side or upside down
    reads as none of them: Chinese read sideways is noise."""
    return any(_is_labelled_field(line) or _item_table.is_header(line) or TOTALS.match(line.text)
               or _WITH_TAX.search(line.text) for line in lines)


def _is_labelled_field(line: TextLine) -> bool:
    """A line of the invoice's labelled fields (发票号码：, 开票日期：, 名称：, 纳税人识别号：), which no item row has."""
    return any(pattern.search(line.text) for pattern in (_NUMBER, _DATE, _NAME, _TAX_ID))


def _table_row(line: TextLine, confidence: float, cells: dict[str, Found] | None,
               split: re.Match[str] | None) -> Row:
    """A row of the table from its cells (cut by its ink on a scan, by its characters' places on a text layer)
    or else from the row pattern."""
    if cells is not None:
        missing = [c for c in _item_table.REQUIRED if c not in cells]
        if not missing:
            return Row(line.text, confidence, cells, lines=[line])
        if not split:
            return Row(line.text, confidence, problem=f"unreadable item row: nothing under {', '.join(missing)}",
                       lines=[line])
    if split:  # the columns did not come apart (a long amount ran into the rate) but the words did
        return Row(line.text, confidence, _split_cells(split, confidence), lines=[line])
    return Row(line.text, confidence, problem="unreadable item row", lines=[line])


def _continues_name(row: Row, line: TextLine, cells: dict[str, Found] | None) -> bool:
    """Whether ``line`` is ``row``'s item name wrapped onto another line: it has text under the name column and
    under no other (a figure makes it a new item), and lies within the row's band: on the same page, below the
    row's last line by less than the height of its first (the next row begins further down)."""
    if cells is None or set(cells) != {"name"}:
        return False
    first, lowest, box = row.lines[0].box, row.lines[-1].box, line.box
    if line.page is not row.lines[-1].page or first is None or lowest is None or box is None:
        return False
    return box[1] > lowest[1] and box[1] - lowest[3] < first[3] - first[1]


def join_wrapped_names(rows: list[Row]) -> None:
    """In place: each wrapped item name made whole from its lines' readings, joined without a space (invoicing
    software breaks a name between any two characters). The name is as sure as its least sure line, and keeps
    every line's doubt."""
    for row in rows:
        first = row.cells.get("name")
        if first is None or not row.name_lines:
            continue
        parts = [first, *row.name_lines]
        doubts = [f"line {i}: {part.doubt}" for i, part in enumerate(parts, 1) if part.doubt]
        row.cells["name"] = replace(first, value="".join(part.value for part in parts),
                                    confidence=min(part.confidence for part in parts),
                                    doubt="; ".join(doubts) or None)


def _split_cells(m: re.Match[str], confidence: float) -> dict[str, Found]:
    """A row split by the row pattern; each cell has the line's confidence (cleaning moved the characters)."""
    cells = {name: Found(m.group(name), confidence)
             for name in ("name", "quantity", "unit_price", "amount", "tax_rate", "tax")}
    mid = m.group("mid").split()
    if len(mid) == 2:
        cells["spec"] = Found(mid[0], confidence)
    if mid:
        cells["unit"] = Found(mid[-1], confidence)
    return cells


def _clean_row(text: str) -> str:
    """Undo OCR noise that no invoice row contains: stray quotes and bars, ``#`` or ``+`` stuck to ``*``."""
    return re.sub(r"\*[#+]+|[#+]+\*", "*", text.translate(STRAY))


def read_again(header: dict[str, Found | None], rows: list[Row]) -> None:
    """The second pass, in place: each field that has a place on a scanned page is read there again in its
    kind's mode and the two readings reconciled; a field without one (from a text layer) is only cleaned. A
    wrapped name's further line is read again on its own and after the last glyph of the line above it
    (:func:`_ocr.led`): the reading that goes on from the line above is taken where it begins with the character
    that line was read to end with (:func:`_on_from_above`)."""
    # (holder, key, kind): a field is holder[key], a dict's by name or a list's (a wrapped name's lines) by index
    fields: list[tuple[Any, Any, str]] = [(header, name, HEADER_KINDS[name]) for name in header]
    fields += [(row.cells, column, column) for row in rows for column in row.cells]
    above: dict[int, tuple[Any, Any]] = {}  # a further line's field: the field of the line above it
    for row in rows:
        for i in range(len(row.name_lines)):
            above[len(fields)] = (row.cells, "name") if i == 0 else (row.name_lines, i - 1)
            fields.append((row.name_lines, i, "name_line"))
    wanted: dict[object, list[int]] = {}
    for i, (holder, name, _) in enumerate(fields):
        found = holder[name]
        if found is not None and found.page is not None and found.box is not None:
            wanted.setdefault(found.page, []).append(i)
    second, led = {}, {}
    for page, indexes in wanted.items():
        leads = {}
        for i in indexes:
            line_above = above[i][0][above[i][1]] if i in above else None
            if line_above is not None and line_above.page is page and line_above.box is not None:
                leads[i] = line_above.box
        regions = [(fields[i][0][fields[i][1]].box, KINDS[fields[i][2]].mode, None) for i in indexes]
        regions += [(fields[i][0][fields[i][1]].box, KINDS[fields[i][2]].mode, box) for i, box in leads.items()]
        readings = page.read_again(regions)  # in one run per mode, the lines read on from above among them
        second.update(zip(indexes, readings))
        led.update(zip(leads, readings[len(indexes):]))
    for i, (holder, name, kind) in enumerate(fields):
        alone = reading = second.get(i)
        if i in led:
            line_above = above[i][0][above[i][1]]
            reading = _on_from_above(alone, led[i], line_above.value if line_above is not None else "")
        holder[name] = reconcile(holder[name], reading, KINDS[kind])
        if reading is not alone:
            holder[name] = _read_otherwise_alone(holder[name], alone, KINDS[kind])
    return None


def _read_otherwise_alone(found: Found | None, alone: Reading | None, kind: FieldKind) -> Found | None:
    """``found``, reconciled with a further line's reading on from the line above, in doubt where the line read
    on its own (``alone``) is well formed and reads otherwise: the page pass's and the read-on reading may share
    a misreading that the third did not make (the line's first character taken alike in both), and the field,
    flagged where the line was read only on its own, stays flagged."""
    if found is None or alone is None:
        return found
    text = kind.clean(alone.text)
    if not kind.well_formed(text) or kind.canonical(text) == kind.canonical("".join(found.value.split())):
        return found
    return replace(found, doubt=_doubts(found.doubt, f"read on its own as {alone.text!r} ({alone.confidence:.2f}), "
                                                     f"not {found.value!r}"))


def _on_from_above(alone: Reading | None, led: Reading, above: str) -> Reading | None:
    """A wrapped name's further line as read after the last glyph of the line above (``led``), that glyph's
    character taken off, where the reading begins with the character the line above was read to end with
    (``above``, as reconciled); else the line as read on its own (``alone``): the glyph was read as another
    character, or ran into the line, so where the line begins in the reading is not known."""
    text, last = "".join(led.text.split()), "".join(above.split())[-1:]
    if not last or not text.startswith(last) or len(text) == len(last):
        return alone
    return Reading(text[len(last):], led.confidence)
