"""What a cell shows: its printed streams (stdout and stderr in the order written), its last expression, its
displays and its traceback, each kept within the output limit (head and tail, the middle omitted).

The limit holds over the whole execution text, not only the printed streams: a last expression, a display or an
exception message of ten million characters is cut as printed output is. A hard ceiling applies even when no
limit is set (MathCoder's kernel kept everything), so that no reply can grow without bound.
"""

import io
import threading

# Even "unlimited" output is cut past this many characters (the published executions never exceed 4,418).
HARD_CEILING_CHARS = 4_000_000


def omission(count):
    return '\n... [%d characters omitted] ...\n' % count


class OutputBuffer:
    """Everything a cell prints, in order, with head+tail truncation past the limit (a dict with maxChars,
    headChars and tailChars, as the sandbox's options give it)."""

    def __init__(self, limits):
        max_chars, head_chars, tail_chars = effective_limits(limits)
        self.max_chars = max_chars
        self.head_chars = head_chars
        self.tail_chars = tail_chars
        self.chunks = []  # [name, text] in order, merged when the name repeats
        self.total = 0
        self.kept = 0
        self.tail = []  # (name, text) kept for the tail once over the limit
        self.tail_len = 0
        self.truncated = False

    def write(self, name, text):
        if not text:
            return
        self.total += len(text)
        if not self.truncated:
            self._append(self.chunks, name, text)
            self.kept += len(text)
            if self.max_chars is not None and self.kept > self.max_chars:
                self._start_truncating()
            return
        self.tail.append([name, text])
        self.tail_len += len(text)
        self._trim_tail()

    def _start_truncating(self):
        """Keeps the first head_chars as the head; what follows becomes the rolling tail."""
        self.truncated = True
        head, rest, room = [], [], self.head_chars
        for name, text in self.chunks:
            if room >= len(text):
                head.append([name, text])
                room -= len(text)
            elif room > 0:
                head.append([name, text[:room]])
                rest.append([name, text[room:]])
                room = 0
            else:
                rest.append([name, text])
        self.chunks = head
        self.kept = self.head_chars
        self.tail = rest
        self.tail_len = sum(len(text) for _, text in rest)
        self._trim_tail()

    def _trim_tail(self):
        while self.tail and self.tail_len - len(self.tail[0][1]) >= self.tail_chars:
            self.tail_len -= len(self.tail.pop(0)[1])

    @staticmethod
    def _append(chunks, name, text):
        if chunks and chunks[-1][0] == name:
            chunks[-1][1] += text
        else:
            chunks.append([name, text])

    def streams(self):
        if not self.truncated:
            return self.chunks
        chunks = [list(chunk) for chunk in self.chunks]
        omitted = self.total - self.kept - min(self.tail_len, self.tail_chars)
        self._append(chunks, chunks[-1][0] if chunks else 'stdout', omission(omitted))
        tail = [list(chunk) for chunk in self.tail]
        excess = self.tail_len - self.tail_chars
        if excess > 0 and tail:
            tail[0][1] = tail[0][1][excess:]
        for name, text in tail:
            self._append(chunks, name, text)
        return chunks


class CaptureStream(io.TextIOBase):
    """sys.stdout / sys.stderr of a session: writes go to the running cell's buffer."""

    def __init__(self, name, session):
        super().__init__()
        self.name = name
        self.session = session

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        session = self.session
        buffer = session.output
        if buffer is not None:
            thread = threading.current_thread()
            # A thread started by an earlier cell (or by a thread of one) may print after that cell ended (it
            # timed out, say): that output belongs to no cell and is dropped, never shown as the next cell's.
            if thread is threading.main_thread() or getattr(thread, 'mathcoder_cell', None) == session.serial:
                buffer.write(self.name, text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def encoding(self):
        return 'utf-8'


def effective_limits(limits):
    """(max_chars, head_chars, tail_chars) with the hard ceiling applied."""
    max_chars = limits.get('maxChars')
    if max_chars is None or max_chars > HARD_CEILING_CHARS:
        return HARD_CEILING_CHARS, HARD_CEILING_CHARS // 2, HARD_CEILING_CHARS // 2
    head = limits.get('headChars', 0)
    tail = limits.get('tailChars', 0)
    return max_chars, head, tail


def cut(text, budget, head_share):
    """`text` within `budget` characters: its head and tail with the middle replaced by an omission note."""
    if text is None or len(text) <= budget:
        return text
    head = int(budget * head_share)
    tail = max(budget - head, 0)
    return text[:head] + omission(len(text) - head - tail) + (text[len(text) - tail:] if tail else '')


class TextBudget:
    """The characters a cell may still show once its streams are counted; each further part (the last
    expression, displays, traceback parts) takes from it, and what does not fit is cut to head and tail."""

    MIN_PART = 200

    def __init__(self, limits, used):
        self.max_chars, head, tail = effective_limits(limits)
        self.head_share = head / (head + tail) if head + tail else 0.5
        self.left = max(self.max_chars - used, 0)
        self.total = used
        self.truncated = False

    def take(self, text):
        if text is None:
            return None
        self.total += len(text)
        budget = max(self.left, self.MIN_PART)
        kept = cut(text, budget, self.head_share)
        if kept is not text:
            self.truncated = True
        self.left = max(self.left - len(kept), 0)
        return kept

    def take_parts(self, parts):
        """A list of parts (a traceback): too many parts keep the first and last ones, then each part is cut."""
        parts = list(parts)
        if len(parts) > 64:
            self.truncated = True
            self.total += sum(len(part) for part in parts[32:-32])
            parts = parts[:32] + ['... [%d traceback parts omitted] ...' % (len(parts) - 64)] + parts[-32:]
        return [self.take(part) for part in parts]
