"""The benchmark behind `make bench`: a synthetic corpus in a database of its own, then
timings of what users wait for. See docs/PERFORMANCE.md."""
