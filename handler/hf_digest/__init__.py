"""hf-daily-digest: Hugging Face Daily Papers as a ranked, safe Jekyll post.

Data flows one way: request -> source -> papers -> rank -> render -> publish -> result.
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/hf-daily-digest/hf-daily-digest"
USER_AGENT = f"hf-daily-digest/{__version__} (+{PROJECT_URL})"
