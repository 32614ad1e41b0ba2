"""Paper summaries with Amazon Bedrock: the prompt, the Converse calls, the checks, the cache, the report."""
