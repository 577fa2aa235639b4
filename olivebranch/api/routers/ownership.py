"""(filled in as the ownership engine lands)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
