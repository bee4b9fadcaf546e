"""Build or update the planqa index from corpus/ (same as ``python -m planqa index``)."""

import sys

from planqa.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["index", *sys.argv[1:]]))
