"""Draw the docs' diagrams and the performance chart as SVG, with Python alone (nothing to install or fetch).

    python3 scripts/gen_diagrams.py          # rewrite docs/diagrams/*.svg
    python3 scripts/gen_diagrams.py DIR      # write them under DIR instead (the up-to-date test)

mkdocs also runs it before every build (``hooks:`` in mkdocs.yml), writing only the files that changed.
Where a picture states what the code does, the code is asked: the classifier's causes come from
``classify()``, the signing example's canonical lines from ``sigv4.canonical_request()``, the refresh
windows from ``apiclient.credentials.refresh``, the unsigned headers from ``sigv4.UNSIGNED_HEADERS``,
the retried statuses from ``Retry()``. The chart reads ``docs/diagrams/performance.json``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from apiclient import Credentials, Retry, sigv4
from apiclient.credentials.refresh import ADVISORY_WINDOW, MANDATORY_WINDOW
from apiclient.diagnostics import classify

DOCS = Path(__file__).resolve().parent.parent / "docs"
OUT = DOCS / "diagrams"
PERFORMANCE = OUT / "performance.json"

FONT = "DejaVu Sans, Verdana, Segoe UI, Helvetica, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
SIZE = 13
LINE = 1.3
PAD_X, PAD_Y = 12, 8
MARGIN = 16

# Advance widths of DejaVu Sans in em (the widest of the fonts named above), so boxes fit the text.
_WIDTHS = dict.fromkeys("ijl'|", 0.28) | dict.fromkeys(".,:;!", 0.33) | dict.fromkeys("ft/()[] ", 0.36)
_WIDTHS |= dict.fromkeys("r-", 0.41) | dict.fromkeys('sz"*_', 0.53) | dict.fromkeys("mw", 0.9)
_WIDTHS |= dict.fromkeys("MW%@", 0.99) | dict.fromkeys("=+<>#{}~→≤≥×", 0.84) | {"I": 0.3, "J": 0.3}
_WIDTHS |= dict.fromkeys("ABCDGHKNOQRUVXYZ&", 0.78)

STYLES = {
    "step": ("#eef4fb", "#3b6ea8", ""),
    "decision": ("#fff7e0", "#a66f00", ""),
    "allow": ("#e6f4ea", "#2e7d32", ""),
    "deny": ("#fdecea", "#c62828", ""),
    "pitfall": ("#fff3e0", "#d84315", "5,3"),
    "muted": ("#f4f4f4", "#6b6b6b", ""),
    "plain": ("#ffffff", "#6b6b6b", ""),
}


def text_width(text: str, size: float = SIZE, mono: bool = False) -> float:
    if mono:
        return len(text) * 0.61 * size
    return sum(_WIDTHS.get(c, 0.64 if c.isupper() or c.isdigit() else 0.6) for c in text) * size


def _n(value: float) -> str:
    """A coordinate, rounded so the output is the same on every machine."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class Node:
    id: str
    x: float
    y: float
    lines: tuple[str, ...]
    kind: str
    w: float
    h: float
    size: float
    mono: bool
    bold_first: bool

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h / 2


@dataclass
class Edge:
    points: list[tuple[float, float]]
    label: str | None
    dashed: bool
    label_segment: int
    arrow: bool


