"""Deals: the proposed cross-border transactions olivebranch gives verdicts on."""

from olivebranch.deals.loader import DEALS_DIR, DealError, deal_from_data, load_catalogue, load_deal
from olivebranch.deals.models import Activity, Asset, Deal, Party, Stake

__all__ = [
    "DEALS_DIR", "Activity", "Asset", "Deal", "DealError", "Party", "Stake",
    "deal_from_data", "load_catalogue", "load_deal",
]
