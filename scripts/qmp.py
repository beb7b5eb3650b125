#!/usr/bin/env python3
# Send QMP commands to a QEMU monitor socket and print each command's
# "return" as one line of JSON.
#
#   qmp.py SOCKET '{"execute": "screendump", "arguments": {...}}' ...
#
# Exits non-zero (with the error on stderr) if a command fails. Other
# scripts import connect() from here.
import json
import socket
import sys


def connect(path):
    """A function that sends one QMP command to @path and returns the
    reply that answers it (its "return" or "error")."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    stream = sock.makefile("rw")

    def command(cmd):
        stream.write(json.dumps(cmd) + "\n")
        stream.flush()
        while True:
            reply = json.loads(stream.readline())
            if "return" in reply or "error" in reply:
                return reply

    json.loads(stream.readline())           # the greeting
    command({"execute": "qmp_capabilities"})
    return command


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
