"""Reading recfin's YAML files: the topology, a bank's pricing settings, the membership record, a bundle's
topology and an MSP's config.yaml. One loader, so each refuses the same things in the same words.

It reads what yaml.safe_load reads, narrowed to what these files are written with, since the rest costs more than
it gives on input that may be wrong or hostile:

- no anchors or aliases (``&name``, ``*name``): an alias repeats its node wherever it stands, so a 33 KB file
  can stand for millions of values, for validation to walk and report on one by one;
- no explicit tags (``!!int ""``, ``!!bool "x"``, ``!!timestamp "x"``): PyYAML's constructors fail on such values
  with IndexError, KeyError or AttributeError, and nothing recfin reads needs a tag;
- a base-60 number (``1:30``, ``59:59:59``) and a lone ``=`` are text, as in YAML 1.2: YAML 1.1 reads the first as
  an integer, built by one multiplication per colon (a 1 MB scalar takes most of a minute and bypasses Python's
  4300-digit limit), and has no constructor for the second;
- no integer written with a leading zero (``050000``, ``-010``): YAML 1.1 reads it as octal (``050000`` is 20480,
  fees of 204.80 yuan where 500.00 were meant) and YAML 1.2 as decimal, so it is refused naming its place
  rather than read either way;
- no key given twice in one mapping: PyYAML keeps the last and drops the first unsaid, so a second ``limits:``
  block at the end of a bank's pricing file would replace the whole first one, defaults and all. Copies of one key
  spelled the same way, with one value read the same way (``fee: 1`` twice, not ``1`` and ``1.0`` or ``true``),
  lose nothing and are read; keys spelled differently that Python holds as one (``1`` and ``true``, ``yes`` and
  ``on``, ``~`` and ``null``) are refused even with one value;
- a file is a regular file of at most MAX_YAML_BYTES: a device such as /dev/zero would be read until memory runs
  out, and a FIFO would wait for a writer that may never come.

Every way the text can fail to load is raised as YamlProblem, whose ``str()`` says what and where (line and
column), for a message that names the file.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args, get_origin

import yaml

from .shown import past_the_digit_limit
from .user_files import SpecialFile, on_one_line, read_regular_file

if TYPE_CHECKING:   # pydantic is loaded where a model is checked, not by `recfin network --help`, which reads YAML
    from pydantic import BaseModel

# Far above any real file: the shipped topology is a few KB, and a membership record of 20,000 users is 2.0 MB,
# which is why the cap is not 2 MiB. It bounds the parser, not makes it quick: 4 MiB of small flow mappings
# (`- {a: 1}`) took 33 s and 940 MB to load, and a 4 MB membership record (40,000 users) 12 s and 380 MB.
MAX_YAML_BYTES = 4 * 1024 * 1024
# How many problems a message about one of these files lists: a file wrong in thousands of places (a list of 2000
# bad users, a pricing file of a million grades) would otherwise be printed in full, each line naming one of them.
MAX_LISTED_PROBLEMS = 20
# YAML 1.1's base-60 integers and floats, which YAML 1.2 dropped
_BASE_60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
# what PyYAML resolves as a YAML 1.1 octal integer (0 then octal digits or _), which YAML 1.2 reads as decimal
_LEADING_ZERO = re.compile(r"[-+]?0[0-7_]+")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")     # what PyYAML counts as the end of a line


class YamlProblem(Exception):
    """A YAML file whose text cannot be loaded; ``str()`` says why, and at which line and column where that is
    known, for a message that names the file."""


class _Placed(yaml.MarkedYAMLError):
    """A problem this loader finds itself; ``problem`` is the whole message, with its line and column."""


def _at(mark: yaml.Mark) -> str:
    """ "line L, column C" of a parser's mark, counted from 1 as editors count them."""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _as_written(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _shown(value: str) -> str:
    """A value from the file, for a message: cut short past 40 characters, with its length, and on one line."""
    return f"{on_one_line(value[:20])}... ({len(value)} characters)" if len(value) > 40 else on_one_line(value)


