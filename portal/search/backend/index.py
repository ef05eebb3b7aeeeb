"""One Whoosh index on disk, written safely by several processes.

Safety rules:
- One writer at a time: Whoosh's ``WRITELOCK`` is an OS file lock (``fcntl.flock``), released by the kernel when
  a process dies, so a crashed writer never leaves a lock that blocks the next one. A writer that finds the lock
  taken retries with exponential back-off and jitter until ``WRITE_TIMEOUT``.
- A commit publishes a new table of contents by writing a temporary file and renaming it: readers see either the
  old or the new generation, never half of one. Files left by a writer that died are removed by the next commit.
- Creating an index is done under a separate lock so two processes never both create (and so wipe) it.
- A rebuild writes every document with one writer and commits with ``CLEAR``: searches see the old index until
  the rebuilt one replaces it in one rename; writers that arrive meanwhile wait for the lock and apply their
  (newer) change after the rebuild, so nothing is lost.
"""

import fcntl
import logging
import os
import pickle
import random
import threading
import time
from pathlib import Path

from modelsearch.backends.base import BaseIndex
from modelsearch.index import get_indexed_models
from whoosh import fields as wf
from whoosh import index as wi
from whoosh.index import LockError
from whoosh.scoring import BM25F
from whoosh.writing import CLEAR

from .. import results_cache
from .mapping import Mapping, index_name

logger = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
# What reading the pickled schema of an index written by an earlier version raises (a field class gone).
OLD_SCHEMA = (AttributeError, ImportError, pickle.UnpicklingError)

# Per-thread cache of open searchers, refreshed (cheaply) when another process commits. Not shared between a
# worker's threads: Whoosh reads posting blocks with seek-then-read on a file object of the searcher, so two threads
# on one searcher can read each other's positions (an UnpicklingError seen under load with gthread workers).
_local = threading.local()


def _thread_searchers() -> dict:
    searchers = getattr(_local, "searchers", None)
    if searchers is None:
        searchers = _local.searchers = {}
    return searchers


def base_fields() -> dict:
    return {
        "pk": wf.ID(unique=True, stored=True),
        "pkn": wf.NUMERIC(int, bits=64, signed=True, sortable=True),
        "ct": wf.KEYWORD(scorable=False),
        "null": wf.KEYWORD(scorable=False),
    }


