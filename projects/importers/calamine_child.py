"""The child process that reads a workbook with python-calamine for importers.calamine_rows:
the file's bytes on its standard input, ("ok", sheets) or ("unreadable", why) pickled on its
standard output; a file that makes calamine abort or run out of its memory ends it with nothing
written. Arguments: the columns to keep, the memory it may use beyond its start (bytes)."""

import io
import pickle
import sys

from projects.importers.calamine_rows import read_all


def main():
    max_columns, memory_bytes = int(sys.argv[1]), int(sys.argv[2])
    outcome = read_all(io.BytesIO(sys.stdin.buffer.read()), max_columns, memory_bytes)
    sys.stdout.buffer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
