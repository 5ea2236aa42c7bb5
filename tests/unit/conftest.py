"""Run ``async def`` tests in a fresh event loop each (no pytest-asyncio needed), and give property tests no
per-example deadline."""

import asyncio
import inspect

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
