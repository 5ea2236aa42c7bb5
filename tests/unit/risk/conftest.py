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
