"""A user PIN that is not UTF-8 text (a Latin-1 terminal or environment: Python keeps its bytes as
surrogates) is an HSMError naming the problem before the token is asked anything, not the codec's error,
which quotes a character of the PIN and its position; and no PIN (an unset variable read as "") is refused as
such, not tried on the token and called wrong."""
from __future__ import annotations

import pytest

import client.gateway.hsm as hsm
from client.gateway import HSMError, HSMSignerFactory, HSMSignerOptions, key_id_for

from . import softhsm as softhsm_module
from .softhsm import softhsm

logins = softhsm_module.logins
LATIN1_PIN = "12\udce934"   # what os.environ gives for the bytes 31 32 e9 33 34: "12é34" typed in Latin-1


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


def options(token, pin: str) -> HSMSignerOptions:
    return HSMSignerOptions(token.token, pin, key_id=key_id_for(token.user_key.public_key()))


def assert_refused_without_the_pin(refused: pytest.ExceptionInfo, token) -> None:
    said = str(refused.value)
    assert said.startswith(f"the user PIN given for token '{token.token}' of {token.library} "
                           "is not UTF-8 text")
    assert "\\udce9" not in said and "\udce9" not in said and "position" not in said


def test_a_pin_that_is_not_utf8_is_refused_before_any_login_and_none_of_it_is_said(token, logins):
    with HSMSignerFactory(token.library) as factory:
        with pytest.raises(HSMError, match="is not UTF-8 text") as refused:
            factory.new_signer(options(token, LATIN1_PIN))
    assert_refused_without_the_pin(refused, token)
    assert logins == []   # no try counted towards locking the token


def test_a_pin_that_is_not_utf8_is_refused_while_the_process_is_logged_in(token, logins):
    with HSMSignerFactory(token.library) as factory, factory.new_signer(options(token, token.pin)):
        with pytest.raises(HSMError, match="is not UTF-8 text") as refused:
            factory.new_signer(options(token, LATIN1_PIN))
    assert_refused_without_the_pin(refused, token)
    assert logins == [token.pin]


def test_token_login_refuses_a_pin_that_is_not_utf8(token, logins):
    with pytest.raises(HSMError, match="is not UTF-8 text") as refused:
        with hsm.token_login(token.library, token.token, LATIN1_PIN):
            pass
    assert_refused_without_the_pin(refused, token)
    assert logins == []


@pytest.mark.parametrize("pin", ["", None], ids=["empty", "none"])
def test_no_pin_is_refused_before_any_login_as_no_pin_not_a_wrong_one(token, logins, pin):
    # os.environ.get("RECFIN_HSM_PIN", "") with the variable unset: the token would be tried with an empty PIN
    with HSMSignerFactory(token.library) as factory:
        with pytest.raises(HSMError, match=f"^no user PIN given for token '{token.token}' .*nothing was "
                                           "tried"):
            factory.new_signer(options(token, pin))
    with pytest.raises(HSMError, match="^no user PIN given"):
        with hsm.token_login(token.library, token.token, pin):
            pass
    assert logins == []
