"""tool.browser: local HTML files, no real browser (as SkVM). L1 the text of an element by
id; L2 an HTML table to CSV; L3 follow next-page links across pages behind a login page."""

from __future__ import annotations

from skillir.profiler.generators._words import NOUNS
from skillir.profiler.instance import ANSWER, ANSWER_RULE, Instance, py_heredoc, rng_for, run

P = "tool.browser"


def _page(body: str, title: str = "page") -> str:
    return f"<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>\n{body}\n</body></html>\n"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        ids = r.sample(["price", "stock", "sku", "rating", "owner", "status"], 5)
        vals = {i: f"{r.choice(NOUNS)}-{r.randint(10, 99)}" for i in ids}
        target = r.choice(ids)
        body = "\n".join(f'<div class="row"><span id="{i}">{v}</span></div>' for i, v in vals.items())
        files = {"site/product.html": _page(body)}
        q = (f"Open site/product.html and report the text of the element whose id is "
             f"'{target}'.")
        code = (f"import re\nt = open('site/product.html').read()\nv = re.search(r'id=\"{target}\""
                f">([^<]*)<', t).group(1)\nopen({ANSWER!r}, 'w').write(v + '\\n')")
        checks = ({"kind": "text", "name": "answer", "path": ANSWER, "expected": vals[target]},)
        return Instance(P, level, seed, f"{q} {ANSWER_RULE}", checks, (run(py_heredoc(code)),),
                        files)
    if level == 2:
        rows = [[r.choice(NOUNS), str(r.randint(1, 99)), r.choice(["yes", "no"])]
                for _ in range(r.randint(4, 8))]
        table = ("<table id=\"stock\">\n<tr><th>item</th><th>qty</th><th>active</th></tr>\n"
                 + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n"
                           for row in rows) + "</table>")
        files = {"site/stock.html": _page("<h1>Stock</h1>\n" + table)}
        q = ("Open site/stock.html and save its table as stock.csv: a header row item,qty,active "
             "then one row per table row, in order.")
        code = ("import csv, re\nt = open('site/stock.html').read()\nrows = [re.findall("
                "r'<t[hd]>([^<]*)</t[hd]>', tr) for tr in re.findall(r'<tr>(.*?)</tr>', t)]\n"
                "csv.writer(open('stock.csv', 'w', newline='')).writerows(rows)")
        checks = ({"kind": "csv", "name": "csv", "path": "stock.csv",
                   "rows": [["item", "qty", "active"]] + rows},)
        return Instance(P, level, seed, q, checks, (run(py_heredoc(code)),), files)
    n = r.randint(3, 5)
    names = [f"site/p{r.randint(100, 999)}_{i}.html" for i in range(n)]
    token = f"{r.choice(NOUNS)}{r.randint(100, 999)}"
    items: list[str] = []
    files = {"site/login.html": _page(
        f'<form action="members.html"><input name="token"></form>\n<p>Members enter with the '
        f'access token <code id="token">{token}</code>; the member area starts at '
        f'<a id="start" href="{names[0].split("/")[1]}?token={token}">the first page</a>.</p>')}
    for i, name in enumerate(names):
        here = [f"{r.choice(NOUNS)}-{r.randint(10, 99)}" for _ in range(r.randint(2, 4))]
        items += here
        nxt = (f'<a class="next" href="{names[i + 1].split("/")[1]}?token={token}">next</a>'
               if i + 1 < n else "<p>last page</p>")
        files[name] = _page("<ul>\n" + "".join(f'<li class="item">{x}</li>\n' for x in here)
                            + f"</ul>\n{nxt}")
    q = ("Start at site/login.html: it tells you the access token and the first page of the "
         "member area. Follow the 'next' links from page to page until the last page, and "
         "write items.txt with the text of every <li class=\"item\"> element, one per line, in "
         "the order you meet them.")
    code = ("import re\nt = open('site/login.html').read()\npage = re.search(r'id=\"start\" "
            "href=\"([^\"?]*)', t).group(1)\nout = []\nwhile page:\n    t = open('site/' + page)"
            ".read()\n    out += re.findall(r'<li class=\"item\">([^<]*)</li>', t)\n    m = "
            "re.search(r'class=\"next\" href=\"([^\"?]*)', t)\n    page = m.group(1) if m else "
            "None\nopen('items.txt', 'w').write('\\n'.join(out) + '\\n')")
    checks = ({"kind": "text", "name": "items", "path": "items.txt", "mode": "lines",
               "expected": "\n".join(items)},)
    return Instance(P, level, seed, q, checks, (run(py_heredoc(code)),), files)
