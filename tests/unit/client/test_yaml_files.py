"""read_yaml_mapping: a YAML file that must hold a mapping, each refusal raised as the caller's error in the caller's
words (the callers' own tests check their wording: topology, membership, MSP config.yaml, HSM signer, pricing)."""
from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

import pytest

from client.yaml_files import read_yaml_mapping, yaml_kind


class Refused(Exception):
    pass


def refuse(problem: str) -> Refused:
    return Refused(f"f.yaml: {problem}")


def unreadable(exc: OSError) -> Refused:
    return Refused(f"cannot read f.yaml: {exc.strerror}")


def read(path, **options):
    return read_yaml_mapping(path, "a test file", refuse, cannot_read=unreadable, **options)


def test_a_valid_mapping_is_returned_as_read(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("name: recfin\nports: [7050, 7051]\nnested: {a: 1}\n")
    assert read(path) == {"name": "recfin", "ports": [7050, 7051], "nested": {"a": 1}}


def test_a_missing_file_is_refused_by_the_callers_cannot_read(tmp_path):
    with pytest.raises(Refused, match=r"^cannot read f\.yaml: No such file or directory$"):
        read(tmp_path / "absent.yaml")


def test_a_folder_is_refused_by_the_callers_cannot_read(tmp_path):
    with pytest.raises(Refused, match=r"^cannot read f\.yaml: Is a directory$"):
        read(tmp_path)


def test_without_cannot_read_the_os_error_reaches_the_caller(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        read_yaml_mapping(tmp_path / "absent.yaml", "a test file", refuse)
    assert err.value.errno == errno.ENOENT


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_file_is_refused_with_the_callers_hint(tmp_path, text):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    with pytest.raises(Refused, match=r"^f\.yaml: the file is empty: copy the example$"):
        read(path, hint="copy the example")
    with pytest.raises(Refused, match=r"^f\.yaml: the file is empty$"):
        read(path)


def test_an_empty_file_is_an_empty_mapping_where_the_caller_allows_it(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("")
    assert read(path, allow_empty=True) == {}


@pytest.mark.parametrize("text, kind", [
    ("- a\n- b\n", "a list"), ("recfin\n", "text"), ("42\n", "a number"), ("true\n", "a boolean"),
    ("2026-03-01\n", "a date"),
])
def test_a_document_that_is_not_a_mapping_is_refused_naming_what_it_holds(tmp_path, text, kind):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    with pytest.raises(Refused, match=rf"^f\.yaml: it holds {kind}, not a mapping of a and b: copy the example$"):
        read(path, holds="a mapping of a and b", hint="copy the example")
    with pytest.raises(Refused, match=rf"^f\.yaml: it holds {kind}, not a mapping$"):
        read(path, allow_empty=True)


def test_bad_yaml_is_refused_naming_its_line_and_column(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("name: recfin\nports: [7050,\n")
    with pytest.raises(Refused, match=r"^f\.yaml: not valid YAML at line 3, column 1: "):
        read(path, hint="not added to a YAML problem")


def test_what_the_loader_refuses_names_the_document(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("name: &n recfin\n")
    with pytest.raises(Refused, match=r"^f\.yaml: the anchor &n at line 1, column 7: anchors and aliases \(&name, "
                                      r"\*name\) are not read in a test file: "):
        read(path)


def test_text_that_is_not_utf8_is_refused_with_the_callers_advice(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes("name: 示例银行\n".encode("gbk"))
    with pytest.raises(Refused, match=r"^f\.yaml: not UTF-8 text: save it as UTF-8$"):
        read(path)
    with pytest.raises(Refused, match=r"^f\.yaml: not UTF-8 text: convert it from GBK$"):
        read(path, utf8_advice="convert it from GBK")


def test_a_device_is_refused_as_content_not_read(tmp_path):
    with pytest.raises(Refused, match=r"^f\.yaml: it is a device, not a file that holds a test file: "):
        read_yaml_mapping(Path("/dev/zero"), "a test file", refuse, cannot_read=unreadable)


@pytest.mark.parametrize("value, kind", [
    ({}, "a mapping"), ([], "a list"), ("x", "text"), (True, "a boolean"), (3, "a number"), (2.5, "a number"),
])
def test_yaml_kind_names_what_yaml_read(value, kind):
    assert yaml_kind(value) == kind


@pytest.mark.parametrize("text, message", [
    ("limits:\n  per_debtor: 1\nname: x\nlimits:\n  per_debtor: 100\n",
     "the key limits is given twice, at line 1, column 1 and line 4, column 1"),
    ("limits:\n  per_debtor: 1\n  per_debtor: 100\n",
     "the key per_debtor is given twice, at line 2, column 3 and line 3, column 3"),
    ("grades: {A: 1, B: 2, A: 3}\n", "the key A is given twice, at line 1, column 10 and line 1, column 22"),
    ("users:\n  - {name: a, name: b}\n", "the key name is given twice, at line 2, column 6 and line 2, column 15"),
    # written differently, read as one key, as Python compares them
    ("1: a\ntrue: b\n", "the key 1 is given twice, at line 1, column 1 and line 2, column 1 (as true)"),
    # ... even with one value: the file says two keys, and the docs allow only the same key given twice
    ("1: a\ntrue: a\n", "the key 1 is given twice, at line 1, column 1 and line 2, column 1 (as true)"),
    ("yes: 1\non: 1\n", "the key yes is given twice, at line 1, column 1 and line 2, column 1 (as on)"),
    ("~: x\nnull: x\n", "the key ~ is given twice, at line 1, column 1 and line 2, column 1 (as null)"),
    ("1: a\n0x1: a\n", "the key 1 is given twice, at line 1, column 1 and line 2, column 1 (as 0x1)"),
    ("a: 1\n'a': 2\n", "the key a is given twice, at line 1, column 1 and line 2, column 1"),
    # a mapping merged in is never constructed itself, and is checked all the same
    ("limits:\n  <<: {per_debtor: 1, per_debtor: 100}\n", "the key per_debtor is given twice, at line 2, column 8 and "
                                                          "line 2, column 23"),
    # copies of one value read another way: Python holds 1 == 1.0 == true, which the file tells apart
    ("a: 1\na: 1.0\n", "the key a is given twice, at line 1, column 1 and line 2, column 1"),
    ("a: 1\na: true\n", "the key a is given twice, at line 1, column 1 and line 2, column 1"),
    ("a: '1'\na: 1\n", "the key a is given twice, at line 1, column 1 and line 2, column 1"),
    ("a: 1\na: 1\na: 2\n", "the key a is given twice, at line 1, column 1 and line 3, column 1"),
    # a mapping or list given twice is refused even when it repeats the first
    ("limits: {per_debtor: 1}\nlimits: {per_debtor: 1}\n",
     "the key limits is given twice, at line 1, column 1 and line 2, column 1"),
    ("ports: [1]\nports: [1]\n", "the key ports is given twice, at line 1, column 1 and line 2, column 1"),
    # a key that does not print as itself is shown as repr() writes it: a line break in it would print what reads
    # as a second error (the key as a double-quoted YAML scalar writes it, then as shown)
    *[(f'"{key}": 1\n"{key}": 2\n', f"the key {shown} is given twice, at line 1, column 1 and line 2, column 1")
      for key, shown in [("x\\nError: grade A is fine", r"'x\nError: grade A is fine'"), ("x\\e[2J", r"'x\x1b[2J'"),
                         ("x\\u202eb", r"'x\u202eb'"), (" a", "' a'"),
                         ("a\\u3000b", "a\u3000b"), ("银行", "银行")]],     # a full-width space breaks no line
])
def test_a_key_given_twice_in_one_mapping_is_refused_naming_both_places(tmp_path, text, message):
    # PyYAML keeps the last and says nothing: a second limits block would replace the first, defaults and all
    path = tmp_path / "f.yaml"
    path.write_text(text)
    with pytest.raises(Refused) as refused:
        read(path)
    assert str(refused.value) == f"f.yaml: {message}: keep one (YAML would read only the last)"


@pytest.mark.parametrize("text, read_as", [
    ("max_days: 180\nname: x\nmax_days: 180\n", {"max_days": 180, "name": "x"}),
    ("a: x\n'a': \"x\"\na: x\n", {"a": "x"}),
    ("a: yes\na: true\n", {"a": True}),
    ("a: .nan\na: .NaN\n", {"a": float("nan")}),
    ("a: 2026-01-01\na: 2026-01-01\n", {"a": date(2026, 1, 1)}),
    ("limits: {per_debtor: 1, per_debtor: 1}\n", {"limits": {"per_debtor": 1}}),
])
def test_a_key_given_twice_with_one_value_both_times_is_read(tmp_path, text, read_as):
    # nothing is dropped: the copy YAML keeps says what the other says
    path = tmp_path / "f.yaml"
    path.write_text(text)
    assert repr(read(path)) == repr(read_as)      # repr: NaN is not equal to itself


def test_the_same_key_in_different_mappings_is_read(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("a: {name: x}\nb: {name: y}\nusers: [{name: u1}, {name: u2}]\nlimits:\n  <<: {per_debtor: 1}\n"
                    "  min_advance: 2\n")
    assert read(path) == {"a": {"name": "x"}, "b": {"name": "y"}, "users": [{"name": "u1"}, {"name": "u2"}],
                          "limits": {"per_debtor": 1, "min_advance": 2}}
