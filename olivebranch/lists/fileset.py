"""The files of one import: a single file, a directory, a zip archive or uploaded files.

OFAC's CSV lists come as four files, and dropping three of them loses every alias and address.
So a source's whole file set may be given as a directory, as a zip of the files, or (over the
API) as several uploads. Names are kept only to show the user; what each file is comes from its
content (see ``lists.ofac_files``). Archives are unpacked flat, with sanitised names, limits on
member count and size, and no links, so an archive can neither escape its directory nor fill
the disk.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

from olivebranch.errors import ParseError
from olivebranch.lists.base import MAX_FILE_BYTES

MAX_MEMBERS = 64
MAX_UNPACKED_BYTES = MAX_FILE_BYTES
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SKIP = ("__MACOSX/", ".DS_Store")


def safe_name(name: str, default: str = "upload") -> str:
    """A plain file name: the last path component, only ``[A-Za-z0-9._-]``, not hidden,
    at most 100 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).lstrip(".")[:100]
    return base if re.search(r"[A-Za-z0-9]", base) else default


def is_archive(path: Path) -> bool:
    """A zip archive of list files (an XLSX workbook is a zip too, but it is one file)."""
    if not path.is_file() or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" not in names


def unpack(path: Path, dest: Path) -> list[Path]:
    """Extract the regular files of a zip archive flat into ``dest``; returns them."""
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()
                       and not any(s in i.filename for s in _SKIP)]
            if len(members) > MAX_MEMBERS:
                raise ParseError(path, None, f"archive holds {len(members)} files; at most "
                                             f"{MAX_MEMBERS} are accepted")
            total = 0
            for info in members:
                where = f"member {info.filename[:200]!r}"
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise ParseError(path, where, "links are not accepted in an archive")
                if info.flag_bits & 0x1:
                    raise ParseError(path, where, "encrypted archive members are not accepted")
                total += info.file_size
                if total > MAX_UNPACKED_BYTES:
                    raise ParseError(path, None, f"archive unpacks to over {MAX_UNPACKED_BYTES} "
                                                 f"bytes; refused")
                name = safe_name(info.filename, f"member{len(out)}")
                target = dest / name
                if target.exists():
                    raise ParseError(path, where, f"two members are both called {name!r}")
                _copy(zf.open(info), target, info.file_size, path, where)
                out.append(target)
    except ParseError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError, ValueError) as exc:
        raise ParseError(path, None, f"damaged zip archive: {exc}") from exc
    if not out:
        raise ParseError(path, None, "the archive holds no files")
    return out


def _copy(src: BinaryIO, target: Path, declared: int, path: Path, where: str) -> None:
    """Copy at most ``declared`` bytes (zipfile checks the CRC and the size as it reads)."""
    written = 0
    with src, open(target, "wb") as fh:
        while block := src.read(1 << 20):
            written += len(block)
            if written > declared or written > MAX_UNPACKED_BYTES:
                raise ParseError(path, where, "member is larger than the archive states")
            fh.write(block)


def stage(uploads: list[tuple[str, BinaryIO]], dest: Path, max_bytes: int = MAX_FILE_BYTES
          ) -> Path:
    """Write uploaded files into ``dest`` under sanitised names, unpack zip archives among
    them, and return what to import: the only file, or ``dest`` holding the set."""
    dest.mkdir(parents=True, exist_ok=True)
    if len(uploads) > MAX_MEMBERS:
        raise ParseError("upload", None, f"{len(uploads)} files uploaded; at most {MAX_MEMBERS} "
                                         "are accepted")
    files: list[Path] = []
    for i, (name, stream) in enumerate(uploads):
        target = dest / safe_name(name, f"upload{i}")
        if target.exists():
            raise ParseError(name, None, f"two uploads are both called {target.name!r}")
        written = 0
        with open(target, "wb") as fh:
            while block := stream.read(1 << 20):
                written += len(block)
                if written > max_bytes:
                    raise ParseError(target.name, None, f"upload over {max_bytes} bytes")
                fh.write(block)
        files.append(target)
    staged: list[Path] = []
    for f in files:
        if is_archive(f):
            inner = dest / f".unpack-{f.name}"
            for member in unpack(f, inner):
                target = dest / member.name
                if target.exists():
                    raise ParseError(f.name, None, f"{member.name!r} is both uploaded and in "
                                                   f"the archive")
                shutil.move(str(member), target)
                staged.append(target)
            shutil.rmtree(inner, ignore_errors=True)
            f.unlink()
        else:
            staged.append(f)
    if not staged:
        raise ParseError(dest, None, "no file was uploaded")
    return staged[0] if len(staged) == 1 else dest
