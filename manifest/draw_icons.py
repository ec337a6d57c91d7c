"""Draws the app's two icons with Pillow: `python -m manifest.draw_icons` rewrites manifest/icons/*.png.

The motif is a peer network: three people (nodes) joined to each other. The colour icon puts it in white on
the accent colour, full bleed (Teams rounds the corners itself); the outline icon is the same figure in pure
white on a transparent background, as Teams requires for its 32x32 monochrome icon.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS_DIR = Path(__file__).parent / "icons"
ACCENT = (0x1B, 0x6B, 0x73)
WHITE = (255, 255, 255)
SUPERSAMPLE = 8

# The figure in unit coordinates (0..1 of the symbol box): three nodes and the links between them.
_NODES = ((0.5, 0.16), (0.16, 0.80), (0.84, 0.80))
_NODE_RADIUS = 0.15
_LINK_WIDTH = 0.075


def _figure_mask(size: int, box: tuple[float, float, float, float]) -> Image.Image:
    """An antialiased 8-bit mask of the figure drawn inside `box` (left, top, right, bottom in pixels)."""
    scale = SUPERSAMPLE
    big = Image.new("L", (size * scale, size * scale), 0)
    draw = ImageDraw.Draw(big)
    left, top, right, bottom = (v * scale for v in box)
    width, height = right - left, bottom - top
    points = [(left + x * width, top + y * height) for x, y in _NODES]
    line = max(1, round(_LINK_WIDTH * width))
    for i, start in enumerate(points):
        for end in points[i + 1 :]:
            draw.line([start, end], fill=255, width=line)
    radius = _NODE_RADIUS * width
    for x, y in points:
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=255)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def color_icon() -> Image.Image:
    """192x192, white figure on the accent colour; the symbol stays inside the central 120x120 safe area."""
    size = 192
    mask = _figure_mask(size, (36, 36, 156, 156))
    image = Image.new("RGBA", (size, size), (*ACCENT, 255))
    image.paste(Image.new("RGBA", (size, size), (*WHITE, 255)), (0, 0), mask)
    return image


def outline_icon() -> Image.Image:
    """32x32, only white pixels (the alpha channel carries the shape) on full transparency."""
    size = 32
    mask = _figure_mask(size, (3, 3, 29, 29))
    image = Image.new("RGBA", (size, size), (*WHITE, 0))
    image.putalpha(mask)
    return image


def main() -> None:
    ICONS_DIR.mkdir(exist_ok=True)
    color_icon().save(ICONS_DIR / "color.png", optimize=True)
    outline_icon().save(ICONS_DIR / "outline.png", optimize=True)
    print(f"wrote {ICONS_DIR / 'color.png'} and {ICONS_DIR / 'outline.png'}")


if __name__ == "__main__":
    main()
