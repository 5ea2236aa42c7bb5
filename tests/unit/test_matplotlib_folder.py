"""The unit tests keep matplotlib's configuration and font cache in a temporary folder of the session's, removed at
its end (tests/unit/conftest.py), not in the user's ~/.config/matplotlib and ~/.cache/matplotlib."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PLOTS = '''
import os
from pathlib import Path

import matplotlib


def test_plots():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.plot([1, 2], [3, 4])
    out = Path(os.environ["HOME"]).parent
    plt.savefig(out / "plot.png")
    (out / "used.txt").write_text(matplotlib.get_cachedir())
'''


def test_a_test_that_plots_writes_nothing_in_the_users_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "test_plots.py").write_text(PLOTS)
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("MPLCONFIGDIR", None)       # this session's own, set by the conftest under test
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_CACHE_HOME", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.unit.conftest", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), "--basetemp", str(tmp_path / "base"), str(tmp_path / "test_plots.py")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "plot.png").is_file()
    assert list(home.iterdir()) == []
    used = Path((tmp_path / "used.txt").read_text())
    assert used.name.startswith("recfin-tests-matplotlib-") and not used.exists()     # removed at the session's end
