"""Points copied from Chinese web maps turned into WGS84 (opendata.coordinates), checked against the
reference vectors of coordtransform (wandergis), the open converter most Chinese GIS code copies."""

from decimal import Decimal

import pytest

from opendata.choices import CoordinateSystem
from opendata.coordinates import bd09_to_gcj02, gcj02_to_wgs84, outside_china, to_wgs84, wgs84_to_gcj02

# Points in China, WGS84: 平顶山 (the demo's city), 北京 天安门, 上海, 乌鲁木齐, 哈尔滨, 三亚, 拉萨.
CHINA = [
    (113.3, 33.74),
    (116.404, 39.915),
    (121.4737, 31.2304),
    (87.6168, 43.8256),
    (126.6425, 45.7567),
    (109.5, 18.25),
    (91.1, 29.65),
]
# Points outside the box the offset applies in: London, New York, Sydney, Tokyo, Moscow.
ABROAD = [(-0.1276, 51.5072), (-74.006, 40.7128), (151.2093, -33.8688), (139.76, 35.68), (37.6173, 55.7558)]


def test_wgs84_to_gcj02_matches_coordtransform():
    longitude, latitude = wgs84_to_gcj02(116.404, 39.915)
    assert longitude == pytest.approx(116.41024449916938, abs=1e-9)
    assert latitude == pytest.approx(39.91640428150164, abs=1e-9)


def test_bd09_to_gcj02_matches_coordtransform():
    longitude, latitude = bd09_to_gcj02(116.404, 39.915)
    assert longitude == pytest.approx(116.39762729119315, abs=1e-9)
    assert latitude == pytest.approx(39.90865673957631, abs=1e-9)


@pytest.mark.parametrize("point", CHINA)
def test_the_offset_moves_a_point_in_china_by_tens_to_hundreds_of_metres(point):
    longitude, latitude = wgs84_to_gcj02(*point)
    moved = max(abs(longitude - point[0]), abs(latitude - point[1]))
    assert 0.0005 < moved < 0.01  # about 50 m to 1 km: the offset is there, and no more than that


@pytest.mark.parametrize("point", CHINA)
def test_gcj02_to_wgs84_inverts_the_forward_formula(point):
    longitude, latitude = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
    assert longitude == pytest.approx(point[0], abs=1e-7)
    assert latitude == pytest.approx(point[1], abs=1e-7)


@pytest.mark.parametrize("point", ABROAD)
def test_points_outside_china_are_not_moved(point):
    assert outside_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


@pytest.mark.parametrize("point", CHINA)
def test_points_in_china_are_inside_the_box(point):
    assert not outside_china(*point)


def test_to_wgs84_from_gcj02_gives_seven_place_decimals_of_the_inverse():
    gcj = wgs84_to_gcj02(113.3, 33.74)
    longitude, latitude = to_wgs84(Decimal(repr(gcj[0])), Decimal(repr(gcj[1])), CoordinateSystem.GCJ02)
    assert isinstance(longitude, Decimal) and isinstance(latitude, Decimal)
    assert longitude.as_tuple().exponent == latitude.as_tuple().exponent == -7
    assert (longitude, latitude) == (Decimal("113.3000000"), Decimal("33.7400000"))


def test_to_wgs84_from_bd09_goes_through_gcj02():
    longitude, latitude = to_wgs84(Decimal("116.404"), Decimal("39.915"), CoordinateSystem.BD09)
    expected = gcj02_to_wgs84(*bd09_to_gcj02(116.404, 39.915))
    assert longitude.as_tuple().exponent == latitude.as_tuple().exponent == -7
    assert float(longitude) == pytest.approx(expected[0], abs=5e-8)
    assert float(latitude) == pytest.approx(expected[1], abs=5e-8)
    # BD-09 lies further from WGS84 than GCJ-02 does: both offsets are taken off.
    assert abs(float(longitude) - 116.404) > abs(expected[0] - bd09_to_gcj02(116.404, 39.915)[0])


def test_to_wgs84_from_wgs84_keeps_the_point_as_entered():
    entered = (Decimal("113.3037271"), Decimal("33.7414475"))
    assert to_wgs84(*entered, CoordinateSystem.WGS84) == entered
    longitude, latitude = to_wgs84(*entered, CoordinateSystem.WGS84)
    assert longitude.as_tuple().exponent == latitude.as_tuple().exponent == -7


def test_to_wgs84_from_wgs84_only_rounds_to_seven_places_half_even():
    longitude, latitude = to_wgs84(Decimal("113.30372715"), Decimal("33.74144745"), CoordinateSystem.WGS84)
    assert (longitude, latitude) == (Decimal("113.3037272"), Decimal("33.7414474"))
    assert to_wgs84(Decimal("113"), Decimal("34"), "wgs84") == (Decimal("113.0000000"), Decimal("34.0000000"))


@pytest.mark.parametrize("system", CoordinateSystem.values)
def test_to_wgs84_returns_seven_place_decimals_for_every_system(system):
    longitude, latitude = to_wgs84(Decimal("113.306265"), Decimal("33.738547"), system)
    for value in (longitude, latitude):
        assert isinstance(value, Decimal)
        assert value.as_tuple().exponent == -7


@pytest.mark.parametrize("system", [CoordinateSystem.GCJ02, CoordinateSystem.BD09])
def test_to_wgs84_from_a_chinese_map_moves_the_point_back(system):
    longitude, latitude = to_wgs84(Decimal("113.306265"), Decimal("33.738547"), system)
    assert longitude < Decimal("113.306265")  # the offsets push 平顶山 east; WGS84 lies west of it
    assert Decimal("0.001") < abs(longitude - Decimal("113.306265")) < Decimal("0.02")


def test_to_wgs84_abroad_from_gcj02_keeps_the_point():
    assert to_wgs84(Decimal("-0.1276"), Decimal("51.5072"), CoordinateSystem.GCJ02) == (
        Decimal("-0.1276000"),
        Decimal("51.5072000"),
    )


def test_to_wgs84_refuses_an_unknown_system():
    with pytest.raises(ValueError, match="Unknown coordinate system"):
        to_wgs84(Decimal("113.3"), Decimal("33.74"), "cgcs2000")
