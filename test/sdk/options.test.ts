import { describe, expect, it } from 'vitest';
import { ConfigurationError, SmartAccountClient } from '../../src/sdk/index.js';

const env = {
  SMART_ONBOARD_BASE_URL: 'http://127.0.0.1:9/v1/',
  SMART_ONBOARD_CLIENT_ID: 'id-from-env',
  SMART_ONBOARD_CLIENT_SECRET: 'secret-from-env',
};

const fails = (options: ConstructorParameters<typeof SmartAccountClient>[0]) => {
  try {
    new SmartAccountClient(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
};

describe('SmartAccountClient options', () => {
  it('takes everything from SMART_ONBOARD_* when options are unset', () => {
    expect(() => new SmartAccountClient({ env })).not.toThrow();
  });

  it('says which option or variable to set when the URL is missing', () => {
    expect(fails({ env: {} })).toMatch(/baseUrl.*SMART_ONBOARD_BASE_URL/);
  });

  it('names the missing credential and its variable', () => {
    const message = fails({
      env: { SMART_ONBOARD_BASE_URL: 'http://x.test', SMART_ONBOARD_CLIENT_ID: 'a' },
    });
    expect(message).toContain('SMART_ONBOARD_CLIENT_SECRET');
    expect(message).not.toContain('SMART_ONBOARD_CLIENT_ID');
  });

  it('refuses an access token together with client credentials', () => {
    expect(fails({ env, accessToken: 't', clientSecret: 's' })).toMatch(/either accessToken or/);
  });

  it('refuses an unknown option, listing the known ones', () => {
    const message = fails({ env, retries: 3 } as never);
    expect(message).toContain('Unknown option "retries"');
    expect(message).toContain('maxRetries');
  });

  it('refuses a base URL that is not http(s), without echoing secrets', () => {
    const message = fails({ env: { ...env, SMART_ONBOARD_BASE_URL: 'ftp://x' } });
    expect(message).toContain('http(s) URL');
    expect(message).not.toContain('secret-from-env');
  });

  it('refuses negative retries and zero timeouts', () => {
    expect(fails({ env, maxRetries: -1 })).toContain('maxRetries');
    expect(fails({ env, timeout: 0 })).toContain('timeout');
  });
});
