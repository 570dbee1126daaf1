"""Colour management for artwork: sRGB (or a picture's own ICC profile) to the output intent's
CMYK, computed by littleCMS through Pillow's ImageCms.

One rendering intent for everything, the common prepress default: relative colorimetric with
black point compensation. Neutral vector colours (``#000``, ``#777``, ``gray``) go to the black
plate only, at the ink value that prints the same lightness: small type and hairlines in four
inks would show every registration error. Pictures are separated by the profile as they are.

Everything here is deterministic: the same colour and profile give the same numbers, the same
picture the same JPEG bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

from PIL import Image, ImageCms

INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
FLAGS = ImageCms.Flags.BLACKPOINTCOMPENSATION
#: How converted pictures are stored: WeasyPrint 70 places CMYK pictures only as JPEG (its
#: other path re-encodes as PNG, which has no CMYK). 4:4:4 keeps edges of line art clean.
JPEG_OPTIONS = {"format": "JPEG", "quality": 95, "subsampling": 0, "optimize": False}


class ColourConverter:
    """Conversions into one CMYK output profile; every colour converted once."""

    def __init__(self, icc: str | Path):
        data = Path(icc).read_bytes()
        self.profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        self.description = (ImageCms.getProfileDescription(self.profile) or Path(icc).name).strip()
        self._srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        self._colours: dict[tuple[int, int, int], tuple[float, float, float, float]] = {}
        self._pictures: dict[str, ImageCms.ImageCmsTransform] = {}

    @functools.cached_property
    def _rgb(self) -> ImageCms.ImageCmsTransform:
        return ImageCms.buildTransform(self._srgb, self.profile, "RGB", "CMYK", INTENT, FLAGS)

    @functools.cached_property
    def _black_ramp(self) -> list[int]:
        """L* (0-255) printed by 0 ... 100 % black ink alone, by 8-bit ink value."""
        lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
        transform = ImageCms.buildTransform(self.profile, lab, "CMYK", "LAB", INTENT, FLAGS)
        ramp = Image.new("CMYK", (256, 1))
        ramp.putdata([(0, 0, 0, k) for k in range(256)])
        return list(transform.apply(ramp).tobytes()[0::3])  # the L of each L, a, b

    @functools.cached_property
    def _grey_lightness(self) -> ImageCms.ImageCmsTransform:
        lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
        return ImageCms.buildTransform(self._srgb, lab, "RGB", "LAB", INTENT, FLAGS)

    def cmyk(self, rgb: tuple[int, int, int]) -> tuple[float, float, float, float]:
        """An 8-bit sRGB colour as CMYK fractions (0-1) of the output profile."""
        if rgb not in self._colours:
            if rgb[0] == rgb[1] == rgb[2]:
                self._colours[rgb] = (0.0, 0.0, 0.0, self._black_only(rgb[0]) / 255)
            else:
                pixel = self._rgb.apply(Image.new("RGB", (1, 1), rgb)).getpixel((0, 0))
                self._colours[rgb] = tuple(v / 255 for v in pixel)
        return self._colours[rgb]

    def _black_only(self, grey: int) -> int:
        """The black ink value whose print is as light as the sRGB grey ``grey``."""
        if grey == 255:
            return 0
        wanted = self._grey_lightness.apply(Image.new("RGB", (1, 1), (grey,) * 3)).getpixel((0, 0))[0]
        ramp = self._black_ramp
        return min(range(256), key=lambda k: (abs(ramp[k] - wanted), -k))

    def picture(self, image: Image.Image) -> Image.Image:
        """An RGB picture (``image.info['icc_profile']`` honoured) separated to CMYK."""
        source = image.info.get("icc_profile")
        key = hashlib.sha256(source).hexdigest() if source else "sRGB"
        if key not in self._pictures:
            profile = self._srgb
            if source:
                try:
                    own = ImageCms.ImageCmsProfile(io.BytesIO(source))
                    if own.profile.xcolor_space.strip() == "RGB":
                        profile = own
                except (OSError, ImageCms.PyCMSError):
                    pass  # an unreadable embedded profile: the picture is taken as sRGB
            self._pictures[key] = ImageCms.buildTransform(profile, self.profile, "RGB", "CMYK",
                                                          INTENT, FLAGS)
        return self._pictures[key].apply(image.convert("RGB"))


def jpeg(image: Image.Image) -> bytes:
    """``image`` as the JPEG WeasyPrint embeds unchanged (no metadata, so no dates or paths)."""
    out = io.BytesIO()
    image.save(out, **JPEG_OPTIONS)
    return out.getvalue()


def css_cmyk(cmyk: tuple[float, float, float, float], alpha: float = 1.0) -> str:
    """``device-cmyk(c m y k)`` (with ``/ alpha`` when not opaque), as WeasyPrint reads it in
    CSS and SVG."""
    values = " ".join(f"{round(v, 4):g}" for v in cmyk)
    if alpha < 1:
        return f"device-cmyk({values} / {round(alpha, 4):g})"
    return f"device-cmyk({values})"
