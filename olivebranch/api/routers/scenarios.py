"""(filled in as the scenarios engine lands)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
