import pytest
import test_keys_browser as k
from test_keys_browser import maps  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("i", range(4))
@pytest.mark.parametrize("slow", [6, 10])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cover(screen, maps, lang, slow, i):
    k.test_no_control_covers_a_marker_after_a_zoom_a_tap_or_a_search.__wrapped__(screen, maps, "world", slow, lang) if hasattr(k.test_no_control_covers_a_marker_after_a_zoom_a_tap_or_a_search, "__wrapped__") else k.test_no_control_covers_a_marker_after_a_zoom_a_tap_or_a_search(screen, maps, "world", slow, lang)


@pytest.mark.parametrize("i", range(4))
@pytest.mark.parametrize("slow", [6, 10])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_focus(screen, maps, lang, slow, i):
    k.test_escape_closes_the_popup_or_sheet_and_focus_returns_to_the_marker(screen, maps, "phone", slow, lang)
