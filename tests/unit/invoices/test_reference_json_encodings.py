"""A reference provider's JSON file with a second byte order mark was refused in the JSON decoder's words
("Unexpected UTF-8 BOM (decode using utf-8-sig)"), and one of ASCII text saved as UTF-16 without its mark (valid
UTF-8, with a NUL after every character) as "Expecting property name enclosed in double quotes", which sent nobody
to the file's encoding. Each is refused as what it is, saying what to do."""

import pytest

from client.invoices import MalformedInput, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier
from client.invoices.sources import REFERENCE_DATA

JSON_PROVIDERS = [(ReferenceTaxInvoiceVerifier, "tax_invoices.json"), (ReferenceCreditBureau, "credit_bureau.json")]


def refusal(tmp_path, provider, name: str, data: bytes) -> MalformedInput:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(MalformedInput) as refused:
        provider(path)
    return refused.value


@pytest.mark.parametrize("provider, name", JSON_PROVIDERS)
def test_a_second_byte_order_mark_is_refused_saying_to_save_the_file_again(tmp_path, provider, name):
    text = (REFERENCE_DATA / name).read_text(encoding="utf-8")
    refused = refusal(tmp_path, provider, name, ("\ufeff\ufeff" + text).encode("utf-8"))
    assert refused.problem == ("the file begins with a second byte order mark (U+FEFF) after the one a UTF-8 file may "
                               "begin with, as a tool adding its own mark to a file that has one writes it: save the "
                               "file again as UTF-8")


def test_ascii_text_saved_as_utf16_without_its_mark_is_refused_as_such(tmp_path):
    # the credit bureau's file is ASCII alone: as UTF-16 without a mark, it is valid UTF-8 with NULs between
    text = (REFERENCE_DATA / "credit_bureau.json").read_text(encoding="utf-8")
    assert text.isascii()
    refused = refusal(tmp_path, ReferenceCreditBureau, "credit_bureau.json", text.encode("utf-16-le"))
    assert (refused.field, refused.problem) == (
        "line 1", "a NUL character (\\0), which no reference file holds: the file is damaged, or was saved as UTF-16 "
                  "or another encoding than UTF-8; save it as UTF-8 (iconv -f UTF-16 -t UTF-8)")


def test_a_nul_is_refused_naming_its_line(tmp_path):
    text = (REFERENCE_DATA / "credit_bureau.json").read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[3] = lines[3] + "\x00"
    assert refusal(tmp_path, ReferenceCreditBureau, "credit_bureau.json", "\n".join(lines).encode()).field == "line 4"
