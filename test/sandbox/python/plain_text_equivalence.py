"""Compares the sandbox's PlainText with IPython's own text/plain formatter on many kinds of values (the shell set
up as the sandbox's zygote sets it up). Prints one JSON object: {values, shortcut: how many PlainText answered,
differences: [...]} (a difference is a value PlainText answered for with another text than IPython's)."""
import collections
import datetime
import decimal
import fractions
import json
import sys

sys.path.insert(0, sys.argv[1])
import python_runtime  # noqa: E402
from plain_text import PlainText  # noqa: E402

shell, _ = python_runtime.warm_shell()
formatter = shell.display_formatter.formatters['text/plain']

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

x, y = sp.symbols('x y')


class WithRepr:
    def __repr__(self):
        return 'WithRepr(1)'


class MultiLine:
    def __repr__(self):
        return 'first\nsecond\n'


class WithPretty:
    def _repr_pretty_(self, p, cycle):
        p.text('pretty!')


class Plain:
    pass


class ListChild(list):
    pass


cyclic = [1, 2]
cyclic.append(cyclic)
values = [
    0, 1, -7, 10 ** 40, True, False, None, Ellipsis, NotImplemented, 1.5, 1e20, 1 / 3, float('nan'), float('inf'), -0.0,
    2 + 3j, 'text', 'two\nlines', "it's \"quoted\"", 'unicode é ∑ \u2028', b'bytes\n', '', [], (), {}, [1, 2, 3], (1,), (1, 2),
    {'a': 1, 'b': [2, 3]}, list(range(30)), list(range(1001)), [[1, 2], [3, (4,)]], [1.5, 'a', None, True], {1: {2: {3: 4}}},
    np.float64(1.5), np.int64(7), np.array([1, 2, 3]), np.array([[1.0, 2.5], [3.0, 4.0]]), [np.float64(2.0), np.int64(3)],
    np.float32(0.1), np.bool_(True), sp.Integer(5), sp.Rational(3, 4), sp.Float('1.25'), sp.sqrt(2), x, x ** 2 + 2 * x * y, sp.Eq(x, 2 * y),
    sp.pi, sp.oo, sp.zoo, sp.S.Half, sp.Matrix([[1, 2], [3, 4]]), sp.solve([x + y - 3, x - y - 1], [x, y]), sp.solve(x ** 2 - 2, x),
    [{x: 1, y: 2}], sp.FiniteSet(1, 2, 3), sp.Interval(0, 1), sp.Poly(x ** 2 + 1, x), sp.Tuple(1, 2), sp.factorint(360), sp.nsimplify(0.75),
    sp.Symbol('alpha'), sp.sin(x) ** 2, sp.Piecewise((x, x > 0), (0, True)), sp.Lambda(x, x ** 2),
    {1, 2, 3}, frozenset({3, 1}), {'b', 'a'}, collections.defaultdict(int, a=1), collections.OrderedDict(a=1), collections.Counter('aab'),
    collections.deque([1, 2]), fractions.Fraction(3, 4), decimal.Decimal('1.10'), datetime.date(2024, 1, 2), range(5), slice(1, 2),
    len, print, lambda v: v, WithRepr(), [WithRepr()], MultiLine(), [MultiLine()], WithPretty(), [WithPretty()], Plain(), ListChild([1]),
    cyclic, type, int, sys, sp, ['x' * 40, 'y' * 40], ['x' * 30, 'y' * 30], {'k' * 70: 1}, [sp.Rational(1, 3)] * 20,
]
shortcut = 0
differences = []
for value in values:
    # A PlainText per value: showing a value of a deferred type (defaultdict, …) moves its printer between
    # IPython's registries, after which a PlainText leaves every value to IPython.
    text = PlainText(formatter).text(value)
    expected = formatter(value)
    if text is not None:
        shortcut += 1
        if text != expected:
            differences.append({'value': expected, 'plain': text})
print(json.dumps({'values': len(values), 'shortcut': shortcut, 'differences': differences}))
