"""One module per feature; each exposes `register(router)`. The list below is the whole bot."""

from __future__ import annotations

from bot.features import (
    assessment,
    badge_admin,
    badges,
    coaching,
    coaching_export,
    coaching_orgs,
    coaching_rounds,
    joins,
    materials,
    materials_send,
    meeting_groups,
    meetings,
    mydata,
    networks,
    polls,
    report,
    survey,
    survey_actions,
    survey_export,
)
from bot.features import help as help_feature
from bot.router import Router


def build_router() -> Router:
    router = Router()
    for feature in (
        help_feature,
        polls,
        networks,
        survey,
        survey_actions,
        survey_export,
        materials,
        materials_send,
        mydata,
        meetings,
        meeting_groups,
        assessment,
        badges,
        badge_admin,
        report,
        joins,
    ):
        feature.register(router)
    for feature in (coaching, coaching_rounds, coaching_export, coaching_orgs):
        feature.register(router)
    return router
