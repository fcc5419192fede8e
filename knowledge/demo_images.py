"""Abstract illustrations for the sample content, drawn with Pillow so no photo has to ship."""

import io
import random

from PIL import Image, ImageDraw, ImageFont

PALETTES = {
    "ward": ("#0b5c7a", "#6fb3c8", "#e8f4f8"),
    "laboratory": ("#3d3a8c", "#7fc6b7", "#f1f0fb"),
    "training": ("#b5542c", "#f0b35b", "#fdf3e6"),
    "pharmacy": ("#2f7d4f", "#9fd3a5", "#eef8ef"),
    "data": ("#283d77", "#7d9fe0", "#eef2fb"),
    "community": ("#8a3b54", "#e59f8a", "#fbeff1"),
    "surgery": ("#1f6f6a", "#8ccfc4", "#eaf7f5"),
    "maternity": ("#a0446f", "#f2a7c3", "#fdf0f5"),
}
SIZE = (1200, 675)


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def draw_illustration(seed: str, theme: str, label: str = "Sample illustration") -> bytes:
    """A deterministic JPEG for a seed and theme: gradient, shapes, and a label saying it is a sample."""
    dark, light, pale = (_hex(c) for c in PALETTES.get(theme, PALETTES["ward"]))
    rng = random.Random(seed)
    width, height = SIZE
    image = Image.new("RGB", SIZE, pale)
    draw = ImageDraw.Draw(image, "RGBA")
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(dark[i] * (1 - t) + light[i] * t) for i in range(3)))
    for _ in range(rng.randint(6, 11)):
        radius = rng.randint(40, 220)
        x, y = rng.randint(-60, width), rng.randint(-60, height)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(*pale, rng.randint(25, 70)))
    if theme == "data":
        for index in range(8):
            bar = rng.randint(80, 380)
            draw.rectangle([140 + index * 110, height - 120 - bar, 210 + index * 110, height - 120], fill=(*pale, 150))
    else:
        for _ in range(rng.randint(3, 5)):
            x, y = rng.randint(80, width - 300), rng.randint(80, height - 220)
            draw.rounded_rectangle([x, y, x + rng.randint(160, 320), y + rng.randint(90, 180)], 24, fill=(*pale, 90))
    font = ImageFont.load_default(size=30)
    draw.text((40, height - 64), label, fill=(255, 255, 255, 230), font=font)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, optimize=True, progressive=True)
    return buffer.getvalue()