def _one_value(first: yaml.Node, second: yaml.Node, loader: yaml.BaseLoader) -> bool:
    """Whether two copies of a key's value are one scalar, read the same way (equal, and of the same type: Python
    holds ``1 == 1.0 == true``). Mappings and lists are not compared: a second block of settings is refused even
    when it repeats the first."""
    if not isinstance(first, yaml.ScalarNode) or not isinstance(second, yaml.ScalarNode):
        return False
    a, b = loader.construct_object(first), loader.construct_object(second)
    return type(a) is type(b) and (a == b or repr(a) == repr(b))    # .nan is not equal to itself, and is one value


class _RecfinLoader(yaml.SafeLoader):
    """yaml.SafeLoader without anchors, aliases, explicit tags, base-60 numbers, leading-zero integers and repeated
    keys, and with a value it recognises but Python cannot build (the date 2026-02-30, an integer of over 4300
    digits) raised with its place: PyYAML lets that ValueError through bare, unplaced."""

    what = "this file"      # the document, for the messages ("a topology")

    def compose_node(self, parent, index):
        event = self.peek_event()
        where = _at(event.start_mark)
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            written = f"*{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"&{event.anchor}"
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise _Placed(problem=f"the {kind} {written} at {where}: anchors and aliases (&name, *name) are not "
                                  f"read in {self.what}: write the value out in each place it is used",
                          problem_mark=event.start_mark)
        if getattr(event, "tag", None) is not None:
            raise _Placed(problem=f"the tag {_as_written(event.tag)} at {where}: tags are not read in {self.what}: "
                                  f"remove it (and quote the value if it is text)", problem_mark=event.start_mark)
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor):
        # checked as each mapping is composed, not constructed: a mapping merged in (``<<: {...}``) is flattened
        # into its parent without being constructed itself
        node = super().compose_mapping_node(anchor)
        # each key read so far, as Python compares keys (1 and true are one), to its node and its value's
        first_given: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue   # a mapping or list as a key cannot be hashed, which construction refuses
            key = self.construct_object(key_node)
            first, first_value = first_given.setdefault(key, (key_node, value_node))
            same_spelling = key_node.value == first.value
            # a copy is read only when it is the same key, spelled the same way, with the same value: `1: a` then
            # `true: a` is one key to Python but two to whoever wrote them
            if first is not key_node and not (same_spelling and _one_value(first_value, value_node, self)):
                written = "" if same_spelling else f" (as {_shown(key_node.value)})"
                raise _Placed(problem=f"the key {_shown(first.value)} is given twice, at {_at(first.start_mark)} and "
                                      f"{_at(key_node.start_mark)}{written}: keep one (YAML would read only the "
                                      f"last)", problem_mark=key_node.start_mark)
        return node

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0] and (value == "=" or _BASE_60.fullmatch(value)):
            return _STR_TAG
        return super().resolve(kind, value, implicit)

    def construct_object(self, node, deep=False):
        if node.tag == _INT_TAG and _LEADING_ZERO.fullmatch(node.value):
            # octal to YAML 1.1 and PyYAML, decimal to YAML 1.2 and to whoever wrote it: read neither way
            sign = "-" if node.value.startswith("-") else ""
            decimal = sign + (node.value.lstrip("+-").replace("_", "").lstrip("0") or "0")
            # the octal value only where it is short: a long one would be a long int to build and to show
            octal = f" ({int(node.value.replace('_', ''), 8)})" if len(node.value) <= 40 else ""
            raise _Placed(problem=f"the number {_shown(node.value)} at {_at(node.start_mark)} has a leading 0, which "
                                  f"YAML 1.1 reads as octal{octal} and YAML 1.2 as decimal: write it without the "
                                  f"leading zero ({_shown(decimal)}), or quote it if it is text",
                          problem_mark=node.start_mark)
        try:
            value = super().construct_object(node, deep)
            if node.tag == _INT_TAG and isinstance(value, int) and past_the_digit_limit(value):
                # hex and binary digits are read past the decimal limit: an integer no message could show would
                # fail as a bare ValueError wherever one names it (a holiday calendar's year key); raised here, with
                # Python's reason, as one written in decimal is
                str(value)
            return value
        except ValueError as exc:
            reason = str(exc).split(";")[0]   # not Python's advice to programmers (sys.set_int_max_str_digits)
            value = _shown(str(node.value) if isinstance(node, yaml.ScalarNode) else node.tag)
            raise _Placed(problem=f"cannot read the value {value} at {_at(node.start_mark)} ({reason}): "
                                  f"quote it if it is text", problem_mark=node.start_mark) from None


