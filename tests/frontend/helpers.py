"""Shared bits of the web page tests: a complete application as a browser would post it."""

from __future__ import annotations

from typing import Any

from tests.world import World, credit_code, resident_id

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def application_post(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission_key": "key-1",
        "me-name": "李小红", "me-id_type": "resident_id", "me-id_number": resident_id(321),
        "me-phone": "13912345678", "me-address": "吴家山街道 1 号",
        "employer-name": "武汉临空港物流有限公司", "employer-credit_code": credit_code(7),
        "employer-address": "",
        "facts-dispute_type": "wages", "facts-facts": "公司拖欠 2026 年 3 月至 5 月工资。",
        "facts-knew_on": "", "facts-employment_ended_on": "",
        "claims-TOTAL_FORMS": "2", "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "1", "claims-MAX_NUM_FORMS": "20",
        "claims-0-item_type": "wages", "claims-0-description": "支付拖欠工资",
        "claims-0-amount": "12000.00",
        "claims-1-item_type": "overtime_pay", "claims-1-description": "支付加班费",
        "claims-1-amount": "3000",
        "evidence-description": "",
        "where-street": str(world.streets[0].pk), "where-latitude": "", "where-longitude": "",
        "where-organization": str(world.center.pk),
        "decl-confirm": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