@dataclass
class Diagram:
    """Boxes placed by their centres, joined by axis-parallel arrows; rendered as one SVG."""

    title: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    extents: list[tuple[float, float, float, float]] = field(default_factory=list)

    def node(
        self,
        id: str,
        x: float,
        y: float,
        text: str,
        kind: str = "step",
        *,
        width: float | None = None,
        size: float = SIZE,
        mono: bool = False,
        bold_first: bool = False,
    ) -> Node:
        lines = tuple(text.split("\n"))
        widths = [
            text_width(line, size, mono) * (1.1 if bold_first and i == 0 else 1)
            for i, line in enumerate(lines)
        ]
        w = width or max(widths) + 2 * PAD_X
        h = len(lines) * size * LINE + 2 * PAD_Y
        self.nodes[id] = Node(id, x, y, lines, kind, w, h, size, mono, bold_first)
        return self.nodes[id]

    def edge(
        self,
        a: str,
        b: str,
        label: str | None = None,
        *,
        via: Sequence[tuple[float, float]] = (),
        dashed: bool = False,
        label_segment: int = 0,
        arrow: bool = True,
    ) -> None:
        start, end = self.nodes[a], self.nodes[b]
        points = [_clip(start, via[0]), *via, _clip(end, via[-1])] if via else _straight(start, end)
        self.edges.append(Edge(points, label, dashed, label_segment, arrow))

    def text(
        self, x: float, y: float, text: str, *, size: float = SIZE, anchor: str = "start", bold: bool = False
    ) -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.texts.append(
            f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}"{weight}>'
            f"{escape(text)}</text>"
        )
        w = text_width(text, size) * (1.08 if bold else 1)
        left = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
        self.extents.append((left, y - size, left + w, y + size * 0.3))

    def raw(self, svg: str, box: tuple[float, float, float, float]) -> None:
        self.texts.append(svg)
        self.extents.append(box)

    def render(self, source: str) -> str:
        boxes = [(n.left, n.top, n.right, n.bottom) for n in self.nodes.values()] + self.extents
        for edge in self.edges:
            boxes += [(x, y, x, y) for x, y in edge.points]
            if edge.label:
                lx, ly = _label_point(edge)
                w = text_width(edge.label, SIZE - 2)
                boxes.append((lx - w / 2 - 4, ly - 9, lx + w / 2 + 4, ly + 9))
        x0 = min(b[0] for b in boxes) - MARGIN
        y0 = min(b[1] for b in boxes) - MARGIN
        width = max(b[2] for b in boxes) + MARGIN - x0
        height = max(b[3] for b in boxes) + MARGIN - y0
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(x0)} {_n(y0)} {_n(width)} {_n(height)}"'
            f' width="{_n(width)}" height="{_n(height)}" role="img" font-family="{FONT}" font-size="{SIZE}">',
            f"<!-- Generated by scripts/gen_diagrams.py from {source}; do not edit by hand. -->",
            f"<title>{escape(self.title)}</title>",
            "<defs>",
            '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"'
            ' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker>',
            "</defs>",
            f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        ]
        for edge in self.edges:
            out.append(_edge_svg(edge))
        for node in self.nodes.values():
            out.append(_node_svg(node))
        for edge in self.edges:
            if edge.label:
                out.append(_label_svg(edge))
        out += self.texts
        out.append("</svg>")
        return "\n".join(out) + "\n"


def _straight(a: Node, b: Node) -> list[tuple[float, float]]:
    """A vertical or horizontal arrow where the boxes overlap on an axis, else an elbow (down, across)."""
    lo, hi = max(a.left, b.left), min(a.right, b.right)
    if hi - lo > 10:
        x = a.x if lo + 5 <= a.x <= hi - 5 else (b.x if lo + 5 <= b.x <= hi - 5 else (lo + hi) / 2)
        return [(x, a.bottom), (x, b.top)] if b.y > a.y else [(x, a.top), (x, b.bottom)]
    lo, hi = max(a.top, b.top), min(a.bottom, b.bottom)
    if hi - lo > 6:
        y = a.y if lo + 3 <= a.y <= hi - 3 else (lo + hi) / 2
        return [(a.right, y), (b.left, y)] if b.x > a.x else [(a.left, y), (b.right, y)]
    corner = (a.x, b.y)
    return [_clip(a, corner), corner, _clip(b, corner)]


def _clip(node: Node, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the ray from the node's centre toward a point leaves the box."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    scales = [
        s for s in ((node.w / 2 / abs(dx)) if dx else None, (node.h / 2 / abs(dy)) if dy else None) if s
    ]
    t = min(scales) if scales else 0.0
    return node.x + dx * t, node.y + dy * t


def _label_point(edge: Edge) -> tuple[float, float]:
    i = min(edge.label_segment, len(edge.points) - 2)
    (x1, y1), (x2, y2) = edge.points[i], edge.points[i + 1]
    return (x1 + x2) / 2, (y1 + y2) / 2


def _edge_svg(edge: Edge) -> str:
    d = " ".join(f"{'M' if i == 0 else 'L'}{_n(x)},{_n(y)}" for i, (x, y) in enumerate(edge.points))
    dash = ' stroke-dasharray="4,3"' if edge.dashed else ""
    marker = ' marker-end="url(#arrow)"' if edge.arrow else ""
    return f'<path d="{d}" fill="none" stroke="#444" stroke-width="1.3"{dash}{marker}/>'


