"""Reading a segment's files straight from the memory map, without copying them.

Whoosh maps a compound segment file into memory, then hands out each file inside it as a ``BufferFile`` — whose
constructor copies that whole file into a ``BytesIO``. Every reader opened on the index therefore copies every
segment's postings, terms and columns (25,000 documents: ~22 ms per reader on the project's machine), and a reader is
opened for each search after a commit and by each writer that deletes (every update). Here the files are views on
the map: seeking and reading slice it, nothing is copied until a block is read.

:func:`install` replaces ``CompoundStorage.open_file`` (Whoosh's only hook for it) once per process; a storage
without a memory map (a file Whoosh could not map) keeps Whoosh's behaviour.
"""

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

_original_open_file = compound.CompoundStorage.open_file


class ViewIO:
    """A read-only binary file over a ``memoryview``: what ``StructFile`` and ``pickle.load`` call on it."""

    __slots__ = ("_buf", "_pos", "closed")

    def __init__(self, buf: memoryview):
        self._buf = buf
        self._pos = 0
        self.closed = False

    def read(self, n=-1) -> bytes:
        start = self._pos
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), start + n)
        self._pos = max(start, end)
        return self._buf[start:end].tobytes()

    def peek(self, n=0) -> bytes:
        # The unpickler reads ahead through ``peek`` (then consumes only what it used); without it, it reads the
        # block headers a few bytes at a time.
        start = self._pos
        return self._buf[start : start + max(n, 4096)].tobytes()

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, size=-1) -> bytes:
        buf, start = self._buf, self._pos
        limit = len(buf) if size is None or size < 0 else min(len(buf), start + size)
        end = start
        while end < limit:
            chunk = buf[end : min(limit, end + 4096)].tobytes()
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        self._pos = end
        return buf[start:end].tobytes()

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def close(self):
        self.closed = True


class ViewBufferFile(BufferFile):
    """Whoosh's ``BufferFile`` without the copy: the file object reads the view itself."""

    def __init__(self, buf, name=None, onclose=None):
        self._buf = buf if isinstance(buf, memoryview) else memoryview(buf)
        self._name = name
        self.file = ViewIO(self._buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position, length, name=None):
        return ViewBufferFile(self._buf[position : position + length], name=name or self._name)


def _open_file(self, name, *args, **kwargs):
    source = getattr(self, "_source", None)
    if source is None or self.is_closed:
        return _original_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    return ViewBufferFile(memoryview(source)[offset : offset + length], name=name)


def install():
    compound.CompoundStorage.open_file = _open_file
