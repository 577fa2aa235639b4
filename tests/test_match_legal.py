"""The legal-form table kept on disk between processes answers like a fresh build."""

from __future__ import annotations

import subprocess
import sys

from olivebranch.match import legal
from olivebranch.match.derived import cache_path


def test_cached_legal_form_table_equals_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path))
    legal._table.cache_clear()
    try:
        first = legal._table()  # builds and writes the cache
        assert cache_path("legal-forms", [legal.TABLE]).is_file()
        legal._table.cache_clear()
        assert legal._table() == first == legal._build_table()
        # a damaged cache file is rebuilt, not trusted
        cache_path("legal-forms", [legal.TABLE]).write_bytes(b"not a pickle")
        legal._table.cache_clear()
        assert legal._table() == first
    finally:
        legal._table.cache_clear()


def test_a_second_process_reads_the_table_without_the_reading_dictionaries(tmp_path):
    env = {"OLIVEBRANCH_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = ("import sys\nfrom olivebranch.match.legal import split_legal_forms\n"
            "print(split_legal_forms(['gazprom', 'neft', 'pao'])[0])\n"
            "print(sorted(m for m in ('pypinyin', 'cutlet', 'pythainlp') if m in sys.modules))\n")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr + runs[1].stderr
    assert runs[0].stdout.splitlines()[0] == runs[1].stdout.splitlines()[0]
    assert runs[1].stdout.splitlines()[1] == "[]"
