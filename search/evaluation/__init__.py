"""Measuring relevance: a judged query set over the demo content, the metrics, a plain BM25
baseline, and the report `make eval` writes into docs/SEARCH.md."""
