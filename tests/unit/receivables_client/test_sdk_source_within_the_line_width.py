"""The receivables SDK's source keeps to the project's line width (120 columns), counted in characters as an editor
shows them (a line of Chinese text is not counted in its UTF-8 bytes)."""

from __future__ import annotations

from pathlib import Path

LINE_WIDTH = 120
ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted((ROOT / "client" / "receivables").glob("*.py")) + [
    ROOT / "client" / name for name in ("money.py", "shown.py", "business_dates.py", "user_files.py")]


def test_no_line_of_the_receivables_sdk_is_wider_than_the_project_allows():
    too_wide = [f"{path.relative_to(ROOT)}:{number} ({len(line)} columns)"
                for path in SOURCES
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if len(line) > LINE_WIDTH]
    assert not too_wide, "wrap these lines:\n" + "\n".join(too_wide)
