"""gen.code.html: L1 heading, list and link; L2 semantic layout with a table; L3 an
accessible inline SVG bar chart. Checked with html.parser."""

from __future__ import annotations

import json

from skillir.profiler.instance import Instance, rng_for, write

P = "gen.code.html"
FRUITS = "apple banana cherry damson elder fig grape hazel kiwi lemon mango nectarine".split()

_PARSE = '''
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = []; self.stack = []; self.text = {}
    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs))); self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag: pass
    def handle_data(self, data):
        if self.stack and data.strip():
            self.text.setdefault(self.stack[-1], []).append(data.strip())
def parse(path):
    t = read(path)
    if t is None or not t.lstrip().startswith('<'): return None
    p = P(); p.feed(t); return p
'''


def _check(body: str, spec: dict) -> dict:
    return {"kind": "python", "name": "html",
            "code": _PARSE + f"SPEC = json.loads({json.dumps(json.dumps(spec))})\n" + body}


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        title = f"{r.choice(['My', 'Our', 'The'])} {r.choice(['Fruit', 'Orchard', 'Market'])} List"
        items = r.sample(FRUITS, r.randint(3, 5))
        url = f"https://example.org/{r.choice(FRUITS)}"
        prompt = (f"Write page.html: an HTML page with an <h1> '{title}', an unordered list "
                  f"(<ul>) with the items {', '.join(items)} in that order, and a link "
                  f"(<a>) to {url}.")
        html = (f"<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>\n"
                f"<h1>{title}</h1>\n<ul>\n" + "".join(f"  <li>{i}</li>\n" for i in items)
                + f"</ul>\n<a href=\"{url}\">more</a>\n</body></html>\n")
        spec = {"title": title, "items": items, "url": url}
        body = ("def check(ws):\n    p = parse('page.html')\n    if p is None: return False, "
                "'page.html missing or not an HTML document'\n    if p.text.get('h1') != [SPEC['title']]: return "
                "False, 'h1 wrong'\n    if p.text.get('li') != SPEC['items']: return False, "
                "'list items wrong'\n    if not any(t == 'ul' for t, a in p.tags): return False, "
                "'no ul'\n    if not any(t == 'a' and a.get('href') == SPEC['url'] for t, a in "
                "p.tags): return False, 'link missing'\n    return True, 'ok'\n")
        files_out = "page.html"
    elif level == 2:
        cols = ["name", "colour", "price"]
        rows = [[f, r.choice(["red", "green", "yellow"]), str(r.randint(1, 9))]
                for f in r.sample(FRUITS, r.randint(3, 5))]
        prompt = ("Write page.html with semantic HTML: a <header>, a <main> holding a <table> "
                  "with a <thead> row of the column names name, colour, price and a <tbody> "
                  "with these rows in order: " + "; ".join(", ".join(x) for x in rows)
                  + ", and a <footer>.")
        html = ("<!DOCTYPE html>\n<html><body>\n<header><h1>Fruit</h1></header>\n<main>\n"
                "<table>\n<thead><tr>" + "".join(f"<th>{c}</th>" for c in cols)
                + "</tr></thead>\n<tbody>\n" + "".join(
                    "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
                + "</tbody>\n</table>\n</main>\n<footer>end</footer>\n</body></html>\n")
        spec = {"cols": cols, "cells": [c for row in rows for c in row]}
        body = ("def check(ws):\n    p = parse('page.html')\n    if p is None: return False, "
                "'page.html missing or not an HTML document'\n    tags = [t for t, a in p.tags]\n    for t in "
                "('header', 'main', 'footer', 'table', 'thead', 'tbody'):\n        if t not in "
                "tags: return False, 'no ' + t\n    if p.text.get('th') != SPEC['cols']: return "
                "False, 'header cells wrong'\n    if p.text.get('td') != SPEC['cells']: return "
                "False, 'body cells wrong'\n    return True, 'ok'\n")
        files_out = "page.html"
    else:
        vals = [r.randint(2, 40) for _ in range(r.randint(4, 7))]
        label = r.choice(["Monthly sales", "Rainfall", "Visitors"])
        prompt = (f"Write chart.html: a page with an inline <svg> bar chart of the values "
                  f"{', '.join(map(str, vals))} (in that order). Make it accessible: the <svg> "
                  f"has role=\"img\" and aria-label=\"{label}\", and a <title> child. Draw one "
                  f"<rect> per value, left to right, whose height attribute is the value times "
                  f"5, and no other <rect>.")
        rects = "".join(f'  <rect x="{10 + 30 * i}" y="{220 - 5 * v}" width="20" '
                        f'height="{5 * v}"/>\n' for i, v in enumerate(vals))
        html = (f"<!DOCTYPE html>\n<html><body>\n<svg role=\"img\" aria-label=\"{label}\" "
                f"width=\"{30 * len(vals) + 20}\" height=\"230\" viewBox=\"0 0 "
                f"{30 * len(vals) + 20} 230\">\n  <title>{label}</title>\n{rects}</svg>\n"
                "</body></html>\n")
        spec = {"label": label, "heights": [5 * v for v in vals]}
        body = ("def check(ws):\n    p = parse('chart.html')\n    if p is None: return False, "
                "'chart.html missing or not an HTML document'\n    svg = [a for t, a in p.tags if t == 'svg']\n"
                "    if not svg or svg[0].get('role') != 'img' or svg[0].get('aria-label') != "
                "SPEC['label']: return False, 'svg role/aria-label wrong'\n    if not any(t == "
                "'title' for t, a in p.tags): return False, 'no title'\n    hs = []\n    for t, "
                "a in p.tags:\n        if t == 'rect':\n            try: hs.append(float(a.get("
                "'height')))\n            except (TypeError, ValueError): return False, "
                "'rect height not a number'\n    if hs != [float(h) for h in SPEC['heights']]: "
                "return False, 'bar heights ' + str(hs)\n    return True, 'ok'\n")
        files_out = "chart.html"
    return Instance(P, level, seed, prompt, (_check(body, spec),), (write(files_out, html),))
