export type { Storage, StoredObject, ByteRange } from './storage';
export { LocalStorage } from './local';
export { signFileUrl, verifyFileToken, fileRouter, serveSignedFile, DEFAULT_URL_LIFETIME_SECONDS } from './signed-urls';
