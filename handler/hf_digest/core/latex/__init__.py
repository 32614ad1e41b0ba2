"""LaTeX residue in Hugging Face text (titles, abstracts, AI summaries) as the plain text its author meant.

Pure and table-driven: `plain_text(text, name=...)` cleans, `find_debris(text)` names what is left.
"""

from hf_digest.core.latex.clean import plain_text, short_name
from hf_digest.core.latex.debris import DEBRIS, find_debris

__all__ = ["DEBRIS", "find_debris", "plain_text", "short_name"]
