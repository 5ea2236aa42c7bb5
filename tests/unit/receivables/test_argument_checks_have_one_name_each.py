"""Each argument check of the contract is called by one name, so a caller reading or patching one reads or patches
the check the contract runs, and no second name has to be kept in step with it."""

import inspect

from chaincode.receivables import arguments


def test_no_check_is_bound_under_a_second_name():
    names_of: dict[int, list[str]] = {}
    for name, value in vars(arguments).items():
        if inspect.isfunction(value) and value.__module__ == arguments.__name__:
            names_of.setdefault(id(value), []).append(name)
    assert [names for names in names_of.values() if len(names) > 1] == []

