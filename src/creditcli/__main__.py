"""``python -m creditcli`` and the console script: the smallest module that can answer Ctrl-C.

Nothing but the standard library runs before the ``try``, so that a Ctrl-C while creditcli's own
modules load is one Chinese line and exit 130 (cli/entry.py answers it from there on)."""

import sys


def run() -> None:
    try:
        from creditcli.cli.entry import main
    except KeyboardInterrupt:
        try:
            sys.stderr.write("已中断：本次操作未写入任何数据\n")
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        raise SystemExit(130) from None
    main()


if __name__ == "__main__":
    run()
