import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { errorFields, errorText, redactAddresses } from '../../src/log-error.ts';
import { AppError, ErrorCodes } from '../../src/errors.ts';

test('an SMTP refusal keeps its code and reply code and loses the address', () => {
  const err = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 <coder@clinic.example>: user unknown"), {
    code: 'EENVELOPE',
    responseCode: 550,
    command: 'RCPT TO',
  });
  const f = errorFields(err);
  assert.equal(f.code, 'EENVELOPE');
  assert.equal(f.responseCode, 550);
  assert.equal(f.command, 'RCPT TO');
  assert.ok(!f.message.includes('coder@clinic.example'), f.message);
  assert.ok(f.message.includes('[address]'));
  assert.ok(!errorText(err).includes('@'));
});

test('the cause chain is kept, with our code', () => {
  const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const err = new AppError(ErrorCodes.RAW_INTEGRITY, 'raw message 7 unreadable', { cause: root });
  const f = errorFields(err);
  assert.equal(f.code, 'RAW_INTEGRITY');
  assert.equal(f.cause?.code, 'ECONNREFUSED');
  assert.match(errorText(err), /RAW_INTEGRITY AppError: raw message 7 unreadable; caused by ECONNREFUSED Error: connect ECONNREFUSED/);
});

test('a stack only when asked, and a thrown non-error is still logged', () => {
  assert.equal(errorFields(new Error('x')).stack, undefined);
  assert.ok(errorFields(new Error('x'), { stack: true }).stack?.includes('log-error.test'));
  assert.deepEqual(errorFields('boom to a@b.c'), { name: 'NonError', message: 'boom to [address]' });
});

test('redaction reads a bounded prefix of hostile input', () => {
  const out = redactAddresses('a'.repeat(2_000_000));
  assert.ok(out.length <= 501 + 1);
  assert.equal(redactAddresses('550 <x@y.z>:\tno'), '550 [address]\tno');
});
