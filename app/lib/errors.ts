/** A request the app refuses: carries the HTTP status and a one-line reason for the caller and the log. */
export class InputError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(reason);
    this.name = "InputError";
  }
}
