"""`recfin hsm`: a --key-label with a character the token's tools would show split, garbled or as another
label is refused before anything is asked of the token; and a PIN that is not UTF-8 text is refused without
any of it shown."""
from __future__ import annotations

import pytest

from ..client.softhsm import private_key_ids
from . import test_hsm_commands

token, run = test_hsm_commands.token, test_hsm_commands.run


@pytest.mark.parametrize("label", ["a\u2028b", "a\x85b", "a\u202eb", "a\u200bb", "a\tb"],
                         ids=["line-separator", "next-line", "right-to-left-override", "zero-width-space",
                              "tab"])
def test_a_key_label_that_is_not_printable_is_refused_and_nothing_is_generated(runner, token, tmp_path,
                                                                                label):
    before = private_key_ids(token)
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--key-label", label, "--csr", str(tmp_path / "x.csr"))
    assert result.exit_code == 2, result.output
    assert "control, line-break or invisible format character" in result.output
    assert private_key_ids(token) == before and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("label", ["", "  ", "\u3000"], ids=["empty", "spaces", "full-width-space"])
def test_a_blank_key_label_is_refused_and_nothing_is_generated(runner, token, tmp_path, label):
    """A blank --key-label (an unset variable) was taken as none: the key got the default label, unsaid, or a
    label of spaces that no one can tell from none in the token's tools."""
    before = private_key_ids(token)
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--key-label", label, "--csr", str(tmp_path / "x.csr"))
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--key-label'" in result.output and "blank" in result.output
    assert private_key_ids(token) == before and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["  ", "a\x1b[2Jb", "a\u202eb", "a\nb"],
                         ids=["blank", "escape", "right-to-left-override", "line-break"])
def test_a_common_name_blank_or_not_printable_is_refused_and_nothing_is_generated(runner, token, tmp_path, name):
    """The request's CN, which `openssl req -text` and a CA's tools show, held to what --key-label is: a blank one
    (an unset variable) or one with a control or invisible format character was written into the request."""
    before = private_key_ids(token)
    result = run(runner, token, "generate", "--token", token.token, "--common-name", name,
                 "--csr", str(tmp_path / "x.csr"))
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--common-name'" in result.output
    assert private_key_ids(token) == before and list(tmp_path.iterdir()) == []


def test_a_key_label_of_printable_characters_other_than_ascii_is_taken(runner, token, tmp_path):
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--key-label", "供应商/supplier9 ü", "--csr", str(tmp_path / "x.csr"))
    assert result.exit_code == 0, result.output


def test_a_pin_that_is_not_utf8_is_refused_without_any_of_it_shown(runner, token, tmp_path):
    before = private_key_ids(token)
    result = run(runner, token, "generate", "--token", token.token, "--common-name", "supplier9@supplier",
                 "--csr", str(tmp_path / "x.csr"), pin="12\udce934")   # "12é34" from a Latin-1 environment
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: the user PIN given for token '{token.token}' of ")
    assert "not UTF-8 text" in result.output
    assert "udce9" not in result.output and "position" not in result.output
    assert private_key_ids(token) == before and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("space", ["\u3000", "\u00a0"], ids=["full-width-space", "no-break-space"])
def test_a_chinese_name_with_a_full_width_or_no_break_space_is_taken_as_label_and_common_name(runner, token,
                                                                                           tmp_path, space):
    """A full-width or no-break space inside a name prints as itself, as every one-line message judges it
    (client.user_files.shown_as_is), though str.isprintable calls it no printable character: a label or common
    name such as 欧阳　修 was refused as holding a control, line-break or invisible format character."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    name = f"欧阳{space}修"
    csr = tmp_path / "x.csr"
    result = run(runner, token, "generate", "--token", token.token, "--common-name", name,
                 "--key-label", f"供应商/{name}", "--csr", str(csr))
    assert result.exit_code == 0, result.output
    request = x509.load_pem_x509_csr(csr.read_bytes())
    assert request.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == name


def test_a_token_label_with_a_full_width_space_is_looked_for_not_refused_as_the_option(runner, token, tmp_path):
    """--token with a full-width space inside (a token initialised as 令牌　一) is a label the token's tools show as
    it is: it was refused as holding a control, line-break or invisible format character. Here no token has it."""
    result = run(runner, token, "generate", "--token", "令牌\u3000一", "--common-name", "supplier9@supplier",
                 "--csr", str(tmp_path / "x.csr"))
    assert "Invalid value for '--token'" not in result.output, result.output
    assert result.exit_code == 1 and "no token labelled" in result.output, result.output
