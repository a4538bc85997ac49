// One logger for the process. Logs carry ids and codes, never bodies, subjects or addresses:
// the redaction list is a safety net, not a licence to pass such fields.
import pino from 'pino';

const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');

export const log = pino({
  level,
  base: { pid: process.pid },
  redact: {
    paths: [
      'text',
      'html',
      'body',
      'raw',
      'subject',
      'from',
      'to',
      'address',
      '*.text',
      '*.html',
      '*.body',
      '*.raw',
      '*.subject',
      '*.from',
      '*.to',
      'password',
      'token',
      '*.token',
    ],
    censor: '[redacted]',
  },
});

export type Logger = typeof log;
