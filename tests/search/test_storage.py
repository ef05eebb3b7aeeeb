"""Segment files are read from the memory map, not copied into memory per reader (portal.search.backend.storage),
and the view-backed file behaves as the file Whoosh reads from: exact seeks, reads, lines, and a pickle read
that leaves the position just after the pickle (Whoosh finds a posting block's data there)."""

import mmap
import pickle

import pytest
from modelsearch.backends import get_search_backend

from portal.search.backend.storage import ViewBufferFile, ViewIO
from tests.search.testapp.models import Article

pytestmark = pytest.mark.django_db


def test_a_searcher_reads_the_segment_through_views_on_its_memory_map(committed):
    with committed():
        Article.objects.create(title="除雪車の位置情報", body="冬の道路")
    searcher = get_search_backend().get_index_for_model(Article).searcher()
    (leaf, _), *_ = searcher.leaf_searchers()
    postfile = leaf.reader()._terms._postfile
    assert isinstance(postfile, ViewBufferFile)
    assert isinstance(postfile._buf.obj, mmap.mmap), "a view on the segment's map, not a copy"
    assert [a.title for a in Article.objects.search("除雪")] == ["除雪車の位置情報"]


def test_view_file_reads_seeks_and_lines_like_a_file():
    f = ViewIO(memoryview(b"first line\nsecond\nno newline"))
    assert f.read(5) == b"first"
    assert f.tell() == 5
    assert f.readline() == b" line\n"
    assert list(f) == [b"second\n", b"no newline"]
    assert f.read() == b"" and f.read(3) == b""
    assert f.seek(-7, 2) == 21 and f.read() == b"newline"
    assert f.seek(6) == 6 and f.seek(5, 1) == 11 and f.readline(3) == b"sec"
    buf = bytearray(4)
    f.seek(0)
    assert f.readinto(buf) == 4 and bytes(buf) == b"firs"
    with pytest.raises(ValueError):
        f.seek(-1)


def test_pickle_load_stops_right_after_the_pickle():
    header = pickle.dumps((1024, 51234, 1.5, 0, 3, 200), 2)
    data = b"\x00" * 10_000
    f = ViewBufferFile(memoryview(header + data))
    assert f.read_pickle() == (1024, 51234, 1.5, 0, 3, 200)
    assert f.tell() == len(header)
    sub = f.subset(len(header), 100)
    assert isinstance(sub, ViewBufferFile) and sub.get(0, 100) == b"\x00" * 100
