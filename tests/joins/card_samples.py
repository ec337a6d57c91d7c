"""Join request cards with ordinary and worst-case data (every field at its limit), for the card checks."""

from __future__ import annotations

from datetime import UTC, datetime

from microsoft_teams.cards import AdaptiveCard

from cards import joins as cards
from core.i18n import Translator
from core.joins import MESSAGE_MAX, NAME_MAX, NOTE_MAX, ORGANIZATION_MAX, JoinRequest, Source, Status, Step
from core.networks import Network, NetworkStatus

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SIGS = {verb: "0" * 40 for verb in cards.SIGNED}
HR = Network("hr-kehittajat", "HR-kehittäjäverkosto", "HR developers", "", "", status=NetworkStatus.ACTIVE)


def samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    small = JoinRequest(
        "r1", Source.FORM, "aino@luksia.fi", "Aino", "Luksia", ("hr-kehittajat",), created_at=NOW
    )
    worst = JoinRequest(
        "r2",
        Source.INVITE,
        "a" * 60 + "@" + "b" * 60 + ".fi",
        "N" * NAME_MAX,
        "O" * ORGANIZATION_MAX,
        tuple(f"n{i}" for i in range(12)),
        "<script>**x**</script>\n" + "m" * (MESSAGE_MAX - 25),
        invited_by="aad-maija",
        created_at=NOW,
        note="v" * NOTE_MAX,
    )
    names = {"hr-kehittajat": "HR-kehittäjäverkosto", "aad-maija": "Maija Meikäläinen"}
    outcomes = [
        worst,
        small.__class__(**{**small.__dict__, "status": Status.DECLINED, "note": "Kiitos!"}),
        small.__class__(**{**small.__dict__, "status": Status.DONE, "guest": True}),
        small.__class__(**{**small.__dict__, "status": Status.APPROVED, "error": "graph.error.throttled"}),
        small.__class__(**{**small.__dict__, "status": Status.FAILED, "error": "joins.error.policy"}),
        small.__class__(**{**small.__dict__, "status": Status.APPROVED, "step": Step.GROUP}),
    ]
    return {
        "approval_card": [
            cards.approval_card(t, small, names, SIGS),
            cards.approval_card(t, worst, names, SIGS),
        ],
        "decided_card": [cards.decided_card(t, r, names, changed=i != 1) for i, r in enumerate(outcomes)],
        "requests_card": [
            cards.requests_card(t, [], names, {}),
            cards.requests_card(t, [small, *outcomes] * 4, names, {"r1": "0" * 40}),
        ],
        "invited_card": [
            cards.invited_card(t, small, None),
            cards.invited_card(t, worst, "HR-kehittäjäverkosto"),
        ],
        "welcome_card@joins": [
            cards.welcome_card(t, small, []),
            cards.welcome_card(t, worst, [HR] * 5),
        ],
    }