def _label_svg(edge: Edge) -> str:
    assert edge.label is not None
    x, y = _label_point(edge)
    w = text_width(edge.label, SIZE - 2) + 8
    return (
        f'<rect x="{_n(x - w / 2)}" y="{_n(y - 9)}" width="{_n(w)}" height="18" rx="3" fill="#ffffff"'
        f' stroke="#bbbbbb" stroke-width="0.6"/>'
        f'<text x="{_n(x)}" y="{_n(y + 4)}" font-size="{SIZE - 2}" text-anchor="middle" fill="#333">'
        f"{escape(edge.label)}</text>"
    )


def _node_svg(node: Node) -> str:
    fill, stroke, dash = STYLES[node.kind]
    rx = 16 if node.kind == "decision" else 6
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    parts = [
        f'<rect x="{_n(node.left)}" y="{_n(node.top)}" width="{_n(node.w)}" height="{_n(node.h)}"'
        f' rx="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="1.4"{dashes}/>'
    ]
    step = node.size * LINE
    first = node.y - (len(node.lines) - 1) * step / 2 + node.size * 0.35
    family = f' font-family="{MONO}"' if node.mono else ""
    for i, line in enumerate(node.lines):
        weight = ' font-weight="bold"' if node.bold_first and i == 0 else ""
        parts.append(
            f'<text x="{_n(node.x)}" y="{_n(first + i * step)}" font-size="{_n(node.size)}"'
            f' text-anchor="middle"{family}{weight}>{escape(line)}</text>'
        )
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------------
# (a) The authorization decision


def authorization() -> Diagram:
    d = Diagram(
        "How API Gateway decides: explicit Deny, same account (Table A), cross account (Table B), NONE"
    )
    left, right = 150, 630
    d.node("req", 390, 20, "A request reaches the method", "muted")
    d.node("auth", 390, 90, "The method's authorization?", "decision")
    # NONE: anonymous, the resource policy alone.
    d.node("none", left, 170, 'Anonymous caller: only the resource\npolicy, only Principal "*" statements')
    d.node("none_deny", left, 260, "A Deny matches?", "decision")
    d.node(
        "none_explicit",
        370,
        260,
        "EXPLICIT_DENY\nexplicit_deny_resource_policy",
        "deny",
        size=12,
        bold_first=True,
    )
    d.node("none_allow", left, 350, "No resource policy, or\nan Allow matches?", "decision")
    d.node("none_ok", 70, 450, "ALLOW", "allow", width=90)
    d.node("none_no", 215, 450, "IMPLICIT_DENY", "deny", size=12)
    # AWS_IAM: every policy that applies.
    d.node(
        "signed",
        right,
        170,
        "Signed caller (SigV4): its identity policies\n(and groups') + the API's resource policy",
    )
    d.node("deny", right, 260, "A Deny in any policy matches?", "decision")
    d.node("explicit", 880, 260, "EXPLICIT_DENY\nexplicit_deny", "deny", size=12, bold_first=True)
    d.node("acct", right, 350, "Caller's account = the API owner's?", "decision")
    d.node(
        "tableA",
        470,
        450,
        "Table A (same account):\nan Allow in the identity policy\nOR in the resource policy?",
        "decision",
    )
    d.node(
        "tableB",
        800,
        450,
        "Table B (cross account):\nan Allow in the identity policy\nAND in the resource policy?",
        "decision",
    )
    d.node("allow", 635, 570, "ALLOW", "allow", width=110)
    d.node("noA", 430, 570, "IMPLICIT_DENY\nno_allow", "deny", size=12, bold_first=True)
    d.node("noB", 860, 570, "IMPLICIT_DENY\nno_allow", "deny", size=12, bold_first=True)
    d.edge("req", "auth")
    d.edge("auth", "none", "NONE", via=[(left, 90)])
    d.edge("auth", "signed", "AWS_IAM", via=[(right, 90)])
    d.edge("none", "none_deny")
    d.edge("none_deny", "none_explicit", "yes")
    d.edge("none_deny", "none_allow", "no")
    d.edge("none_allow", "none_ok", "yes")
    d.edge("none_allow", "none_no", "no")
    d.edge("signed", "deny")
    d.edge("deny", "explicit", "yes")
    d.edge("deny", "acct", "no")
    d.edge("acct", "tableA", "same", via=[(470, 350)], label_segment=1)
    d.edge("acct", "tableB", "other", via=[(800, 350)], label_segment=1)
    a_bottom = d.nodes["tableA"].bottom
    b_bottom = d.nodes["tableB"].bottom
    d.edge("tableA", "allow", "yes", via=[(545, a_bottom), (545, 570)], label_segment=1)
    d.edge("tableA", "noA", "no")
    d.edge("tableB", "allow", "both", via=[(725, b_bottom), (725, 570)], label_segment=1)
    d.edge("tableB", "noB", "either missing")
    d.text(
        10,
        630,
        "Any explicit Deny wins (IAM policy evaluation logic). Tables A and B: API Gateway Developer",
        size=12,
    )
    d.text(10, 646, 'Guide, "How API Gateway resource policies affect authorization workflow".', size=12)
    return d


