/** One colour per status, shared by the chart, badges and cards (white text on each stays readable). */
import type { Status } from '../../../store/types.js';

export const STATUS_COLORS: Record<Status, string> = {
  invalid: '#a40e26',
  queued: '#0969da',
  requested: '#3e8ed0',
  submitting: '#8250df',
  pending: '#9a6700',
  active: '#1a7f37',
  expired: '#6e7781',
  skipped: '#424a53',
  failed: '#cf222e',
  attention: '#d1570c',
};

/** Colours of the reported mail outcomes' badges. */
export const MAIL_OUTCOME_COLORS: Record<'unmatched' | 'suspicious' | 'attention', string> = {
  unmatched: '#9a6700',
  suspicious: '#cf222e',
  attention: '#d1570c',
};
