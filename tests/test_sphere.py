"""geo.sphere: geodesic distances on WGS84, and the sphere bounds the indexes search with."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.sphere import (
    A_KM,
    ABS_SLACK,
    R_MAX_KM,
    R_MIN_KM,
    REL_SLACK,
    chord_to_angle,
    geodesic_km,
    slack,
    unit_vectors,
)

SETTINGS = settings(max_examples=200, deadline=None)


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """One geodesic distance through the vectorised function."""
    return float(geodesic_km(*(np.array([v], dtype=float) for v in (lon1, lat1, lon2, lat2)))[0])


def angle(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Angle (radians) between two lon/lat directions, from their unit vectors' chord."""
    u = unit_vectors(np.array([lon1, lon2]), np.array([lat1, lat2]))
    return float(chord_to_angle(np.array([np.linalg.norm(u[0] - u[1])]))[0])


def dms(degrees: int, minutes: int, seconds: float) -> float:
    return degrees + minutes / 60 + seconds / 3600


# -- constants ------------------------------------------------------------------------


def test_wgs84_radii() -> None:
    # a, a (1 - e^2) (meridional radius at the equator), a / sqrt(1 - e^2) (at the poles)
    assert A_KM == 6378.137
    assert pytest.approx(6335.439327, abs=1e-6) == R_MIN_KM
    assert pytest.approx(6399.593626, abs=1e-6) == R_MAX_KM


# -- known distances ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lon1", "lat1", "lon2", "lat2", "expected_km", "tolerance_km"),
    [
        pytest.param(0, 0, 1, 0, A_KM * math.pi / 180, 1e-9, id="one-degree-of-equator"),
        pytest.param(179.5, 0, -179.5, 0, A_KM * math.pi / 180, 1e-9, id="equator-antimeridian"),
        pytest.param(0, 0, 0, 90, 10_001.965729, 1e-6, id="meridian-quadrant"),
        pytest.param(0, -90, 0, 90, 20_003.931459, 1e-6, id="pole-to-pole"),
        pytest.param(0, 0, 180, 0, 20_003.931459, 1e-6, id="antipodes-on-equator-over-a-pole"),
        # Vincenty (1975), Flinders Peak to Buninyong: 54 972.271 m
        pytest.param(
            dms(144, 25, 29.52440),
            -dms(37, 57, 3.72030),
            dms(143, 55, 35.38390),
            -dms(37, 39, 10.15610),
            54.972271,
            1e-6,
            id="vincenty-flinders-peak-buninyong",
        ),
        # README: geo query distance rocb-europe samur -> 186.2 km
        pytest.param(49.892, 40.3777, 48.4303, 41.6367, 186.2, 0.05, id="readme-baku-samur"),
    ],
)
def test_known_distances(
    lon1: float, lat1: float, lon2: float, lat2: float, expected_km: float, tolerance_km: float
) -> None:
    assert km(lon1, lat1, lon2, lat2) == pytest.approx(expected_km, abs=tolerance_km)


@pytest.mark.parametrize(("lon1", "lon2"), [(0.0, 123.0), (-180.0, 180.0), (45.0, -135.0)])
@pytest.mark.parametrize("lat", [90.0, -90.0])
def test_longitude_does_not_matter_at_a_pole(lon1: float, lon2: float, lat: float) -> None:
    assert km(lon1, lat, lon2, lat) == pytest.approx(0.0, abs=1e-9)


@given(lat=st.floats(-90, 90))
@settings(max_examples=50, deadline=None)
def test_both_ends_of_the_date_line_are_one_meridian(lat: float) -> None:
    assert km(-180.0, lat, 180.0, lat) == pytest.approx(0.0, abs=1e-9)


# -- shapes -----------------------------------------------------------------------------


def test_keeps_the_shape_of_its_arguments() -> None:
    lon = np.array([[0.0, 10.0], [20.0, 30.0]])
    lat = np.zeros((2, 2))
    result = geodesic_km(lon, lat, lon + 1.0, lat)
    assert result.shape == (2, 2)
    np.testing.assert_allclose(result, A_KM * math.pi / 180, rtol=1e-12)


def test_accepts_lists_and_scalars() -> None:
    assert geodesic_km([0.0], [0.0], [1.0], [0.0]).shape == (1,)
    assert float(geodesic_km(0.0, 0.0, 1.0, 0.0)) == pytest.approx(A_KM * math.pi / 180)


