/** The customer columns every tabular format shows, in order, with their headings. */
import type { ReportCustomer } from './schema.js';

export interface CustomerColumn {
  /** Field of `ReportCustomer`; also the CSV header. */
  field: keyof ReportCustomer;
  /** Heading for people (Markdown, HTML). */
  label: string;
  /** The value is an ISO timestamp. */
  timestamp?: boolean;
}

export const CUSTOMER_COLUMNS: readonly CustomerColumn[] = [
  { field: 'key', label: 'Key' },
  { field: 'accountName', label: 'Account name' },
  { field: 'accountDomain', label: 'Domain' },
  { field: 'customerEmail', label: 'Customer email' },
  { field: 'status', label: 'Status' },
  { field: 'requestId', label: 'Request id' },
  { field: 'smartAccountId', label: 'Smart Account id' },
  { field: 'submittedAt', label: 'Submitted', timestamp: true },
  { field: 'activatedAt', label: 'Activated', timestamp: true },
  { field: 'expiresAt', label: 'Expires', timestamp: true },
  { field: 'daysLeft', label: 'Days left' },
  { field: 'remindersSent', label: 'Reminders' },
  { field: 'lastError', label: 'Last error' },
];

/** A cell as text: `''` for null, numbers in plain decimal. */
export function cellText(customer: ReportCustomer, field: keyof ReportCustomer): string {
  const value = customer[field];
  return value === null ? '' : String(value);
}

/** `2025-01-31T12:00:00.000Z` → `2025-01-31` (the UTC date), for narrow columns. */
export function isoDate(value: string): string {
  return value.slice(0, 10);
}
