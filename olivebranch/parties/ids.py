"""Canonical party ids that stay put when list versions add or remove records.

A party keeps the id it had in the previous run as long as it keeps records that carried that
id; when two parties merge, the one bringing more records keeps its id and the other id becomes
an alias of it; when a party splits, the part keeping most of its records keeps the id. Only a
party made entirely of records never seen before gets a new id, minted deterministically from
its anchor record (so two fresh resolutions of the same lists give the same ids).

Ids look like nomenklatura's canonical ids (``NK-`` + 22 characters), so exported judgements
load into nomenklatura's resolver with our party ids as its canonical ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PREFIX = "NK-"
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # shortuuid's


def mint(anchor: str, salt: int = 0) -> str:
    """A party id derived from its anchor record id."""
    digest = hashlib.sha1(f"olivebranch-party:{anchor}:{salt}".encode()).digest()
    n = int.from_bytes(digest[:17], "big")
    chars = []
    for _ in range(22):
        n, r = divmod(n, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return PREFIX + "".join(chars)


def is_party_id(value: str) -> bool:
    return value.startswith(PREFIX) and len(value) == len(PREFIX) + 22


@dataclass
class Assignment:
    """Party ids for one run: record -> party, plus old ids now carried by another party."""

    party_of: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)
    #: Previous ids whose records all left the lists.
    retired: set[str] = field(default_factory=set)
    minted: int = 0


def anchor_of(group: Iterable[str]) -> str:
    """The record a new party's id is minted from: the smallest record id that is not itself
    a party id (a record imported from an OpenSanctions export may carry an ``NK-`` id)."""
    ids = sorted(group)
    plain = [i for i in ids if not is_party_id(i)]
    return (plain or ids)[0]


def assign(
    groups: list[list[str]],
    previous: Mapping[str, str] | None = None,
    known_ids: Iterable[str] = (),
) -> Assignment:
    """Party ids for ``groups`` given the previous run's record -> party mapping."""
    previous = previous or {}
    votes: list[Counter[str]] = []
    for g in groups:
        votes.append(Counter(previous[r] for r in g if r in previous))
    # the groups competing for each previous id, strongest claim first
    claims = sorted(
        ((-n, pid, gi) for gi, c in enumerate(votes) for pid, n in c.items()),
        key=lambda x: (x[0], x[1], min(groups[x[2]])),
    )
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for _neg, pid, gi in claims:
        if gi in chosen or pid in taken:
            continue
        chosen[gi] = pid
        taken.add(pid)
    used = set(taken) | set(previous.values()) | set(known_ids)
    minted = 0
    for gi, g in enumerate(groups):
        if gi in chosen:
            continue
        anchor = anchor_of(g)
        salt = 0
        pid = mint(anchor)
        while pid in used:
            salt += 1
            pid = mint(anchor, salt)
        chosen[gi] = pid
        used.add(pid)
        minted += 1
    party_of = {r: chosen[gi] for gi, g in enumerate(groups) for r in g}
    aliases: dict[str, str] = {}
    retired: set[str] = set()
    for old in set(previous.values()) - taken:
        # where did its records go? to the party holding most of them
        dest = Counter(party_of[r] for r, p in previous.items() if p == old and r in party_of)
        if dest:
            aliases[old] = sorted(dest.items(), key=lambda x: (-x[1], x[0]))[0][0]
        else:
            retired.add(old)
    return Assignment(party_of, aliases, retired, minted)