def unknown_key_note(model: type[BaseModel], loc: tuple, *, written_in: Literal["YAML", "JSON"] = "YAML") -> str:
    """What to add to pydantic's refusal of a key ``model`` does not take (its ``extra_forbidden`` error at ``loc``),
    most often a misspelt one: the key, and the keys its block does take ("maxdays is no key of this block, which
    takes per_debtor, min_advance, max_days"); "" where that block is no model's. Pydantic names only the key, and
    the topology and a bank's pricing file are written by hand, where a typo is the likeliest mistake. The block is
    named in the words of the document ``written_in``: a YAML file's block, a JSON document's object (an offer
    `discount get --json` printed holds no block)."""
    keys = _keys_taken(model, loc)
    holder = _KEYS_HOLDER[written_in]
    # a key from the file may hold a line break, which would start what reads as a line of its own
    return f"{on_one_line(str(loc[-1]))} is no key of {holder}, which takes {', '.join(keys)}" if keys else ""


# What holds the keys of a document, in its format's words
_KEYS_HOLDER = {"YAML": "this block", "JSON": "this object"}


def _keys_taken(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys of the block that holds ``loc``'s last key: ``model``'s fields followed along ``loc``. A list's index
    and what pydantic adds of its own (a validator's step) are no field, and are passed over; so is a dict's key (a
    grade's or an org's name) whatever it is, a grade named ``spread`` or an org ``address`` as well; none where the
    block is no model's."""
    block: type[BaseModel] | None = model
    a_dict_key = False     # the part after a dict field names one of its entries, never a field
    for part in loc[:-1]:
        if a_dict_key:
            a_dict_key = False
        elif block is not None and isinstance(part, str) and part in block.model_fields:
            annotation = block.model_fields[part].annotation
            block, a_dict_key = _model_in(annotation), _holds_a_dict(annotation)
    return [] if block is None else list(block.model_fields)


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model a field's annotation holds: itself, or inside Annotated, Optional, a list or a dict's
    values; None when it holds none."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(get_args(annotation)):        # dict[str, Model]: the values' model, not str
        if (model := _model_in(arg)) is not None:
            return model
    return None


def _holds_a_dict(annotation: object) -> bool:
    """Whether a field's annotation is a dict, or Optional or Annotated one: its entries are keyed by name."""
    return get_origin(annotation) is dict or any(_holds_a_dict(arg) for arg in get_args(annotation)
                                                 if get_origin(annotation) is not list)


def more_problems(unlisted: int) -> str:
    """What stands for the problems past MAX_LISTED_PROBLEMS, at the end of the list."""
    return (f"and {unlisted} more problem{'s' if unlisted > 1 else ''}: fix these, then run the command again to see "
            f"the rest")


def _where(text: str, position: int) -> str:
    """ "line L, column C" of a character position in text, counted as PyYAML counts them."""
    breaks = list(_LINE_BREAK.finditer(text, 0, position))
    column = position - (breaks[-1].end() if breaks else 0)
    return f"line {len(breaks) + 1}, column {column + 1}"


def yaml_problem(exc: yaml.YAMLError, text: str) -> str:
    """What the YAML parser found wrong in text, and where: "not valid YAML at line L, column C: ..."."""
    if isinstance(exc, yaml.reader.ReaderError):
        # it counts characters from the start, which no editor shows
        return (f"not valid YAML at {_where(text, exc.position)}: the character U+{exc.character:04X} is not allowed "
                f"in YAML text: remove it")
    mark = getattr(exc, "problem_mark", None)
    where = f" at {_at(mark)}" if mark else ""
    return f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}"


def load_yaml(text: str, what: str) -> object:
    """The document in text (None when it is empty), read as this module's docstring says. Every way it can fail
    to load is raised as YamlProblem; what names the document ("a topology") in the messages."""
    try:
        loader = _RecfinLoader(text)     # which reads text for characters YAML does not allow
        loader.what = what
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except _Placed as exc:
        raise YamlProblem(exc.problem) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(yaml_problem(exc, text)) from None
    except RecursionError:      # the YAML parser recurses once per level of nesting
        raise YamlProblem(f"nested too deeply to be {what}") from None


def read_yaml_bytes(path: Path, what: str) -> bytes:
    """The bytes of the regular file at path, at most MAX_YAML_BYTES of them, else YamlProblem. OSError (no such
    file, no permission, a folder) is left to the caller, whose advice for a file it cannot open differs."""
    try:
        data = read_regular_file(path, MAX_YAML_BYTES)
    except SpecialFile as exc:
        raise YamlProblem(f"it is {exc.kind}, not a file that holds {what}: give the path of the YAML file") from None
    if len(data) > MAX_YAML_BYTES:
        raise YamlProblem(f"over {MAX_YAML_BYTES // (1024 * 1024)} MiB, far larger than {what} could be: "
                          f"is it the right file?")
    return data


def read_yaml_file(path: Path, what: str, utf8_advice: str = "save it as UTF-8") -> object:
    """The document in the YAML file at path (None when it is empty), read as this module's docstring says.

    Every way its content can fail to load (not a regular file, too large, not UTF-8, not YAML, nested past the
    parser's stack, a value Python cannot build, an anchor or tag) is raised as YamlProblem; what names the
    document ("a topology"), utf8_advice is what to do with a file that is not UTF-8. OSError is left to the
    caller, whose advice for a file it cannot open differs.
    """
    try:
        text = read_yaml_bytes(path, what).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlProblem(f"not UTF-8 text: {utf8_advice}") from None
    return load_yaml(text, what)


def yaml_kind(value: object) -> str:
    """What YAML read a value as, for a message: "a list", "a number", "text"."""
    kinds = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "a number", float: "a number"}
    return next((name for kind, name in kinds.items() if isinstance(value, kind)), f"a {type(value).__name__}")


