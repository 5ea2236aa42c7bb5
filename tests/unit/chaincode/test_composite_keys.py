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
    assert str(refused.value) == "composite key attribute '" + "\\x00" * 57 + "...' must not contain U+0000 or U+10FFFF"
    with pytest.raises(ValueError) as refused:
        split_composite_key("k" * 1_000_000)
    assert str(refused.value) == "'" + "k" * 57 + "...' is not a composite key"
