"""reason.spatial: L1 Euclidean or Manhattan distance; L2 the area of a triangle from its
vertices; L3 the great-circle (haversine) distance."""

from __future__ import annotations

import math

from skillir.profiler.instance import ANSWER_RULE, Instance, answer, number_check, rng_for

P = "reason.spatial"
CITIES = {"Paris": (48.8566, 2.3522), "Tokyo": (35.6762, 139.6503), "Lima": (-12.0464, -77.0428),
          "Cairo": (30.0444, 31.2357), "Sydney": (-33.8688, 151.2093),
          "Oslo": (59.9139, 10.7522), "Nairobi": (-1.2921, 36.8219),
          "Denver": (39.7392, -104.9903)}


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        a = (r.randint(-20, 20), r.randint(-20, 20))
        b = (r.randint(-20, 20), r.randint(-20, 20))
        if r.random() < 0.5:
            q = f"What is the Manhattan distance between the points {a} and {b}?"
            value, tol = abs(a[0] - b[0]) + abs(a[1] - b[1]), 1e-6
        else:
            q = (f"What is the Euclidean distance between the points {a} and {b}, rounded to 2 "
                 "decimals?")
            value, tol = round(math.dist(a, b), 2), 0.0051
    elif level == 2:
        def draw() -> list[tuple[float, float]]:
            return [(r.randint(-100, 100) / 10, r.randint(-100, 100) / 10) for _ in range(3)]

        def area(pts: list[tuple[float, float]]) -> float:
            (x1, y1), (x2, y2), (x3, y3) = pts
            return abs(x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2)) / 2

        pts = draw()
        while area(pts) < 1 or round(area(pts), 2) == round(area(pts)):
            pts = draw()  # no degenerate and no whole-number areas
        value = round(area(pts), 2)
        q = (f"A triangle has vertices {pts[0]}, {pts[1]} and {pts[2]}. What is its area, "
             "rounded to 2 decimals?")
        tol = 0.0051
    else:
        c1, c2 = r.sample(sorted(CITIES), 2)
        (la1, lo1), (la2, lo2) = CITIES[c1], CITIES[c2]
        p1, p2 = math.radians(la1), math.radians(la2)
        h = (math.sin((p2 - p1) / 2) ** 2
             + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2)
        value = round(2 * 6371.0 * math.asin(math.sqrt(h)), 1)
        q = (f"Treat the Earth as a sphere of radius 6371 km. What is the great-circle distance "
             f"in km between {c1} ({la1}, {lo1}) and {c2} ({la2}, {lo2}) (latitude, longitude in "
             f"degrees), rounded to 1 decimal?")
        tol = 0.51
    shown = f"{value:.2f}" if isinstance(value, float) and level < 3 else value
    return Instance(P, level, seed, f"{q} {ANSWER_RULE}", (number_check(value, tol),),
                    (answer(shown),))
