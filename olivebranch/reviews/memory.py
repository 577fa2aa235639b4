"""Reviewer memory: decisions on screening hits, applied to later screenings.

A reviewer looks at a hit (our customer "Maria Schmidt" against a listed party) and decides:
``false_positive`` (not that person) or ``true_match``, with a reason. The decision is stored
with the reviewer, the time and what the listed party's records said then (names, identifiers,
listings of each record: :func:`content_of`). Later screenings of the same subject (the same
name, normalised, or the same customer id of a batch file) show the hit as "cleared by anna on
2026-12-07" instead of raising it again; the hit is never dropped. When the listed party's
records change (a new alias, identifier, listing or record), the decision no longer covers
what is listed now, and the hit is raised again with what changed.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update

from olivebranch.audit.log import AuditLog
from olivebranch.errors import InvalidInput
from olivebranch.reviews.tables import screening_reviews

if TYPE_CHECKING:
    from olivebranch.match.grouped import PartyMatch
    from olivebranch.store import Store

TRUE_MATCH = "true_match"
FALSE_POSITIVE = "false_positive"
DECISIONS = (TRUE_MATCH, FALSE_POSITIVE)
#: review states shown with a hit
CLEARED, CONFIRMED, RERAISED = "cleared", "confirmed", "re-raised"
_NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "firstName", "lastName")
_ID_PROPS = ("innCode", "ogrnCode", "okpoCode", "imoNumber", "mmsi", "idNumber",
             "passportNumber", "registrationNumber", "taxNumber", "leiCode", "swiftBic",
             "birthDate", "nationality", "citizenship", "jurisdiction", "country")


class ReviewError(InvalidInput):
    """A decision that cannot be recorded (unknown decision, no such hit)."""


def subject_of(name: str | None = None, customer: str | None = None) -> tuple[str, str]:
    """(kind, key) of who was screened: a customer id (batch files) wins over a name; a name
    is normalised (case, accents kept, spaces and punctuation folded) so that "SCHMIDT,
    Maria" and "maria schmidt" are one subject only if their words are the same in order."""
    if customer:
        return "customer", customer.strip()
    if not name or not name.strip():
        raise ReviewError("a review needs the screened name or a customer id")
    text = unicodedata.normalize("NFKC", name).casefold()
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return "name", " ".join(words)


def content_of(result: PartyMatch) -> dict[str, dict[str, list[str]]]:
    """What the listed party's records say, per record: names, identifiers (and birth dates,
    countries) and listings. A decision covers exactly this."""
    out: dict[str, dict[str, list[str]]] = {}
    for rec in result.records:
        props = (rec.entity or {}).get("properties") or {}
        names = sorted({str(v) for p in _NAME_PROPS for v in props.get(p, [])})
        ids = sorted({f"{p}:{v}" for p in _ID_PROPS for v in props.get(p, [])}
                     | {f"id:{v}" for v in (rec.entity or {}).get("identifiers", [])})
        listings = sorted({"|".join(str(x or "") for x in (d["source"], d["source_id"],
                                                             d["program"], d["listing_date"]))
                           for d in result.listings if d["entity_id"] == rec.entity_id})
        out[rec.entity_id] = {"names": names, "identifiers": ids, "listings": listings}
    return out


def fingerprint(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()[:32]


def changes(before: dict[str, dict[str, list[str]]], now: dict[str, dict[str, list[str]]]
            ) -> list[str]:
    """What is listed now that the decision did not see (and what is gone)."""
    out: list[str] = []
    labels = {"names": "name", "identifiers": "identifier", "listings": "listing"}
    for rid in sorted(set(now) - set(before)):
        out.append(f"new record {rid}")
    for rid in sorted(set(before) - set(now)):
        out.append(f"record {rid} no longer listed")
    for rid in sorted(set(now) & set(before)):
        for key, label in labels.items():
            for v in sorted(set(now[rid].get(key, [])) - set(before[rid].get(key, []))):
                out.append(f"new {label} on {rid}: {v}")
            for v in sorted(set(before[rid].get(key, [])) - set(now[rid].get(key, []))):
                out.append(f"{label} removed from {rid}: {v}")
    return out


@dataclass(frozen=True)
class Review:
    """One stored decision."""

    id: int
    subject: str
    subject_kind: str
    party_id: str
    record_ids: tuple[str, ...]
    decision: str
    reason: str | None
    reviewer: str
    created_at: str
    fingerprint: str
    content: dict[str, Any] = field(repr=False)

    @classmethod
    def from_row(cls, row: Any) -> Review:
        return cls(row.id, row.subject, row.subject_kind, row.party_id, tuple(row.record_ids),
                   row.decision, row.reason, row.reviewer, row.created_at, row.fingerprint,
                   row.content)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "subject": self.subject, "subject_kind": self.subject_kind,
                "party_id": self.party_id, "records": list(self.record_ids),
                "decision": self.decision, "reason": self.reason, "reviewer": self.reviewer,
                "created_at": self.created_at, "fingerprint": self.fingerprint}

    def covers(self, result: PartyMatch) -> bool:
        """Whether this decision is about the hit's listed party (any record in common)."""
        return bool(set(self.record_ids) & {r.entity_id for r in result.records}) \
            or self.party_id == result.party_id


