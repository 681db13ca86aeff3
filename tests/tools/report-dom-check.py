#!/usr/bin/env python3
"""report-dom-check.py DOM_FILE KIND [ROWS] - checks one page of the HTML
report as the browser left it (chromium --dump-dom): the page's script ran
(<body data-report="ready">), every <svg> has a width and a height above zero,
and on the index (KIND "index") the case table has ROWS rows. Prints what is
wrong; exit 1 if anything is."""
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ready = False
        self.svgs = []
        self.rows = 0
        self.in_cases = self.in_tbody = False
        self.fetches = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body" and a.get("data-report") == "ready":
            self.ready = True
        if tag == "svg":
            self.svgs.append((a.get("width"), a.get("height")))
        if tag == "table" and a.get("id") == "cases":
            self.in_cases = True
        if tag == "tbody" and self.in_cases:
            self.in_tbody = True
        if tag == "tr" and self.in_tbody:
            self.rows += 1
        for key in ("src", "href"):
            v = a.get(key) or ""
            if tag != "a" and ("://" in v and not v.startswith("file:")):
                self.fetches.append(v)

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_tbody = False
        if tag == "table":
            self.in_cases = False


def positive(v):
    try:
        return float(v) > 0
    except (TypeError, ValueError):
        return False


def main(path, kind, rows=None):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    errs = []
    if not p.ready:
        errs.append("the page's script did not run (no data-report=ready)")
    for i, (w, h) in enumerate(p.svgs):
        if not positive(w) or not positive(h):
            errs.append("svg %d has width %r height %r" % (i + 1, w, h))
    if kind == "case" and len(p.svgs) < 1:
        errs.append("a case page without a picture")
    if kind == "index" and rows is not None and p.rows != int(rows):
        errs.append("the case table has %d rows, the run %s cases" % (p.rows, rows))
    for v in p.fetches:
        errs.append("fetches from the network: %s" % v)
    for e in errs:
        print("%s: %s" % (path, e))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
