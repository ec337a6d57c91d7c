"""Checks the schemas cannot express: icon sizes and transparency, command limits, localisation coverage."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

COLOR_SIZE = (192, 192)
OUTLINE_SIZE = (32, 32)
MAX_COMMANDS_PER_LIST = 12
MAX_COMMAND_LISTS = 3


def rgba_pixels(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Every pixel as (r, g, b, a), whatever the Pillow version (getdata() is deprecated in Pillow 13)."""
    raw = image.convert("RGBA").tobytes()
    return [(raw[i], raw[i + 1], raw[i + 2], raw[i + 3]) for i in range(0, len(raw), 4)]


def check_color_icon(data: bytes) -> list[str]:
    """A 192x192 PNG; Teams shows it on app cards and in the store."""
    image = Image.open(io.BytesIO(data))
    problems = []
    if image.format != "PNG":
        problems.append(f"color icon must be a PNG, not {image.format}")
    if image.size != COLOR_SIZE:
        problems.append(
            f"color icon must be {COLOR_SIZE[0]}x{COLOR_SIZE[1]}, not {image.size[0]}x{image.size[1]}"
        )
    return problems


def check_outline_icon(data: bytes) -> list[str]:
    """A 32x32 PNG whose visible pixels are all white and whose background is fully transparent."""
    image = Image.open(io.BytesIO(data))
    problems = []
    if image.format != "PNG":
        problems.append(f"outline icon must be a PNG, not {image.format}")
    if image.size != OUTLINE_SIZE:
        problems.append(
            f"outline icon must be {OUTLINE_SIZE[0]}x{OUTLINE_SIZE[1]}, not {image.size[0]}x{image.size[1]}"
        )
    if "A" not in image.getbands() and "transparency" not in image.info:
        return [*problems, "outline icon must have an alpha channel (white on transparent)"]
    rgba = image.convert("RGBA")
    alphas = rgba.getchannel("A").getextrema()
    if alphas[0] != 0:
        problems.append("outline icon has no fully transparent pixels: its background must be transparent")
    if alphas[1] == 0:
        problems.append("outline icon is fully transparent: it draws nothing")
    coloured = sum(1 for r, g, b, a in rgba_pixels(rgba) if a > 0 and (r, g, b) != (255, 255, 255))
    if coloured:
        problems.append(f"outline icon must be white only: {coloured} visible pixels are not white")
    return problems


def check_structure(manifest: dict[str, Any], localisations: dict[str, dict[str, Any]]) -> list[str]:
    """Command lists within Teams' limits; each localisation file translates exactly the manifest's texts."""
    problems = []
    lists = manifest["bots"][0].get("commandLists", [])
    if len(lists) > MAX_COMMAND_LISTS:
        problems.append(f"at most {MAX_COMMAND_LISTS} command lists, found {len(lists)}")
    for i, command_list in enumerate(lists):
        if len(command_list["commands"]) > MAX_COMMANDS_PER_LIST:
            problems.append(
                f"command list {i} ({'/'.join(command_list['scopes'])}) has {len(command_list['commands'])} "
                f"commands; Teams allows {MAX_COMMANDS_PER_LIST}"
            )
    expected = {"name.short", "name.full", "description.short", "description.full"}
    for i, command_list in enumerate(lists):
        for j in range(len(command_list["commands"])):
            expected |= {
                f"bots[0].commandLists[{i}].commands[{j}].{field}" for field in ("title", "description")
            }
    for file, document in localisations.items():
        keys = set(document) - {"$schema"}
        if missing := sorted(expected - keys):
            problems.append(f"{file} does not translate {', '.join(missing)}")
        if extra := sorted(keys - expected):
            problems.append(f"{file} translates texts the manifest does not have: {', '.join(extra)}")
    return problems
