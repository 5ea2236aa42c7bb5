"""Run ``async def`` tests in a fresh event loop each (no pytest-asyncio needed), give property tests no
per-example deadline, keep matplotlib's files out of the user's home, and give the Node comparison tests the
official packages they compare against (node_packages.py: a skip without Node.js, a failure without the packages)."""

import asyncio
import inspect
import shutil
import tempfile

import pytest
from hypothesis import settings

# Hypothesis fails an example that takes over 200 ms by default: on a loaded machine that fails a correct test.
# A test's own @settings still sets what it names; the examples' number and the health checks stay Hypothesis's.
settings.register_profile("unit", deadline=None)
settings.load_profile("unit")


def pytest_pyfunc_call(pyfuncitem):
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


def pytest_configure(config):
    """matplotlib's configuration and font cache in a folder of the session's, removed at its end: matplotlib
    otherwise writes them in the user's ~/.config/matplotlib and ~/.cache/matplotlib. Set here, before any test
    module is imported, as matplotlib reads MPLCONFIGDIR once, when it is imported; in os.environ, so the `recfin`
    processes the tests start plot there too."""
    folder = tempfile.mkdtemp(prefix="recfin-tests-matplotlib-")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    env = pytest.MonkeyPatch()
    config.add_cleanup(env.undo)
    env.setenv("MPLCONFIGDIR", folder)


# Session-scoped, so they run before any module-scoped fixture that starts node, and check once. Imported inside:
# bench.node_compare takes a second to import, which a run of other tests need not wait for.
@pytest.fixture(scope="session")
def official_node_client() -> None:
    """The official Fabric Gateway Node client, installed in bench/node."""
    from bench import node_compare

    from .node_packages import CLIENT_PACKAGE, require

    require(node_compare.NODE_DIR, CLIENT_PACKAGE)


@pytest.fixture(scope="session")
def official_node_shim() -> None:
    """The official Node chaincode shim, installed in tests/unit/chaincode/node_shim."""
    from .node_packages import NODE_SHIM_DIR, SHIM_PACKAGE, require

    require(NODE_SHIM_DIR, SHIM_PACKAGE)