# --------------------------------------------------------------------------------------------------
# (b) The refusal classifier

ARN = "arn:aws:execute-api:us-west-2:222222222222:a1b2c3d4e5/prod/GET/products"
PRINCIPAL = "arn:aws:iam::111111111111:user/x"
NOT_AUTHORIZED = f"User: {PRINCIPAL} is not authorized to perform: execute-api:Invoke on resource: {ARN}"
# (status, x-amzn-ErrorType, the message as shown, the body sent to classify()).
CLASSIFIER_ROWS: tuple[tuple[int, str, str, str], ...] = (
    (
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
        "Missing Authentication Token",
    ),
    (
        403,
        "IncompleteSignatureException",
        "Authorization header requires ...",
        "Authorization header requires 'Credential' parameter.",
    ),
    (
        403,
        "InvalidSignatureException",
        "Signature expired: ... (... - 5 min.)",
        "Signature expired: 20260101T001500Z is now earlier than 20260101T001600Z"
        " (20260101T002100Z - 5 min.)",
    ),
    (
        403,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region",
        "Credential should be scoped to a valid region, not 'us-east-1'. ",
    ),
    (
        403,
        "InvalidSignatureException",
        "Credential should be scoped to correct service",
        "Credential should be scoped to correct service: 'execute-api'. ",
    ),
    (
        403,
        "InvalidSignatureException",
        "The request signature we calculated ...",
        "The request signature we calculated does not match the signature you provided.",
    ),
    (
        403,
        "UnrecognizedClientException",
        "The security token ... is invalid",
        "The security token included in the request is invalid.",
    ),
    (
        403,
        "ExpiredTokenException",
        "The security token ... is expired",
        "The security token included in the request is expired",
    ),
    (
        403,
        "AccessDeniedException",
        "User: ARN is not authorized ... explicit deny",
        NOT_AUTHORIZED + " with an explicit deny",
    ),
    (403, "AccessDeniedException", "User: ARN is not authorized to perform: ...", NOT_AUTHORIZED),
    (
        403,
        "AccessDeniedException",
        "User is not authorized ... explicit deny",
        "User is not authorized to access this resource with an explicit deny",
    ),
    (
        403,
        "AccessDeniedException",
        "User is not authorized to access this resource",
        "User is not authorized to access this resource",
    ),
    (401, "UnauthorizedException", "Unauthorized", "Unauthorized"),
    (403, "ForbiddenException", "Forbidden (or an empty body)", "Forbidden"),
    (403, "(none, or not API Gateway's)", "anything else", "<html>Request blocked.</html>"),
)


