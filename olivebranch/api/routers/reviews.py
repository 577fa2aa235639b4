"""Reviewers' decisions on screening hits (reviewer memory, ``olivebranch.reviews``).

An analyst records that a hit for a screened name (or a customer id of a batch file) is a
false positive or a true match; later screenings (``/match``, the CLI, batch files) show the
hit as cleared, and raise it again when the listed party's records change.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from olivebranch.api.auth import principal_for, require
from olivebranch.api.deps import state
from olivebranch.errors import NotFound

router = APIRouter(prefix="/api/reviews", tags=["Reviews"])


class ReviewRequest(BaseModel):
    name: str = Field(..., min_length=1, max_length=500, description="The screened name")
    hit: str = Field(..., min_length=1, max_length=255,
                     description="A record id of the listed party (or its party id)")
    decision: str = Field(..., examples=["false_positive"],
                          description="false_positive or true_match")
    reason: str | None = Field(None, max_length=2000)
    customer: str | None = Field(None, max_length=255,
                                 description="A customer id (batch files) the decision is for")
    schema_: str = Field("LegalEntity", alias="schema", max_length=64)
    reviewer: str | None = Field(None, max_length=255, description="Default: the API key's name")


@router.post("", summary="Record a decision on a screening hit",
             dependencies=[Depends(require("analyst"))])
def add_review(request: Request, body: ReviewRequest) -> dict[str, Any]:
    from olivebranch.match.batch import schema_name
    from olivebranch.reviews import Reviews
    from olivebranch.reviews.memory import find_hit

    ob = state(request)
    who = body.reviewer or principal_for(request).name or "api"
    result = find_hit(ob.index, body.name, body.hit, schema=schema_name(body.schema_))
    review = Reviews(ob.store).decide(result, body.decision, reviewer=who, name=body.name,
                                      customer=body.customer, reason=body.reason)
    return review.to_dict()


@router.get("", summary="Reviewers' decisions", dependencies=[Depends(require("read"))])
def list_reviews(request: Request,
                 name: str | None = Query(None, max_length=500)) -> list[dict[str, Any]]:
    from olivebranch.reviews import Reviews, subject_of

    subject = subject_of(name=name)[1] if name else None
    return [r.to_dict() for r in Reviews(state(request).store).list(subject=subject)]


@router.delete("/{review_id}", summary="Withdraw a decision",
               dependencies=[Depends(require("analyst"))])
def withdraw_review(request: Request, review_id: int) -> dict[str, Any]:
    from olivebranch.reviews import Reviews

    # an id outside the integer column names no review (PostgreSQL refuses the comparison)
    if not -(2**31) <= review_id < 2**31 or not Reviews(state(request).store).withdraw(review_id):
        raise NotFound(f"no live review {review_id}")
    return {"id": review_id, "withdrawn": True}
