import { hostname } from 'node:os';
import { type ClientHooks, SmartAccountClient } from '../sdk/index.js';
import type { ServiceSettings } from './config.js';
import { ConfigError } from './errors.js';

/** The SDK client for the configured service; a clear error when settings are missing. */
export function serviceClient(
  service: ServiceSettings,
  hooks: ClientHooks = {},
): SmartAccountClient {
  const missing = [
    !service.baseUrl && 'SMART_ONBOARD_BASE_URL',
    !service.clientId && 'SMART_ONBOARD_CLIENT_ID',
    !service.clientSecret && 'SMART_ONBOARD_CLIENT_SECRET',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(
      `The Smart Account service is not configured: set ${missing.join(', ')} (or the "service" section of the config file; the secret via service.clientSecretFile).`,
    );
  }
  return new SmartAccountClient({
    baseUrl: service.baseUrl,
    ...(service.tokenUrl ? { tokenUrl: service.tokenUrl } : {}),
    clientId: service.clientId,
    clientSecret: service.clientSecret,
    timeout: service.timeoutMs,
    maxRetries: service.maxRetries,
    env: {},
    userAgent: `smart-onboard-batch/${hostname()}`,
    hooks,
  });
}