def classifier() -> Diagram:
    d = Diagram("The refusal classifier: status, then x-amzn-ErrorType, then the message, then the cause")
    size = 12
    rows = []
    for status, error_type, shown, body in CLASSIFIER_ROWS:
        headers = {} if error_type.startswith("(") else {"x-amzn-ErrorType": error_type}
        cause = classify(status, headers, json.dumps({"message": body})).cause
        rows.append((status, error_type, shown, cause))
    widths = [max(text_width(str(r[i]), size, mono=i == 3) for r in rows) + 2 * PAD_X for i in range(4)]
    widths[0] = max(widths[0], 64)
    gap = 34
    xs = [0.0]
    for w_prev, w in itertools.pairwise(widths):
        xs.append(xs[-1] + w_prev / 2 + gap + w / 2)
    row_h = 34
    top = 60
    heads = ("status", "x-amzn-ErrorType", "message (matched by prefix)", "cause")
    for x, head in zip(xs, heads, strict=True):
        d.text(x, 30, head, anchor="middle", bold=True)
    # Consecutive rows with the same type share one box.
    groups: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if groups and rows[groups[-1][0]][1] == row[1]:
            groups[-1] = (groups[-1][0], i)
        else:
            groups.append((i, i))
    for first, last in groups:
        y = top + (first + last) / 2 * row_h
        span = (last - first) * row_h
        status, error_type = rows[first][0], rows[first][1]
        d.node(f"s{first}", xs[0], y, str(status), "muted", width=widths[0], size=size).h = row_h - 8
        type_node = d.node(f"t{first}", xs[1], y, error_type, "decision", width=widths[1], size=size)
        type_node.h = span + row_h - 8
        d.edge(f"s{first}", f"t{first}")
        for i in range(first, last + 1):
            yi = top + i * row_h
            cause = rows[i][3]
            kind = (
                "muted"
                if cause == "unknown"
                else "deny"
                if "deny" in cause or "no_allow" in cause
                else "step"
            )
            d.node(f"m{i}", xs[2], yi, rows[i][2], "plain", width=widths[2], size=size).h = row_h - 8
            d.node(f"c{i}", xs[3], yi, cause, kind, width=widths[3], size=size, mono=True).h = row_h - 8
            d.edge(f"t{first}", f"m{i}", via=[(type_node.right, yi)])
            d.edge(f"m{i}", f"c{i}")
    bottom = top + len(rows) * row_h
    notes = (
        "A message only narrows a type to the causes that type can have; with no known type,",
        "the message alone decides. diagnose() then refines with what the client knows:",
        "forbidden_generic -> api_key | waf | private_api_vpce; an unsigned Deny ->",
        "explicit_deny_resource_policy; with the policies, the deciding statement and the smallest fix.",
    )
    for i, note in enumerate(notes):
        d.text(xs[0] - widths[0] / 2, bottom + 14 + i * 18, note, size=13)
    return d


# --------------------------------------------------------------------------------------------------
# (c) The signing pipeline


def signing() -> Diagram:
    d = Diagram("Signature Version 4 for execute-api, step by step, with the pitfalls where they bite")
    url = (
        "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com:8443/prod/my%20report/$latest?tag=a+b&q=x%2By"
    )
    canonical = sigv4.canonical_request(
        "GET",
        url,
        {"User-Agent": "my-app/1.0", "X-Note": "  two   spaces  "},
        None,
        credentials=Credentials("AKIDEXAMPLE", "example-secret"),
        region="us-west-2",
        service="execute-api",
        timestamp=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    ).split("\n")
    uri, query, host = canonical[1], canonical[2], canonical[3]
    unsigned = ", ".join(sorted(h for h in sigv4.UNSIGNED_HEADERS if h != "authorization"))
    steps = (
        ("wire", "The URL as sent on the wire\n(already percent-encoded)"),
        ("uri", f"1a. Canonical URI\nremove dot segments, encode once more\n{uri}"),
        ("query", f"1b. Canonical query\ndecode (+ is a space), re-encode, sort\n{query}"),
        ("headers", f"1c. Canonical headers\nlower-case, trim, sort; Host from the URL\n{host}"),
        ("body", "1d. Payload hash\nSHA-256 of the body (bytes, str, seekable file)"),
        ("sts", "2. String to sign\nAWS4-HMAC-SHA256, X-Amz-Date,\ndate/region/execute-api/aws4_request"),
        ("key", "3. Signing key\nHMAC chain: AWS4+secret -> date -> region\n-> service -> aws4_request"),
        ("auth", "4. Authorization header\n+ X-Amz-Date (+ X-Amz-Security-Token)"),
    )
    column = max(text_width(line) for _, text in steps for line in text.split("\n")) + 2 * PAD_X
    left = column / 2
    top = 10.0
    for i, (key, text) in enumerate(steps):
        node = d.node(
            key, left, 0, text, "muted" if key == "wire" else "step", width=column, bold_first=key != "wire"
        )
        node.y = top + node.h / 2
        top = node.bottom + 26
        if i:
            d.edge(steps[i - 1][0], key)
    pitfalls = (
        (
            "p_double",
            "uri",
            "Double encoding: %20 -> %2520 (every AWS\n"
            "service but S3); signers that decode the\n"
            "path first, or follow S3, fail",
        ),
        (
            "p_dollar",
            "uri",
            "A raw $ is not unreserved: $latest -> %24latest;\nURL libraries that keep $ sign the wrong path",
        ),
        (
            "p_plus",
            "query",
            "?tag=a+b means a space: signed tag=a%20b.\n"
            "botocore copies the query as it is and is\n"
            "refused; a literal plus is sent as %2B",
        ),
        ("p_port", "headers", "Host keeps a non-default port (:8443);\nhttps :443 and http :80 are dropped"),
        ("p_unsigned", "headers", "Never signed (proxies change them):\n" + _wrap(unsigned, 44)),
        (
            "p_clock",
            "sts",
            "The clock must be within 5 minutes of API\n"
            "Gateway's; the scope must name the API's\n"
            "region and execute-api",
        ),
        (
            "p_snapshot",
            "key",
            "One frozen credentials snapshot per\nsignature: never a new key with an old secret",
        ),
    )
    note_width = max(text_width(line, 12) for _, _, text in pitfalls for line in text.split("\n")) + 2 * PAD_X
    right = column + 40 + note_width / 2
    floor = -1e9
    for key, step, text in pitfalls:
        target = d.nodes[step]
        node = d.node(key, right, 0, text, "pitfall", width=note_width, size=12)
        node.y = max(target.y, floor + node.h / 2)
        floor = node.bottom + 8
        d.edge(key, step, dashed=True, via=[(target.right + 24, node.y), (target.right + 24, target.y)])
    return d


