"""(filled in as the deals engine lands)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
