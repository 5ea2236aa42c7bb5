"""The shipped samples damaged, as files arrive damaged: `recfin invoice verify`, `match` and `read` give the outcome of a
check (exit 0 or 1) or one `Error:` line (exit 2, or 3 for a missing tool), never a traceback.

Each sample (the e-invoice as XML and JSON, the purchase order and goods receipt as CSV and JSON, the PDF and a
rendered PNG scan) is cut short, has bits flipped, has a value replaced by one of another type (a JSON string by a
list or a number, an XML element's text by a child element or a stray date, a CSV cell by any text, a PDF's drawing
operator or its font's character map by another token, a glyph mapped to a control character or to half of a
surrogate pair), or is handed to a command that reads another kind of file.
Hypothesis draws the damage from a fixed seed (``derandomize``), so a run repeats the last one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from cli.invoice_commands import invoice as invoice_group  # noqa: E402

from ..cli_errors import invoke  # noqa: E402
from ._review import SAMPLES  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TODAY = ("--today", "2026-09-10")   # the samples' credit record is current then


def assert_clean(result) -> None:
    """A check's outcome, or exactly one ``Error:`` line and nothing else: never an exception but an exit."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1, 2, 3), result.output
    if result.exit_code >= 2:
        printed = [line for line in result.output.splitlines() if line.strip()]
        assert len(printed) == 1 and printed[0].startswith("Error: "), result.output


# --- damage to any file's bytes -------------------------------------------------------------------------------

def cut_short(data: bytes):
    return st.integers(0, len(data) - 1).map(lambda end: data[:end])


def bits_flipped(data: bytes):
    def flip(places: list[tuple[int, int]]) -> bytes:
        out = bytearray(data)
        for at, bit in places:
            out[at] ^= 1 << bit
        return bytes(out)

    return st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 7)), min_size=1, max_size=8).map(flip)


def damaged_bytes(data: bytes):
    return st.one_of(cut_short(data), bits_flipped(data))


# --- values of another type -----------------------------------------------------------------------------------

ODD_TEXT = st.one_of(st.sampled_from(["", " ", "1e999", "-5", "NaN", "Infinity", "2026-02-30", "0000-01-01", "１２３",
                                      "1,000", "¥100", "13%", "0.001", "\u202e", "a\nb", "\U0001F600",
                                      "1" + "0" * 40]),
                     st.text(max_size=12))
JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), ODD_TEXT),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=6)


def json_paths(doc, at=()):
    yield at
    children = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in children:
        yield from json_paths(value, (*at, key))


def json_retyped(data: bytes):
    """The JSON document with a value replaced by one of any type, or removed."""
    doc = json.loads(data)
    paths = list(json_paths(doc))[1:]

    @st.composite
    def retyped(draw):
        changed = json.loads(data)
        for path in draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3)):
            parent = changed
            try:
                for key in path[:-1]:
                    parent = parent[key]
                if draw(st.booleans()) and isinstance(parent, dict):
                    del parent[path[-1]]
                else:
                    parent[path[-1]] = draw(JSON_VALUES)
            except (KeyError, IndexError, TypeError):   # an earlier change took the path away
                pass
        # NaN and Infinity as Python writes them: JSON that is not JSON
        return json.dumps(changed, ensure_ascii=draw(st.booleans())).encode()

    return retyped()


XML_ELEMENT = re.compile(r"<([A-Za-z][\w\-]*)>([^<]*)</\1>")


def xml_retyped(data: bytes):
    """The XML with an element's text replaced by other text, or by a child element; the element removed, doubled
    or left empty."""
    text = data.decode()
    elements = XML_ELEMENT.findall(text)

    @st.composite
    def retyped(draw):
        changed = text
        for name, value in draw(st.lists(st.sampled_from(elements), min_size=1, max_size=3)):
            old = f"<{name}>{value}</{name}>"
            new = draw(st.sampled_from(["", old + old, f"<{name}><x>{value}</x></{name}>", f"<{name}/>", None]))
            if new is None:
                new = f"<{name}>{escape(draw(ODD_TEXT))}</{name}>"
            changed = changed.replace(old, new, 1)
        return changed.encode()

    return retyped()


