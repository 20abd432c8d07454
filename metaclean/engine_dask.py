"""Run the same pipeline on a Dask cluster (``metaclean clean --engine dask``).

Inputs are cut into partitions (files whole; large JSONL files in byte ranges on line
boundaries, which workers read themselves), each cleaned by the very ``clean_chunk`` the local
engine runs. Results come back in input order and are written by the same writer, so the outputs
are identical to the local engine's. A worker that dies has its partitions run again elsewhere.
For ``--dedupe`` the duplicate keys stay on the workers and are grouped with Dask's own shuffle
(``Bag.groupby``); only the groups of copies come back.

Needs the ``dask`` extra: ``pip install 'metaclean[dask]'``.
"""
from __future__ import annotations

import collections
import logging
from typing import IO, Any, Iterable, Iterator

from metaclean import batch
from metaclean.duplicates import group
from metaclean.record import Issue

PARTITION_BYTES = 16 << 20  # a large JSONL file is cut into ranges of about this size
RETRIES = 3  # a partition whose worker died is run again, up to this many times


def partitions(job: batch.Job, size: int = PARTITION_BYTES, stdin: IO[bytes] | None = None) -> Iterator[batch.Chunk]:
    """Cut one input into partitions: ``batch.ranges`` (byte ranges on line boundaries), of Dask's size."""
    return batch.ranges(job, size, stdin)


def _without_keys(done: batch.Done) -> batch.Done:
    return done._replace(keys=())


def _keyed(done: batch.Done, partition: int) -> list[tuple[bytes, tuple[int, int, int | None, str]]]:
    return [(key, (partition, position, k.line, k.label)) for position, k in enumerate(done.keys) for key in k.keys]


def _members(group_: tuple[bytes, list]) -> list:
    return sorted({m for _, m in group_[1]})


def _connect(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


class DaskEngine:
    """Clean on a Dask cluster: the one at ``scheduler``, or a local one (processes, loopback only)."""

    def __init__(self, scheduler: str | None = None, workers: int = 2, partition_bytes: int = PARTITION_BYTES) -> None:
        self.scheduler, self.workers, self.partition_bytes = scheduler, workers, partition_bytes
        self.keyed: list[Any] = []
        self.places: list[tuple[str, int]] = []  # per partition: input name, records written before it
        self.client: Any = None

    def __enter__(self) -> DaskEngine:
        self.client, self.cluster = _connect(self.scheduler, self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def run(self, jobs: Iterable[batch.Job], options: batch.Options, stdin: IO[bytes] | None = None) -> Iterator[batch.Done]:
        """Clean every partition on the cluster; yield what each gave, in input order."""
        in_flight = 2 * max(1, len(self.client.scheduler_info().get("workers", {})) or self.workers)
        tasks = (c for job in jobs for c in partitions(job, self.partition_bytes, stdin))
        written = 0
        for chunk, future in batch.ahead(self._submit(tasks, options), in_flight):
            done = self._result(chunk, future)
            written = self._place(done, written)
            yield done

    def _submit(self, tasks: Iterable[batch.Chunk], options: batch.Options) -> Iterator[tuple[batch.Chunk, Any]]:
        client = self.client
        for n, chunk in enumerate(tasks):
            future = client.submit(batch.clean_chunk, chunk, options, pure=False, retries=RETRIES)
            if options.dedupe:  # the keys stay on the cluster, for find_duplicates' shuffle
                self.keyed.append(client.submit(_keyed, future, n, pure=False, retries=RETRIES))
                future = client.submit(_without_keys, future, pure=False, retries=RETRIES)
            yield chunk, future

    def _place(self, done: batch.Done, written: int) -> int:
        written = 0 if done.chunk.index == 0 else written
        self.places.append((done.chunk.job.name, written))
        return written + done.written

    @staticmethod
    def _result(chunk: batch.Chunk, future: Any) -> batch.Done:
        try:
            done = future.result()
        except Exception as exc:  # the partition failed on every try: its records are reported, not lost
            issue = Issue(chunk.job.name, chunk.first_line if chunk.index else None,
                          f"partition {chunk.index} failed on the cluster: {type(exc).__name__}: {exc}")
            return batch.Done(chunk, None, b"", 0, 0, 0, (issue,), (), {}, 0.0)
        where = f" (partition {chunk.index})"
        return done._replace(issues=tuple(i._replace(message=i.message + where) for i in done.issues))

    def find_duplicates(self, reports: Iterable[batch.FileReport]) -> batch.Duplicates:
        """Group the copies of each paper with Dask's shuffle by key; only the groups come back."""
        import dask.bag as db

        outputs = {r.name: r.output for r in reports}
        if not self.keyed:
            return batch.Duplicates([])
        bag = db.from_delayed(self.keyed)
        shared = bag.groupby(lambda kv: kv[0]).map(_members).filter(lambda members: len(members) > 1).compute()
        member_keys: dict[tuple, list[bytes]] = collections.defaultdict(list)
        for g, members in enumerate(shared):
            for m in members:
                member_keys[m].append(g.to_bytes(8, "big"))
        found = []
        for members in group(sorted(member_keys.items())):
            rows = []
            for partition, position, line, label in members:  # type: ignore[misc]
                name, before = self.places[partition]
                rows.append((name, line, label, outputs.get(name), before + position))
            found.append(rows)
        return batch.Duplicates(found)

