/**
 * Marks processed mail: adds the configured keyword, or moves it to the configured
 * folder (created on first use). Called only after the store committed the effect.
 */
import type { ImapFlow } from 'imapflow';
import type { ProcessedAction } from './config.js';

/** Creates the move target if it is missing (no-op for the flag action). */
export async function prepareProcessedTarget(
  client: ImapFlow,
  action: ProcessedAction,
): Promise<void> {
  if (action.action !== 'move') return;
  const boxes = await client.list({ listOnly: true });
  if (boxes.some((box) => box.path === action.folder)) return;
  await client.mailboxCreate(action.folder);
}

/** Flags or moves these UIDs of the open mailbox. Throws when the server refuses. */
export async function markProcessed(
  client: ImapFlow,
  action: ProcessedAction,
  uids: readonly number[],
): Promise<void> {
  if (!uids.length) return;
  const range = uids.join(',');
  if (action.action === 'flag') {
    const ok = await client.messageFlagsAdd(range, [action.keyword], { uid: true });
    if (!ok) throw new Error(`the server refused the keyword ${action.keyword} on UID ${range}`);
    return;
  }
  const moved = await client.messageMove(range, action.folder, { uid: true });
  if (!moved) throw new Error(`the server refused to move UID ${range} to ${action.folder}`);
}
