/** Size caps, all enforced before any cryptography runs. */
export const MAX_JSON_BYTES = 4096;
export const MAX_SIGNATURE_CHARS = 2048;
/** The whole query string: generous room for the two capped parameters plus unrelated ones. */
export const MAX_QUERY_CHARS = 16_384;
export const DEFAULT_MAX_AGE_SECONDS = 300;
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 60;
export const MIN_RSA_BITS = 2048;
