// Integration files start Dovecot, SMTP servers, databases and app processes, and some wait on IDLE
// notifications and lease expiry: give each test and hook minutes. A file's own jest.setTimeout wins.
import { jest } from '@jest/globals';

jest.setTimeout(300_000);
