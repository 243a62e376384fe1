"""Screenshot docs pages at 1280 px in headless Chromium, to look for output that runs off the page.

    python3 scripts/screenshot_docs.py                    # build, shoot: /tmp/apiclient-docs-screenshots
    python3 scripts/screenshot_docs.py --site /tmp/site   # shoot an already built site
    python3 scripts/screenshot_docs.py --out DIR --width 1024

The site is served on 127.0.0.1 by this process; Chromium (Debian: ``apt-get install chromium``) runs
with a fresh profile and no background networking, so nothing but the local site is loaded. Open the
PNGs and look: the long lines of explain's DENIED and fix output and of the signing example's
Authorization header should wrap inside their blocks, and the diagrams fit the column.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (file name, page path, window height): each page from its top down past its longest lines. (An
# anchor in the URL scrolls, and a headless screenshot of a scrolled page is drawn out of place.)
PAGES = (
    ("explain", "explain/", 2300),
    ("signing", "signing/", 2500),
    ("diagnoses", "diagnoses/", 2200),
)
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _browser(given: str | None) -> str:
    for name in (given,) if given else BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    sys.exit(f"no Chromium found (tried {', '.join(BROWSERS)}): apt-get install -y chromium")


def _build(site: Path) -> None:
    subprocess.run(  # noqa: S603 - this interpreter and fixed arguments
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        check=True,
    )


def shoot(site: Path, out: Path, *, width: int = 1280, browser: str | None = None) -> list[Path]:
    """Serve ``site`` on 127.0.0.1 and write one PNG per page of ``PAGES`` under ``out``."""
    chromium = _browser(browser)
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shots = []
    try:
        for name, page, height in PAGES:
            png = out / f"{name}-{width}.png"
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(  # noqa: S603 - the browser found on PATH, fixed arguments
                    [
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--no-first-run",
                        f"--user-data-dir={profile}",
                        "--hide-scrollbars",
                        "--virtual-time-budget=5000",
                        f"--window-size={width},{height}",
                        f"--screenshot={png}",
                        f"http://127.0.0.1:{server.server_address[1]}/{page}",
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
            shots.append(png)
    finally:
        server.shutdown()
        server.server_close()
    return shots


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "apiclient-docs-screenshots"
    )
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--browser", help="the Chromium executable (default: the first found on PATH)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        site = args.site
        if site is None:
            site = Path(scratch) / "site"
            _build(site)
        for png in shoot(site, args.out, width=args.width, browser=args.browser):
            print(png)


if __name__ == "__main__":
    main()
