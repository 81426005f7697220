#!/usr/bin/env python3
"""png_stats.py FILE: exit 0 when FILE is a PNG whose pixels are not all one colour.

Decodes the PNG by hand (zlib and the five scanline filters; 8-bit RGB or RGBA, not
interlaced: what Chromium's screenshots are), so the test needs no imaging library.
Prints the size and how much of the picture is not the background colour."""
import struct
import sys
import zlib


def main(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = hdr
    if depth != 8 or colour not in (2, 6) or interlace:
        sys.exit(f"{path}: PNG of depth {depth}, colour type {colour}: not decoded here")
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, pixels, i = bytearray(stride), {}, 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            px = bytes(line[x:x + 3])
            pixels[px] = pixels.get(px, 0) + 1
        prev = line
    bg, most = max(pixels.items(), key=lambda kv: kv[1])
    other = 1 - most / (w * h)
    print(f"{path}: {w}x{h}, {len(pixels)} colours, {other:.1%} not the background {bg.hex()}")
    sys.exit(0 if len(pixels) >= 8 and other >= 0.02 else 1)


main(sys.argv[1])
