"""The task that drains the index queue lives beside the queue, in search/indexing.py (it was here
before, and tasks a database queue holds name it by this path, so the name stays importable)."""

from .indexing import drain_index_queue

__all__ = ["drain_index_queue"]
