"""Write a deterministic, invented ACLED-shaped CSV of N rows in the 31 columns.

`python bench/generate_acled.py 1000000 /tmp/acled-1m.csv`: Ukrainian admin1 regions
weighted as in the real ACLED Ukraine sample (Donetsk about 40%), with a tenth of the
events in the Russian border regions so that a country filter has something to leave
out; about 3,600 settlements with fixed coordinates (a place recurs, as in ACLED); the
sub-event type mix of the real sample; about 2,000 actors; dates 2018-2025; notes
text. The same N and seed always give the same bytes. Nothing here is ACLED data.

`--distinct-places` gives the same rows with nearly every place its own: the row
number added to the location name, the coordinates moved by 1e-4 degree a row
(wrapping every 10,000 rows). That is the file that made PostgreSQL imports grow
quadratically (issue 19, bench/IMPORT-NOTES.md), kept as a benchmark of its own."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from tracker.formats.acled.write import ACLED_COLUMNS

REGIONS = [  # weight, country, ISO numeric, admin1, latitude, longitude
    (37, "Ukraine", 804, "Donetsk", 48.0159, 37.8028),
    (11, "Ukraine", 804, "Kharkiv", 49.9935, 36.2304),
    (11, "Ukraine", 804, "Zaporizhia", 47.8388, 35.1396),
    (11, "Ukraine", 804, "Kherson", 46.6354, 32.6169),
    (7, "Ukraine", 804, "Sumy", 50.9077, 34.7981),
    (5, "Ukraine", 804, "Luhansk", 48.574, 39.3078),
    (2, "Ukraine", 804, "Dnipropetrovsk", 48.4647, 35.0462),
    (2, "Ukraine", 804, "Chernihiv", 51.4982, 31.2893),
    (1, "Ukraine", 804, "Mykolaiv", 46.975, 31.9946),
    (1, "Ukraine", 804, "Odesa", 46.4825, 30.7233),
    (1, "Ukraine", 804, "Kyiv City", 50.4501, 30.5234),
    (1, "Ukraine", 804, "Lviv", 49.8397, 24.0297),
    (5, "Russia", 643, "Belgorod", 50.5954, 36.5873),
    (3, "Russia", 643, "Kursk", 51.7304, 36.1926),
    (2, "Russia", 643, "Bryansk", 53.2434, 34.3637),
]
SETTLEMENTS_PER_REGION = 240
TYPES = [  # weight (% of the real sample), event_type, sub_event_type, disorder_type
    (66, "Explosions/Remote violence", "Shelling/artillery/missile attack", "PV"),
    (18, "Battles", "Armed clash", "PV"),
    (9, "Explosions/Remote violence", "Air/drone strike", "PV"),
    (3, "Strategic developments", "Disrupted weapons use", "SD"),
    (2, "Explosions/Remote violence", "Remote explosive/landmine/IED", "PV"),
    (1, "Protests", "Peaceful protest", "DM"),
    (0.5, "Violence against civilians", "Attack", "PV"),
    (0.3, "Strategic developments", "Looting/property destruction", "SD"),
    (0.2, "Battles", "Non-state actor overtakes territory", "PV"),
    (0.1, "Strategic developments", "Agreement", "SD"),
]
DISORDER = {
    "PV": "Political violence",
    "SD": "Strategic developments",
    "DM": "Demonstrations",
}
ACTORS_PER_SIDE = 1000
DISTINCT_STEP = 1e-4  # degrees a distinct place moves per row
DISTINCT_WRAP = 10_000  # rows before the move starts again: at most one degree


def settlements(rng: random.Random) -> list[tuple]:
    """Fixed places: (weight, country, iso, admin1, location, latitude, longitude)."""
    places = []
    for weight, country, iso, admin1, lat, lon in REGIONS:
        for i in range(SETTLEMENTS_PER_REGION):
            places.append(
                (
                    weight / SETTLEMENTS_PER_REGION,
                    country,
                    iso,
                    admin1,
                    f"{admin1} settlement {i}",
                    round(lat + rng.uniform(-0.5, 0.5), 4),
                    round(lon + rng.uniform(-0.5, 0.5), 4),
                )
            )
    return places


def rows(
    count: int, seed: int = 2025, *, distinct_places: bool = False
) -> Iterator[dict[str, object]]:
    """Yield `count` invented rows, the same for the same seed; with
    `distinct_places`, each row's place made its own (module docstring)."""
    rng = random.Random(seed)
    places = settlements(rng)
    place_weights = [p[0] for p in places]
    type_weights = [t[0] for t in TYPES]
    russian = [
        f"Military Forces of Russia (2000-) Unit {i}" for i in range(ACTORS_PER_SIDE)
    ]
    ukrainian = [
        f"Military Forces of Ukraine (2019-) Unit {i}" for i in range(ACTORS_PER_SIDE)
    ]
    actors = russian + ukrainian
    start = dt.date(2018, 1, 1)
    for n in range(count):
        _, event_type, sub, disorder = rng.choices(TYPES, type_weights)[0]
        _, country, iso, admin1, location, lat, lon = rng.choices(
            places, place_weights
        )[0]
        day = start + dt.timedelta(days=rng.randrange(8 * 365))
        if distinct_places:
            shift = (n % DISTINCT_WRAP) * DISTINCT_STEP
            location = f"{location} {n + 1}"
            lat, lon = round(lat + shift, 4), round(lon + shift, 4)
        yield {
            "event_id_cnty": f"{'UKR' if iso == 804 else 'RUS'}{n + 1}",
            "event_date": day.isoformat(),
            "year": day.year,
            "time_precision": rng.choices([1, 2, 3], [94, 5, 1])[0],
            "disorder_type": DISORDER[disorder],
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
            "iso": iso,
            "region": "Europe",
            "country": country,
            "admin1": admin1,
            "admin2": "",
            "admin3": "",
            "location": location,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": rng.choices([1, 2, 3], [77, 21, 2])[0],
            "source": "Invented Source; Another Invented Source",
            "source_scale": "National",
            "notes": f"On {day:%d %B %Y}, invented forces shelled positions near "
            f"{location}. Invented row {n + 1} for benchmarks.",
            "fatalities": rng.choices([0, 1, 2, 5, 20], [80, 12, 5, 2, 1])[0],
            "tags": "",
            "timestamp": 1700000000 + n,
        }


def write_acled_csv(
    count: int, path: Path, seed: int = 2025, *, distinct_places: bool = False
) -> None:
    """Write `count` rows with the header to `path`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(count, seed, distinct_places=distinct_places))


def main() -> None:
    """Write the file named on the command line: COUNT PATH [--distinct-places]."""
    count, path, *flags = sys.argv[1:]
    write_acled_csv(
        int(count), Path(path), distinct_places="--distinct-places" in flags
    )


if __name__ == "__main__":
    main()
