"""pyproject.toml as the build backend reads it: every fresh install (scripts/install's `pip install -e`) builds
recfin with the newest setuptools its [build-system] allows, so the project table must be in the form setuptools
keeps supporting. The licence as a TOML table ({ text = ... }) is deprecated there, and setuptools stops building a
project that still writes it so; an SPDX expression needs setuptools 77 or newer to be read."""
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_is_an_spdx_expression_string():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"


def test_the_build_needs_a_setuptools_that_reads_the_licence_expression():
    requires = [Requirement(text) for text in PYPROJECT["build-system"]["requires"]]
    [setuptools] = [requirement for requirement in requires if requirement.name == "setuptools"]
    assert not setuptools.specifier.contains("76.1"), f"{setuptools}: setuptools before 77 rejects an SPDX licence"
    assert setuptools.specifier.contains("77.0.3")
    # setuptools builds wheels itself since 70.1: nothing else to fetch on every build
    assert [requirement.name for requirement in requires] == ["setuptools"]
