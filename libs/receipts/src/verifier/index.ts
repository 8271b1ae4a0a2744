/**
 * The portable receipt verifier: imports only tweetnacl and dependency-free files of this lib
 * (no `node:` modules, no Buffer), so it runs in a browser, in the CLI and in third-party tools.
 */
export * from './base64';
export * from './pem';
export * from './sha256';
export * from './verifier-crypto';
export * from './receipt-signature.verify';
export * from './receipt-schema.check';
export * from './receipt-chain.cursor';
export * from './receipt-chain.verify';
export * from './receipt-bundle.verify';
export * from './trusted-keys';
export * from './receipt-stream.verify';
export * from './merkle';
export * from './transparency-proof.verify';
export * from './evidence-bundle.types';
export * from './evidence-bundle.verify';
