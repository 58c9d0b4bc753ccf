// The CLI's view of its streams, so main(argv, io) can run in-process in
// tests with captured output. stdout carries results only; stderr carries
// errors, warnings and progress. Knows nothing of commands.

/** CliStream is the part of a writable stream the CLI uses. */
export interface CliStream {
  write(chunk: string): unknown;
  /** isTTY is true when the stream is a terminal (progress is drawn only then). */
  isTTY?: boolean;
  /** columns is the terminal width, when known. */
  columns?: number;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

/** processIo returns the process's own streams; a closed stdout pipe (`| head`) is not an error. */
export function processIo(): CliIo {
  const ignoreEpipe = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  };
  process.stdout.on('error', ignoreEpipe);
  return { stdout: process.stdout, stderr: process.stderr };
}

/** captureIo collects output in strings (for tests and for embedding the CLI). */
export function captureIo(options: { stderrIsTTY?: boolean; columns?: number } = {}): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: options.stderrIsTTY ?? false, columns: options.columns },
    out: () => out,
    err: () => err,
  };
}
