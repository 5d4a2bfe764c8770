#!/usr/bin/env python3
"""Draws the home-screen icons (public/icons/*.png) from the same picture as favicon.svg:
a green disc with a white clock hand. Plain Python (zlib), so no image library is needed.
Run once when the picture changes; the PNGs are committed."""
import math, os, struct, zlib

BRAND = (0x0B, 0x5C, 0x4F)
WHITE = (0xFF, 0xFF, 0xFF)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "public", "icons")


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def coverage(size, inside):
    """Anti-aliased: 4 x 4 samples per pixel."""
    def cov(x, y):
        n = 0
        for i in range(4):
            for j in range(4):
                if inside((x + (i + 0.5) / 4) / size * 32, (y + (j + 0.5) / 4) / size * 32):
                    n += 1
        return n / 16
    return cov


def draw(size, full_bleed):
    scale = 0.8 if full_bleed else 1.0  # a maskable icon keeps its picture in the middle 80 %
    def at(u, v):  # picture coordinates (0..32) after scaling round the centre
        return 16 + (u - 16) / scale, 16 + (v - 16) / scale
    def disc(u, v):
        x, y = at(u, v)
        return full_bleed or math.hypot(x - 16, y - 16) <= 15
    def hand(u, v):
        x, y = at(u, v)
        return seg_dist(x, y, 16, 7, 16, 16) <= 1.5 or seg_dist(x, y, 16, 16, 22, 20) <= 1.5
    d, h = coverage(size, disc), coverage(size, hand)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            a, w = d(x, y), h(x, y)
            rgb = [round(BRAND[k] * (1 - w) + WHITE[k] * w) for k in range(3)]
            row += bytes(rgb + [round(255 * max(a, w))])
        rows.append(bytes(row))
    return rows


def png(path, size, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = zlib.compress(b"".join(rows), 9)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


os.makedirs(OUT, exist_ok=True)
for name, size, full in [("icon-192.png", 192, False), ("icon-512.png", 512, False), ("maskable-512.png", 512, True), ("apple-touch-icon.png", 180, True)]:
    png(os.path.join(OUT, name), size, draw(size, full))
    print(name)
