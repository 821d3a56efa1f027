// Request one Smart Account with the SDK.
//
//   npx smart-onboard sandbox            # terminal 1: prints the exports below
//   export SMART_ONBOARD_BASE_URL=http://127.0.0.1:4010
//   export SMART_ONBOARD_TOKEN_URL=http://127.0.0.1:4010/oauth/token
//   export SMART_ONBOARD_CLIENT_ID=sandbox-client
//   export SMART_ONBOARD_CLIENT_SECRET=sandbox-secret
//   npx tsx examples/request-smart-account.ts   # terminal 2
import { ConflictError, SmartAccountClient } from 'smart-onboard/sdk';

// Options fall back to the SMART_ONBOARD_* environment variables.
const client = new SmartAccountClient({ maxRetries: 5 });

const draft = {
  accountName: 'Müller Maschinenbau GmbH',
  customerEmail: 'anna.mueller@mueller-maschinenbau.de',
  accountDomain: 'mueller-maschinenbau.de',
  noteToCustomer: 'Bitte aktivieren Sie Ihr Smart Account innerhalb von 90 Tagen.',
  userEmails: ['it@mueller-maschinenbau.de', 'einkauf@mueller-maschinenbau.de'],
  noteToUsers: 'Sie erhalten Zugriff auf das Smart Account Ihres Unternehmens.',
  locale: 'de' as const,
};

const existing = await client.accounts.search({ domain: draft.accountDomain });
if (existing.length > 0) {
  console.log(
    `${draft.accountDomain} already has Smart Account ${existing[0]?.id}; nothing to do.`,
  );
} else {
  try {
    const request = await client.requestSmartAccount(draft, {
      // Your own id for the customer: running this script twice continues, never duplicates.
      clientReference: 'crm-4711',
      onReview: (review) => {
        for (const w of review.warnings) console.log(`review warning: ${w.message}`);
      },
    });
    console.log(
      `Request ${request.id} is ${request.status}; Smart Account ${request.smartAccountId} ` +
        `expires ${request.expiresAt} unless the customer activates it.`,
    );
  } catch (error) {
    if (error instanceof ConflictError) console.log(`Not requested: ${error.message}`);
    else throw error;
  }
}
