"""What container tags and EXIF say about where, when and with what a picture or recording was made.

Video and audio: QuickTime/MP4 ``location`` / ``com.apple.quicktime.location.ISO6709`` (ISO 6709 strings
such as ``+48.4647+035.0462+112.000/``), ``creation_time`` / ``com.apple.quicktime.creationdate`` / ``date``,
``com.apple.quicktime.make`` + ``model`` (Android: ``com.android.manufacturer`` + ``model``).
Images: EXIF Make, Model, DateTimeOriginal (else DateTime) and the GPS IFD.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LOCATION_KEYS = ("com.apple.quicktime.location.ISO6709", "location", "location-eng", "com.android.location")
_CREATED_KEYS = ("com.apple.quicktime.creationdate", "creation_time", "date", "DATE", "creation_date")
_MAKE_KEYS = ("com.apple.quicktime.make", "com.android.manufacturer", "make", "Make")
_MODEL_KEYS = ("com.apple.quicktime.model", "com.android.model", "model", "Model")
_ISO6709 = re.compile(r"^\s*([+-]\d+(?:\.\d*)?)([+-]\d+(?:\.\d*)?)([+-]\d+(?:\.\d*)?)?(?:CRS[^/]*)?/?\s*$")

# EXIF tag numbers
MAKE, MODEL, DATETIME = 0x010F, 0x0110, 0x0132
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011


def parse_iso6709(text: str) -> tuple[float, float] | None:
    """(lat, lon) in degrees from an ISO 6709 point: ±DD[.D], ±DDMM[.M] or ±DDMMSS[.S] for latitude and
    ±DDD, ±DDDMM, ±DDDMMSS for longitude; None if it is not one or lies off the globe."""
    m = _ISO6709.match(text or "")
    if not m:
        return None
    lat, lon = _angle(m.group(1), 2), _angle(m.group(2), 3)
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    return round(lat, 6), round(lon, 6)


def _angle(text: str, degree_digits: int) -> float | None:
    sign = -1.0 if text[0] == "-" else 1.0
    whole, _, frac = text[1:].partition(".")
    fraction = float(f"0.{frac}") if frac else 0.0
    if len(whole) == degree_digits:
        return sign * (int(whole) + fraction)
    if len(whole) == degree_digits + 2:
        return sign * (int(whole[:degree_digits]) + (int(whole[degree_digits:]) + fraction) / 60)
    if len(whole) == degree_digits + 4:
        d, mi, s = int(whole[:degree_digits]), int(whole[degree_digits : degree_digits + 2]), int(whole[-2:])
        return sign * (d + mi / 60 + (s + fraction) / 3600)
    return None


def first(tags: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = tags.get(key)
        if value and str(value).strip():
            return str(value).strip()
    return None


def location_of(tags: Mapping[str, str]) -> tuple[float, float] | None:
    for key in _LOCATION_KEYS:
        if tags.get(key) and (point := parse_iso6709(str(tags[key]))):
            return point
    return None


def created_of(tags: Mapping[str, str]) -> str | None:
    return first(tags, _CREATED_KEYS)


def device_of(make: str | None, model: str | None) -> str | None:
    make, model = (make or "").strip(" \x00"), (model or "").strip(" \x00")
    if make and model.lower().startswith(make.lower()):
        return model
    return " ".join(p for p in (make, model) if p) or None


def device_from_tags(tags: Mapping[str, str]) -> str | None:
    return device_of(first(tags, _MAKE_KEYS), first(tags, _MODEL_KEYS))


def exif_facts(exif: Any) -> dict[str, Any]:
    """created, device, lat, lon (those present) from a Pillow ``Image.Exif``."""
    facts: dict[str, Any] = {}
    sub = exif.get_ifd(EXIF_IFD) if exif else {}
    created = sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if created:
        created = str(created).strip(" \x00")
        if offset := sub.get(OFFSET_TIME_ORIGINAL):
            created += str(offset).strip(" \x00")
        facts["created"] = created
    if device := device_of(_text(exif.get(MAKE)), _text(exif.get(MODEL))):
        facts["device"] = device
    gps = exif.get_ifd(GPS_IFD) if exif else {}
    lat, lon = _gps_degrees(gps.get(2), gps.get(1)), _gps_degrees(gps.get(4), gps.get(3))
    if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180 and (lat, lon) != (0.0, 0.0):
        facts["lat"], facts["lon"] = round(lat, 6), round(lon, 6)
    return facts


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value) if value is not None else None


def _gps_degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    ref = _text(ref) or ""
    return -degrees if ref.strip(" \x00").upper() in ("S", "W") else degrees
