"""CMYK for the print-shop edition: the stylesheets' colour twins, SVG and raster
pictures converted through the press profile, and CMYK measured back as sRGB.

Stylesheet colours are defined once, each beside its CMYK twin:

    :root { --accent: #0b3d6e;  --accent-cmyk: device-cmyk(100% 75% 20% 25%); }

Office PDFs use the first; ``build --press`` adds one rule per twin
(``:root { --accent: var(--accent-cmyk) }``), so every use of ``var(--accent)`` prints
in the chosen inks. Twins are chosen by hand where a profile would do worse: text black
is K only (a profile gives a four-ink "rich" black that blurs small type when the
plates are not in perfect register); a grey is K only.

Pictures have no twins. SVG colours are rewritten to ``device-cmyk()`` (a colour that
is also a stylesheet colour gets that colour's twin, a grey gets K only, anything else
goes through the profile); raster pictures are converted with Pillow's ImageCms.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import tinycss2
from PIL import Image, ImageCms
from tinycss2.color5 import parse_color

from ... import guarded_read

RGB = tuple[float, float, float]
CMYK = tuple[float, float, float, float]
TWIN_SUFFIX = "-cmyk"
JPEG_QUALITY = 95
INTENT_FLAT = ImageCms.Intent.RELATIVE_COLORIMETRIC  # flat colours: keep the hue, clip out-of-gamut
INTENT_PHOTO = ImageCms.Intent.PERCEPTUAL  # photographs: keep the gradations
RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
SVG_COLOUR_PROPERTIES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
CSS_COLOUR_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color"}
NOT_A_COLOUR = {"transparent", "currentcolor", "inherit", "initial", "unset", "none", "revert"}


# --- stylesheet twins ---------------------------------------------------------------


@dataclass(frozen=True)
class Twin:
    selector: str  # the rule it is declared in, e.g. ":root"
    name: str  # --accent
    rgb: RGB | None  # the office colour, when it is a plain colour
    cmyk: CMYK


def twins(sheets: Iterable[Path], root: Path) -> list[Twin]:
    """Every ``--name`` declared beside a ``--name-cmyk: device-cmyk(...)`` in ``sheets``
    (inside the project ``root``)."""
    found = []
    for sheet in sheets:
        for selector, declarations in _rules(sheet, root):
            values = {d.name: d.value for d in declarations}
            for name, value in values.items():
                base = name.removesuffix(TWIN_SUFFIX)
                if name == base or base not in values:
                    continue
                cmyk = _colour(value)
                if cmyk is None or cmyk.space != "device-cmyk":
                    continue
                rgb = _colour(values[base])
                found.append(Twin(selector, base, _rgb(rgb) if rgb else None,
                                  tuple(cmyk.coordinates)))
    return found


def press_overrides(found: Iterable[Twin]) -> str:
    """The CSS that makes every twinned colour print in its inks."""
    return "\n".join(f"{t.selector} {{ {t.name}: var({t.name}{TWIN_SUFFIX}); }}" for t in found)


@dataclass(frozen=True)
class Untwinned:
    sheet: Path
    line: int
    text: str  # the colour as written


def untwinned(sheets: Iterable[Path], root: Path) -> list[Untwinned]:
    """Colours written in a stylesheet that have no CMYK twin: a colour outside a
    ``--name`` declaration, or a ``--name`` colour without ``--name-cmyk``. The press
    edition would print those in RGB."""
    found = []
    for sheet in sheets:
        for _selector, declarations in _rules(sheet, root):
            names = {d.name for d in declarations}
            for declaration in declarations:
                if declaration.name.endswith(TWIN_SUFFIX):
                    continue
                twinned = declaration.name.startswith("--") and declaration.name + TWIN_SUFFIX in names
                if twinned:
                    continue
                for token in _colour_tokens(declaration.value):
                    found.append(Untwinned(sheet, token.source_line, tinycss2.serialize([token])))
    return found


def _rules(sheet: Path, root: Path) -> Iterator[tuple[str, list]]:
    """(selector, declarations) of every style rule, inside @media/@page blocks too."""
    text = guarded_read.read_text(sheet, root)  # as the render read it; a refusal names the file
    yield from _walk_rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))


def _walk_rules(rules: list) -> Iterator[tuple[str, list]]:
    for rule in rules:
        if rule.type == "qualified-rule":
            declarations = [d for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                       skip_whitespace=True)
                            if d.type == "declaration"]
            yield tinycss2.serialize(rule.prelude).strip(), declarations
            nested = [r for r in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                skip_whitespace=True)
                      if r.type == "qualified-rule"]
            yield from _walk_rules(nested)
        elif rule.type == "at-rule" and rule.content is not None:
            content = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            declarations = [d for d in content if d.type == "declaration"]
            if declarations:
                yield f"@{rule.at_keyword}", declarations
            yield from _walk_rules([r for r in content if r.type in ("qualified-rule", "at-rule")])


def _colour_tokens(value: list) -> Iterator:
    for token in value:
        if token.type == "hash":
            yield token
        elif token.type == "function":
            if token.lower_name in CSS_COLOUR_FUNCTIONS:
                yield token
            elif token.lower_name != "device-cmyk":
                yield from _colour_tokens(token.arguments)
        elif token.type == "ident" and token.lower_value not in NOT_A_COLOUR and parse_color(token) is not None:
            yield token


def _colour(value: list | str) -> Any:  # a tinycss2 colour, or None
    tokens = [t for t in (tinycss2.parse_component_value_list(value) if isinstance(value, str) else value)
              if t.type not in ("whitespace", "comment")]
    return parse_color(tokens[0]) if len(tokens) == 1 else None


def _rgb(colour: Any) -> RGB | None:
    try:
        red, green, blue = colour.to("srgb").coordinates
    except (NotImplementedError, ValueError):
        return None
    return (red, green, blue)


# --- conversions through the profile --------------------------------------------------


@lru_cache(maxsize=4)
def _profile(path: str) -> ImageCms.ImageCmsProfile:
    return ImageCms.getOpenProfile(path)


@lru_cache(maxsize=8)
def _transform(path: str, to_cmyk: bool, intent: ImageCms.Intent) -> ImageCms.ImageCmsTransform:
    srgb = ImageCms.createProfile("sRGB")
    cmyk = _profile(path)
    if to_cmyk:
        return ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK", renderingIntent=intent)
    return ImageCms.buildTransform(cmyk, srgb, "CMYK", "RGB", renderingIntent=intent)


def _byte(value: float) -> int:
    return max(0, min(255, round(value * 255)))


@lru_cache(maxsize=1024)
def rgb_to_cmyk(rgb: RGB, profile: str) -> CMYK:
    """A flat colour in inks: a grey (R = G = B) in black ink only, of the lightness
    the profile prints; any other colour through the profile."""
    pixel = tuple(_byte(c) for c in rgb)
    if pixel[0] == pixel[1] == pixel[2]:
        return (0.0, 0.0, 0.0, _grey_k(pixel[0], profile))
    out = _pixel(_apply(Image.new("RGB", (1, 1), pixel), _transform(profile, True, INTENT_FLAT)))
    return tuple(round(c / 255, 3) for c in out)  # type: ignore[return-value]


@lru_cache(maxsize=4)
def _k_ramp(profile: str) -> list[int]:
    """The sRGB grey level each K value (0–255) prints as."""
    ramp = Image.frombytes("CMYK", (256, 1), bytes(b for k in range(256) for b in (0, 0, 0, k)))
    printed = _apply(ramp, _transform(profile, False, INTENT_FLAT))
    return [_pixel(printed, k)[1] for k in range(256)]


def _grey_k(level: int, profile: str) -> float:
    ramp = _k_ramp(profile)
    k = min(range(256), key=lambda i: abs(ramp[i] - level))
    return round(k / 255, 3)


@lru_cache(maxsize=1024)
def cmyk_to_srgb(cmyk: CMYK, profile: str | None) -> RGB:
    """How an ink colour looks, for the preflight (contrast). Without a profile, the
    naive formula."""
    if not profile:
        c, m, y, k = cmyk
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    image = Image.new("CMYK", (1, 1), tuple(_byte(c) for c in cmyk))
    out = _pixel(_apply(image, _transform(profile, False, INTENT_FLAT)))
    return tuple(c / 255 for c in out)  # type: ignore[return-value]


def _apply(image: Image.Image, transform: ImageCms.ImageCmsTransform) -> Image.Image:
    out = ImageCms.applyTransform(image, transform)
    assert out is not None  # None only when done in place
    return out


def _pixel(image: Image.Image, x: int = 0) -> tuple[int, ...]:
    value = image.getpixel((x, 0))
    assert isinstance(value, tuple)  # a multi-band image
    return value


# --- pictures -------------------------------------------------------------------------


_SVG_COLOUR = re.compile(
    r"(?P<prop>\b(?:" + "|".join(SVG_COLOUR_PROPERTIES) + r"))"
    r"(?P<sep>\s*=\s*[\"']|\s*:\s*)(?P<value>[^\"';}<>]+)")
_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)


def svg_to_cmyk(data: bytes, convert: Callable[[RGB], CMYK]) -> bytes:
    """Rewrite an SVG's colours (attributes, ``style=""`` and ``<style>``) as
    ``device-cmyk()``. The root gets CMYK black for what SVG leaves black by default
    (``fill``, ``currentColor``). Gradient stops stay as they are (WeasyPrint 70 draws
    gradients in RGB only; the press rule reports them)."""
    text = data.decode("utf-8")

    def recolour(match: re.Match[str]) -> str:
        value = match["value"]
        if match["prop"] == "stop-color":
            return match[0]
        colour = parse_color(value.strip())
        rgb = _rgb(colour) if colour is not None and value.strip().lower() not in NOT_A_COLOUR else None
        if rgb is None:
            return match[0]
        trailing = value[len(value.rstrip()):]
        return f"{match['prop']}{match['sep']}{_css_cmyk(convert(rgb))}{trailing}"

    text = _SVG_COLOUR.sub(recolour, text)
    root = _SVG_ROOT.search(text)
    if root:
        tag = root[0]
        extra = "".join(f' {name}="{_css_cmyk((0, 0, 0, 1))}"' for name in ("fill", "color")
                        if not re.search(rf"\s{name}\s*=", tag))
        if extra:
            text = text[:root.start() + 4] + extra + text[root.start() + 4:]
    return text.encode("utf-8")


def _css_cmyk(cmyk: CMYK) -> str:
    return "device-cmyk(" + " ".join(f"{c:g}" for c in cmyk) + ")"


def raster_to_cmyk(data: bytes, profile: str) -> bytes:
    """A photo or drawing in inks: converted with its own embedded profile (else sRGB),
    perceptual intent, transparency flattened onto white paper, written as a
    high-quality CMYK JPEG. Grey pictures stay grey (black ink only) and CMYK ones as
    they are (DeviceGray prints in black ink)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode == "CMYK":
        return data
    if image.mode in ("1", "L", "LA", "La", "I", "I;16"):
        grey = image.convert("LA")
        flat = Image.new("L", image.size, 255)
        flat.paste(grey.getchannel("L"), mask=grey.getchannel("A"))
        return _save(flat, "PNG")
    source = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"])) if image.info.get("icc_profile") \
        else ImageCms.createProfile("sRGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    cmyk = ImageCms.profileToProfile(flat, source, _profile(profile), renderingIntent=INTENT_PHOTO,
                                     outputMode="CMYK")
    assert cmyk is not None  # None only when done in place
    return _save(cmyk, "JPEG")


def _save(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    else:
        image.save(out, kind)
    return out.getvalue()
