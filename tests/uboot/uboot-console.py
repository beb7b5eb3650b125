#!/usr/bin/env python3
# Drive U-Boot's serial console non-interactively.
#
#   uboot-console.py LOG COMMANDS -- QEMU ARGS...
#
# Starts QEMU (whose serial must be on stdio: -serial stdio -display none
# -monitor none) and, for each line of the file COMMANDS, waits for U-Boot's
# prompt ("=> ") and types the line. Each character is typed once the
# previous one has echoed, as a person would: U-Boot reads its UART
# between other work, and re-initialises it when it relocates. After the
# last line (poweroff, or booti, whose kernel powers off), waits for QEMU to
# exit. Everything QEMU printed is written to LOG.
#
# Exit status: QEMU's, or 124 when U-Boot did not prompt or QEMU did not
# exit in time ($UBOOT_PROMPT_TIMEOUT seconds per prompt, default 120;
# $UBOOT_EXIT_TIMEOUT for the exit, default 300), QEMU killed then.
import os
import select
import subprocess
import sys
import time


def main():
    log_path, cmd_path = sys.argv[1], sys.argv[2]
    if sys.argv[3] != "--":
        sys.exit("usage: uboot-console.py LOG COMMANDS -- QEMU ARGS...")
    qemu_args = sys.argv[4:]
    prompt_timeout = float(os.environ.get("UBOOT_PROMPT_TIMEOUT", 120))
    exit_timeout = float(os.environ.get("UBOOT_EXIT_TIMEOUT", 300))
    with open(cmd_path) as f:
        commands = [line.rstrip("\n") for line in f if line.strip()]

    log = open(log_path, "wb")
    qemu = subprocess.Popen(qemu_args, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    pending = b""       # output not yet matched

    def read(timeout):
        """Read what QEMU printed within timeout: True if it printed
        something, None if not, False at its EOF."""
        nonlocal pending
        ready, _, _ = select.select([qemu.stdout], [], [], timeout)
        if ready:
            data = os.read(qemu.stdout.fileno(), 65536)
            if not data:
                return False
            log.write(data)
            log.flush()
            pending += data
            return True
        return None

    def expect(what, timeout):
        """Wait for bytes what; consume the output up to their end."""
        nonlocal pending
        deadline = time.monotonic() + timeout
        while what not in pending:
            left = deadline - time.monotonic()
            if left <= 0 or read(min(left, 0.5)) is False:
                return False
        pending = pending[pending.index(what) + len(what):]
        return True

    def fail(why):
        log.write(b"\n[uboot-console: %s]\n" % why.encode())
        log.close()
        qemu.kill()
        qemu.wait()
        sys.exit(124)

    def type_char(ch):
        qemu.stdin.write(ch)
        qemu.stdin.flush()

    for cmd in commands:
        if not expect(b"=> ", prompt_timeout):
            fail("no prompt for: " + cmd)
        for ch in cmd.encode():
            type_char(bytes([ch]))
            if not expect(bytes([ch]), 5):
                fail("no echo of %r in: %s" % (chr(ch), cmd))
        type_char(b"\r")

    deadline = time.monotonic() + exit_timeout
    while qemu.poll() is None:
        if time.monotonic() > deadline:
            fail("QEMU did not exit")
        if read(0.5) is False:
            break
    while read(1):          # the rest of the output, until EOF
        pass
    rc = qemu.wait()
    log.close()
    sys.exit(rc)


if __name__ == "__main__":
    main()
