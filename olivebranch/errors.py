"""Errors a user can act on: each names the file (or deal, or scenario) and the place, and
carries the HTTP status the API answers it with (one handler maps them, ``api.errors``)."""

from __future__ import annotations


class OliveBranchError(Exception):
    """Base class for errors shown to users without a traceback (HTTP 400 by default)."""

    status: int = 400


class InvalidInput(OliveBranchError):
    """A value the user gave cannot be used (a date, a regime, a format)."""

    status = 400


class NotFound(OliveBranchError):
    """No deal, scenario, entity or list version by that name."""

    status = 404


class Conflict(OliveBranchError):
    """The name is taken (create), or the item cannot be changed (bundled with olivebranch)."""

    status = 409


class ParseError(OliveBranchError):
    """A source file could not be parsed. Names the file, the place (line, row, element) and why."""

    #: Longest reason kept: a library's message can quote the bad input (raw zip headers,
    #: whole lines); the user needs the start of it, not megabytes.
    MAX_REASON = 1000

    def __init__(self, path: object, where: str | None, reason: str) -> None:
        self.path = str(path)
        self.where = where[:200] if where else where
        if len(reason) > self.MAX_REASON:
            reason = reason[: self.MAX_REASON - 1] + "…"
        self.reason = reason
        loc = f"{self.path}" + (f", {where}" if where else "")
        super().__init__(f"{loc}: {reason}")


class WrongSourceError(ParseError):
    """The file looks like another source's file (e.g. a UN XML passed as ``--source us_ofac_sdn``)."""


class ImportLockedError(OliveBranchError):
    """Another import holds the store's import lock; nothing was read or written."""

    http_status = 409


class ImportRefusedError(ParseError):
    """The file parsed, but looks incomplete (no end marker) or far smaller than the active
    version; it is stored only when the user says the shrink is real (``--accept-shrink``)."""

    http_status = 409