class WhooshIndex(BaseIndex):
    def __init__(self, backend, name: str):
        super().__init__(backend)
        self.name = name
        self.path = Path(backend.path) / name

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<WhooshIndex {self.name} at {self.path}>"

    def get_key(self):
        return self.name

    # --- schema -------------------------------------------------------------------------------------------

    def models(self):
        return [m for m in get_indexed_models() if index_name(m) == self.name]

    def wanted_fields(self) -> dict:
        out = base_fields()
        for model in self.models():
            for name, field in Mapping(model).whoosh_fields().items():
                out.setdefault(name, field)
        return out

    # --- opening ------------------------------------------------------------------------------------------

    def _create_lock(self):
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / ".create.lock", os.O_CREAT | os.O_WRONLY, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def exists(self) -> bool:
        if not self.path.is_dir():
            return False
        try:
            return wi.exists_in(str(self.path), indexname=INDEX_NAME)
        except OLD_SCHEMA:
            return True  # there, but written by an earlier version: open() replaces it

    def _create(self, replace: bool = False):
        fd = self._create_lock()
        try:
            if replace or not wi.exists_in(str(self.path), indexname=INDEX_NAME):
                wi.create_in(str(self.path), wf.Schema(**self.wanted_fields()), indexname=INDEX_NAME)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def open(self):
        if not self.exists():
            self._create()
        try:
            return wi.open_dir(str(self.path), indexname=INDEX_NAME)
        except OLD_SCHEMA:
            # Written by an earlier version whose field classes no longer exist (its schema cannot be read):
            # replaced by an empty index, which the site search notices and has rebuilt (or run update_index).
            logger.warning(
                "search index %s was written by an earlier version: replaced by an empty one", self.path
            )
            self._create(replace=True)
            return wi.open_dir(str(self.path), indexname=INDEX_NAME)

    def searcher(self):
        """A searcher on the newest committed generation (cached per thread, reopened after commits)."""
        key = str(self.path)
        searchers = _thread_searchers()
        searcher = searchers.get(key)
        if searcher is not None:
            # Reopen on a new generation rather than Searcher.refresh(): a refreshed searcher reuses
            # segment readers and misses deletions committed to those segments since.
            try:
                if searcher.up_to_date():
                    return searcher
            except Exception:
                pass  # the index directory was replaced or cleaned up: reopen
            searcher.close()
        for attempt in range(5):
            try:
                searcher = self.open().searcher(weighting=BM25F())
                break
            except OSError:
                # A commit removed a file between reading the TOC and opening the segment.
                if attempt == 4:
                    raise
                time.sleep(0.01 * (attempt + 1))
        searchers[key] = searcher
        return searcher

    # --- writing ------------------------------------------------------------------------------------------

    def _ensure_fields(self, writer):
        for name, field in self.wanted_fields().items():
            if name not in writer.schema:
                writer.add_field(name, field)

    def writer(self, timeout: float | None = None, **options):
        """A Whoosh writer holding the write lock; waits with back-off while another process writes."""
        timeout = self.backend.write_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            ix = self.open()
            try:
                writer = ix.writer(timeout=0.0, limitmb=self.backend.writer_limit_mb, **options)
            except LockError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 0.5)
                continue
            try:
                self._ensure_fields(writer)
            except BaseException:
                writer.cancel()
                raise
            return writer

    def write(self, fn, timeout: float | None = None):
        writer = self.writer(timeout)
        try:
            fn(writer)
        except BaseException:
            writer.cancel()
            raise
        # Whoosh's default merge policy (MERGE_SMALL): small segments are folded together as they pile up.
        writer.commit()
        results_cache.bump()

    # --- BaseIndex API ------------------------------------------------------------------------------------

    def add_model(self, model):
        self.open()

    def refresh(self):
        pass  # searchers check the generation on every search

    def is_empty(self) -> bool:
        """True when the index does not exist or holds no document."""
        return not self.exists() or self.searcher().doc_count() == 0

    def reset(self):
        writer = self.writer()
        try:
            for name in list(writer.schema.names()):
                if name not in ("pk",):
                    writer.remove_field(name)
            self._ensure_fields(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=CLEAR)
        results_cache.bump()

    @staticmethod
    def documents(model, items) -> dict:
        mappings: dict = {}
        docs = {}
        for item in items:
            cls = type(item)
            mapping = mappings.get(cls) or mappings.setdefault(cls, Mapping(cls))
            doc = mapping.document(item)
            docs[doc["pk"]] = doc
        return docs

    def add_items(self, model, items):
        docs = self.documents(model, items)
        if not docs:
            return

        def apply(writer):
            for doc in docs.values():
                writer.update_document(**doc)

        self.write(apply)

    def delete_item(self, item):
        self.delete_pk(str(item.pk))

    def delete_pk(self, pk: str):
        self.write(lambda writer: writer.delete_by_term("pk", pk))


class RebuildSession:
    """The index as seen by ``update_index`` during a rebuild: one writer, committed (with CLEAR) at the end."""

    def __init__(self, index: WhooshIndex):
        self.index = index
        self.backend = index.backend
        self.writer = None
        self.seen: set[str] = set()

    def get_key(self):
        return self.index.get_key()

    def __str__(self):
        return str(self.index)

    def add_model(self, model):
        pass

    def add_items(self, model, items):
        # Wagtail's pages are indexed once each (Page.get_indexed_objects filters on the exact content type).
        # For other multi-table models the first document for a key is kept: a Whoosh writer cannot delete what
        # it added in the same session.
        for pk, doc in WhooshIndex.documents(model, items).items():
            if pk in self.seen:
                logger.debug("%s: %s already indexed in this rebuild", self.index, pk)
                continue
            self.seen.add(pk)
            self.writer.add_document(**doc)

    def add_item(self, item):
        self.add_items(type(item), [item])

    def refresh(self):
        pass


class WhooshRebuilder:
    """``rebuilder_class`` for Wagtail's ``update_index``."""

    def __init__(self, index: WhooshIndex):
        self.index = index
        self.session = RebuildSession(index)

    def start(self):
        procs = self.index.backend.rebuild_procs
        options = {"procs": procs, "multisegment": True} if procs > 1 else {}
        writer = self.index.writer(timeout=self.index.backend.rebuild_lock_timeout, **options)
        try:
            for name in list(writer.schema.names()):
                if name != "pk":
                    writer.remove_field(name)
            self.index._ensure_fields(writer)
        except BaseException:
            writer.cancel()
            raise
        self.session.writer = writer
        return self.session

    def finish(self):
        self.session.writer.commit(mergetype=CLEAR)
        self.session.writer = None
        results_cache.bump()
