import { sql } from 'kysely';
import { columnTypes, type StoreMigration } from './types.js';

/** Customers, their transitions, runs, emails, mailbox cursors, inbound mail, locks. */
export const initial: StoreMigration = {
  version: 1,
  name: '001_initial',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('customers')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('account_name', 'text', (c) => c.notNull())
      .addColumn('account_domain', 'text', (c) => c.notNull())
      .addColumn('customer_email', 'text', (c) => c.notNull())
      .addColumn('data', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('smart_account_id', 'text')
      .addColumn('submitted_at', t.ts)
      .addColumn('expires_at', t.ts)
      .addColumn('activated_at', t.ts)
      .addColumn('last_error', 'text')
      .addColumn('source_file', 'text')
      .addColumn('source_row', 'integer')
      .addColumn('created_at', t.ts, (c) => c.notNull())
      .addColumn('updated_at', t.ts, (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', t.ts)
      .execute();
    await db.schema
      .createIndex('customers_status_idx')
      .on('customers')
      .columns(['status', 'claimed_until'])
      .execute();
    await db.schema
      .createIndex('customers_domain_idx')
      .on('customers')
      .expression(sql`lower(account_domain)`)
      .execute();

    await db.schema
      .createTable('transitions')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('at', t.ts, (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('details', t.json)
      .execute();
    await db.schema
      .createIndex('transitions_key_idx')
      .on('transitions')
      .columns(['key', 'id'])
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('command', 'text', (c) => c.notNull())
      .addColumn('started_at', t.ts, (c) => c.notNull())
      .addColumn('finished_at', t.ts)
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('counts', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('runs_started_idx').on('runs').column('started_at').execute();

    await db.schema
      .createTable('emails')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recipients', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('recorded_at', t.ts, (c) => c.notNull())
      .addColumn('sent_at', t.ts)
      .execute();
    await db.schema.createIndex('emails_key_idx').on('emails').column('key').execute();

    await db.schema
      .createTable('mailbox_cursors')
      .addColumn('mailbox', 'text', (c) => c.primaryKey())
      .addColumn('uid_validity', t.bigint, (c) => c.notNull())
      .addColumn('last_uid', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.ts, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('inbound_mail')
      .addColumn('message_id', 'text', (c) => c.primaryKey())
      .addColumn('mailbox', 'text', (c) => c.notNull())
      .addColumn('uid', t.bigint, (c) => c.notNull())
      .addColumn('classification', 'text', (c) => c.notNull())
      .addColumn('key', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('at', t.ts, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('acquired_at', t.ts, (c) => c.notNull())
      .execute();
  },
};