def csv_retyped(data: bytes):
    """The CSV with a cell replaced by any text, a cell removed, or a row doubled."""
    rows = list(csv.reader(io.StringIO(data.decode())))

    @st.composite
    def retyped(draw):
        changed = [list(row) for row in rows]
        for _ in range(draw(st.integers(1, 3))):
            row = draw(st.sampled_from(changed))
            at = draw(st.integers(0, len(row) - 1)) if row else None
            how = draw(st.sampled_from(["replace", "remove", "double"]))
            if how == "double":
                changed.append(list(row))
            elif at is not None and how == "remove":
                del row[at]
            elif at is not None:
                row[at] = draw(ODD_TEXT)
        out = io.StringIO()
        csv.writer(out).writerows(changed)
        return out.getvalue().encode()

    return retyped()


# --- verify and match -----------------------------------------------------------------------------------------

def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


MATCH_WITH_SAMPLES = ("--po", SAMPLES / "purchase_order.csv", "--receipt", SAMPLES / "goods_receipt.csv")


@pytest.mark.parametrize("name, retyped", [("einvoice.xml", xml_retyped), ("einvoice.json", json_retyped)])
def test_a_damaged_invoice_is_verified_and_matched_cleanly(tmp_path, name, retyped):
    data = sample(name)

    @SETTINGS
    @given(st.one_of(damaged_bytes(data), retyped(data)))
    def check(damaged):
        path = written(tmp_path, name, damaged)
        assert_clean(invoke(invoice_group, "verify", path, *TODAY, "--reference-sources"))
        assert_clean(invoke(invoice_group, "match", path, *MATCH_WITH_SAMPLES))

    check()


@pytest.mark.parametrize("name, option, retyped", [("purchase_order.csv", "--po", csv_retyped),
                                                   ("goods_receipt.csv", "--receipt", csv_retyped),
                                                   ("goods_receipt.json", "--receipt", json_retyped)])
def test_a_damaged_order_or_receipt_is_matched_cleanly(tmp_path, name, option, retyped):
    data = sample(name)
    others = dict(zip(MATCH_WITH_SAMPLES[::2], MATCH_WITH_SAMPLES[1::2]))

    @SETTINGS
    @given(st.one_of(damaged_bytes(data), retyped(data)))
    def check(damaged):
        files = {**others, option: written(tmp_path, name, damaged)}
        assert_clean(invoke(invoice_group, "match", SAMPLES / "einvoice.xml", *(w for o in files.items() for w in o)))

    check()


# --- read -----------------------------------------------------------------------------------------------------

