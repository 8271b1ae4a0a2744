export * from './key-vault.port';
export * from './sql-key-vault';
export * from './kv-key-vault';
export * from './keyring';
export * from './receipt-draft';
export * from './tenant-chain.writer';
export * from './platform-stream.writer';
export * from './commands';
