"""`tietoni` / `mydata`: a person sees what the bot keeps about them, only in their own chat."""

from __future__ import annotations

from bot.router import Router
from bot.turn import Turn
from cards.mydata import mydata_card
from core.mydata import my_data


async def show_my_data(turn: Turn, _argument: str = "") -> None:
    if turn.conversation_type != "personal":
        await turn.send_text("mydata.private_only")
        return
    if not turn.user_aad_id:
        await turn.send_text("error.not_found")
        return
    await turn.send_card(mydata_card(turn.t, await my_data(turn.services.store, turn.user_aad_id)))


def register(router: Router) -> None:
    router.command("mydata", show_my_data)
