"""The project's documentation (``docs/*.md``) rendered as pages of the UI.

Markdown goes through markdown-it (CommonMark plus tables) with raw HTML off, so a document
cannot inject markup or script; markdown-it also refuses ``javascript:`` and similar links.
Links between documents (``rules.md#…``) are rewritten to their pages here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from olivebranch.paths import REPO_DIR

router = APIRouter(include_in_schema=False)
DOCS_DIR = REPO_DIR / "docs"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MD_LINK = re.compile(r'href="(?:\./)?([a-z0-9][a-z0-9_-]*)\.md(#[^"]*)?"')


def documents() -> list[dict[str, str]]:
    out = []
    for path in sorted(DOCS_DIR.glob("*.md")) if DOCS_DIR.is_dir() else []:
        out.append({"name": path.stem, "title": _title(path), "size": f"{path.stat().st_size // 1024 + 1} KB"})
    return out


def _title(path: Path) -> str:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem.replace("-", " ").capitalize()


@lru_cache(maxsize=64)
def _render(path: str, mtime: float) -> str:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    html = md.render(Path(path).read_text(encoding="utf-8"))
    html = _MD_LINK.sub(lambda m: f'href="/guide/{m.group(1)}{m.group(2) or ""}"', html)
    return html.replace("<table>", '<table class="data">')


def render_markdown(path: Path) -> str:
    return _render(str(path), path.stat().st_mtime)


@router.get("/guide", response_class=HTMLResponse)
def guide_index(request: Request) -> HTMLResponse:
    from olivebranch.web.pages import principal, render

    who = principal(request, "read")
    return render(request, "guide.html", who, nav="guide", docs=documents(), body=None, name=None)


@router.get("/guide/{name}", response_class=HTMLResponse)
def guide_page(request: Request, name: str) -> HTMLResponse:
    from olivebranch.web.pages import error_page, principal, render

    who = principal(request, "read")
    path = DOCS_DIR / f"{name}.md"
    if not _NAME.match(name) or not path.is_file():
        return error_page(request, who, 404, "Not found", f"No document {name!r}.")
    return render(request, "guide.html", who, nav="guide", docs=documents(), name=name,
                  title=_title(path), body=render_markdown(path))
