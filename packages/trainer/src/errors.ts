/** Stable codes of {@link TrainerError}, one per kind of problem a user can fix. */
export type TrainerErrorCode =
  | 'invalid-option'
  | 'invalid-data'
  | 'invalid-model'
  | 'run-conflict'
  | 'checkpoint-mismatch'
  | 'storage'
  | 'aborted';

/** The longest message a {@link TrainerError} keeps. */
export const MAX_MESSAGE_LENGTH = 1000;

/**
 * The one error type of this package. `message` is a single line that names what
 * was wrong (the flag, the file and line, the run) and how to fix it, so the CLI
 * can print it as is.
 */
export class TrainerError extends Error {
  override readonly name = 'TrainerError';

  constructor(
    readonly code: TrainerErrorCode,
    message: string,
  ) {
    // Messages quote input (values, headers): a hostile input must not make a huge log line.
    super(
      message.length > MAX_MESSAGE_LENGTH
        ? `${message.slice(0, MAX_MESSAGE_LENGTH)}... (${message.length - MAX_MESSAGE_LENGTH} more characters)`
        : message,
    );
  }
}
