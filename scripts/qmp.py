#!/usr/bin/env python3
# Send QMP commands to a QEMU monitor socket and print each command's
# "return" as one line of JSON.
#
#   qmp.py SOCKET '{"execute": "screendump", "arguments": {...}}' ...
#
# Exits non-zero (with the error on stderr) if a command fails. Other
# scripts import connect() from here. The protocol is QEMU's own Python
# QMP library (python/qemu/qmp) from the QEMU source tree the build
# unpacked (build/qemu-src, or QEMU_PYTHON=DIR for another one).
import glob
import json
import os
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def qemu_python():
    """The python/ directory of a QEMU source tree of the build's."""
    if os.environ.get("QEMU_PYTHON"):
        return os.environ["QEMU_PYTHON"]
    for tree in [os.path.join(top, "build", "qemu-src")] + \
            sorted(glob.glob(os.path.join(top, "build", "qemu-*",
                                          "qemu-src"))):
        if os.path.isdir(os.path.join(tree, "python", "qemu", "qmp")):
            return os.path.join(tree, "python")
    raise SystemExit("qmp: no QEMU source tree with python/qemu/qmp in"
                     " build/: run make first, or set QEMU_PYTHON")


sys.path.insert(0, qemu_python())
from qemu.qmp.legacy import QEMUMonitorProtocol  # noqa: E402


def connect(path):
    """A function that sends one QMP command (a dict) to the monitor at
    socket @path and returns the reply that answers it (a dict with its
    "return" or "error"); events are dropped."""
    monitor = QEMUMonitorProtocol(path)
    monitor.connect()
    return monitor.cmd_obj


def main():
    command = connect(sys.argv[1])
    for arg in sys.argv[2:]:
        reply = command(json.loads(arg))
        if "error" in reply:
            print("qmp: %s: %s" % (arg, reply["error"]["desc"]),
                  file=sys.stderr)
            return 1
        print(json.dumps(reply["return"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
