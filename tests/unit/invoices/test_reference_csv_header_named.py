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
