"""Cases every spreadsheet host runs (issue 23, part 5), generated from the registry, not listed by hand.

* :func:`empty_middle_calls`: every function with an optional argument before another; the
  call gives the required arguments, leaves every optional one before the last empty and
  gives the last a valid value that is not its default.
* :func:`wrong_choice_calls`: every choice argument of every function, given a text that is
  none of its choices; :func:`wrong_choice_text` is the one line the registry says it gets.
"""

from xlspectrum.hosts.marshal import excel_error_text
from xlspectrum.hosts.registry import BY_EXCEL_NAME, FUNCTIONS

from test_excel import GOOD_CALLS

WRONG_CHOICE = "nonsense"


def not_the_default(argument):
    """A valid value for ``argument`` other than its default: the other switch, the last other
    choice, 1 for a default of 0, else the default plus 10 %."""
    default = argument.default
    if isinstance(default, bool):
        return not default
    if argument.choices:
        return [choice for choice in argument.choices if choice != default][-1]
    return 1.0 if default == 0 else round(default * 1.1, 6)


def _required(spec):
    count = sum(not a.optional for a in spec.arguments)
    return list(GOOD_CALLS[spec.excel_name][0][:count])


def empty_middle_calls():
    """(name, arguments with None for each optional left empty, the same call with the defaults typed in)."""
    found = []
    for spec in FUNCTIONS:
        if not any(a.optional for a in spec.arguments[:-1]):
            continue
        given = _required(spec)
        middle = spec.arguments[len(given):-1]
        last = not_the_default(spec.arguments[-1])
        found.append((spec.excel_name, given + [None] * len(middle) + [last], given + [a.default for a in middle] + [last]))
    return found


def wrong_choice_calls():
    """(name, arguments: the required ones, optionals before the choice empty, then a choice that is not one)."""
    found = []
    for spec in FUNCTIONS:
        for index, argument in enumerate(spec.arguments):
            if argument.choices:
                given = _required(spec)
                found.append((spec.excel_name, given + [None] * (index - len(given)) + [WRONG_CHOICE]))
    return found


def wrong_choice_text(name, arguments):
    """What the registry says a cell shows for the wrong choice, the last of ``arguments``."""
    argument = BY_EXCEL_NAME[name].arguments[len(arguments) - 1]
    try:
        argument.choice(arguments[-1])
    except ValueError as error:
        return excel_error_text(error)
    raise AssertionError(f"{arguments[-1]!r} is a choice of {name}'s {argument.name}")
