"""AsyncBatchedBaseStore: concurrent async calls reach abatch as one batch."""

from __future__ import annotations

import asyncio

import pytest

from stategraph.store.base import GetOp, Item, PutOp, SearchOp
from stategraph.store.base.batch import AsyncBatchedBaseStore

pytestmark = pytest.mark.anyio


class DictStore(AsyncBatchedBaseStore):
    """A minimal backend: a dict, and a log of the batches abatch received."""

    def __init__(self, fail_on: str | None = None) -> None:
        super().__init__()
        self.data: dict[tuple[tuple[str, ...], str], dict] = {}
        self.batches: list[list] = []
        self.fail_on = fail_on

    async def abatch(self, ops):
        ops = list(ops)
        self.batches.append(ops)
        await asyncio.sleep(0)
        out = []
        for op in ops:
            if isinstance(op, PutOp):
                if op.key == self.fail_on:
                    raise ValueError(f"cannot store {op.key!r}")
                self.data[op.namespace, op.key] = op.value
                out.append(None)
            elif isinstance(op, GetOp):
                value = self.data.get((op.namespace, op.key))
                out.append(
                    None
                    if value is None
                    else Item(
                        value=value,
                        key=op.key,
                        namespace=op.namespace,
                        created_at=None,
                        updated_at=None,
                    )
                )  # type: ignore[arg-type]
            elif isinstance(op, SearchOp):
                out.append([])
            else:
                out.append([])
        return out


async def test_concurrent_calls_share_one_batch_and_get_their_own_results() -> None:
    store = DictStore()
    await asyncio.gather(*(store.aput(("n",), str(i), {"i": i}) for i in range(5)))
    assert len(store.batches) == 1 and len(store.batches[0]) == 5
    items = await asyncio.gather(*(store.aget(("n",), str(i)) for i in (4, 0, 9)))
    assert len(store.batches) == 2
    assert [item.value["i"] if item else None for item in items] == [4, 0, None]


async def test_sequential_calls_are_separate_batches() -> None:
    store = DictStore()
    await store.aput(("n",), "a", {})
    assert await store.asearch(("n",)) == []
    assert [len(b) for b in store.batches] == [1, 1]


async def test_a_failing_batch_fails_every_caller_in_it() -> None:
    store = DictStore(fail_on="bad")
    results = await asyncio.gather(
        store.aput(("n",), "ok", {}), store.aput(("n",), "bad", {}), return_exceptions=True
    )
    assert all(isinstance(r, ValueError) for r in results)
    await store.aput(("n",), "later", {})  # the store keeps working
    assert (("n",), "later") in store.data


async def test_a_cancelled_caller_does_not_disturb_the_others() -> None:
    store = DictStore()
    doomed = asyncio.ensure_future(store.aput(("n",), "x", {}))
    kept = asyncio.ensure_future(store.aput(("n",), "y", {}))
    await asyncio.sleep(0)
    doomed.cancel()
    await kept
    assert (("n",), "y") in store.data


async def test_sync_methods_work_from_other_threads_only() -> None:
    store = DictStore()
    await asyncio.to_thread(store.put, ("n",), "t", {"from": "thread"})
    item = await asyncio.to_thread(store.get, ("n",), "t")
    assert item is not None and item.value == {"from": "thread"}
    with pytest.raises(RuntimeError, match="own event loop thread"):
        store.get(("n",), "t")


def test_creation_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="inside a running event loop"):
        DictStore()


def test_abatch_stays_abstract() -> None:
    async def make() -> None:
        AsyncBatchedBaseStore()  # type: ignore[abstract]

    with pytest.raises(TypeError, match="abstract"):
        asyncio.run(make())
