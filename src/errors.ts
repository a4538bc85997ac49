// Every error code the project raises, in one place, so logs, API answers and the console agree.

export const ErrorCodes = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  MESSAGE_UNPARSEABLE: 'MESSAGE_UNPARSEABLE',
  CONSULTATION_NOT_FOUND: 'CONSULTATION_NOT_FOUND',
  WRONG_STATE: 'WRONG_STATE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  KB_FILE_MALFORMED: 'KB_FILE_MALFORMED',
  KB_NOT_LOADED: 'KB_NOT_LOADED',
  CSRF_INVALID: 'CSRF_INVALID',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A stored raw message cannot be decrypted or does not match its SHA-256. */
  RAW_INTEGRITY: 'RAW_INTEGRITY',
  /** The embedded (PGlite) database is open in another process; it allows one at a time. */
  DATABASE_IN_USE: 'DATABASE_IN_USE',
  /** The OAuth2 token endpoint refused to issue an access token (revoked consent, wrong client). */
  OAUTH2_REFRESH_FAILED: 'OAUTH2_REFRESH_FAILED',
  /** A stored secret (mailbox password, client secret, refresh token) cannot be opened with this key. */
  SECRET_UNREADABLE: 'SECRET_UNREADABLE',
  /** A poller's lease on a mailbox passed to another poller: it must stop touching that mailbox. */
  LEASE_LOST: 'LEASE_LOST',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** HTTP status for the codes the API can answer with. */
export const httpStatusOf: Partial<Record<ErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONSULTATION_NOT_FOUND: 404,
  WRONG_STATE: 409,
  BAD_REQUEST: 400,
  CSRF_INVALID: 403,
  RATE_LIMITED: 429,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'AppError';
  }
}
