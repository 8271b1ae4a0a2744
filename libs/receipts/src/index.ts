export * from './receipt.types';
export * from './canonical-json';
export * from './hashing';
export * from './receipt-hash-input';
export * from './receipt-signing';
export * from './signing-keys';
export * from './node-verifier-crypto';
export * from './verifier';