def pdf_drawn_otherwise(data: bytes):
    """The sample PDF with a token of its page's content (an operator, an operand, a string of glyph codes), or of
    its font's ToUnicode character map, replaced by another, removed, or with a bit flipped."""
    import pypdf

    parts = {"content": pypdf.PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data(),
             "cmap": sample_font(data)["/ToUnicode"].get_object().get_data()}
    others = [b"1e999", b"-1e30", b"99999999999", b"()", b"<>", b"<ZZ>", b"<D800>", b"<FFFFFFFF>", b"[", b"]", b"<<",
              b">>", b"/Nope", b"BT", b"ET", b"Tf", b"Tj", b"TJ", b"Td", b"cm", b"q", b"Q", b"Do", b"beginbfrange",
              b"endbfchar", b"usecmap", b"1" * 400]

    @st.composite
    def drawn(draw):
        part = draw(st.sampled_from(sorted(parts)))
        tokens = re.split(rb"(\s+)", parts[part])
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, (len(tokens) - 1) // 2)) * 2   # a token, not the blank after it
            how = draw(st.sampled_from(["other", "remove", "copy", "flip"]))
            if how == "other":
                tokens[at] = draw(st.sampled_from(others))
            elif how == "remove":
                tokens[at] = b""
            elif how == "copy":
                tokens[at] = tokens[draw(st.integers(0, (len(tokens) - 1) // 2)) * 2]
            elif tokens[at]:
                flipped = bytearray(tokens[at])
                flipped[draw(st.integers(0, len(flipped) - 1))] ^= 1 << draw(st.integers(0, 7))
                tokens[at] = bytes(flipped)
        return with_part(data, part, b"".join(tokens))

    return drawn()


def pdf_glyph_mapped_otherwise(data: bytes):
    """The sample PDF with a glyph its page draws mapped by the font's ToUnicode character map to a control
    character, or to half of a surrogate pair, which is no character."""
    cmap = sample_font(data)["/ToUnicode"].get_object().get_data()
    mapped = re.findall(rb"<[0-9A-F]{4}> <[0-9A-F]{4}>\n", cmap.split(b"beginbfchar", 1)[1])  # code, character
    characters = [b"<D800>", b"<DFFF>", b"<0000>", b"<000A>", b"<001B>", b"<202E>", b"<FFFE>", b"<D83DDE00>"]
    return st.tuples(st.sampled_from(mapped), st.sampled_from(characters)).map(
        lambda change: with_part(data, "cmap", cmap.replace(change[0], change[0][:7] + change[1] + b"\n")))


def sample_font(data: bytes):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]["/F1"].get_object()


def with_part(data: bytes, part: str, new: bytes) -> bytes:
    """The PDF with its page's content (``part`` "content") or its font's ToUnicode map ("cmap") replaced."""
    import pypdf
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    stream = DecodedStreamObject()
    stream.set_data(new)
    page = writer.pages[0]
    if part == "content":
        page[NameObject("/Contents")] = writer._add_object(stream)
    else:
        page["/Resources"]["/Font"]["/F1"].get_object()[NameObject("/ToUnicode")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_damaged_pdf_is_read_cleanly(tmp_path):
    pytest.importorskip("pypdf")
    data = sample("einvoice.pdf")

    @SETTINGS
    @given(st.one_of(damaged_bytes(data), pdf_drawn_otherwise(data), pdf_glyph_mapped_otherwise(data)))
    def check(damaged):
        # the damage is to the text layer: no picture of the page is read by OCR
        assert_clean(invoke(invoice_group, "read", written(tmp_path, "einvoice.pdf", damaged), "--no-image-check"))

    check()


def test_a_damaged_png_scan_is_read_cleanly(tmp_path):
    pytest.importorskip("PIL", reason="Pillow renders the scan")
    from . import _render
    from ._samples import invoice

    if _render.cjk_font() is None:
        pytest.skip("no CJK font to render the scan with (Debian fonts-wqy-zenhei)")
    data = _render.save_png(invoice(), tmp_path / "scan.png").read_bytes()

    # fewer examples: a PNG cut short or with bits flipped mostly fails its checksums and is refused before OCR,
    # but one that still decodes is read by tesseract, seconds a page
    @settings(SETTINGS, max_examples=30)
    @given(damaged_bytes(data))
    def check(damaged):
        assert_clean(invoke(invoice_group, "read", written(tmp_path, "damaged.png", damaged)))

    check()


# --- one kind of file handed to a command that reads another --------------------------------------------------

KINDS = ["einvoice.xml", "einvoice.json", "einvoice.pdf", "purchase_order.csv", "goods_receipt.json"]


@pytest.mark.parametrize("name", KINDS)
@pytest.mark.parametrize("suffix", [".xml", ".json", ".pdf", ".csv", ".png", ""])
def test_a_sample_under_any_name_given_to_any_command_is_handled_cleanly(tmp_path, name, suffix):
    path = written(tmp_path, "given" + suffix, sample(name))
    assert_clean(invoke(invoice_group, "verify", path, *TODAY))
    assert_clean(invoke(invoice_group, "match", path, *MATCH_WITH_SAMPLES))
    assert_clean(invoke(invoice_group, "match", SAMPLES / "einvoice.xml", "--po", path,
                        "--receipt", SAMPLES / "goods_receipt.csv"))
    assert_clean(invoke(invoice_group, "match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv",
                        "--receipt", path))
    assert_clean(invoke(invoice_group, "read", path, "--no-image-check"))
