"""reason.logic: L1 a syllogism (yes/no); L2 a seating puzzle with a unique solution;
L3 a minimum-cost assignment."""

from __future__ import annotations

import itertools

from skillir.profiler.instance import ANSWER, ANSWER_RULE, Instance, answer, number_check, rng_for

P = "reason.logic"
KINDS = ["bloops", "razzies", "lazzies", "wugs", "daxes", "feps", "tooks"]
PEOPLE = ["Ann", "Bob", "Cat", "Dev", "Eve"]


def _seat_facts(order: list[str], r) -> list[tuple[str, str, str]]:
    facts = []
    for a, b in itertools.permutations(order, 2):
        if order.index(a) + 1 == order.index(b):
            facts.append(("left", a, b))
        if abs(order.index(a) - order.index(b)) > 1:
            facts.append(("apart", a, b))
    for a in order:
        facts.append(("seat", a, str(order.index(a) + 1)))
        if order.index(a) not in (0, len(order) - 1):
            facts.append(("notend", a, ""))
    r.shuffle(facts)
    return facts


def _holds(f: tuple[str, str, str], order: tuple[str, ...]) -> bool:
    kind, a, b = f
    if kind == "left":
        return order.index(a) + 1 == order.index(b)
    if kind == "apart":
        return abs(order.index(a) - order.index(b)) > 1
    if kind == "seat":
        return order.index(a) + 1 == int(b)
    return order.index(a) not in (0, len(order) - 1)


def _say(f: tuple[str, str, str]) -> str:
    kind, a, b = f
    return {"left": f"{a} sits immediately to the left of {b}.",
            "apart": f"{a} and {b} do not sit next to each other.",
            "seat": f"{a} sits in seat {b}.",
            "notend": f"{a} does not sit at either end."}[kind]


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        x, y, z = r.sample(KINDS, 3)
        name = r.choice(PEOPLE)
        form = r.choice(["all", "no"])
        first = f"All {x} are {y}." if form == "all" else f"No {x} are {y}."
        q = f"{first} {name} is one of the {x}. Is {name} one of the {y}? Answer yes or no."
        value = "yes" if form == "all" else "no"
        checks = ({"kind": "text", "name": "answer", "path": ANSWER, "expected": value, "mode": "ci"},)
        return Instance(P, level, seed, f"{q} {ANSWER_RULE}", checks, (answer(value),))
    if level == 2:
        people = r.sample(PEOPLE, r.choice([4, 5]))
        order = people[:]
        r.shuffle(order)
        facts: list[tuple[str, str, str]] = []
        pool = [f for f in _seat_facts(order, r) if f[0] != "seat"] + \
            [f for f in _seat_facts(order, r) if f[0] == "seat"]
        for f in pool:
            sols = [p for p in itertools.permutations(people) if all(_holds(g, p) for g in facts)]
            if len(sols) == 1:
                break
            facts.append(f)
        sols = [p for p in itertools.permutations(people) if all(_holds(g, p) for g in facts)]
        assert len(sols) == 1
        q = (f"{len(people)} people ({', '.join(sorted(people))}) sit in a row of seats "
             f"numbered 1 to {len(people)} from left to right. " + " ".join(map(_say, facts))
             + " Who sits in each seat? Answer with the names in seat order, separated by "
             "commas (e.g. A,B,C).")
        value = ",".join(order)
        checks = ({"kind": "python", "name": "order", "code":
                   f"def check(ws):\n    t = read({ANSWER!r})\n    if t is None: return False, "
                   f"'no answer'\n    got = [x.strip() for x in t.strip().split(',')]\n    return "
                   f"got == {order!r}, 'order ' + str(got)\n"},)
        return Instance(P, level, seed, f"{q} {ANSWER_RULE}", checks, (answer(value),))
    n = r.choice([3, 4])
    workers, tasks = PEOPLE[:n], [f"T{i + 1}" for i in range(n)]
    cost = [[r.randint(1, 30) for _ in range(n)] for _ in range(n)]
    best = min(sum(cost[i][p[i]] for i in range(n)) for p in itertools.permutations(range(n)))
    table = "; ".join(f"{w}: " + ", ".join(f"{t}={cost[i][j]}" for j, t in enumerate(tasks))
                      for i, w in enumerate(workers))
    q = (f"Assign each of {n} workers to exactly one of {n} tasks (one worker per task) so the "
         f"total cost is as small as possible. Costs: {table}. What is the minimum total cost?")
    return Instance(P, level, seed, f"{q} {ANSWER_RULE}", (number_check(best),), (answer(best),))
