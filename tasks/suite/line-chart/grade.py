"""line-chart grader (python-grade protocol): reads chart.svg with ElementTree and checks that
the drawn polylines are a faithful, shared-scale picture of data/monthly_temps.csv."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DATA = {"Oslo": [-4.3, -4.0, -0.2, 4.5, 10.8, 15.2, 16.4, 15.2, 10.8, 6.3, 0.7, -3.1],
        "Lisbon": [11.6, 12.6, 14.8, 16.2, 18.6, 21.9, 23.5, 23.9, 22.4, 19.2, 15.0, 12.4]}
TITLE = "Monthly mean temperature"
NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def _mul(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _transform(text):
    """SVG transform list (translate, scale, matrix) as an affine (a, b, c, d, e, f)."""
    m = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", text or ""):
        v = [float(x) for x in NUM.findall(args)]
        if name == "translate" and v:
            step = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            step = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "matrix" and len(v) == 6:
            step = tuple(v)
        else:
            raise ValueError(f"unsupported transform {name}({args})")
        m = _mul(m, step)
    return m


def _polylines(root):
    """[(series name, [(x, y)] in user space of the root)] for polylines with data-series."""
    found = []

    def walk(el, m):
        m = _mul(m, _transform(el.get("transform")))
        if el.tag in (SVG + "polyline", "polyline") and el.get("data-series") is not None:
            nums = [float(x) for x in NUM.findall(el.get("points", ""))]
            pts = [(m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
                   for x, y in zip(nums[0::2], nums[1::2], strict=False)]
            found.append((el.get("data-series"), pts))
        for child in el:
            walk(child, m)

    walk(root, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    return found


def _size(root):
    def num(v):
        m = NUM.match((v or "").strip())
        return float(m.group()) if m else None
    w, h = num(root.get("width")), num(root.get("height"))
    box = [float(x) for x in NUM.findall(root.get("viewBox") or "")]
    if len(box) == 4:
        return box[0], box[1], box[0] + box[2], box[1] + box[3]
    if w and h:
        return 0.0, 0.0, w, h
    return None


def _fidelity(series, bounds):
    xs = [p[0] for p in series["Oslo"]]
    if [p[0] for p in series["Lisbon"]] != xs and any(
            abs(a[0] - b[0]) > 0.5 for a, b in zip(series["Oslo"], series["Lisbon"], strict=True)):
        return False, "the two series do not share x positions"
    steps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    if min(steps) <= 0:
        return False, "x does not increase from Jan to Dec"
    mean = sum(steps) / len(steps)
    if max(abs(s - mean) for s in steps) > max(0.5, 0.01 * mean):
        return False, f"months are not evenly spaced (steps {[round(s, 1) for s in steps]})"
    vals = DATA["Oslo"] + DATA["Lisbon"]
    ys = [p[1] for p in series["Oslo"]] + [p[1] for p in series["Lisbon"]]
    mv, my = sum(vals) / len(vals), sum(ys) / len(ys)
    slope = sum((v - mv) * (y - my) for v, y in zip(vals, ys, strict=True)) / sum((v - mv) ** 2 for v in vals)
    if slope >= 0:
        return False, "higher temperatures are not drawn higher up (SVG y grows downwards)"
    worst = max(abs(y - (my + slope * (v - mv))) for v, y in zip(vals, ys, strict=True))
    span = max(ys) - min(ys)
    if worst > max(0.5, 0.005 * span):
        return False, f"y is not one linear scale of the temperatures (off by {worst:.2f} px)"
    if bounds:
        x0, y0, x1, y1 = bounds
        pts = series["Oslo"] + series["Lisbon"]
        if any(not (x0 - 0.5 <= x <= x1 + 0.5 and y0 - 0.5 <= y <= y1 + 0.5) for x, y in pts):
            return False, "some points lie outside the SVG canvas"
    return True, f"shared linear scale, {slope:.2f} px per degree"


def grade(transcript, workspace_path):
    path = Path(workspace_path) / "chart.svg"
    root, problem = None, "chart.svg missing"
    if path.is_file():
        try:
            root = ET.parse(path).getroot()
            problem = ""
        except ET.ParseError as exc:
            problem = f"chart.svg is not well-formed XML: {exc}"
    bounds = _size(root) if root is not None else None
    is_svg = root is not None and root.tag == SVG + "svg" and bounds is not None
    out = [_rec("svg-document", is_svg, 0.1,
                "chart.svg is a standalone SVG document (svg root in the SVG namespace) with "
                "width and height or a viewBox",
                problem or ("" if is_svg else f"root {root.tag}, bounds {bounds}"))]
    try:
        lines = _polylines(root) if root is not None else []
        terr = ""
    except ValueError as exc:
        lines, terr = [], str(exc)
    names = sorted(n for n, _ in lines)
    series = {n: p for n, p in lines}
    ok_series = names == ["Lisbon", "Oslo"]
    out.append(_rec("one-polyline-per-city", ok_series, 0.15,
                    "there is exactly one <polyline> per city, marked data-series=\"Oslo\" and "
                    "data-series=\"Lisbon\"", terr or f"found series {names}"))
    counts = {n: len(p) for n, p in series.items()}
    ok_count = ok_series and all(c == 12 for c in counts.values())
    out.append(_rec("twelve-points", ok_count, 0.1,
                    "each polyline has 12 points, one per month", f"points per series {counts}"))
    fid, why = _fidelity(series, bounds) if ok_count else (False, "needs 12 points per city")
    out.append(_rec("data-fidelity", fid, 0.55,
                    "the points are the data: months Jan..Dec at evenly spaced, increasing x "
                    "shared by both cities; y one linear scale for both cities with higher "
                    "temperatures higher up; every point on the canvas", why))
    texts = []
    if root is not None:
        texts = [" ".join("".join(el.itertext()).split()) for el in root.iter()
                 if el.tag in (SVG + "text", SVG + "title", "text", "title",
                               SVG + "tspan", "tspan")]
    missing = [w for w in [TITLE, *MONTHS, "Oslo", "Lisbon"] if not any(w in t for t in texts)]
    out.append(_rec("labels", root is not None and not missing, 0.1,
                    f"the chart shows the title '{TITLE}', the 12 month labels Jan..Dec and a "
                    "legend naming Oslo and Lisbon as SVG text", f"missing {missing}"))
    return out
