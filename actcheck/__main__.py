"""Where the command starts: a Ctrl-C while actcheck is still importing is exit 130, never a traceback."""

import os
import signal

__all__ = ["main"]


def _interrupted(signum, frame):
    os._exit(130)  # 128 + SIGINT; nothing has been opened or begun that would need cleaning up


def main():
    """Console-script entry point."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:  # an ignored SIGINT (nohup, a background job) stays ignored
        signal.signal(signal.SIGINT, _interrupted)
    from .cli import main as run  # typer and rich: the few hundred ms a Ctrl-C once met as a traceback

    signal.signal(signal.SIGINT, previous)
    run()


if __name__ == "__main__":
    main()
