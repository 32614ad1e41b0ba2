"""Ranked for me: each paper's relevance to a reader's interests (DIGEST_INTERESTS), from their own words or
their paper library. `parse` reads the interests, `lexical` and `relevance` score them (pure), `semantic`
asks Bedrock for embeddings and `ranker` puts it together for one run (the adapters)."""
