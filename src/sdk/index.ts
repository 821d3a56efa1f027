/**
 * The smart-onboard SDK: a typed client for the Smart Account request service.
 *
 * @packageDocumentation
 */
export { SmartAccountClient } from './client.js';
export type { RequestSmartAccountOptions } from './client.js';
export {
  SDK_VERSION,
  type CallInfo,
  type ClientHooks,
  type ClientOptions,
  type Logger,
  type RequestOptions,
  type ResponseInfo,
  type TokenProvider,
} from './options.js';
export * from './errors.js';
export {
  accountRequestDraftSchema,
  accountRequestSchema,
  listFiltersSchema,
  requestStatusSchema,
  reviewSchema,
  reviewWarningSchema,
  type AccountRequest,
  type AccountRequestDraft,
  type AccountRequests,
  type ListFilters,
  type RequestStatus,
  type Review,
  type ReviewWarning,
  type WriteOptions,
} from './resources/account-requests.js';
export {
  accountSchema,
  accountSearchSchema,
  type Account,
  type Accounts,
  type AccountSearch,
} from './resources/accounts.js';
export { PagedList, type Page } from './internal/pagination.js';
