"""Write a deterministic, invented ACLED-shaped CSV of N rows in the 31 columns.

`python bench/generate_acled.py 1000000 /tmp/acled-1m.csv`: Ukrainian admin1 regions
with coordinates, a type mix like the real ACLED Ukraine sample, about 2,000 actors,
dates 2018-2025 and notes text. Nothing here is ACLED data."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

from tracker.formats.acled import ACLED_COLUMNS

REGIONS = [  # admin1, latitude, longitude
    ("Donetsk", 48.0159, 37.8028),
    ("Kharkiv", 49.9935, 36.2304),
    ("Zaporizhia", 47.8388, 35.1396),
    ("Kherson", 46.6354, 32.6169),
    ("Sumy", 50.9077, 34.7981),
    ("Luhansk", 48.574, 39.3078),
    ("Dnipropetrovsk", 48.4647, 35.0462),
    ("Mykolaiv", 46.975, 31.9946),
    ("Odesa", 46.4825, 30.7233),
    ("Kyiv City", 50.4501, 30.5234),
    ("Chernihiv", 51.4982, 31.2893),
    ("Lviv", 49.8397, 24.0297),
]
TYPES = [  # weight, event_type, sub_event_type, disorder_type
    (
        66,
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "Political violence",
    ),
    (9, "Explosions/Remote violence", "Air/drone strike", "Political violence"),
    (18, "Battles", "Armed clash", "Political violence"),
    (3, "Violence against civilians", "Attack", "Political violence"),
    (2, "Strategic developments", "Disrupted weapons use", "Strategic developments"),
    (1, "Protests", "Peaceful protest", "Demonstrations"),
    (1, "Strategic developments", "Agreement", "Strategic developments"),
]


def rows(count: int, seed: int = 2025):
    """Yield `count` invented rows, the same for the same seed."""
    rng = random.Random(seed)
    weights = [t[0] for t in TYPES]
    russian = [f"Military Forces of Russia (2000-) Unit {i}" for i in range(1000)]
    actors = russian + [
        f"Military Forces of Ukraine (2019-) Unit {i}" for i in range(1000)
    ]
    start = dt.date(2018, 1, 1)
    for n in range(count):
        _, event_type, sub, disorder = rng.choices(TYPES, weights)[0]
        admin1, lat, lon = rng.choice(REGIONS)
        day = start + dt.timedelta(days=rng.randrange(8 * 365))
        yield {
            "event_id_cnty": f"UKR{n + 1}",
            "event_date": day.isoformat(),
            "year": day.year,
            "time_precision": rng.choices([1, 2, 3], [94, 5, 1])[0],
            "disorder_type": disorder,
            "event_type": event_type,
            "sub_event_type": sub,
            "actor1": rng.choice(actors),
            "assoc_actor_1": "",
            "inter1": 8,
            "actor2": "Civilians (Ukraine)"
            if rng.random() < 0.3
            else rng.choice(actors),
            "assoc_actor_2": "",
            "inter2": 7,
            "interaction": 78,
            "civilian_targeting": "",
            "iso": 804,
            "region": "Europe",
            "country": "Ukraine",
            "admin1": admin1,
            "admin2": "",
            "admin3": "",
            "location": f"{admin1} settlement {rng.randrange(300)}",
            "latitude": round(lat + rng.uniform(-0.5, 0.5), 4),
            "longitude": round(lon + rng.uniform(-0.5, 0.5), 4),
            "geo_precision": rng.choices([1, 2, 3], [77, 21, 2])[0],
            "source": "Invented Source; Another Invented Source",
            "source_scale": "National",
            "notes": f"On {day:%d %B %Y}, invented forces shelled positions near "
            f"{admin1}. Invented row {n + 1} for benchmarks.",
            "fatalities": rng.choices([0, 1, 2, 5], [80, 12, 6, 2])[0],
            "tags": "",
            "timestamp": 1700000000 + n,
        }


def main() -> None:
    """Write the file named on the command line."""
    count, path = int(sys.argv[1]), Path(sys.argv[2])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(count))


if __name__ == "__main__":
    main()
