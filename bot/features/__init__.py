"""One module per feature; each exposes `register(router)`. The list below is the whole bot."""

from __future__ import annotations

from bot.features import help as help_feature
from bot.router import Router


def build_router() -> Router:
    router = Router()
    for feature in (help_feature,):
        feature.register(router)
    return router