@dataclass(frozen=True)
class ReviewStatus:
    """How a stored decision applies to a hit in a screening now."""

    state: str  # cleared | confirmed | re-raised
    review: Review
    changes: tuple[str, ...] = ()

    @property
    def suppressed(self) -> bool:
        return self.state == CLEARED

    @property
    def text(self) -> str:
        day = self.review.created_at[:10]
        who = self.review.reviewer
        if self.state == CLEARED:
            return f"cleared by {who} on {day}"
        if self.state == CONFIRMED:
            return f"confirmed as a true match by {who} on {day}"
        what = "; ".join(self.changes[:5]) + (" …" if len(self.changes) > 5 else "")
        verb = "cleared" if self.review.decision == FALSE_POSITIVE else "confirmed"
        return f"re-raised: the listed party changed since {who} {verb} it on {day} ({what})"

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "text": self.text, "suppressed": self.suppressed,
                "changes": list(self.changes), "review": self.review.to_dict()}


def find_hit(index: Any, name: str, hit: str, *, schema: str = "LegalEntity",
             limit: int = 25) -> PartyMatch:
    """The party found for ``name`` that ``hit`` (a record id or a party id) names: the hit a
    reviewer decides on, as screening shows it."""
    from olivebranch.match import Query

    results = index.search_parties(Query(name=name, schema=schema), limit=limit, threshold=0.0)
    for r in results:
        if hit == r.party_id or hit in {x.entity_id for x in r.records}:
            return r
    found = ", ".join(f"{r.party_id} ({r.caption})" for r in results[:5]) or "nothing"
    raise ReviewError(f"{hit!r} is not among the hits for {name!r} (found: {found})")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Reviews:
    """Reviewers' decisions of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def decide(self, result: PartyMatch, decision: str, *, reviewer: str,
               name: str | None = None, customer: str | None = None,
               reason: str | None = None, when: str | None = None) -> Review:
        """Record a decision on the hit ``result`` (a party found for ``name`` / ``customer``);
        it supersedes an earlier decision on the same subject and party."""
        if decision not in DECISIONS:
            raise ReviewError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
        if not reviewer or not reviewer.strip():
            raise ReviewError("a review needs the reviewer's name")
        kind, subject = subject_of(name, customer)
        content = content_of(result)
        stamp = when or now()
        party = result.party_id or result.entity_id
        t = screening_reviews.c

        def write(conn: Connection) -> tuple[Review, list[int]]:
            from olivebranch.store import serialize

            serialize(conn, f"screening_review:{kind}|{subject}")  # two reviewers, one hit
            superseded = []
            for old in conn.execute(select(screening_reviews).where(
                    t.subject == subject, t.subject_kind == kind, t.deleted_at.is_(None))):
                if Review.from_row(old).covers(result):
                    conn.execute(update(screening_reviews).where(t.id == old.id)
                                 .values(deleted_at=stamp))
                    superseded.append(int(old.id))
            rid = conn.execute(insert(screening_reviews).values(
                subject=subject, subject_kind=kind, party_id=party,
                record_ids=sorted(content), decision=decision, reason=reason,
                reviewer=reviewer.strip(), created_at=stamp, fingerprint=fingerprint(content),
                content=content)).inserted_primary_key[0]
            row = conn.execute(select(screening_reviews).where(t.id == rid)).one()
            return Review.from_row(row), superseded

        def record(out: tuple[Review, list[int]]) -> list[tuple[str, str | None, dict[str, Any],
                                                                 Any]]:
            review, superseded = out
            inputs = {"subject": subject, "subject_kind": kind, "screened_name": name,
                      "party_id": party, "records": review.record_ids,
                      "fingerprint": review.fingerprint, "decision": decision,
                      "reason": reason, "reviewer": review.reviewer}
            return [("review", subject, inputs, {"review_id": review.id, "decision": decision,
                                                 "supersedes": superseded})]

        # the decision and its audit record are stored together (olivebranch.audit)
        (review, _superseded), _ids = AuditLog.of(self.store).transaction(write, record)
        return review

    def withdraw(self, review_id: int, *, when: str | None = None) -> bool:
        t = screening_reviews.c

        def write(conn: Connection) -> Review | None:
            row = conn.execute(select(screening_reviews).where(
                t.id == review_id, t.deleted_at.is_(None))).first()
            if row is None:
                return None
            conn.execute(update(screening_reviews).where(t.id == review_id)
                         .values(deleted_at=when or now()))
            return Review.from_row(row)

        def record(rv: Review | None) -> list[tuple[str, str | None, dict[str, Any], Any]]:
            if rv is None:
                return []
            return [("review_withdrawn", rv.subject,
                     {"review_id": rv.id, "subject": rv.subject, "subject_kind": rv.subject_kind,
                      "party_id": rv.party_id, "decision": rv.decision},
                     {"withdrawn": True})]

        done, _ids = AuditLog.of(self.store).transaction(write, record)
        return done is not None

    def list(self, *, subject: str | None = None, include_withdrawn: bool = False
             ) -> list[Review]:
        t = screening_reviews.c
        q = select(screening_reviews).order_by(t.id)
        if not include_withdrawn:
            q = q.where(t.deleted_at.is_(None))
        if subject is not None:
            q = q.where(t.subject == subject)
        with self.store.engine.connect() as conn:
            return [Review.from_row(r) for r in conn.execute(q)]

    def for_subjects(self, subjects: Iterable[tuple[str, str]]) -> list[Review]:
        """Live decisions on any of these (kind, subject) pairs (one query)."""
        pairs = set(subjects)
        if not pairs:
            return []
        t = screening_reviews.c
        q = select(screening_reviews).where(t.deleted_at.is_(None),
                                            t.subject.in_(sorted({s for _k, s in pairs})))
        with self.store.engine.connect() as conn:
            rows = [Review.from_row(r) for r in conn.execute(q)]
        return [r for r in rows if (r.subject_kind, r.subject) in pairs]

    def apply(self, results: Sequence[PartyMatch], *, name: str | None = None,
              customer: str | None = None) -> list[PartyMatch]:
        """Annotate each hit with the decision that covers it (``result.review``) and put the
        cleared ones after the others; nothing is dropped. Subjects: the screened name and,
        in batch files, the customer id (a decision on either applies)."""
        subjects = []
        if customer:
            subjects.append(subject_of(customer=customer))
        if name:
            subjects.append(subject_of(name=name))
        reviews = self.for_subjects(subjects)
        return annotate(results, reviews)


def annotate(results: Sequence[PartyMatch], reviews: Sequence[Review]) -> list[PartyMatch]:
    """:meth:`Reviews.apply` with the decisions given (the newest covering one counts)."""
    if not reviews:
        return list(results)
    for r in results:
        covering = [rv for rv in reviews if rv.covers(r)]
        if not covering:
            continue
        rv = max(covering, key=lambda x: (x.created_at, x.id))
        current = content_of(r)
        if fingerprint(current) != rv.fingerprint:
            status = ReviewStatus(RERAISED, rv, tuple(changes(rv.content, current)))
        elif rv.decision == FALSE_POSITIVE:
            status = ReviewStatus(CLEARED, rv)
        else:
            status = ReviewStatus(CONFIRMED, rv)
        r.review = status
    return sorted(results, key=lambda r: bool(r.review is not None and r.review.suppressed))


__all__ = ["CLEARED", "CONFIRMED", "DECISIONS", "FALSE_POSITIVE", "RERAISED", "TRUE_MATCH",
           "Review", "ReviewError", "ReviewStatus", "Reviews", "annotate", "changes",
           "content_of", "fingerprint", "subject_of"]
