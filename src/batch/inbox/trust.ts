/**
 * Whether an email may be believed to come from Cisco: the From address must be on the
 * allow-list and, when required, the receiving server must have verified a DKIM
 * signature of an allowed domain (`Authentication-Results: … dkim=pass header.d=…`).
 */

/** The trust verdict on one email. */
export interface TrustVerdict {
  trusted: boolean;
  /** A short sentence a person can act on. */
  reason: string;
  /** The best DKIM result found in `Authentication-Results` (`none` when absent). */
  dkim: 'pass' | 'fail' | 'none';
}

/** Whether `address` (lower case) matches an entry: an exact address, or a domain and its subdomains. */
export function senderAllowed(address: string, allowSenders: readonly string[]): boolean {
  const at = address.lastIndexOf('@');
  if (at < 1) return false;
  const domain = address.slice(at + 1);
  return allowSenders.some((entry) => {
    const allowed = entry.toLowerCase().replace(/^@/, '');
    if (allowed.includes('@')) return allowed === address;
    return domainAllowed(domain, [allowed]);
  });
}

/** A domain equal to an allowed domain or below it (`cisco.com.evil.example` is not). */
export function domainAllowed(domain: string, allowSenders: readonly string[]): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return allowSenders.some((entry) => {
    const allowed = entry.toLowerCase();
    const bare = allowed.includes('@') ? allowed.slice(allowed.lastIndexOf('@') + 1) : allowed;
    return d === bare || d.endsWith(`.${bare}`);
  });
}

/** The `dkim=` results with their `header.d`, from every Authentication-Results header. */
export function dkimResults(authResults: readonly string[]): { result: string; domain: string }[] {
  const found: { result: string; domain: string }[] = [];
  for (const header of authResults) {
    // Results are separated by `;`; the first part is the authserv-id.
    for (const part of header.split(';').slice(1)) {
      const result = /(?:^|\s)dkim\s*=\s*([a-z]+)/i.exec(part)?.[1]?.toLowerCase();
      if (!result) continue;
      const domain = /header\.d\s*=\s*"?([^\s;"]+)/i.exec(part)?.[1]?.toLowerCase() ?? '';
      found.push({ result, domain });
    }
  }
  return found;
}

/**
 * Checks the sender against the allow-list and, with `requireDkim`, the DKIM verdict.
 * `from` is every address in the From header (exactly one is expected).
 */
export function checkTrust(input: {
  from: readonly string[];
  authResults: readonly string[];
  allowSenders: readonly string[];
  requireDkim: boolean;
}): TrustVerdict {
  const dkim = dkimResults(input.authResults);
  const passing = dkim.filter(
    (d) => d.result === 'pass' && d.domain && domainAllowed(d.domain, input.allowSenders),
  );
  const dkimState: TrustVerdict['dkim'] = passing.length
    ? 'pass'
    : dkim.some((d) => d.result !== 'pass' || d.domain)
      ? 'fail'
      : 'none';

  if (input.from.length !== 1) {
    return {
      trusted: false,
      reason: input.from.length ? 'more than one From address' : 'no From address',
      dkim: dkimState,
    };
  }
  const sender = (input.from[0] ?? '').toLowerCase();
  if (!senderAllowed(sender, input.allowSenders)) {
    return {
      trusted: false,
      reason: `sender ${sender} is not on the allow-list (${input.allowSenders.join(', ')})`,
      dkim: dkimState,
    };
  }
  if (input.requireDkim && dkimState !== 'pass') {
    return {
      trusted: false,
      reason:
        dkimState === 'none'
          ? `sender ${sender} is allowed, but DKIM is required and no Authentication-Results header reports dkim=pass`
          : `sender ${sender} is allowed, but no dkim=pass for an allowed domain (found ${dkim.map((d) => `dkim=${d.result}${d.domain ? ` header.d=${d.domain}` : ''}`).join(', ')})`,
      dkim: dkimState,
    };
  }
  return {
    trusted: true,
    reason: `sender ${sender} is on the allow-list${dkimState === 'pass' ? `; dkim=pass header.d=${passing[0]?.domain ?? ''}` : ''}`,
    dkim: dkimState,
  };
}
