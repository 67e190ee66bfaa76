"""``python -m anbu``: the ``anbu`` command line (``replay``, ``backtest``, ``simulate``,
``check``), the same program as the Rust binary, with the same options and exit codes (0 done,
1 ``check`` found bad rows, 2 usage error, 3 input, I/O or validation error).

    python -m anbu check events.csv --persons persons.csv
"""

from __future__ import annotations

import sys

from ._anbu import cli


def main() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    raise SystemExit(cli(["python -m anbu", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
