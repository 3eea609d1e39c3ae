"""Promotions as operators keep them and seat orders look them up (seed 000's 促销信息)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts import Product
from models.promotions import NewPromotion, Promotion
from models.refusals import RuleBroken, because
from store.tables import PromotionRow


class PromotionExists(RuleBroken):
    """A promotion with that code exists already."""


def _promotion(row: PromotionRow) -> Promotion:
    return Promotion(
        code=row.code,
        name=row.name,
        percent_off=Decimal(row.percent_off),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        products=[Product(p) for p in row.products],
        ended=row.ended,
    )


async def add(session: AsyncSession, promotion: NewPromotion, now: datetime) -> Promotion:
    if await session.get(PromotionRow, promotion.code) is not None:
        raise PromotionExists(because("A promotion with the code %(code)s exists already.", code=promotion.code))
    row = PromotionRow(
        code=promotion.code,
        name=promotion.name,
        percent_off=str(promotion.percent_off),
        valid_from=promotion.valid_from,
        valid_until=promotion.valid_until,
        products=[p.value for p in promotion.products],
        ended=False,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return _promotion(row)


async def find(session: AsyncSession, code: str) -> Promotion | None:
    row = await session.get(PromotionRow, code.strip().upper())
    return _promotion(row) if row is not None else None


async def listed(session: AsyncSession) -> list[Promotion]:
    rows = await session.execute(select(PromotionRow).order_by(PromotionRow.valid_from, PromotionRow.code))
    return [_promotion(row) for row in rows.scalars()]


async def end(session: AsyncSession, code: str) -> Promotion | None:
    """End a promotion now: carts saved from now on are refused its code; quotes made with it keep it."""
    row = await session.get(PromotionRow, code.strip().upper())
    if row is None:
        return None
    row.ended = True
    await session.flush()
    return _promotion(row)


async def names(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    """The names of these codes, as the order list shows them beside the code."""
    if not codes:
        return {}
    rows = await session.execute(select(PromotionRow.code, PromotionRow.name).where(PromotionRow.code.in_(codes)))
    return {code: name for code, name in rows}
