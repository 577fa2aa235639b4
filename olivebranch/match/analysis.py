"""Analysed names as plain data: what the index keeps of each listed (name, kind), made once.

Building the screening index is mostly :func:`olivebranch.match.names.analyze` run on every
distinct listed name (~0.1 ms each, a few seconds for the bundled lists). The index stores each
analysed form field by field anyway (``index.Parts``), so the analysis can be held as plain
values, independent of the process that made it:

* an :class:`Analyses` table maps ``(name, kind)`` to the form's field values, its tokens as
  numbers into one table of token field values (each distinct token once, by content);
* such a table is what a worker process sends back (:func:`analyse`: two processes on two
  cores for a cold build), and what is kept on disk between builds (:class:`NameCache`,
  keyed by a digest of the analyser: its code, its word lists and the libraries it reads
  with), so a rebuild after a list update analyses only the names it has not seen.

Values are *canonical*: sets are stored as sorted tuples (a set's order depends on the
process's string hashing), and they are written with ``marshal`` version 2 (no back-
references, whose flags depend on reference counts), so one name gives the same bytes
whichever process analysed it, whenever: an index built in one process, in two, or from the
cache is byte for byte the same.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from olivebranch.match.forked import can_fork
from olivebranch.match.forked import collect as _collect
from olivebranch.match.forked import start as _start
from olivebranch.match.names import NameForm, Token, analyze

#: marshal format without back-references (see module doc)
MARSHAL_VERSION = 2
#: names below this many are analysed in this process only (a fork costs ~10 ms, a worker's
#: table a little more to send back)
PARALLEL_MIN = 4000
#: libraries whose behaviour the analysis depends on (part of the cache's key)
LIBRARIES = ("rigour", "normality", "pypinyin", "cutlet", "fugashi", "unidic-lite",
             "PyICU", "pythainlp", "jieba")

TOKEN_FIELDS = tuple(f.name for f in fields(Token))
FORM_FIELDS = tuple(f.name for f in fields(NameForm))
#: positions of set-valued fields (stored as sorted tuples)
TOKEN_SETS = tuple(i for i, f in enumerate(fields(Token)) if "frozenset" in str(f.type))
FORM_SETS = tuple(i for i, f in enumerate(fields(NameForm)) if "frozenset" in str(f.type))
#: position of the form's token tuple
FORM_TOKENS = FORM_FIELDS.index("tokens")
T_FOLD, T_ALTS, T_SKEL = (TOKEN_FIELDS.index(n) for n in ("fold", "alts", "skel"))
T_INITIAL, T_NUMERIC, T_WEIGHT = (TOKEN_FIELDS.index(n) for n in ("initial", "numeric", "weight"))
F_KIND, F_COMPACT = FORM_FIELDS.index("kind"), FORM_FIELDS.index("compact")

Pair = tuple[str, str]
_token_values = attrgetter(*TOKEN_FIELDS)
_form_values = attrgetter(*FORM_FIELDS)


def canonical(values: Sequence[Any], sets: Sequence[int]) -> tuple[Any, ...]:
    """Field values with the set-valued ones as sorted tuples."""
    if not sets:
        return tuple(values)
    out = list(values)
    for i in sets:
        out[i] = tuple(sorted(out[i])) if out[i] else ()
    return tuple(out)


def restore(values: Sequence[Any], sets: Sequence[int]) -> list[Any]:
    """The field values of :func:`canonical` with the sets made sets again."""
    out = list(values)
    for i in sets:
        out[i] = frozenset(out[i])
    return out


def dumps(value: Any) -> bytes:
    """Canonical bytes of plain values (see module doc)."""
    return marshal.dumps(value, MARSHAL_VERSION)


class Analyses:
    """Analysed forms of (name, kind) pairs as plain values (see module doc)."""

    __slots__ = ("_seen", "forms", "token_ids", "tokens")

    def __init__(self) -> None:
        #: canonical token field values, each distinct token once
        self.tokens: list[tuple[Any, ...]] = []
        self.token_ids: dict[tuple[Any, ...], int] = {}
        #: (name, kind) -> canonical form field values, the tokens as numbers into ``tokens``
        self.forms: dict[Pair, tuple[Any, ...]] = {}
        #: id(token object) -> (the object, its number): ``analyze`` shares token objects
        #: between names, so each is read once (the object is held, so its id stays its own)
        self._seen: dict[int, tuple[Token, int]] = {}

    def __len__(self) -> int:
        return len(self.forms)

    def __contains__(self, pair: object) -> bool:
        return pair in self.forms

    def _token(self, values: tuple[Any, ...]) -> int:
        num = self.token_ids.get(values)
        if num is None:
            num = self.token_ids[values] = len(self.tokens)
            self.tokens.append(values)
        return num

    def add(self, pair: Pair, form: NameForm) -> None:
        """Keep one analysed form."""
        seen = self._seen
        nums = []
        for tok in form.tokens:
            hit = seen.get(id(tok))
            if hit is None or hit[0] is not tok:
                hit = seen[id(tok)] = (tok, self._token(
                    canonical(_token_values(tok), TOKEN_SETS)))
            nums.append(hit[1])
        values = list(_form_values(form))
        values[FORM_TOKENS] = tuple(nums)
        self.forms[pair] = canonical(values, FORM_SETS)

    def analyse(self, pairs: Iterable[Pair]) -> None:
        """Analyse the pairs not held yet (in this process)."""
        for pair in pairs:
            if pair not in self.forms:
                self.add(pair, analyze(*pair))

    def update(self, other: Analyses, pairs: Iterable[Pair] | None = None) -> int:
        """Take the forms of ``other`` (only ``pairs``, if given) not held yet; its tokens are
        renumbered into ours by content. Returns how many forms were added."""
        remap: dict[int, int] = {}
        added = 0
        for pair in other.forms if pairs is None else pairs:
            if pair in self.forms:
                continue
            rec = other.forms.get(pair)
            if rec is None:
                continue
            nums = []
            for t in rec[FORM_TOKENS]:
                n = remap.get(t)
                if n is None:
                    n = remap[t] = self._token(other.tokens[t])
                nums.append(n)
            values = list(rec)
            values[FORM_TOKENS] = tuple(nums)
            self.forms[pair] = tuple(values)
            added += 1
        return added

    def subset(self, pairs: Iterable[Pair]) -> Analyses:
        """A table of just these pairs (those held)."""
        out = Analyses()
        out.update(self, pairs)
        return out

    def to_bytes(self) -> bytes:
        return dumps((self.tokens, list(self.forms.items())))

    @classmethod
    def from_bytes(cls, raw: bytes) -> Analyses:
        tokens, forms = marshal.loads(raw)
        out = cls()
        out.tokens = list(tokens)
        out.token_ids = {t: i for i, t in enumerate(out.tokens)}
        out.forms = dict(forms)
        return out

    @classmethod
    def from_pieces(cls, raw: bytes) -> Analyses:
        """The table a worker sent in pieces (each the tokens and forms it added)."""
        out = cls()
        for piece in marshal.loads(raw):
            tokens, forms = marshal.loads(piece)
            out.tokens.extend(tokens)
            out.forms.update(forms)
        out.token_ids = {t: i for i, t in enumerate(out.tokens)}
        return out

    def form(self, pair: Pair) -> NameForm:
        """The :class:`NameForm` of a held pair, as ``analyze`` gave it (content-equal)."""
        values = restore(self.forms[pair], FORM_SETS)
        values[FORM_TOKENS] = tuple(
            _build_object(Token, TOKEN_FIELDS, restore(self.tokens[t], TOKEN_SETS))
            for t in values[FORM_TOKENS])
        return _build_object(NameForm, FORM_FIELDS, values)  # type: ignore[no-any-return]


def _build_object(cls: type, names: tuple[str, ...], values: Sequence[Any]) -> Any:
    """An instance of a (frozen, slotted) dataclass from its field values, as pickle would
    make it: no ``__init__`` run."""
    obj = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        object.__setattr__(obj, name, value)
    return obj


# ---------------------------------------------------------------------------- in parallel
def workers() -> int:
    """Processes a build may analyse in: ``OLIVEBRANCH_BUILD_WORKERS``, else the cores this
    process may run on, at most 2 (one worker beside this process)."""
    env = os.environ.get("OLIVEBRANCH_BUILD_WORKERS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def in_parallel(n: int) -> bool:
    """Is a job of ``n`` names (or records) worth sharing with forked processes?"""
    return workers() > 1 and n >= PARALLEL_MIN and can_fork()


def analyse(pairs: Sequence[Pair], into: Analyses | None = None, *,
            processes: int | None = None,
            meanwhile: Callable[[], object] | None = None) -> Analyses:
    """The analyses of ``pairs`` (added to ``into`` if given): the missing ones analysed here
    and, when there are many, in forked worker processes (``processes`` in all, default
    :func:`workers`). The result does not depend on how many processes made it.
    ``meanwhile``: other work of the caller, done in this process while the workers analyse
    (or first, when there are none)."""
    table = into if into is not None else Analyses()
    todo = [p for p in dict.fromkeys(pairs) if p not in table.forms]
    n = processes if processes is not None else workers()
    if n <= 1 or len(todo) < PARALLEL_MIN or not can_fork():
        if meanwhile is not None:
            meanwhile()
        table.analyse(todo)
        return table
    _prewarm(todo)
    # names of scripts read with a dictionary go to the first worker (only it loads them);
    # the rest in chunks that each process claims when it is free (a process slowed by the
    # machine's other work just claims fewer)
    read, plain = _by_reading(todo)
    claims = _Claims(len(plain))
    children: list[tuple[int, int]] = []
    try:
        for k in range(n - 1):
            child = _fork(plain, claims, read if k == 0 else [])
            if child is not None:
                children.append(child)
        if meanwhile is not None:
            meanwhile()
        for start, stop in claims:
            table.analyse(plain[start:stop])
    finally:
        claims.close()
        for pid, fd in children:
            raw = _collect(pid, fd)
            got = None
            if raw is not None:
                try:
                    got = Analyses.from_pieces(raw)
                except (ValueError, EOFError, TypeError):
                    got = None
            if got is not None:
                table.update(got)
    table.analyse(todo)  # whatever a failed worker had claimed
    return table


class _Claims:
    """Chunks of a work list, claimed by whichever process reads the next number from a
    pipe filled before the workers are forked (reads of 4 bytes from a pipe are atomic)."""

    #: names per chunk (a few milliseconds of work); at most ``MAX`` chunks, so that their
    #: numbers fit the smallest buffer a pipe has (one page, for a user over the kernel's
    #: pipe-user-pages-soft): they are all written before anyone reads
    SIZE = 64
    MAX = 1000

    def __init__(self, total: int) -> None:
        self.total = total
        self.size = max(self.SIZE, -(-total // self.MAX))
        count = -(-total // self.size)
        self._fd, w = os.pipe()
        try:
            os.write(w, b"".join(i.to_bytes(4, "little") for i in range(count)))
        finally:
            os.close(w)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        while self._fd >= 0:
            raw = os.read(self._fd, 4)
            if len(raw) < 4:
                return
            start = int.from_bytes(raw, "little") * self.size
            yield start, min(start + self.size, self.total)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


#: Scripts whose readings load a dictionary on first use (Chinese, Japanese kana, Korean,
#: Thai, Burmese: pypinyin, cutlet, pythainlp, ICU)
_READ_SCRIPTS = re.compile("[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7a3\u0e00-\u0e7f\u1000-\u109f]")


def _by_reading(todo: Sequence[Pair]) -> tuple[list[Pair], list[Pair]]:
    """(the names of a script read with a dictionary, the others)."""
    read: list[Pair] = []
    plain: list[Pair] = []
    search = _READ_SCRIPTS.search
    for pair in todo:
        (plain if pair[0].isascii() or not search(pair[0]) else read).append(pair)
    return read, plain


def _prewarm(todo: Sequence[Pair]) -> None:
    """Analyse a first name of each kind, so that the word lists are loaded once before the
    fork rather than in every process."""
    done: set[str] = set()
    for name, kind in todo:
        if kind not in done:
            done.add(kind)
            analyze(name, kind)
            if len(done) == 3:
                return


def _fork(todo: list[Pair], claims: _Claims, first: list[Pair]) -> tuple[int, int] | None:
    """Start a worker analysing ``first``, then the chunks of ``todo`` it claims; (pid, read
    end of the pipe it sends its table to), or None."""
    def work() -> bytes:
        # the table is marshalled piece by piece as it grows, so that little is left to do
        # when the claims run out (the parent is waiting then)
        table = Analyses()
        pieces: list[bytes] = []

        def analyse(pairs: list[Pair]) -> None:
            sent = len(table.tokens)
            table.analyse(pairs)
            pieces.append(dumps((table.tokens[sent:], [(p, table.forms[p]) for p in pairs])))

        analyse(first)
        for start, stop in claims:
            analyse(todo[start:stop])
        return dumps(pieces)

    return _start(work)


# ---------------------------------------------------------------------------- on disk
def cache_dir() -> Path:
    """Where the matcher's on-disk caches live (``$OLIVEBRANCH_HOME/match-cache``)."""
    return Path(os.environ.get("OLIVEBRANCH_HOME", "var")) / "match-cache"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the matching code and its word lists: the stored keys and records are what
    this code derives from the lists, so any change to it must invalidate them."""
    h = hashlib.sha1()
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    from olivebranch.paths import DATA_DIR

    for path in sorted((DATA_DIR / "match").glob("*")) if (DATA_DIR / "match").is_dir() else []:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


@lru_cache(maxsize=1)
def analyser_digest() -> str:
    """Digest of everything an analysis depends on: the matching code and word lists (as
    ``cache._code_digest``), the Python version (the stored format) and the versions of the
    libraries the analysis reads names with."""
    from importlib import metadata

    h = hashlib.sha1(f"{code_digest()}|{sys.version_info[:2]}|{MARSHAL_VERSION}".encode())
    for lib in LIBRARIES:
        try:
            h.update(f"|{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"|{lib}=-".encode())
    return h.hexdigest()[:16]


class NameCache:
    """The analyses of every name a build has seen, in one file per analyser digest under
    ``directory`` (``$OLIVEBRANCH_HOME/match-cache``): a build reads it, analyses only the
    names not in it, and writes it back with them (see module doc)."""

    #: the file is rewritten without stale names once it holds this many times those in use
    PRUNE_FACTOR = 2
    #: builds of fewer names analyse them afresh (reading the file would cost more)
    MIN_NAMES = 2000

    def __init__(self, directory: Path, *, min_names: int | None = None) -> None:
        self.directory = directory
        self.min_names = self.MIN_NAMES if min_names is None else min_names
        self._unsaved: Analyses | None = None

    @property
    def path(self) -> Path:
        return self.directory / f"names-{analyser_digest()}.marshal"

    def load(self) -> Analyses:
        """The stored table (empty when there is none or it cannot be read)."""
        try:
            return Analyses.from_bytes(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return Analyses()

    def save(self, table: Analyses) -> None:
        """Write the table (atomically; an unwritable home only means no cache)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(table.to_bytes())
            os.replace(tmp, self.path)
            for old in self.directory.glob("names-*.marshal"):  # other analysers' tables
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass

    def analyses(self, pairs: Sequence[Pair], *, processes: int | None = None,
                 meanwhile: Callable[[], object] | None = None,
                 defer_save: bool = False) -> Analyses:
        """The analyses of ``pairs``: from the file, the missing ones analysed (in parallel when
        many) and the file updated (with ``defer_save``, only by :meth:`flush`, when the
        caller has a moment). ``meanwhile``: as for :func:`analyse`."""
        wanted = list(dict.fromkeys(pairs))
        if len(wanted) < self.min_names:
            return analyse(wanted, processes=processes, meanwhile=meanwhile)
        stored = self.load()
        missing = [p for p in wanted if p not in stored.forms]
        if not missing:
            if meanwhile is not None:
                meanwhile()
            return stored
        analyse(missing, stored, processes=processes, meanwhile=meanwhile)
        if len(stored) > self.PRUNE_FACTOR * max(len(wanted), 1):
            stored = stored.subset(wanted)
        self._unsaved = stored
        if not defer_save:
            self.flush()
        return stored

    def flush(self) -> None:
        """Write the table :meth:`analyses` left unsaved, if any."""
        table, self._unsaved = self._unsaved, None
        if table is not None:
            self.save(table)


def name_analyses(pairs: Sequence[Pair], *, cache_dir: Path | None = None,
                  processes: int | None = None) -> Analyses:
    """Public entry point: the analyses of ``(name, kind)`` pairs (``kind`` as
    ``names.kind_of`` gives it), kept in the on-disk name cache under ``cache_dir`` (none:
    analysed afresh, in parallel when many)."""
    if cache_dir is None:
        return analyse(list(pairs), processes=processes)
    return NameCache(cache_dir).analyses(list(pairs), processes=processes)


__all__ = ["Analyses", "NameCache", "analyse", "analyser_digest", "code_digest",
           "name_analyses", "workers"]
