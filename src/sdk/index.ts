/**
 * The smart-onboard SDK: a typed client for the Smart Account request service.
 *
 * @packageDocumentation
 */
export const SDK_VERSION = '0.1.0';
