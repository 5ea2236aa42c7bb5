"""Every data file under client/ is shipped: a build without one (the model, a bank's pricing) scores or prices
nothing outside the repository."""
import glob
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[3]


def package_data_files() -> set[Path]:
    """The files pyproject.toml's [tool.setuptools.package-data] patterns take, found as setuptools finds them
    (glob relative to each package's folder; hidden files are not matched)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    taken = set()
    for package, patterns in config["tool"]["setuptools"]["package-data"].items():
        folder = ROOT / package.replace(".", "/")
        for pattern in patterns:
            taken |= {Path(p) for p in glob.glob(os.path.join(folder, pattern)) if os.path.isfile(p)}
    return taken


def data_files_under(folder: Path) -> set[Path]:
    """Files that are not Python source or bytecode, leaving out hidden ones (an editor's or a write's leftovers)."""
    return {p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            and "__pycache__" not in p.parts}


def test_every_data_file_under_client_is_package_data():
    data = data_files_under(ROOT / "client")
    assert data   # the model, its card, the samples, the bank's pricing, the reference data
    missing = sorted(str(p.relative_to(ROOT)) for p in data - package_data_files())
    assert missing == [], f"add patterns for these to [tool.setuptools.package-data] in pyproject.toml: {missing}"


def test_the_model_and_the_banks_pricing_are_among_them():
    from client.pricing import bank_config_path
    from client.risk import DEFAULT_MODEL
    assert {DEFAULT_MODEL, DEFAULT_MODEL.with_name(DEFAULT_MODEL.name.replace(".json", ".card.md")),
            bank_config_path("example-bank")} <= package_data_files()
