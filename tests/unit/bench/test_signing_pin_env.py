"""bench.signing refuses a --pin-env that is not an environment variable's name without showing it, as
recfin's hsm commands do: it may be the PIN itself, which the bench printed back ("set 2468-... to the
token's user PIN") into the terminal and any log of the run."""
from __future__ import annotations

from .test_signing import run

GIVEN_AS_PIN_ENV = "2468-secret"


def test_a_pin_given_as_pin_env_is_refused_and_never_shown():
    done = run("--token", "bank-hsm", "--key-label", "officer1", "--pin-env", GIVEN_AS_PIN_ENV)
    assert done.returncode == 2, done.stderr
    assert "--pin-env" in done.stderr and "not the PIN" in done.stderr
    assert GIVEN_AS_PIN_ENV not in done.stdout + done.stderr
