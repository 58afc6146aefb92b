#!/usr/bin/env python3
"""Prints the advance widths of U+0020 to U+024F (ASCII and the Latin
letters of Western and Central European languages) in DejaVu Sans at 11 px,
in tenths of a pixel (rounded up), as the C table src/badge.c holds.  Reads the
font's own tables (cmap format 4, hmtx); standard library only.

Usage: tools/badge-widths.py [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]
"""
import math
import struct
import sys

PX = 11


def tables(font):
    count = struct.unpack_from(">H", font, 4)[0]
    out = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * i)
        out[tag.decode("latin-1")] = (offset, length)
    return out


def glyph_of(font, cmap_at):
    count = struct.unpack_from(">H", font, cmap_at + 2)[0]
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", font, cmap_at + 4 + 8 * i)
        sub = cmap_at + offset
        if platform == 3 and encoding == 1 and struct.unpack_from(">H", font, sub)[0] == 4:
            return format4(font, sub)
    sys.exit("no Unicode BMP (3,1) format 4 cmap")


def format4(font, sub):
    segs = struct.unpack_from(">H", font, sub + 6)[0] // 2
    ends = sub + 14
    starts = ends + 2 * segs + 2
    deltas = starts + 2 * segs
    ranges = deltas + 2 * segs

    def glyph(code):
        for s in range(segs):
            end, = struct.unpack_from(">H", font, ends + 2 * s)
            if code > end:
                continue
            start, = struct.unpack_from(">H", font, starts + 2 * s)
            if code < start:
                return 0
            delta, = struct.unpack_from(">h", font, deltas + 2 * s)
            roff, = struct.unpack_from(">H", font, ranges + 2 * s)
            if roff == 0:
                return (code + delta) & 0xFFFF
            at = ranges + 2 * s + roff + 2 * (code - start)
            g, = struct.unpack_from(">H", font, at)
            return (g + delta) & 0xFFFF if g else 0
        return 0
    return glyph


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    font = open(path, "rb").read()
    t = tables(font)
    units = struct.unpack_from(">H", font, t["head"][0] + 18)[0]
    metrics = struct.unpack_from(">H", font, t["hhea"][0] + 34)[0]
    glyph = glyph_of(font, t["cmap"][0])

    def advance(g):
        g = min(g, metrics - 1)
        return struct.unpack_from(">H", font, t["hmtx"][0] + 4 * g)[0]

    row = []
    for code in range(0x20, 0x250):
        tenths = math.ceil(advance(glyph(code)) * PX * 10 / units)
        row.append("%d," % tenths)
    for i in range(0, len(row), 16):
        print("\t" + " ".join(row[i:i + 16]))


main()
