/** An error the API answers with a given status and stable code (the `{error:{code,message}}` envelope). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found.`);
export const badRequest = (code: string, message: string, details?: unknown) => new ApiError(400, code, message, details);
