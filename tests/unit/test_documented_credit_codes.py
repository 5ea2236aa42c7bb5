"""Every unified social credit code README.md and docs/*.md write is one the contract takes (GB 32100-2015, its
check character included): a reader copies an example's code into a command or a call, and one the contract
refuses (``credit-code-invalid``) would fail there for a reason the example is not about.
"""
from __future__ import annotations

import re

from chaincode.receivables import uscc
from tests.unit.test_documented_python import DOCUMENTS, ROOT

# 18 characters of the code's alphabet starting with the registration authority 9 (enterprises), standing alone
CREDIT_CODE = re.compile(rf"(?<![0-9A-Z])9[{uscc.CHARSET}]{{17}}(?![0-9A-Z])")


def test_every_credit_code_the_docs_write_has_its_check_character():
    wrong = [f"{document.relative_to(ROOT)}:{number}: {uscc.problem(code)}"
             for document in DOCUMENTS
             for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1)
             for code in CREDIT_CODE.findall(line)
             if not uscc.is_valid(code)]
    assert not wrong, "\n".join(wrong)
