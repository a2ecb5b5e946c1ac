"""Worker processes for `kgen build`: integrations built on several cores.

The build forks its workers once its modules are imported (the 'fork' start method: each
worker starts with the build's memory as it is, nothing pickled on the way in), hands them
integrations by index and reads back what each made (pickled, small). While more
integrations wait than there are workers, each worker holds a second one in its pipe, so it
starts on it as soon as it answers, without waiting for the build to be scheduled and reply.
A worker builds what it holds in the order given; one that dies (a spec calling `os._exit`, a
signal) is reported for the integration it was building, the oldest it holds, and what it
held besides goes back to the queue for the worker forked in its place. On the way out,
normal or not (an error, Ctrl-C), every worker is stopped and reaped before the build goes
on: none is left behind, and none writes into a staging tree after the build discarded it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

HELD = 2
"""The most integrations a worker holds at a time: the one it builds and the next."""


@dataclass(frozen=True)
class Died:
    """A worker ended without answering for the integration it was building."""

    how: str
    """`exit status 3`, `killed by SIGKILL`."""


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    indexes: list[int] = field(default_factory=list)
    """The integrations sent to it and not answered yet, oldest (the one it builds) first."""


class Pool:
    """`count` forked workers running `work(index)`; use as a context manager."""

    def __init__(self, count: int, work: Callable[[int], Any]) -> None:
        self._count = count
        self._work = work
        self._workers: list[_Worker] = []
        self._queue: list[int] = []
        self._done: dict[int, Any] = {}

    def __enter__(self) -> Pool:
        gc.freeze()  # the collector leaves inherited pages alone: they stay shared
        try:
            for _ in range(self._count):
                self._spawn()
        except BaseException:  # Ctrl-C among the forks: `__exit__` will not run
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, indexes: list[int]) -> None:
        """Queue these integrations (before any queued already)."""
        self._queue[:0] = [i for i in indexes if i not in self._queue and i not in self._done]
        self._feed()

    def result(self, index: int) -> Any:
        """What `work(index)` returned (or `Died`), waiting for it; queued first if it was not."""
        if index not in self._done and all(index not in w.indexes for w in self._workers):
            self.submit([index])
        while index not in self._done:
            self._collect()
        return self._done.pop(index)

    def close(self) -> None:
        """Stop every worker and wait for it to end."""
        workers, self._workers = self._workers, []
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in workers:
            worker.process.join()
            worker.conn.close()
            worker.process.close()

    def _spawn(self) -> None:
        ours, theirs = multiprocessing.Pipe()
        others = [w.conn for w in self._workers] + [ours]
        process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(theirs, self._work, others), daemon=True)
        # Ctrl-C while forking is noted, not raised (the worker starts with this handler, so
        # it has no window for a traceback either), and raised again once the worker is in
        # `_workers`, where `close` stops it.
        interrupted: list[int] = []
        previous = signal.signal(signal.SIGINT, lambda signum, _: interrupted.append(signum))
        try:
            process.start()
            self._workers.append(_Worker(process, ours))
        finally:
            signal.signal(signal.SIGINT, previous)
        theirs.close()
        if interrupted:
            signal.raise_signal(signal.SIGINT)

    def _feed(self) -> None:
        """Give each idle worker an integration; then, while more wait than there are
        workers, one more each (so that the last ones still go to whichever is free first)."""
        for depth in range(1, HELD + 1):
            for worker in self._workers:
                if len(worker.indexes) >= depth or not self._queue:
                    continue
                if depth > 1 and len(self._queue) <= len(self._workers):
                    return
                index = self._queue.pop(0)
                worker.indexes.append(index)
                with contextlib.suppress(OSError):  # it died: `_collect` sees it end
                    worker.conn.send(index)

    def _collect(self) -> None:
        """Wait for a worker to answer or die, and record what it did."""
        busy = [w for w in self._workers if w.indexes]
        if not busy:
            raise RuntimeError("waiting for an integration no worker builds")
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
        for worker in busy:
            if worker.conn not in ready and worker.process.sentinel not in ready:
                continue
            try:
                answer = worker.conn.recv() if worker.conn.poll() else None
            except (EOFError, OSError):
                answer = None
            index = worker.indexes.pop(0)
            if answer is None:
                worker.process.join()
                self._done[index] = Died(_how(worker.process.exitcode))
                self._queue[:0] = worker.indexes  # sent, never started
                self._workers.remove(worker)
                worker.conn.close()
                self._spawn()
            else:
                failed, value = answer
                if failed:
                    raise value
                self._done[index] = value
        self._feed()


def _how(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


def _serve(conn: Connection, work: Callable[[int], Any], others: list[Connection]) -> None:
    """A worker's loop: build each integration asked for and answer (False, what it made), or
    (True, the exception) for a bug in kgen; end when the build closes the pipe. It ignores
    Ctrl-C (SIGINT, noted and dropped until then): the build stops its workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in others:
        other.close()
    while True:
        try:
            index = conn.recv()
        except EOFError:
            return
        try:
            answer: tuple[bool, Any] = (False, work(index))
        except Exception as error:
            answer = (True, error)
        for stream in (sys.stdout, sys.stderr):  # what a spec printed, in its time
            with contextlib.suppress(Exception):
                stream.flush()
        try:
            conn.send(answer)
        except Exception as error:  # an answer that does not pickle is a bug in kgen
            conn.send((True, RuntimeError(f"{type(error).__name__}: {error}")))
