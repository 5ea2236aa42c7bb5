"""A reference CSV file without a column the reader needs is refused saying what its header should be and what
the file's is."""

from __future__ import annotations

import re

import pytest

from client.invoices.errors import MalformedInput
from client.invoices.sources import ReferenceBusinessRegistry


@pytest.mark.parametrize("text, says", [
    ("credit_code,name\nX,n\n", "no column status: the header should be credit_code,name,status,established "
                                "(established may be left out), and this file's is credit_code,name"),
    ("", "no column credit_code, name, status: the header should be credit_code,name,status,established "
         "(established may be left out), and this file's is empty"),
])
def test_a_registry_file_missing_a_column_names_the_header_expected_and_its_own(tmp_path, text, says):
    path = tmp_path / "business_registry.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MalformedInput, match=re.escape(says)) as refused:
        ReferenceBusinessRegistry(path)
    assert refused.value.field == "header"


@pytest.mark.parametrize("unseen, shown", [("\ufeff", r"'\ufeffcredit_code'"), ("\x00", r"'\x00credit_code'"),
                                           ("\u200b", r"'\u200bcredit_code'")])
def test_a_header_cell_holding_a_character_that_does_not_print_shows_it(tmp_path, unseen, shown):
    # a second byte order mark (a tool adding its own to a file that has one), a NUL or a zero-width space before
    # the first column's name: printed as it is, the file's header read as the one expected
    path = tmp_path / "business_registry.csv"
    path.write_text("\ufeff" + unseen + "credit_code,name,status\n91440300MA5F7KQ3XU,华南精密制造股份有限公司,active\n",
                    encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        ReferenceBusinessRegistry(path)
    assert str(refused.value).endswith(f"and this file's is {shown},name,status")
