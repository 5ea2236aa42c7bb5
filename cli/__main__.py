"""``python -m cli``: the same command as the installed ``recfin`` script, for a checkout without it on PATH."""

import os
import sys

# ``-m`` puts the folder it is run from first on sys.path. Run from anywhere but the checkout holding this
# package, that folder's own folders would stand in for recfin's packages: an org bundle's chaincode/
# (its packages), found before the editable install's finder, made every command fail importing
# chaincode.receivables. Nothing of recfin is there, so it is dropped, as the `recfin` script never has it.
if sys.path and sys.path[0] and os.path.realpath(sys.path[0]) != os.path.realpath(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))):
    del sys.path[0]

from cli.main import main  # noqa: E402 - after sys.path is set

main(prog_name="recfin")
