"""Points copied from Chinese web maps, turned into WGS84, the system OC4IDS publishes (GeoJSON).

Maps published in China must offset their coordinates: 高德 and 腾讯 use GCJ-02 (国测局坐标), 百度
adds its own BD-09 on top of it. GPS receivers, 天地图 and maps outside China use WGS84. The offset
is the published formula (Krasovsky ellipsoid) used by every open converter; GCJ-02 → WGS84 has no
closed form, so it is solved by iterating the forward formula until the point maps onto the one
entered (to 1e-9°, well under a centimetre). Outside mainland China no offset is applied.

Coordinates are geodesy, not money: they are computed in floats and stored as Decimal with seven
places (models.Publication)."""

import math
from decimal import ROUND_HALF_EVEN, Decimal

from opendata.choices import CoordinateSystem

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formula has it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0  # BD-09's own rotation constant
PLACES = Decimal("0.0000001")


def outside_china(longitude, latitude):
    """The rough box outside which GCJ-02 applies no offset (as every converter has it)."""
    return not (72.004 <= longitude <= 137.8347 and 0.8293 <= latitude <= 55.8271)


def _latitude_shift(x, y):
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return shift


def _longitude_shift(x, y):
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return shift


def wgs84_to_gcj02(longitude, latitude):
    """The GCJ-02 point a Chinese map shows for WGS84 ``longitude``, ``latitude`` (floats)."""
    if outside_china(longitude, latitude):
        return longitude, latitude
    d_lat = _latitude_shift(longitude - 105.0, latitude - 35.0)
    d_lon = _longitude_shift(longitude - 105.0, latitude - 35.0)
    radians = latitude / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radians) ** 2
    root = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * root) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / root * math.cos(radians) * math.pi)
    return longitude + d_lon, latitude + d_lat


def gcj02_to_wgs84(longitude, latitude):
    """The WGS84 point whose GCJ-02 image is ``longitude``, ``latitude``: the forward formula
    inverted by fixed-point iteration (the offset changes slowly, so it converges in a few steps)."""
    if outside_china(longitude, latitude):
        return longitude, latitude
    wgs_lon, wgs_lat = longitude, latitude
    for _ in range(30):
        gcj_lon, gcj_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        miss_lon, miss_lat = gcj_lon - longitude, gcj_lat - latitude
        if abs(miss_lon) < 1e-9 and abs(miss_lat) < 1e-9:
            break
        wgs_lon, wgs_lat = wgs_lon - miss_lon, wgs_lat - miss_lat
    return wgs_lon, wgs_lat


def bd09_to_gcj02(longitude, latitude):
    """百度's BD-09 point back to GCJ-02 (the published closed form)."""
    x, y = longitude - 0.0065, latitude - 0.006
    radius = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    angle = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return radius * math.cos(angle), radius * math.sin(angle)


def to_wgs84(longitude, latitude, system):
    """The WGS84 point, as Decimals of seven places, for a point entered in ``system`` (a
    CoordinateSystem); a WGS84 point is kept as entered, only rounded to the seven places."""
    if system == CoordinateSystem.WGS84:
        return _decimal(longitude), _decimal(latitude)
    lon, lat = float(longitude), float(latitude)
    if system == CoordinateSystem.BD09:
        lon, lat = bd09_to_gcj02(lon, lat)
    elif system != CoordinateSystem.GCJ02:
        raise ValueError(f"Unknown coordinate system: {system!r}")
    lon, lat = gcj02_to_wgs84(lon, lat)
    return _decimal(repr(lon)), _decimal(repr(lat))


def _decimal(value):
    return Decimal(value).quantize(PLACES, ROUND_HALF_EVEN)
