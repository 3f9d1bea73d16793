export type { Storage, StoredObject, ByteRange } from './storage';
export { LocalStorage } from './local';
export { signFileUrl, verifyFileToken, fileRouter, DEFAULT_URL_LIFETIME_SECONDS } from './signed-urls';
