"""Read ahead in a background thread: the next block is read and split while this one is checked.

Reading (a ``read`` syscall, zlib) and splitting lines (numpy comparisons) release the GIL, as do
the compiled scanner and most Arrow work on the current block, so on two cores the file is read
almost for free. One item ahead (``depth``) bounds the extra memory to one block.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """The items of ``items``, produced ``depth`` ahead by a background thread.

    An exception in the producer is raised here, where its item would have been; when the caller
    stops early, the producer stops at its next item and closes ``items``.
    """
    q: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(x: object, err: BaseException | None = None) -> bool:
        while not stop.is_set():
            try:
                q.put((x, err), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        it = iter(items)
        try:
            for x in it:
                if not put(x):
                    break
            else:
                put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(_DONE, exc)
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=run, name="advisor-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            x, err = q.get()
            if err is not None:
                raise err
            if x is _DONE:
                return
            yield x  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
