"""A web worker collects the cyclic garbage of a heavy request right after it
(factcheck.memory), and only then."""

import pytest

from factcheck import memory


@pytest.fixture
def collections(monkeypatch):
    done = []
    monkeypatch.setattr(memory.gc, "collect", lambda *args: done.append(args) or 0)
    return done


@pytest.mark.parametrize(("runs", "collected"), [(0, 0), (memory.HEAVY - 1, 0), (memory.HEAVY, 1)])
def test_a_full_collection_follows_a_request_that_made_many_objects(collections, runs, collected):
    collector = memory._Collector()
    collector.started()
    for _ in range(runs):
        collector.count("start", {"generation": 0})
        collector.count("stop", {"generation": 0})
    collector.finished()
    assert len(collections) == collected
    collector.finished()  # the count starts again with each request
    assert len(collections) == collected


def test_the_collector_listens_to_the_collector_and_to_requests(monkeypatch):
    import gc

    from django.core.signals import request_finished, request_started

    monkeypatch.setattr(gc, "callbacks", [])
    memory.collect_after_heavy_requests()
    memory.collect_after_heavy_requests()  # once only
    try:
        assert gc.callbacks == [memory._collector.count]
        assert any(
            receiver[0][0] == "factcheck.memory.finished" for receiver in request_finished.receivers
        )
    finally:
        request_started.disconnect(dispatch_uid="factcheck.memory.started")
        request_finished.disconnect(dispatch_uid="factcheck.memory.finished")
