"""Where each post is read: the blog's `_config.yml`, read once per run, and the address of a post's page.

The config comes from the Jekyll blog the run publishes to: the GitHub repository (the published blog) when
the run writes there, else the local folder. DIGEST_SITE_URL and DIGEST_PERMALINK win over it. A missing
file is Jekyll's defaults; one that cannot be read is a warning and Jekyll's defaults, never a stopped post.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from hf_digest.adapters.publish import Publisher
from hf_digest.config import Settings
from hf_digest.core import permalink
from hf_digest.core.model import OutputFile, Span
from hf_digest.core.outcomes import Delivery, Status
from hf_digest.core.permalink import Blog
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline
from hf_digest.rendering.site_paths import page_url, site_page

log = logging.getLogger(__name__)

# The destinations that are Jekyll blogs, the published one first.
JEKYLL_DESTINATIONS = ("github", "local")


@dataclass
class BlogConfig:
    """The blog's config for one invocation: read when the first post's address is asked for."""

    settings: Settings
    publishers: Sequence[Publisher] = ()
    deadline: Deadline | None = None
    found: Blog | None = None
    warning: str | None = None
    tried: set[str] = field(default_factory=set)

    def blog(self, deliveries: Sequence[Delivery] = ()) -> Blog:
        """The blog as its config and the overrides say; read from the first Jekyll destination that did
        not just fail (a destination refusing the post would refuse the read too)."""
        if self.found is None:
            failed = {d.target for d in deliveries if d.status == Status.FAILED}
            self.found = self._read(failed).overridden(self.settings.site_url, self.settings.permalink)
        return self.found

    def _read(self, failed: set[str]) -> Blog:
        chosen = [p for name in JEKYLL_DESTINATIONS for p in self.publishers if p.name == name]
        usable = [p for p in chosen if p.name not in failed]
        if not usable or self.deadline is None:
            return Blog()
        publisher = usable[0]
        where = f"{publisher.name}: {permalink.CONFIG_FILE}"
        try:
            text = publisher.read(permalink.CONFIG_FILE, self.deadline.keeping())
            blog = permalink.read_config(text, self.settings.path_template, where)
        except (DigestError, ValueError) as exc:
            self.warning = f"{permalink.UNREAD} ({exc}); links follow Jekyll's default permalink"
            log.warning("%s", self.warning, extra={"destination": publisher.name})
            return Blog()
        log.info("blog config read", extra={"destination": publisher.name, "found": text is not None})
        return blog


def post_url(
    post: OutputFile, span: Span, lang: str, blog: Blog, settings: Settings, destinations: Sequence[str]
) -> str | None:
    """The address of the page a reader opens for post: the Jekyll page its blog builds, or (when the run
    writes only to S3) the S3 site's page; None without an address to put it under."""
    if settings.site and "s3" in destinations and not set(JEKYLL_DESTINATIONS) & set(destinations):
        return page_url(site_page(span.kind, span.key, lang, settings.home_lang), settings)
    front = permalink.front_matter(post.content)
    return permalink.post_url(blog.base_url, permalink.page_path(post.path, front, blog))
