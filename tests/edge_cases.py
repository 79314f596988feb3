"""A catalogue of points with a known answer, reused across tests.

Each case: (name, lat, lon, expected iso3 or None, expected region or None, member).
"""

from __future__ import annotations

CASES = [
    # name, lat, lon, iso3, region, member
    ("Baku (ROCB Europe)", 40.41, 49.87, "AZE", "EUR", True),
    ("Samur village on the AZE-RUS border", 41.6367, 48.4303, "AZE", "EUR", True),
    ("Maseru, Lesotho, an enclave in South Africa", -29.31, 27.48, "LSO", "ESA", True),
    ("Bloemfontein, South Africa around Lesotho", -29.12, 26.21, "ZAF", "ESA", True),
    ("Vatican City, an enclave in Rome", 41.9029, 12.4534, "VAT", None, False),
    ("Malé, Maldives, a small island Member", 4.1755, 73.5093, "MDV", "AP", True),
    ("Funafuti, Tuvalu, a non-member island state", -8.5211, 179.1983, "TUV", None, False),
    ("Port of Mombasa, coastal (snaps to Kenya)", -4.0547, 39.6636, "KEN", "ESA", True),
    ("Port of Rotterdam", 51.95, 4.14, "NLD", "EUR", True),
    ("Mid-Atlantic, at sea", 0.0, -30.0, None, None, False),
    ("Point Nemo, at sea", -48.8767, -123.3933, None, None, False),
    ("Taipei, non-member territory", 25.03, 121.56, "TWN", None, False),
    ("Nuuk, Greenland, non-member territory", 64.18, -51.72, "GRL", None, False),
    ("Laayoune, Western Sahara, disputed", 27.15, -13.2, "ESH", None, False),
    ("Hong Kong, a customs territory Member", 22.2783, 114.1747, "HKG", "AP", True),
    ("Pristina, Kosovo (Natural Earth -99)", 42.6629, 21.1655, "XKX", "EUR", True),
    ("Paris, France (Natural Earth -99)", 48.8566, 2.3522, "FRA", "EUR", True),
    ("Oslo, Norway (Natural Earth -99)", 59.9139, 10.7522, "NOR", "EUR", True),
    ("Suva, Fiji, near the antimeridian", -18.1368, 178.4253, "FJI", "AP", True),
    ("Apia, Samoa, across the antimeridian", -13.8333, -171.7667, "WSM", "AP", True),
    ("Hargeisa, Somaliland counts as Somalia", 9.56, 44.065, "SOM", "ESA", True),
    ("Kyrenia, Northern Cyprus counts as Cyprus", 35.34, 33.32, "CYP", "EUR", True),
    ("Montevideo (ROCB Americas)", -34.9033, -56.1882, "URY", "AC", True),
    ("Abidjan (ROCB WCA)", 5.3544, -4.0017, "CIV", "WCA", True),
    ("Abu Dhabi (ROCB MENA)", 24.4512, 54.397, "ARE", "MENA", True),
    ("South Pole", -90.0, 0.0, "ATA", None, False),
    ("North Pole, sea ice", 90.0, 0.0, None, None, False),
]
