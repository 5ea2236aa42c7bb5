"""``python -m cli``: the same command as the installed ``recfin`` script, for a checkout without it on PATH."""

from cli.main import main

main(prog_name="recfin")
