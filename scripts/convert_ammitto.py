#!/usr/bin/env python
"""Rebuild the bundled EU and UK lists from the ammitto per-entity YAML tarballs.

The full official EU FSF XML and FCDO UK Sanctions List files could not be obtained offline;
ammitto/data-eu and ammitto/data-uk keep byte-exact daily YAML conversions of them (one file
per entry). This script reads those tarballs with ``tarfile`` and a safe YAML loader and
writes FollowTheMoney JSON lines through the same mapping code as the XML parsers
(``eu_fsf.entry_entities``, ``uk_fcdo.designation_entities``).

    python scripts/convert_ammitto.py eu /work/shared/data/eu_fsf/ammitto_data-eu_processed_2026-05-01.tar.gz
    python scripts/convert_ammitto.py uk /work/shared/data/uk_fcdo/ammitto_data-uk_processed_2026-08-22.tar.gz

Output goes to ``data/lists/eu_fsf/eu_fsf_<date>.ftm.json`` and
``data/lists/gb_fcdo/gb_fcdo_<date>.ftm.json`` (date = the index's ``fetched_at``); both are
under 10 MB, so they stay plain text (git diffs between rebuilds stay readable).
Output is deterministic: entries in member-name order, keys sorted.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from olivebranch.lists.eu_fsf import entry_entities
from olivebranch.lists.uk_fcdo import designation_entities
from olivebranch.paths import LISTS_DIR

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_MEMBER_BYTES = 2 * 1024 * 1024


def iter_yaml(tarball: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(member name, parsed YAML) for every regular ``.yaml`` file, in name order."""
    with tarfile.open(tarball, "r:gz") as tar:
        members = sorted(
            (m for m in tar.getmembers() if m.isfile() and m.name.endswith(".yaml")),
            key=lambda m: m.name,
        )
        for m in members:
            if m.size > MAX_MEMBER_BYTES:
                raise SystemExit(f"{tarball}: member {m.name} is {m.size} bytes; refusing")
            fh = tar.extractfile(m)
            assert fh is not None
            data = yaml.load(io.TextIOWrapper(fh, encoding="utf-8"), Loader=Loader)
            if not isinstance(data, dict):
                raise SystemExit(f"{tarball}: member {m.name} is not a YAML mapping")
            yield m.name, data


def convert(kind: str, tarball: Path, out_dir: Path | None = None) -> Path:
    started = time.perf_counter()
    index: dict[str, Any] = {}
    lines: list[str] = []
    entries = 0
    for name, data in iter_yaml(tarball):
        if name.rsplit("/", 1)[-1] == "_index.yaml":
            index = data
            continue
        entries += 1
        try:
            if kind == "eu":
                proxies = entry_entities(data, listing_date_known=False)
            else:
                proxies = designation_entities(data)
        except ValueError as exc:
            raise SystemExit(f"{tarball}: {name}: {exc}") from exc
        for proxy in proxies:
            lines.append(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True))
    fetched = str(index.get("fetched_at") or "")[:10]
    if not fetched:
        raise SystemExit(f"{tarball}: no _index.yaml with fetched_at")
    source = "eu_fsf" if kind == "eu" else "gb_fcdo"
    out_dir = out_dir or LISTS_DIR / source
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{source}_{fetched}.ftm.json"
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    out.write_bytes(payload)
    print(
        f"{kind}: {entries} entries -> {len(lines)} entities, {out} "
        f"({len(payload):,} bytes) "
        f"in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["eu", "uk"])
    ap.add_argument("tarball", type=Path)
    ap.add_argument("--out-dir", type=Path, default=None)
    args = ap.parse_args(argv)
    convert(args.kind, args.tarball, args.out_dir)


if __name__ == "__main__":
    main()
