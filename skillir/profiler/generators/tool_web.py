"""tool.web: query a local HTTP API. L1 a simple GET, one field; L2 query parameters;
L3 two endpoints and pagination.

Where the server runs: the sandbox (bubblewrap, `--unshare-net`) has its own network
namespace, so a server the profiler started on the host's 127.0.0.1 is out of its reach,
and sharing the host network would give the model the whole network. So, as SkVM does
(its agent starts `server.js`), the instance ships `api/server.py` (standard library only,
its data built in) and the prompt tells the agent to start it and query it on 127.0.0.1
inside the sandbox, in the same command (a command's processes end with it). The grader
checks the answer only; the data is in no file the agent is told about besides the
server's own source.
"""

from __future__ import annotations

import json

from skillir.profiler.instance import (
    ANSWER,
    ANSWER_RULE,
    Instance,
    number_check,
    py_heredoc,
    rng_for,
    run,
)

P = "tool.web"
SERVER = '''"""A small JSON API on 127.0.0.1 (a free port, written to api/port)."""
import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DATA = json.loads(%r)
PAGE = 3


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        if u.path == "/api/status":
            body = DATA["status"]
        elif u.path == "/api/items":
            items = [i for i in DATA["items"] if "category" not in q or i["category"] == q["category"]]
            if "max_price" in q:
                items = [i for i in items if i["price"] <= float(q["max_price"])]
            body = {"items": items, "count": len(items)}
        elif u.path == "/api/users":
            page = int(q.get("page", "1"))
            users = DATA["users"][(page - 1) * PAGE:page * PAGE]
            more = page * PAGE < len(DATA["users"])
            body = {"users": users, "page": page, "next_page": page + 1 if more else None}
        elif u.path == "/api/orders":
            body = {"orders": [o for o in DATA["orders"] if str(o["user_id"]) == q.get("user_id")]}
        else:
            self.send_response(404); self.end_headers(); return
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "port.tmp"), "w") as fh:
    fh.write(str(srv.server_address[1]))
os.replace(os.path.join(here, "port.tmp"), os.path.join(here, "port"))
srv.serve_forever()
'''
START = ("import subprocess, time, os, json, urllib.request\n"
         "if os.path.exists('api/port'): os.remove('api/port')\n"
         "srv = subprocess.Popen(['python3', 'api/server.py'])\n"
         "while not os.path.exists('api/port'): time.sleep(0.05)\n"
         "base = 'http://127.0.0.1:' + open('api/port').read()\n"
         "get = lambda p: json.load(urllib.request.urlopen(base + p))\n")


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    cats = ["tools", "books", "games", "food"]
    data = {"status": {"service": "shop", "build": f"b{r.randint(1000, 9999)}",
                       "region": r.choice(["eu", "us", "ap"])},
            "items": [{"id": i, "category": r.choice(cats), "price": r.randint(1, 200)}
                      for i in range(1, r.randint(15, 25))],
            "users": [{"id": u, "name": f"user{u}"} for u in range(1, r.randint(6, 11))],
            "orders": []}
    for u in data["users"]:
        for _ in range(r.randint(0, 3)):
            data["orders"].append({"user_id": u["id"], "amount": r.randint(5, 300)})
    files = {"api/server.py": SERVER % json.dumps(data)}
    intro = ("A JSON HTTP API is available: start it with `python3 api/server.py &`; it "
             "listens on 127.0.0.1 and writes its port to api/port. Start it and query it in "
             "the same command (it stops when that command ends), e.g. `python3 api/server.py "
             "& sleep 1; curl -s http://127.0.0.1:$(cat api/port)/api/status`. ")
    if level == 1:
        field = r.choice(["build", "region"])
        q = intro + f"GET /api/status and report the value of its '{field}' field."
        want = data["status"][field]
        code = START + f"v = get('/api/status')[{field!r}]\n"
        checks = ({"kind": "text", "name": "answer", "path": ANSWER, "expected": want},)
    elif level == 2:
        cat, cap = r.choice(cats), r.randint(50, 150)
        q = intro + (f"GET /api/items with the query parameters category={cat} and "
                     f"max_price={cap}, and report the sum of the prices of the items returned.")
        want = sum(i["price"] for i in data["items"] if i["category"] == cat and i["price"] <= cap)
        code = START + (f"v = sum(i['price'] for i in get('/api/items?category={cat}&"
                        f"max_price={cap}')['items'])\n")
        checks = (number_check(want),)
    else:
        q = intro + ("GET /api/users?page=1, 2, ... (follow next_page until it is null) to "
                     "list every user, then GET /api/orders?user_id=<id> for each user, and "
                     "report the total amount of all orders.")
        want = sum(o["amount"] for o in data["orders"])
        code = START + ("v, page = 0, 1\nwhile page:\n    d = get(f'/api/users?page={page}')\n"
                        "    for u in d['users']:\n        v += sum(o['amount'] for o in get("
                        "f\"/api/orders?user_id={u['id']}\")['orders'])\n"
                        "    page = d['next_page']\n")
        checks = (number_check(want),)
    code += f"srv.kill()\nos.remove('api/port')\nopen({ANSWER!r}, 'w').write(str(v) + '\\n')\n"
    return Instance(P, level, seed, f"{q} {ANSWER_RULE}", checks, (run(py_heredoc(code)),), files)
