#!/usr/bin/env python3
# Look at a binary PPM screendump.
#
#   ppm.py FILE X,Y ...        print the colour (rrggbb) at each point
#   ppm.py FILE count RRGGBB   print how many pixels have that colour
import sys


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise SystemExit("ppm: %s is not an 8-bit binary PPM" % path)
    return int(fields[1]), int(fields[2]), data[pos + 1:]


def main():
    width, height, pixels = load(sys.argv[1])

    def colour(x, y):
        off = (y * width + x) * 3
        return pixels[off:off + 3].hex()

    if sys.argv[2] == "count":
        want = bytes.fromhex(sys.argv[3])
        print(sum(1 for i in range(0, width * height * 3, 3)
                  if pixels[i:i + 3] == want))
        return
    for point in sys.argv[2:]:
        x, y = (int(v) for v in point.split(","))
        print(colour(x, y))


if __name__ == "__main__":
    main()
