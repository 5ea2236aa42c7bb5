"""`python -m bench.signing`: the whole warm-up asked for, whatever --iterations."""
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from bench.signing import measure
from client.gateway import private_key_signer


@pytest.mark.parametrize("iterations, warmup", [(5, 50), (5, 5), (50, 5)])
def test_signing_warms_up_with_every_signature_asked_for(iterations, warmup):
    """50 warm-up and 5 measured signed 10 times: the warm-up took the measured ones' digests, only 5."""
    key = ec.generate_private_key(ec.SECP256R1())
    sign = private_key_signer(key)
    signed = []
    row = measure("in-process", lambda digest: (signed.append(digest), sign(digest))[1], key.public_key(),
                  iterations=iterations, warmup=warmup)
    assert len(signed) == warmup + iterations and row.signatures == iterations
    assert len(set(signed[:warmup])) == warmup          # each warm-up signature of a digest of its own
