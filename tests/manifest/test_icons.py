"""The icons in the package: 192x192 colour, 32x32 white on transparent; and the checks that guard them."""

from __future__ import annotations

import io

from PIL import Image

from manifest.checks import check_color_icon, check_outline_icon, rgba_pixels
from tests.manifest.conftest import Package


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_color_icon_is_192_square_and_opaque_colour(package: Package) -> None:
    image = Image.open(io.BytesIO(package.files["color.png"]))
    assert image.format == "PNG"
    assert image.size == (192, 192)
    rgba = image.convert("RGBA")
    assert rgba.getchannel("A").getextrema() == (255, 255)  # full bleed: Teams rounds the corners
    assert len(set(rgba_pixels(rgba))) > 2  # a real drawing, not a flat square
    assert check_color_icon(package.files["color.png"]) == []


def test_outline_icon_is_32_square_white_on_transparent(package: Package) -> None:
    image = Image.open(io.BytesIO(package.files["outline.png"]))
    assert image.format == "PNG"
    assert image.size == (32, 32)
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0  # corners are background
    assert alpha.getextrema() == (0, 255)
    visible = [px[:3] for px in rgba_pixels(rgba) if px[3] > 0]
    assert visible and all(rgb == (255, 255, 255) for rgb in visible)
    assert 0.1 < len(visible) / (32 * 32) < 0.6
    assert check_outline_icon(package.files["outline.png"]) == []


def test_outline_check_rejects_colour_opaque_background_and_emptiness() -> None:
    tinted = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    tinted.putpixel((10, 10), (250, 255, 255, 255))
    assert any("white only" in p for p in check_outline_icon(_png(tinted)))

    opaque = Image.new("RGBA", (32, 32), (255, 255, 255, 255))
    assert any("no fully transparent pixels" in p for p in check_outline_icon(_png(opaque)))

    empty = Image.new("RGBA", (32, 32), (255, 255, 255, 0))
    assert any("draws nothing" in p for p in check_outline_icon(_png(empty)))

    no_alpha = Image.new("RGB", (32, 32), (255, 255, 255))
    assert any("alpha channel" in p for p in check_outline_icon(_png(no_alpha)))


def test_color_check_rejects_other_sizes_and_formats() -> None:
    assert check_color_icon(_png(Image.new("RGB", (96, 96), (27, 107, 115)))) == [
        "color icon must be 192x192, not 96x96"
    ]
    jpeg = io.BytesIO()
    Image.new("RGB", (192, 192), (27, 107, 115)).save(jpeg, format="JPEG")
    assert check_color_icon(jpeg.getvalue()) == ["color icon must be a PNG, not JPEG"]