def test_empty_arrays_give_an_empty_result() -> None:
    empty = np.zeros(0)
    result = geodesic_km(empty, empty, empty, empty)
    assert result.shape == (0,) and result.dtype == float


# -- properties ---------------------------------------------------------------------------

#: Anywhere, near and on the antimeridian, near and at the poles.
points = st.one_of(
    st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
    st.tuples(st.floats(179, 180) | st.floats(-180, -179), st.floats(-90, 90)),
    st.tuples(st.floats(-180, 180), st.floats(88, 90) | st.floats(-90, -88)),
    st.sampled_from([(0.0, 90.0), (0.0, -90.0), (180.0, 0.0), (-180.0, 0.0), (0.0, 0.0)]),
)


@SETTINGS
@given(a=points, b=points)
def test_chord_angle_bounds_the_geodesic(a: tuple[float, float], b: tuple[float, float]) -> None:
    """``R_MIN_KM * theta <= d <= R_MAX_KM * theta``: the indexes rely on it to never miss."""
    theta = angle(*a, *b)
    d = km(*a, *b)
    assert R_MIN_KM * theta * (1 - 1e-9) - 1e-9 <= d
    assert d <= R_MAX_KM * theta * (1 + 1e-9) + 1e-9
    assert d <= R_MAX_KM * slack(theta)


@SETTINGS
@given(a=points, b=points)
def test_symmetric(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert km(*a, *b) == pytest.approx(km(*b, *a), rel=1e-12, abs=1e-9)


@SETTINGS
@given(a=points)
def test_zero_for_the_same_point(a: tuple[float, float]) -> None:
    assert km(*a, *a) == 0.0


@SETTINGS
@given(a=points, b=points, c=points)
def test_triangle_inequality(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    assert km(*a, *c) <= km(*a, *b) + km(*b, *c) + 1e-6


@SETTINGS
@given(a=points, b=points)
def test_never_longer_than_half_a_meridian(a: tuple[float, float], b: tuple[float, float]) -> None:
    d = km(*a, *b)
    assert 0.0 <= d <= 20_003.931459


# -- unit vectors, chords and slack -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (0.0, 0.0, (1.0, 0.0, 0.0)),
        (90.0, 0.0, (0.0, 1.0, 0.0)),
        (180.0, 0.0, (-1.0, 0.0, 0.0)),
        (-180.0, 0.0, (-1.0, 0.0, 0.0)),
        (123.0, 90.0, (0.0, 0.0, 1.0)),
        (0.0, -90.0, (0.0, 0.0, -1.0)),
    ],
)
def test_unit_vectors_known(lon: float, lat: float, expected: tuple[float, float, float]) -> None:
    got = unit_vectors(np.array([lon]), np.array([lat]))
    assert got.shape == (1, 3)
    np.testing.assert_allclose(got[0], expected, atol=1e-15)


@SETTINGS
@given(a=points, b=points)
def test_chord_angle_is_the_haversine_angle(a: tuple[float, float], b: tuple[float, float]) -> None:
    (lon1, lat1), (lon2, lat2) = (np.radians(a), np.radians(b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    haversine = 2 * math.asin(min(1.0, math.sqrt(h)))
    assert angle(*a, *b) == pytest.approx(haversine, abs=1e-7)


@pytest.mark.parametrize(
    ("chord", "expected"),
    [(0.0, 0.0), (math.sqrt(2), math.pi / 2), (2.0, math.pi), (2.5, math.pi), (-0.1, 0.0)],
)
def test_chord_to_angle_clips(chord: float, expected: float) -> None:
    assert chord_to_angle(np.array([chord]))[0] == pytest.approx(expected, abs=1e-15)


@given(theta=st.floats(0, math.pi))
@settings(max_examples=50, deadline=None)
def test_slack_widens(theta: float) -> None:
    widened = slack(theta)
    assert widened - theta >= ABS_SLACK * (1 - 1e-6)
    assert widened >= theta * (1 + REL_SLACK)


def test_slack_works_on_arrays() -> None:
    np.testing.assert_array_equal(
        slack(np.array([0.0, 1.0])), [ABS_SLACK, 1 + REL_SLACK + ABS_SLACK]
    )
