"""The stand-in Gateway of `python -m bench.client_cpu`, shared by the tests that put clients in front of it.

Client CPU only; the Gateway is a stand-in returning prepared replies; no Fabric involved. It runs in
its own process over TLS gRPC, started once for the session: tests read what it answered as differences
of its counts, or as the part of its journal after their own start.
"""
import pytest

from bench import client_cpu
from bench.cast import Cast
from bench.client_cpu import stand_in_gateway


@pytest.fixture(scope="session")
def cast():
    return Cast.create()


@pytest.fixture(scope="session")
def samples(cast):
    return client_cpu.execute_samples(cast)


@pytest.fixture(scope="session")
def gateway(samples):
    with stand_in_gateway(samples) as running:
        yield running


@pytest.fixture
def samples_of_the_session(cast, samples, monkeypatch):
    """`run_client_cpu` runs each operation through the contract in a server process of its own before it
    measures: the session's run serves it as well (the samples are only read), its stand-in Gateway stays its own."""
    monkeypatch.setattr(client_cpu.Cast, "create", lambda: cast)
    monkeypatch.setattr(client_cpu, "execute_samples", lambda of: samples)
