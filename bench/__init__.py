"""The benchmark suite behind `make bench`: requests, cold start, a full run, the layer, a backfill, cost.

Everything runs against the local look-alikes the tests use (Hugging Face, GitHub, moto_server for S3 and
Secrets Manager); `python -m bench.run` prints one table, `--write docs/performance.md` keeps it.
"""
