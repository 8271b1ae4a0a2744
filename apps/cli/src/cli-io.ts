/** Where a CLI command writes: results to `out` (stdout), progress and errors to `err` (stderr). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A CLI subcommand: parses its own argv, returns the process exit code. */
export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};
