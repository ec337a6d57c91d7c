"""Badge images: each class's PNG is drawn from its colour, emblem and name (Pillow), and a baked copy
carries the signed credential in an iTXt chunk with the keyword `openbadgecredential`, uncompressed
(1EdTech OB 3.0, "Baked Badge": for a VC-JWT the chunk's text is the compact JWS).

Pillow (with its FreeType and HarfBuzz libraries) is imported when an image is first drawn or baked, not
when the bot starts (issue 18)."""

from __future__ import annotations

import io
import math
from functools import lru_cache
from typing import TYPE_CHECKING

from core.badges import BadgeClass

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

SIZE = 400
BAKED_KEYWORD = "openbadgecredential"
COLORS = {
    "teal": (0, 120, 128),
    "blue": (31, 78, 161),
    "purple": (104, 58, 160),
    "red": (176, 42, 55),
    "orange": (196, 92, 0),
    "green": (46, 125, 50),
}
WHITE = (255, 255, 255)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=WHITE)


def _leaf(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = [(cx + r * math.sin(t / 20 * math.pi) * 0.55, cy - r + 2 * r * t / 20) for t in range(21)]
    points += [(cx - r * math.sin(t / 20 * math.pi) * 0.55, cy + r - 2 * r * t / 20) for t in range(21)]
    draw.polygon(points, fill=WHITE)
    draw.line([(cx, cy - r * 0.8), (cx, cy + r * 1.1)], fill=COLORS["green"], width=6)


def _bridge(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    draw.arc([cx - r, cy - r * 0.6, cx + r, cy + r * 1.4], 180, 360, fill=WHITE, width=14)
    draw.rectangle([cx - r * 1.1, cy + r * 0.35, cx + r * 1.1, cy + r * 0.5], fill=WHITE)
    for x in (-0.6, 0, 0.6):
        draw.line(
            [(cx + x * r, cy - r * 0.45 + abs(x) * r * 0.3), (cx + x * r, cy + r * 0.4)], fill=WHITE, width=6
        )


def _people(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    for dx, scale in ((-0.55, 0.8), (0.55, 0.8), (0, 1.0)):
        head = r * 0.28 * scale
        x = cx + dx * r
        draw.ellipse([x - head, cy - r * 0.55 - head, x + head, cy - r * 0.55 + head], fill=WHITE)
        draw.pieslice(
            [x - r * 0.45 * scale, cy - r * 0.1, x + r * 0.45 * scale, cy + r * 0.8], 180, 360, fill=WHITE
        )


def _compass(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=WHITE, width=10)
    draw.polygon(
        [(cx, cy - r * 0.8), (cx + r * 0.22, cy), (cx, cy + r * 0.8), (cx - r * 0.22, cy)], fill=WHITE
    )


def _spark(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    for i in range(8):
        angle = i * math.pi / 4
        inner = r * 0.3
        draw.line(
            [
                (cx + inner * math.cos(angle), cy + inner * math.sin(angle)),
                (cx + r * math.cos(angle), cy + r * math.sin(angle)),
            ],
            fill=WHITE,
            width=12,
        )
    draw.ellipse([cx - r * 0.2, cy - r * 0.2, cx + r * 0.2, cy + r * 0.2], fill=WHITE)


EMBLEMS = {
    "star": _star,
    "leaf": _leaf,
    "bridge": _bridge,
    "people": _people,
    "compass": _compass,
    "spark": _spark,
}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()


@lru_cache(maxsize=64)
def _drawn(color: str, emblem: str, name: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    fill = COLORS.get(color, COLORS["teal"])
    draw.ellipse([8, 8, SIZE - 8, SIZE - 8], fill=fill, outline=WHITE, width=10)
    draw.ellipse([28, 28, SIZE - 28, SIZE - 28], outline=(255, 255, 255, 150), width=3)
    EMBLEMS.get(emblem, _star)(draw, SIZE / 2, SIZE * 0.4, SIZE * 0.2)
    label = name if len(name) <= 18 else name[:17] + "…"
    font = _font(30)
    width = draw.textlength(label, font=font)
    draw.text(((SIZE - width) / 2, SIZE * 0.7), label, font=font, fill=WHITE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def badge_png(badge: BadgeClass, locale: str = "fi") -> bytes:
    """The class's image (400 x 400 PNG)."""
    return _drawn(badge.color, badge.emblem, badge.name(locale))


def bake(png: bytes, token: str) -> bytes:
    """The image with the credential baked in (one iTXt chunk, not compressed; an old one is replaced)."""
    from PIL import Image, PngImagePlugin

    image = Image.open(io.BytesIO(png))
    info = PngImagePlugin.PngInfo()
    for key, value in (getattr(image, "text", None) or {}).items():
        if key != BAKED_KEYWORD:
            info.add_text(key, value)
    info.add_itxt(BAKED_KEYWORD, token, zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()
