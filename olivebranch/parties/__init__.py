"""Parties, not records: the records of one real person, company or vessel across every list.

The same party is listed by OFAC, the EU, the UK (twice: FCDO and OFSI), the UN, Australia and
Canada, each under its own record. This package links those records into *parties*:
deterministically on publishers' cross-references and strong identifiers, by score on names
with birth dates, nationalities, countries, legal forms and programmes, and by reviewers'
judgements, which override the automatic links and survive list updates.

Public API (what consumers use)::

    from olivebranch.parties import Parties, PartyResolver

    parties = Parties.load(store)              # resolves first if the lists changed
    pid = parties.party_of("ofac-17022")       # -> "NK-…"
    parties.records(pid)                       # -> ["gb-fcdo-RUS3064", "ofac-17022", …]
    parties.merged_entity(pid)                 # -> FtM entity with every record's properties
    parties.canonical("NK-old")                # an id of a party that merged -> current id

    resolver = PartyResolver(store)
    resolver.run()                             # incremental after an import
    resolver.decide("ofac-1", "eu-fsf-2", "negative", user="anna", reason="different DOB")

    after_import(store)                        # the importer's hook (see below)
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from olivebranch.parties.judgements import NEGATIVE, NO_JUDGEMENT, POSITIVE, UNSURE
    from olivebranch.parties.parties import Parties, PartiesNotResolved
    from olivebranch.parties.resolver import PartyResolver, RunReport
    from olivebranch.store import Store

#: The public names, imported on first use: the store imports ``olivebranch.parties.tables``
#: on every start, and this package's modules (followthemoney among them) would otherwise
#: load with it, in every CLI command.
_LAZY = {"NEGATIVE": "judgements", "NO_JUDGEMENT": "judgements", "POSITIVE": "judgements",
         "UNSURE": "judgements", "Parties": "parties", "PartiesNotResolved": "parties",
         "PartyResolver": "resolver", "RunReport": "resolver"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'olivebranch.parties' has no attribute {name!r}")
    value = getattr(import_module(f"olivebranch.parties.{module}"), name)
    globals()[name] = value
    return value


def after_import(store: Store, *, progress: Callable[[str], None] | None = None) -> RunReport:
    """Bring the parties up to date after a list import (incremental: only pairs touching the
    imported source's new or changed records are decided again). The importer calls this once
    after storing a version; ``lists load-bundled`` once after all bundled sources."""
    from olivebranch.parties.resolver import PartyResolver

    return PartyResolver(store).run(progress=progress)


__all__ = [
    "NEGATIVE",
    "NO_JUDGEMENT",
    "POSITIVE",
    "UNSURE",
    "Parties",
    "PartiesNotResolved",
    "PartyResolver",
    "RunReport",
    "after_import",
]
