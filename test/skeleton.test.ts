import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from '../src/sdk/index.js';

describe('package skeleton', () => {
  it('exposes the SDK version', () => {
    expect(SDK_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
