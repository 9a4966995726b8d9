"""Garbage collection for batch work: fewer full collections while a big object graph is built.

Python's cyclic collector runs a full collection (every tracked object scanned) after a fixed number
of younger collections. Laying out the paper allocates a few million short-lived objects (boxes,
computed styles) into a heap that already holds Dagster, pandas and the build's data, so with the
default thresholds (700, 10, 10) the collector rescans that heap again and again: about a fifth of
the PDF render measured in ``benchmarks/README.md``. Nothing is freed by those scans that a single
collection at the end would not free, so the block runs with a larger young generation and rare full
collections, and collects once when it ends. The output is the same; only the time differs.

The other side of rare collections is garbage that waits: work known to leave a heap of cycles frees
it where it ends (:func:`garbage_of_block_freed`, or a :func:`batch_collection` block of its own).
"""

from __future__ import annotations

import contextlib
import gc

# Young generation of 50 000 allocations; a full collection only after 1 000 × 1 000 young ones.
BATCH_THRESHOLDS = (50_000, 1_000, 1_000)


@contextlib.contextmanager
def batch_collection(collect_after: bool = True):
    """Run the block with :data:`BATCH_THRESHOLDS`, then restore the previous thresholds and, unless
    ``collect_after`` is false, free the block's cyclic garbage in one collection."""
    previous = gc.get_threshold()
    gc.set_threshold(*BATCH_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if collect_after:
            gc.collect()


@contextlib.contextmanager
def modules_loaded_once():
    """Run a block that imports the pipeline's modules (Dagster, pandas, the definitions: about
    270 000 objects) with the collector off, then move everything alive into the permanent generation
    (``gc.freeze``): those objects live as long as the process, so no later collection scans them again.
    About 0.2 s of every command-line build (``benchmarks/README.md``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextlib.contextmanager
def garbage_of_block_freed():
    """Free the cyclic garbage the block leaves, scanning only the objects made inside it: everything
    older is frozen (``gc.freeze``) while it runs and unfrozen after, so the collection costs what the
    block made, not the heap around it (a few milliseconds beside a laid-out chapter's 0.18 s). For work
    that leaves a known heap of cycles in a process that otherwise never collects it (the PDF's layout
    processes run with the collector off). Where something froze objects before (the command line's
    modules), the block ends with an ordinary full collection instead, leaving that freeze as it was."""
    freezing = not gc.get_freeze_count()
    if freezing:
        gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        if freezing:
            gc.unfreeze()


def return_freed_memory() -> bool:
    """Give the memory this process has freed back to the system (glibc's ``malloc_trim``), before it
    waits a long while beside a process that needs it: the build's process, about 7 MB, while the PDF
    is laid out (``benchmarks/README.md``, "Eighth pass"). The allocator keeps freed pages inside its
    heap for later allocations; this hands back the whole free pages, which costs about a millisecond.
    False where the C library has no such call (not glibc): nothing is done."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True
