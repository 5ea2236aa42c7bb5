"""Every data file of a package that ships data is shipped: a build without one (the model, a bank's pricing, a
Node script the bench runs) scores, prices or measures nothing outside the repository."""
import glob
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
# installed by npm from the package-lock.json that is shipped; never package data
INSTALLED = "node_modules"


def package_data() -> dict[str, list[str]]:
    """pyproject.toml's [tool.setuptools.package-data]: each package's patterns."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]


def package_data_files() -> set[Path]:
    """The files the package-data patterns take, found as setuptools finds them (glob relative to each package's
    folder; hidden files are not matched)."""
    taken = set()
    for package, patterns in package_data().items():
        folder = ROOT / package.replace(".", "/")
        for pattern in patterns:
            taken |= {Path(p) for p in glob.glob(os.path.join(folder, pattern)) if os.path.isfile(p)}
    return taken


def data_files_under(folder: Path) -> set[Path]:
    """Files that are not Python source or bytecode, leaving out hidden ones (an editor's or a write's leftovers)
    and what npm installed."""
    return {p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            and "__pycache__" not in p.parts and INSTALLED not in p.parts}


def test_every_data_file_of_each_package_with_package_data_is_shipped():
    packages = package_data()
    assert {"client", "bench", "network"} <= set(packages)
    taken = package_data_files()
    for package in packages:
        data = data_files_under(ROOT / package.replace(".", "/"))
        assert data, f"{package} is given package-data but has no data file"
        missing = sorted(str(p.relative_to(ROOT)) for p in data - taken)
        assert missing == [], f"add patterns for these to [tool.setuptools.package-data] in pyproject.toml: {missing}"


def test_the_files_the_code_opens_are_among_them():
    from bench.client_cpu import NODE_SCRIPT
    from bench.node_compare import SCRIPT as NODE_WORKLOAD
    from client.pricing import bank_config_path
    from client.risk import DEFAULT_MODEL
    assert {DEFAULT_MODEL, DEFAULT_MODEL.with_name(DEFAULT_MODEL.name.replace(".json", ".card.md")),
            bank_config_path("bank"), NODE_SCRIPT, NODE_WORKLOAD} <= package_data_files()