def read_yaml_mapping(path: Path, what: str, refuse: Callable[[str], Exception], *,
                      cannot_read: Callable[[OSError], Exception] | None = None, holds: str = "a mapping",
                      hint: str = "", allow_empty: bool = False, utf8_advice: str = "save it as UTF-8") -> dict:
    """The mapping in the YAML file at path, read as read_yaml_file reads it, for a file that must hold one.

    A file whose content is not such a mapping raises refuse(problem), problem naming no path: what YamlProblem
    says, "the file is empty" (unless allow_empty, when an empty file is read as {}) or "it holds a list, not
    {holds}", each of the last two followed by ": {hint}" when there is one. A file that open or read refuses (no
    such file, no permission, a folder) raises cannot_read(the OSError), or the OSError itself when cannot_read
    is None. what and utf8_advice are read_yaml_file's.
    """
    try:
        doc = read_yaml_file(path, what, utf8_advice)
    except OSError as exc:
        if cannot_read is None:
            raise
        raise cannot_read(exc) from None
    except YamlProblem as exc:
        raise refuse(str(exc)) from None
    if isinstance(doc, dict):
        return doc
    if doc is None and allow_empty:
        return {}
    problem = "the file is empty" if doc is None else f"it holds {yaml_kind(doc)}, not {holds}"
    raise refuse(f"{problem}: {hint}" if hint else problem)
