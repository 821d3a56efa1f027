const SAFE = /[^A-Za-z0-9._-]+/g;

/**
 * The deterministic Message-ID of a notice: `<kind[.variant].key@domain>`, e.g.
 * `<customer-notice.c_abc123@smart-onboard.invalid>` or
 * `<expiry-reminder.d14.c_abc123@smart-onboard.invalid>`. The same notice always gets
 * the same id, which is what the store records it under.
 */
export function noticeMessageId(parts: {
  kind: string;
  key: string;
  variant?: string;
  domain: string;
}): string {
  const local = [parts.kind, parts.variant, parts.key]
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(SAFE, '-'))
    .join('.');
  return `<${local}@${parts.domain.replace(SAFE, '-')}>`;
}
