"""Composite keys use Fabric's encoding so keys written by any shim agree."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chaincode.shim import create_composite_key, split_composite_key

component = st.text(alphabet=st.characters(blacklist_characters="\x00\U0010ffff", blacklist_categories=("Cs",)))


def test_layout_matches_fabric():
    assert create_composite_key("owner", ["alice", "a1"]) == "\x00owner\x00alice\x00a1\x00"
    assert create_composite_key("owner", []) == "\x00owner\x00"


@given(object_type=component, attributes=st.lists(component, max_size=5))
def test_split_undoes_create(object_type, attributes):
    key = create_composite_key(object_type, attributes)
    assert split_composite_key(key) == (object_type, attributes)


def test_reserved_characters_are_refused():
    with pytest.raises(ValueError, match="U\\+0000"):
        create_composite_key("a\x00b", [])
    with pytest.raises(ValueError, match="U\\+0000"):
        create_composite_key("t", ["x\U0010ffff"])
    with pytest.raises(ValueError, match="not a composite key"):
        split_composite_key("simple")


def test_a_long_refused_component_or_key_is_quoted_by_its_start():
    with pytest.raises(ValueError) as refused:
        create_composite_key("t", ["\x00" * 1_000_000])
    assert str(refused.value) == ("composite key attributes[0] '" + "\\x00" * 57
                                  + "...' must not contain U+0000 or U+10FFFF")
    with pytest.raises(ValueError) as refused:
        split_composite_key("k" * 1_000_000)
    assert str(refused.value) == "'" + "k" * 57 + "...' is not a composite key"


# A key is checked whole, and part by part only when it fails: every outcome must be the part-by-part one.
awkward = st.text(alphabet=st.sampled_from(["a", "é", "发", "\x00", "\U0010ffff", "\udc80", "\U0010fffe"]),
                  max_size=4)


@given(object_type=awkward, attributes=st.lists(awkward, max_size=3))
def test_a_key_checked_whole_is_the_key_or_refusal_checked_part_by_part(object_type, attributes):
    from chaincode.shim._composite import _checked_composite_key

    def outcome(make):
        try:
            return make(object_type, attributes)
        except ValueError as refused:
            return type(refused), str(refused)
    assert outcome(create_composite_key) == outcome(_checked_composite_key)


@pytest.mark.parametrize(("object_type", "attributes", "refusal"), [
    (b"t", ["a"], "composite key object_type must be a str, not bytes: give it as text (decode bytes first"),
    (None, ["a"], "composite key object_type must be a str, not NoneType: give it as text"),
    ("t", ["a", 7], "composite key attributes[1] must be a str, not int: give it as text"),
    ("t", [b"a"], "composite key attributes[0] must be a str, not bytes"),
    ("t", ["a", "b", "x\x00"], "composite key attributes[2] 'x\\x00' must not contain U+0000"),
    ("t", "inv-7", "composite key attributes must be a list or tuple of str, got str 'inv-7': wrap a single "
                   "attribute in a list"),
    ("t", ["ok", "x\udc80"], "composite key attributes[1] 'x\\udc80' is not valid UTF-8"),
])
def test_a_bad_component_is_still_named(object_type, attributes, refusal):
    # each a ValueError, which reaches the transaction's caller with its text: a TypeError reached it only as
    # "internal error (TypeError)"
    with pytest.raises(ValueError) as refused:
        create_composite_key(object_type, attributes)
    assert str(refused.value).startswith(refusal)


def test_a_valid_key_is_not_checked_component_by_component(monkeypatch):
    from chaincode.shim import _composite

    def per_component(component, what):
        raise AssertionError(f"{what} {component!r} checked on its own")
    monkeypatch.setattr(_composite, "_validate_component", per_component)
    assert create_composite_key("recfin.by-debtor", ("91310000MA1FL0001X", "发票-1")) == \
        "\x00recfin.by-debtor\x0091310000MA1FL0001X\x00发票-1\x00"
