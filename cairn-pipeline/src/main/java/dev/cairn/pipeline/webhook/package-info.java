/**
 * Signed webhooks from GitHub, GitLab and Gitea/Forgejo: verified before anything is parsed,
 * replays refused by delivery id and body digest (remembered across restarts), size-capped,
 * rate-limited per source, every outcome audited; accepted pushes become {@link
 * dev.cairn.pipeline.webhook.Trigger}s. Entry points: {@link
 * dev.cairn.pipeline.webhook.Webhooks#handler} and {@link
 * dev.cairn.pipeline.webhook.WebhookServer}.
 */
@NullMarked
package dev.cairn.pipeline.webhook;

import org.jspecify.annotations.NullMarked;
