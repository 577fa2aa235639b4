"""Issue 15 item 3: concurrent writers behave on both back-ends (run with ``--backend sqlite``
and ``--backend postgresql``; two imports at once are in test_import_lock.py).

* two reviewers deciding one pair at the same moment leave exactly one live judgement (the one
  that committed last), never two;
* screening reads during an import see the old lists or the new ones, never half an import.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from olivebranch.lists.importer import import_path
from olivebranch.paths import LISTS_DIR
from olivebranch.store import Store


def test_two_reviewers_deciding_one_pair_at_once(store: Store) -> None:
    from olivebranch.parties.store import PartyStore
    from olivebranch.parties.tables import party_judgements

    other = Store(store.url)  # a second reviewer: another connection pool (another process)
    reviewers = [(PartyStore(store), "positive", "ana"), (PartyStore(other), "negative", "bo")]
    pairs = [(f"rec-a{i}", f"rec-b{i}") for i in range(25)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def review(ps: PartyStore, judgement: str, user: str) -> None:
        try:
            for a, b in pairs:
                barrier.wait(timeout=60)
                ps.decide(a, b, judgement, user=user, reason="same moment")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=review, args=r) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    t = party_judgements.c
    with store.engine.connect() as conn:
        live = conn.execute(select(t.target, t.source, t.judgement, t.user)
                            .where(t.deleted_at.is_(None))).all()
        every = conn.execute(select(t.target, t.source)).all()
    per_pair = Counter((a, b) for a, b, _j, _u in live)
    assert len(per_pair) == len(pairs) and set(per_pair.values()) == {1}, \
        [p for p, n in per_pair.items() if n > 1]
    assert len(every) == 2 * len(pairs)  # both decisions kept in the history
    assert {(j, u) for _a, _b, j, u in live} <= {("positive", "ana"), ("negative", "bo")}
    other.engine.dispose()


def test_screening_during_an_import_sees_whole_versions(store: Store) -> None:
    """A new version of a list is imported while another connection keeps reading: every read
    sees exactly one active version of the source (the old one, then the new one), whole."""
    un = LISTS_DIR / "un_sc" / "UN_consolidated.xml"
    first = import_path(store, un, "un_sc").version
    assert first is not None
    reader = Store(store.url)
    done = threading.Event()
    failures: list[BaseException] = []

    def do_import() -> None:
        try:
            import_path(store, un, "un_sc", force=True)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=do_import)
    thread.start()
    seen: list[int] = []
    while not done.is_set():
        (active,) = reader.active_versions()  # one active version of the source, never 0 or 2
        # a version is visible only once all its rows are
        assert sum(reader.count_entities(active.id).values()) == active.entity_count
        assert reader.designations(version_ids=[active.id])
        if not seen or seen[-1] != active.id:
            seen.append(active.id)
    thread.join()
    assert not failures, failures
    (final,) = reader.active_versions()
    assert final.id != first.id and final.entity_count == first.entity_count
    assert seen and seen[0] == first.id and set(seen) <= {first.id, final.id}
    reader.engine.dispose()
