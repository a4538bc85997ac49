// Charset decoding that survives mislabelled mail. Clients routinely label UTF-8 bodies with a legacy
// charset (Big5, ISO-8859-1...); decoding such bytes as labelled produces mojibake the drafter and the
// PHI detector cannot read. Strictly valid UTF-8 containing non-ASCII bytes is, in practice, never
// legacy-encoded text, so it wins over the label.
import { Transform, type TransformCallback } from 'node:stream';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function hasHighByte(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] >= 0x80) return true;
  return false;
}

function isUtf8Label(charset: string): boolean {
  return /^(utf-?8|us-?ascii|ascii)$/i.test(charset.trim());
}

// Labels mail clients (or mailparser, which maps ks_c_5601-1987 to CP949) use that WHATWG lacks.
const ALIASES: Record<string, string> = { cp949: 'euc-kr', uhc: 'euc-kr', 'ms949': 'euc-kr', cp932: 'shift_jis', 'ms932': 'shift_jis', cp936: 'gbk' };

function aliasOf(label: string): string {
  return ALIASES[label.toLowerCase()] ?? label;
}

/** Decodes body bytes declared as `charset`, preferring UTF-8 when the bytes are valid UTF-8. */
export function decodeText(buf: Buffer, charset: string | null | undefined): string {
  const label = (charset ?? '').trim();
  if (hasHighByte(buf)) {
    try {
      return strictUtf8.decode(buf);
    } catch {
      // not UTF-8: fall through to the declared charset
    }
  }
  if (!label || isUtf8Label(label)) return buf.toString('utf-8');
  let decoder: TextDecoder;
  try {
    // WHATWG labels (Node's ICU) cover the legacy charsets mail uses, aliases included
    decoder = new TextDecoder(aliasOf(label.replace(/^["']|["']$/g, '')));
  } catch {
    // unknown or refused label (UTF-7 could smuggle markup): read as UTF-8, as mailparser does
    return buf.toString('utf-8');
  }
  return decoder.decode(buf);
}

/**
 * Stands in for node-iconv in mailparser's `Iconv` option so every inline text part goes through
 * decodeText. It buffers the part, which is bounded by the caller's message size limit.
 */
export class RepairingIconv extends Transform {
  private readonly chunks: Buffer[] = [];
  private readonly charset: string;

  constructor(fromCharset: string, _toCharset?: string) {
    super();
    this.charset = fromCharset;
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'binary') : chunk);
    done();
  }

  override _flush(done: TransformCallback): void {
    try {
      this.push(Buffer.from(decodeText(Buffer.concat(this.chunks), this.charset), 'utf-8'));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  /** node-iconv's one-shot API, in case a caller uses it. */
  convert(buf: Buffer | string): Buffer {
    const b = typeof buf === 'string' ? Buffer.from(buf, 'binary') : buf;
    return Buffer.from(decodeText(b, this.charset), 'utf-8');
  }
}
