"""Phone-like photos made with Pillow for tests and benchmarks (never committed: a real
phone photo is megabytes). Shapes over a gradient, with sensor-like noise so JPEG
compresses them about as badly as a real photo; optional EXIF orientation, as phones
store a portrait photo: landscape pixels and a tag saying "turn me".
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

PORTRAIT = (3024, 4032)  # a 12 MP phone photo held upright
LANDSCAPE = (4032, 3024)
ORIENTATION_TAG = 0x0112
# EXIF orientation → how the stored pixels are turned from the upright picture: a viewer
# turns 6 by 90° clockwise, 8 by 90° anticlockwise, 3 by 180° (Pillow's ROTATE_n is anticlockwise).
STORED = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def photo(size: tuple[int, int] = PORTRAIT, seed: int = 1, noise: float = 40.0) -> Image.Image:
    """An upright RGB picture of ``size``: a gradient, a few shapes, noise. The top is
    marked (a dark bar across the top tenth) so a test can tell which way is up."""
    rng = random.Random(seed)
    width, height = size
    small = Image.linear_gradient("L").resize((64, 64)).convert("RGB")
    base = Image.merge("RGB", [small.getchannel(0), small.getchannel(0).transpose(Image.Transpose.ROTATE_90),
                               Image.new("L", (64, 64), rng.randrange(80, 200))]).resize(size)
    draw = ImageDraw.Draw(base)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 12, width // 4)
        colour = tuple(rng.randrange(40, 230) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x - r, y - r, x + r, y + r), fill=colour)
    draw.rectangle((0, 0, width, height // 10), fill=(20, 20, 20))  # "up"
    base = base.filter(ImageFilter.GaussianBlur(2))
    if noise:
        grain = Image.effect_noise(size, noise).convert("RGB")
        base = Image.blend(base, grain, 0.12)
    return base


def save_photo(path: Path, size: tuple[int, int] = PORTRAIT, orientation: int = 1, seed: int = 1,
               quality: int = 90, noise: float = 40.0) -> Path:
    """Write a JPEG (or PNG, by suffix) that *displays* as ``size`` the right way up.
    With ``orientation`` 6, 8 or 3 the pixels are stored turned, with the EXIF tag that
    turns them back, as a phone does."""
    upright = photo(size, seed, noise)
    turn = STORED[orientation]
    stored = upright if turn is None else upright.transpose(turn)
    path.parent.mkdir(parents=True, exist_ok=True)
    options: dict = {}
    if orientation != 1:
        exif = Image.Exif()
        exif[ORIENTATION_TAG] = orientation
        options["exif"] = exif
    if path.suffix.lower() in (".jpg", ".jpeg"):
        stored.save(path, "JPEG", quality=quality, **options)
    else:
        stored.save(path, **options)
    return path

