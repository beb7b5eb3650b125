#!/usr/bin/env python3
# Print the state of apple-virt's DARTs for people: generation, lock,
# the streams in use with their TCR/TTBRs and live mappings, statistics.
#
#   dart-state.py SOCKET [DART ...]   ask a running QEMU over QMP
#   dart-state.py -                   read one DART's JSON from stdin
#
# DART is a QOM path or a child of /machine (dart-pcie, dart-usb,
# dart-disp; all three by default). The JSON is the DART's "state"
# property: `qom-get /machine/dart-pcie state` in the monitor shows it raw.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import connect  # noqa: E402


def qom_get(sock_path, paths):
    command = connect(sock_path)
    for path in paths:
        reply = command({"execute": "qom-get",
                         "arguments": {"path": path, "property": "state"}})
        if "error" in reply:
            raise SystemExit("dart-state: %s: %s" %
                             (path, reply["error"]["desc"]))
        yield json.loads(reply["return"])


def show(st):
    print("%s: %s (%s layout), %d KiB pages, VA %d -> PA %d bits, "
          "%d streams, %s" % (
              st["dart"], st["compatible"], st["layout"],
              st["page-size"] // 1024, st["va-bits"], st["pa-bits"],
              st["num-streams"],
              "LOCKED" if st["locked"] else "not locked"))
    if int(st["error"], 16):
        print("  ERROR %s at %s" % (st["error"], st["error-addr"]))
    if not st["streams"]:
        print("  no stream programmed")
    for s in sorted(st["streams"], key=lambda s: s["stream"]):
        ttbrs = " ".join(t for t in s["ttbr"] if int(t, 16)) or "none"
        print("  stream %d: %s, TCR %s, TTBR %s, %d levels" % (
            s["stream"], s["mode"], s["tcr"], ttbrs, s["levels"]))
        for m in sorted(s["mappings"], key=lambda m: int(m["iova"], 16)):
            iova, size = int(m["iova"], 16), int(m["size"], 16)
            print("    iova 0x%09x-0x%09x -> pa %s  %-2s  (%d KiB)" % (
                iova, iova + size - 1, m["pa"], m["perm"], size // 1024))
        for p in s.get("problems", []):
            print("    ! %s" % p)
    print("  stats: " + ", ".join("%s %d" % kv for kv in
                                  sorted(st["stats"].items())))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__ if __doc__ else "usage: dart-state.py SOCKET")
    if sys.argv[1] == "-":
        show(json.load(sys.stdin))
        return 0
    names = sys.argv[2:] or ["dart-pcie", "dart-usb", "dart-disp"]
    paths = [n if n.startswith("/") else "/machine/" + n for n in names]
    for st in qom_get(sys.argv[1], paths):
        show(st)
    return 0


if __name__ == "__main__":
    sys.exit(main())
