"""Write the deal JSON Schema from the pydantic models: ``python -m olivebranch.deals.schema``."""

from __future__ import annotations

import json
from pathlib import Path

from olivebranch.deals.models import Deal

SCHEMA_PATH = Path(__file__).with_name("deal.schema.json")


def deal_schema() -> dict:
    schema = Deal.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://olivebranch.invalid/deal.schema.json"
    return schema


def render() -> str:
    return json.dumps(deal_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # pragma: no cover
    SCHEMA_PATH.write_text(render(), encoding="utf-8")
    print(SCHEMA_PATH)
