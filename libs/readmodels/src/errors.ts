/** A `listReceipts` cursor that this server did not issue (malformed or tampered). */
export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor() {
    super('The cursor is not valid.');
    this.name = 'InvalidCursorError';
  }
}

/** A read-model query argument outside its documented range (e.g. `limit` not in 1..500). */
export class InvalidQueryError extends Error {
  readonly code = 'validation_error';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

/** An event whose data is not a receipt of its stream position: deterministic, so the projector parks it as a dead letter. */
export class InvalidReceiptError extends Error {
  readonly code = 'invalid_receipt';
  constructor(readonly stream: string, readonly sequence: number, reason: string) {
    super(`Event ${stream}#${sequence} is not a valid receipt: ${reason}`);
    this.name = 'InvalidReceiptError';
  }
}

/** The stream skipped a sequence; projections never jump over a gap. */
export class StreamGapError extends Error {
  readonly code = 'stream_gap';
  constructor(readonly stream: string, readonly expected: number, readonly found: number) {
    super(`Stream ${stream}: expected sequence ${expected}, found ${found}.`);
    this.name = 'StreamGapError';
  }
}
