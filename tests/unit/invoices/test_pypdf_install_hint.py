"""The line a missing pypdf gives names the versions recfin depends on (pyproject.toml), not older ones.

The PDF reading is bound to pypdf 7.1's extraction (client/invoices/_pdf_text/_work.py): a hint allowing 5.x
would install a pypdf that pip then finds at odds with recfin's own requirement.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from client.invoices import MissingDependency
from client.invoices.scan import _pdf_reader

ROOT = Path(__file__).parents[3]


def test_the_hint_names_the_pypdf_pyproject_requires(monkeypatch):
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [required] = [dep for dep in dependencies if dep.startswith("pypdf")]
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(MissingDependency) as caught:
        _pdf_reader(b"%PDF-1.4", "invoice.pdf")
    assert caught.value.how_to_install == f"pip install '{required}'"
