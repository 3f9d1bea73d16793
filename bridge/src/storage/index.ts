export type { Storage, StoredObject, ByteRange, SignedUrlOptions } from './storage';
export { LocalStorage } from './local';
export { S3Storage, type S3Settings } from './s3';
export { createStorage } from './create';
export { signFileUrl, verifyFileToken, fileRouter, serveSignedFile, DEFAULT_URL_LIFETIME_SECONDS } from './signed-urls';
