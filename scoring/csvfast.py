"""Vectorized parsing of plain (unquoted) CSV bytes into coded columns, with numpy.

A million-row Partner Center export parsed with the csv module makes six million Python strings and
hashes five million of them, which alone takes seconds. Here the bytes stay in one numpy buffer:
cell boundaries come from the positions of commas and newlines; a text column is factorized on its
cells packed into 64-bit words (exact for cells up to 8 bytes, else hashed and then checked byte for
byte); amounts are parsed as exact integers of digits divided by a power of ten, which IEEE division
rounds exactly as float() does. Only the distinct values of a column become Python strings.

`parse` returns None whenever the file is not plain (quotes, a blank line, a row with the wrong
number of values): the caller then uses the csv module, which names the bad row. Column methods
return None when a column is not fit for the fast path (very wide cells, unusual number formats).
"""

from __future__ import annotations

import numpy as np

MAX_CELL = 128  # bytes
_PRIME = np.uint64(1099511628211)
_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_SAMPLE = 1 << 16
_POW10F = 10.0 ** np.arange(24)


def _codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(a row index per distinct key, each row's code). Few distinct keys (months, offers) are found
    in a sample and looked up by binary search; otherwise a full sort."""
    distinct, first = np.unique(keys[:_SAMPLE], return_index=True)
    codes = np.searchsorted(distinct, keys)
    np.minimum(codes, len(distinct) - 1, out=codes)
    if not np.array_equal(distinct[codes], keys):
        distinct, first, codes = np.unique(keys, return_index=True, return_inverse=True)
    return first, codes.reshape(-1).astype(np.int32)


class Column:
    """One column's cells, as byte offsets into the file's buffer."""

    def __init__(self, buf: np.ndarray, start: np.ndarray, end: np.ndarray):
        self.buf, self.start, self.end = buf, start, end

    def __len__(self) -> int:
        return int(self.start.shape[0])

    def take(self, rows: np.ndarray) -> Column:
        return Column(self.buf, self.start[rows], self.end[rows])

    def lengths(self) -> np.ndarray:
        return self.end - self.start

    def _words(self) -> list[np.ndarray] | None:
        """The cells as little-endian 64-bit words, zero beyond each cell's end; None if too wide."""
        lengths = self.lengths()
        width = int(lengths.max()) if lengths.size else 0
        if width > MAX_CELL:
            return None
        # A uint64 view starting at every byte of the (padded) buffer: one gather per word.
        at = np.ndarray(shape=(len(self.buf) - 8,), dtype="<u8", buffer=self.buf, strides=(1,))
        words = []
        for k in range(max(1, -(-width // 8))):
            keep = np.clip(lengths - 8 * k, 0, 8)
            words.append(at[self.start + 8 * k] & _MASKS[keep])
        return words

    def factorize(self) -> tuple[list[str], np.ndarray] | None:
        """Distinct values (decoded) and each row's code."""
        if len(self) == 0:
            return [], np.zeros(0, dtype=np.int32)
        words = self._words()
        if words is None:
            return None
        keys = words[0]
        if len(words) > 1:
            keys = keys.copy()
            with np.errstate(over="ignore"):
                for word in words[1:]:
                    keys *= _PRIME
                    keys ^= word
        found = _codes(keys)
        if found is None:
            return None
        first, codes = found
        if len(words) > 1 and not all(np.array_equal(word, word[first][codes]) for word in words):
            return None  # a hash collision: let the caller take the exact path
        try:
            values = [
                bytes(self.buf[a:b]).decode("utf-8")
                for a, b in zip(self.start[first], self.end[first], strict=True)
            ]
        except UnicodeDecodeError:
            return None
        return values, codes

    def floats(self) -> np.ndarray | None:
        """Amounts like -12, 1234.5 or 0.01 (at most 15 digits); None for anything else."""
        if len(self) == 0:
            return np.zeros(0, dtype=np.float64)
        lengths = self.lengths()
        width = int(lengths.max())
        if width > 24:
            return None
        # (width, n): position k of every cell is one contiguous row.
        matrix = np.lib.stride_tricks.sliding_window_view(self.buf, width)[self.start].T.copy()
        matrix[np.arange(width)[:, None] >= lengths[None, :]] = 0
        minus = matrix[0] == 45
        matrix[0][minus] = 0
        mantissa = np.zeros(matrix.shape[1], dtype=np.int64)
        digits = np.zeros(matrix.shape[1], dtype=np.int64)
        decimals = np.zeros(matrix.shape[1], dtype=np.int64)
        dots = np.zeros(matrix.shape[1], dtype=np.int64)
        for row in matrix:
            value = row.astype(np.int64) - 48
            digit = (value >= 0) & (value <= 9)
            dot = row == 46
            if not (digit | dot | (row == 0)).all():
                return None  # exponents, spaces, thousands separators: not for this path
            mantissa = np.where(digit, mantissa * 10 + value, mantissa)
            digits += digit
            decimals += digit & (dots > 0)
            dots += dot
        if (dots > 1).any() or (digits == 0).any() or (digits > 15).any():
            return None
        values = mantissa.astype(np.float64) / _POW10F[decimals]  # exact ints: correctly rounded
        return np.where(minus, -values, values)


def parse(data: bytes, ncols: int) -> list[Column] | None:
    """The columns of the data rows (after the header line) of plain CSV bytes, or None."""
    if b'"' in data or b"\x00" in data:  # NUL would be indistinguishable from the word padding
        return None
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    size = len(data)
    while size and data[size - 1] == 10:  # trailing newlines
        size -= 1
    buf = np.zeros(size + MAX_CELL + 8, dtype=np.uint8)  # zero padded: cell windows never overrun
    buf[:size] = np.frombuffer(data, dtype=np.uint8, count=size)
    body = buf[:size]
    header_end = data.find(b"\n", 0, size)
    if header_end < 0:
        empty = np.zeros(0, dtype=np.int64)
        return [Column(buf, empty, empty) for _ in range(ncols)]
    newlines = np.flatnonzero(body == 10)
    line_start = newlines + 1
    line_end = np.append(newlines[1:], size)
    commas = np.flatnonzero(body[header_end:] == 44) + header_end
    if commas.size != (ncols - 1) * line_start.size:
        return None
    grid = commas.reshape(-1, ncols - 1).T.copy()  # row j: the j-th comma of every line
    # Commas are sorted, so if each line's group of commas lies inside that line, every line has
    # exactly ncols - 1 of them (a blank or ragged line shifts some group across a line break).
    if not ((grid[0] > line_start - 1).all() and (grid[-1] < line_end).all()):
        return None
    starts = [line_start, *(grid[j] + 1 for j in range(ncols - 1))]
    ends = [*(grid[j] for j in range(ncols - 1)), line_end]
    return [Column(buf, s, e) for s, e in zip(starts, ends, strict=True)]