def _wrap(text: str, width: int) -> str:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# (d) The credential chain


def credentials() -> Diagram:
    d = Diagram("Where credentials come from: the default chain, assume_role, and the refresh windows")
    x = 200
    d.node("default", x, 20, "credentials.default()", "muted", bold_first=True)
    d.node(
        "env",
        x,
        95,
        "1. The environment\n"
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
        "AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION\n"
        "(no boto3/botocore import: the Lambda fast path)",
        bold_first=True,
    )
    chain = (
        "2. botocore's chain, in its order (AWS_PROFILE, else default):",
        "assume-role profile (role_arn + source_profile / credential_source)",
        "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)",
        "SSO, shared credentials file, credential_process, config file",
        "container-role (ECS task role, EKS Pod Identity)",
        "iam-role: EC2 instance metadata over IMDSv2",
    )
    d.node("botocore", x, 230, "\n".join(chain), bold_first=True)
    d.node("none", x, 340, "CredentialsError naming every source tried", "deny")
    d.edge("default", "env")
    d.edge("env", "botocore", "not set")
    d.edge("botocore", "none", "nothing found")
    provider = d.node(
        "provider",
        720,
        95,
        "A provider: .get() -> frozen Credentials\n(one snapshot per signature), .describe()",
        "allow",
    )
    d.edge("env", "provider", "found")
    d.edge("botocore", "provider", "found", via=[(650, 230), (650, provider.bottom)], label_segment=0)
    d.node(
        "assume",
        740,
        300,
        "assume_role(role_arn, source=any provider,\n"
        "external_id=..., mfa_serial=...,\n"
        "token_code=callable (a new code per refresh)):\n"
        "STS AssumeRole, refreshed; itself a provider,\n"
        "so roles chain",
        "step",
    )
    d.edge("provider", "assume", "source=", dashed=True)
    # The refresh windows of a one-hour session.
    lifetime = dt.timedelta(hours=1)
    advisory = min(ADVISORY_WINDOW, lifetime / 2)
    mandatory = min(MANDATORY_WINDOW, lifetime / 4)
    x0, x1, y = 40.0, 860.0, 450.0
    scale = (x1 - x0) / lifetime.total_seconds()
    a = x1 - advisory.total_seconds() * scale
    m = x1 - mandatory.total_seconds() * scale
    d.text(
        x0,
        y - 30,
        "Refresh windows of a one-hour session (temporary credentials: assume-role, web identity,"
        " instance, container)",
        bold=True,
    )
    segments = (
        (x0, a, "#e6f4ea", "fresh: every thread signs with the snapshot, no I/O"),
        (a, m, "#fff7e0", "advisory"),
        (m, x1, "#fdecea", "mandatory: all wait"),
    )
    for sx0, sx1, fill, label in segments:
        d.raw(
            f'<rect x="{_n(sx0)}" y="{_n(y - 14)}" width="{_n(sx1 - sx0)}" height="28" fill="{fill}"'
            f' stroke="#6b6b6b" stroke-width="1"/>',
            (sx0, y - 14, sx1, y + 14),
        )
        d.text((sx0 + sx1) / 2, y + 4, label, size=11, anchor="middle")
    minutes = int(lifetime.total_seconds() // 60)
    ticks = (
        (x0, "issued"),
        (a, f"-{int(advisory.total_seconds() // 60)} min"),
        (m, f"-{int(mandatory.total_seconds() // 60)} min"),
        (x1, f"expiry ({minutes} min)"),
    )
    for tx, label in ticks:
        d.raw(f'<path d="M{_n(tx)},{_n(y + 14)} L{_n(tx)},{_n(y + 22)}" stroke="#444"/>', (tx, y, tx, y + 22))
        d.text(tx, y + 36, label, size=11, anchor="end" if tx == x1 else "start" if tx == x0 else "middle")
    notes = (
        "Windows: min(15 min, L/2) and min(10 min, L/4) for a session of lifetime L. In the advisory",
        "window one thread refreshes while the others keep signing; in the mandatory window every caller",
        "waits for that one refresh. A refused token forces one refresh and one retry of the request.",
    )
    for i, note in enumerate(notes):
        d.text(x0, y + 62 + i * 17, note, size=12)
    return d


# --------------------------------------------------------------------------------------------------
# (e) One request's life in the call engine


def request_life() -> Diagram:
    d = Diagram(
        "One request's life in the call engine: sign, send, then retry, skew, refresh, redirect or refusal"
    )
    retry = Retry()
    statuses = "/".join(str(s) for s in sorted(retry.statuses))
    x, bus, right, loop = 200, 330, 690, 880
    d.node("call", x, 20, 'api.get("/products")  (Client or AsyncClient)', "muted")
    d.node(
        "snap",
        x,
        95,
        "Take one credentials snapshot:\n"
        "provider.get(), refreshed in its windows\n"
        "(forced after a refused token)",
    )
    d.node("sign", x, 185, "Sign this URL for this attempt\n(sigv4; the clock + the server's offset)")
    d.node("send", x, 260, "Send (requests or httpx)")
    d.node("decide", x, 340, "What came back?", "decision")
    d.node("ok", 70, 450, "The response,\nreturned", "allow")
    d.node(
        "denied",
        300,
        470,
        "AccessDenied(request, response, diagnosis):\n"
        "diagnose() adds the policies, STS\n"
        "who-am-I and the smallest fix",
        "deny",
    )
    branches = (
        (
            "redirect",
            140,
            "3xx + Location",
            "Same origin: re-sign the next hop;\ncross origin: send it with no credential",
        ),
        (
            "retry",
            225,
            f"error or {statuses}",
            f"Idempotent, attempts left ({retry.attempts} in all)?\nwait: backoff or Retry-After",
        ),
        (
            "skew",
            310,
            "401/403 clock skew",
            "Once per call: offset the clock by the\nserver's Date, sign again (even a POST)",
        ),
        (
            "refresh",
            395,
            "401/403 token refused",
            "Once per call: force a credentials\nrefresh, then sign again",
        ),
    )
    for key, y, label, text in branches:
        d.node(key, right, y, text, width=330)
        d.edge("decide", key, label, via=[(bus, 340), (bus, y)], label_segment=2)
        d.edge(key, "snap", via=[(loop, y), (loop, 95)], dashed=True)
    d.text(loop + 6, 240, "again", size=11)
    d.edge("call", "snap")
    d.edge("snap", "sign")
    d.edge("sign", "send")
    d.edge("send", "decide")
    d.edge("decide", "ok", "anything else", via=[(70, 340)], label_segment=1)
    d.edge("decide", "denied", "401/403, otherwise")
    d.text(
        10, 545, "Retries exhausted: the last response is returned (or the connection error raised).", size=12
    )
    d.text(10, 562, "Every attempt and every hop gets a new X-Amz-Date.", size=12)
    return d


# --------------------------------------------------------------------------------------------------
# (f) The performance chart


def performance(data: dict[str, Any]) -> Diagram:
    d = Diagram(f"Performance ratios against their goals ({data['run']})")
    metrics = data["metrics"]
    label_w = max(text_width(m.get("label", m["metric"]), 12) for m in metrics) + 16
    axis_max = max(max(m["ratio"], m["goal"]) for m in metrics) * 1.12
    x0 = label_w
    width = 420.0
    scale = width / axis_max
    bar_h, gap, top = 18, 12, 30
    d.text(0, 12, f"each ratio against its goal; run of {data['run']}", size=12, bold=True)
    step = 0.25
    tick = 0.0
    bottom = top + len(metrics) * (bar_h + gap)
    while tick <= axis_max + 1e-9:
        tx = x0 + tick * scale
        d.raw(
            f'<path d="M{_n(tx)},{_n(top - 6)} L{_n(tx)},{_n(bottom)}" stroke="#e0e0e0" stroke-width="1"/>',
            (tx, top - 6, tx, bottom),
        )
        d.text(tx, bottom + 14, f"{tick:g}", size=11, anchor="middle")
        tick = round(tick + step, 6)
    for i, m in enumerate(metrics):
        y = top + i * (bar_h + gap)
        met = (
            m["ratio"] <= m["goal"] if m.get("goal_kind", "at most") == "at most" else m["ratio"] >= m["goal"]
        )
        fill = "#66bb6a" if met else "#ef5350"
        d.text(x0 - 8, y + bar_h - 5, m.get("label", m["metric"]), size=12, anchor="end")
        d.raw(
            f'<rect x="{_n(x0)}" y="{_n(y)}" width="{_n(m["ratio"] * scale)}" height="{bar_h}"'
            f' fill="{fill}"/>',
            (x0, y, x0 + m["ratio"] * scale, y + bar_h),
        )
        gx = x0 + m["goal"] * scale
        d.raw(
            f'<path d="M{_n(gx)},{_n(y - 3)} L{_n(gx)},{_n(y + bar_h + 3)}"'
            ' stroke="#222" stroke-width="2.5"/>',
            (gx, y - 3, gx, y + bar_h + 3),
        )
        verdict = "met" if met else "missed"
        sign = "<=" if m.get("goal_kind", "at most") == "at most" else ">="
        note = f"{m['ratio']:g} (goal {sign} {m['goal']:g}: {verdict})"
        d.text(max(gx, x0 + m["ratio"] * scale) + 8, y + bar_h - 5, note, size=11)
    d.raw(
        f'<rect x="{_n(x0)}" y="{_n(bottom + 24)}" width="14" height="10" fill="#66bb6a"/>'
        f'<rect x="{_n(x0 + 90)}" y="{_n(bottom + 24)}" width="14" height="10" fill="#ef5350"/>'
        f'<path d="M{_n(x0 + 190)},{_n(bottom + 22)} L{_n(x0 + 190)},{_n(bottom + 36)}"'
        ' stroke="#222" stroke-width="2.5"/>',
        (x0, bottom + 22, x0 + 200, bottom + 36),
    )
    d.text(x0 + 18, bottom + 33, "goal met", size=11)
    d.text(x0 + 108, bottom + 33, "missed", size=11)
    d.text(x0 + 196, bottom + 33, "the goal", size=11)
    return d


# --------------------------------------------------------------------------------------------------


def render_all(performance_data: Path = PERFORMANCE) -> dict[str, str]:
    """Every diagram's SVG text, keyed by file name."""
    data = json.loads(performance_data.read_text(encoding="utf-8"))
    return {
        "authorization.svg": authorization().render("the policy engine's documented rules"),
        "classifier.svg": classifier().render("apiclient.diagnostics.classify"),
        "signing.svg": signing().render("apiclient.sigv4"),
        "credentials.svg": credentials().render("apiclient.credentials"),
        "request-life.svg": request_life().render("apiclient._call"),
        "performance.svg": performance(data).render("docs/diagrams/performance.json"),
    }


def write(directory: Path, performance_data: Path = PERFORMANCE) -> list[str]:
    """Write every diagram under ``directory``; return the names of the files that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, svg in render_all(performance_data).items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != svg:
            path.write_text(svg, encoding="utf-8")
            changed.append(name)
    return changed


def on_pre_build(config: Any, **_: Any) -> None:
    """mkdocs hook: draw the diagrams before the pages are read (writes only what changed)."""
    write(Path(config["docs_dir"]) / "diagrams")


def _names(values: Iterable[str]) -> str:
    return ", ".join(values) or "nothing"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print("changed:", _names(write(target)))
