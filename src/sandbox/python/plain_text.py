"""The text/plain IPython shows for a cell's last value, without running IPython's pretty printer where that
printer would show exactly what repr() shows.

Why: the pretty printer (IPython.lib.pretty with the PlainTextFormatter's registries) is several hundred pages of
code and objects that a forked session would copy on first use, to show values such as `42`, `[2, 3]`, `{x: 1}`
or a sympy expression, whose text is their repr. This module decides by the printer's own dispatch rules (its
singleton and type registries, deferred types, `_repr_pretty_`, then the first class with its own `__repr__`)
whether the printer would call repr, and builds lists, tuples and dicts the way the printer does when they fit on
one line. Anything else returns None, and the caller asks IPython's formatter.
"""

from IPython.lib import pretty

CONTAINERS = {list: ('[', ']'), tuple: ('(', ')'), dict: ('{', '}')}


def repr_text(value):
    """What the printer's _repr_pprint writes: repr's lines, joined by its line breaks (indentation 0 at the top)."""
    return '\n'.join(repr(value).splitlines())


class PlainText:
    def __init__(self, formatter):
        self.type_printers = formatter.type_printers
        self.deferred_printers = formatter.deferred_printers
        self.singleton_printers = formatter.singleton_printers
        self.max_width = formatter.max_width
        self.max_seq_length = formatter.max_seq_length
        # The layout this module reproduces: pretty printing on, floats as repr, the default container printers.
        self.usable = (formatter.pprint and formatter.float_format == '%r' and not formatter.verbose and formatter.newline == '\n'
                       and all(self.type_printers.get(kind) is pretty._type_pprinters.get(kind) for kind in CONTAINERS))
        self.prints_repr_of = {}  # class -> whether the printer shows repr() of its instances
        # A registry that grows or shrinks (sympy's init_printing registers its printers; showing a value of a
        # deferred type moves its printer) may change what the printer does: from then on IPython decides.
        self.sizes = self.registry_sizes()

    def registry_sizes(self):
        return len(self.type_printers), len(self.deferred_printers), len(self.singleton_printers)

    def text(self, value):
        """IPython's text/plain for `value`, or None where only IPython's printer can say."""
        if not self.usable or self.registry_sizes() != self.sizes:
            self.usable = False
            return None
        try:
            text = self.text_of(value, set())
        except Exception:  # a repr that fails: IPython's formatter reports it its own way
            return None
        if text is None or (type(value) in CONTAINERS and len(text) > self.max_width):
            return None  # a container wider than a line: the printer breaks it into lines
        return text

    def text_of(self, value, open_containers):
        kind = type(value)
        if getattr(value, '__class__', None) is not kind:
            return None
        printer = self.singleton_printers.get(id(value))
        if printer is not None:
            return repr_text(value) if printer is pretty._repr_pprint else None
        if kind in CONTAINERS:
            return self.container_text(value, kind, open_containers)
        prints_repr = self.prints_repr_of.get(kind)
        if prints_repr is None:
            prints_repr = self.prints_repr_of[kind] = self.printer_calls_repr(kind)
        if not prints_repr:
            return None
        return repr_text(value)

    def printer_calls_repr(self, kind):
        """Whether RepresentationPrinter.pretty ends in repr for instances of `kind`: the first match in its MRO
        walk is a registered repr printer (or float's, which is repr while float_format is '%r'), or a class that
        defines __repr__ before any deferred printer or _repr_pretty_."""
        for klass in pretty._get_mro(kind):
            if klass in self.type_printers:
                return self.type_printers[klass] is pretty._repr_pprint or klass is float
            if (getattr(klass, '__module__', None), getattr(klass, '__name__', None)) in self.deferred_printers:
                return False
            if '_repr_pretty_' in klass.__dict__ and callable(getattr(klass, '_repr_pretty_', None)):
                return False
            if klass is not object and '__repr__' in klass.__dict__ and callable(getattr(klass, '__repr__', None)):
                return True
        return False

    def container_text(self, value, kind, open_containers):
        """A list, tuple or dict on one line, as the printer lays it out when it fits: items as the printer shows
        them, `, ` between them, a 1-item tuple's comma."""
        if id(value) in open_containers or (self.max_seq_length and len(value) > self.max_seq_length):
            return None  # a cycle, or the printer's `...` for a long sequence
        open_containers.add(id(value))
        parts = []
        if kind is dict:
            for key in value.keys():
                key_text = self.text_of(key, open_containers)
                item_text = self.text_of(value[key], open_containers)
                if key_text is None or item_text is None or '\n' in key_text or '\n' in item_text:
                    return None
                parts.append(key_text + ': ' + item_text)
        else:
            for item in value:
                item_text = self.text_of(item, open_containers)
                if item_text is None or '\n' in item_text:
                    return None
                parts.append(item_text)
        open_containers.discard(id(value))
        start, end = CONTAINERS[kind]
        return start + ', '.join(parts) + (',' if kind is tuple and len(parts) == 1 else '') + end
