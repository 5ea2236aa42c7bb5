"""Fixtures the risk tests share."""
import pytest


@pytest.fixture(scope="session")
def small_fit():
    """(model, report) of one small training run, seed 5 on 20 SYNTHETIC debtors: fitted once for every test that
    needs some trained model (what training writes, and how) rather than a particular one."""
    from client.risk import training   # needs scikit-learn, which test_training_dependencies_missing hides
    return training.run(5, 20)


@pytest.fixture(scope="session")
def evaluated_3_40():
    """(model, report) of `risk evaluate --seed 3 --debtors 40`'s run: fitted once for the tests that read its
    figures."""
    from client.risk import training
    return training.run(3, 40)


class _Simulation:
    """The SYNTHETIC histories the shipped model is trained on (its seed, 1,000 debtors), simulated on first use
    and kept for the next: the simulator's tests read them, then the test run that trains on them takes them. A
    minute of simulation is not spent twice, and its 1.2 GB are not held for the rest of the session."""

    def __init__(self) -> None:
        self._histories = None

    def read(self):
        """The histories, kept for the next reader or taker."""
        if self._histories is None:
            from client.risk.simulator import SimulationConfig, simulate
            from client.risk.training import DEFAULT_DEBTORS, DEFAULT_SEED
            self._histories = simulate(SimulationConfig(debtors=DEFAULT_DEBTORS, seed=DEFAULT_SEED))
        return self._histories

    def take(self):
        """The histories, no longer kept: the last reader takes them (a later reader simulates them again)."""
        histories, self._histories = self.read(), None
        return histories


@pytest.fixture(scope="session")
def shipped_simulation() -> _Simulation:
    return _Simulation()
