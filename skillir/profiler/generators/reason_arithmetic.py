"""reason.arithmetic: L1 one operation; L2 discount then tax; L3 compound interest.
The answer is one number in response.txt."""

from __future__ import annotations

from skillir.profiler.instance import ANSWER_RULE, Instance, answer, number_check, rng_for

P = "reason.arithmetic"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        a, b = r.randint(12, 999), r.randint(2, 99)
        op = r.choice(["+", "-", "*", "%"])
        if op == "%":
            a = r.choice([5, 10, 15, 20, 25, 40, 75])
            q, value = f"What is {a}% of {b * 4}?", a * b * 4 / 100
        else:
            value = {"+": a + b, "-": a - b, "*": a * b}[op]
            q = f"What is {a} {op} {b}?"
        tol = 1e-6
    elif level == 2:
        price, disc, tax = r.randint(20, 900), r.choice([10, 15, 20, 25, 30]), r.choice(
            [5, 7, 8, 10, 12])
        q = (f"An item costs {price}. It is discounted by {disc}%, then a {tax}% tax is added "
             "to the discounted price. What is the final price, rounded to 2 decimals?")
        value, tol = round(price * (1 - disc / 100) * (1 + tax / 100), 2), 0.0051
    else:
        p, rate, years = r.randint(1, 50) * 1000, r.choice([3, 4, 4.5, 5, 6, 7.5]), r.randint(2, 15)
        q = (f"{p} is invested at a nominal annual rate of {rate}%, compounded monthly, for "
             f"{years} years. What is the final amount, rounded to 2 decimals?")
        value, tol = round(p * (1 + rate / 1200) ** (12 * years), 2), 0.0051
    shown = f"{value:.2f}" if level > 1 else (f"{value:g}" if isinstance(value, float)
                                               else str(value))
    return Instance(P, level, seed, f"{q} {ANSWER_RULE}", (number_check(value, tol),),
                    (answer(shown),))
