// Type-checked against the published types (dist/*.d.ts) by test/package.test.ts:
// what an SDK user writes must compile as is.
import {
  type AccountRequest,
  ConflictError,
  type Review,
  SmartAccountClient,
  ValidationError,
} from 'smart-onboard/sdk';

export async function onboard(): Promise<AccountRequest | undefined> {
  const client = new SmartAccountClient({
    baseUrl: 'http://127.0.0.1:4010',
    clientId: 'sandbox-client',
    clientSecret: 'sandbox-secret',
    maxRetries: 5,
    hooks: { afterResponse: (info) => console.log(info.status, info.durationMs) },
  });
  try {
    return await client.requestSmartAccount(
      {
        accountName: 'Müller GmbH',
        customerEmail: 'it@mueller.de',
        accountDomain: 'mueller.de',
        userEmails: ['ops@mueller.de'],
        locale: 'de',
      },
      {
        clientReference: 'crm-4711',
        onReview: (review: Review) => review.warnings.length === 0,
      },
    );
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    if (error instanceof ValidationError) console.error(error.fieldErrors);
    throw error;
  }
}

export async function pendingNames(client: SmartAccountClient): Promise<string[]> {
  const names: string[] = [];
  for await (const r of client.accountRequests.list({ status: 'pending' })) {
    const status: 'draft' | 'pending' | 'active' | 'expired' | 'cancelled' = r.status;
    names.push(`${r.accountName} (${status})`);
  }
  return names;
}
