// A real DNS server on a loopback UDP port that answers TXT queries for the test domains (DKIM keys,
// DMARC policies) and NXDOMAIN for everything else. The app reaches it through DNS_SERVERS, exactly
// as it would reach a recursive resolver, so sender verification runs its real lookups.
import dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { freePort } from './net.ts';

export interface TestDns {
  /** `127.0.0.1:port`, for DNS_SERVERS. */
  server: string;
  /** TXT records by lower-case name; change them while running. */
  txt: Map<string, string[]>;
  /** Names never answered (a sender's DNS stalling on purpose). */
  silent: Set<string>;
  queries: string[];
  stop(): Promise<void>;
}

export async function startTestDns(records: Record<string, string | string[]> = {}): Promise<TestDns> {
  const port = await freePort();
  const txt = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
  const queries: string[] = [];
  const silent = new Set<string>();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (buf, rinfo) => {
    let q: dnsPacket.Packet;
    try {
      q = dnsPacket.decode(buf);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    queries.push(`${question.type} ${name}`);
    if (silent.has(name)) return;
    const values = question.type === 'TXT' ? txt.get(name) : undefined;
    const answer = dnsPacket.encode({
      type: 'response',
      id: q.id,
      // NXDOMAIN when no record of any type exists under the name
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (values || [...txt.keys()].some((k) => k === name) ? 0 : 3),
      questions: q.questions,
      answers: (values ?? []).map((v) => ({ type: 'TXT' as const, name: question.name, ttl: 60, class: 'IN' as const, data: chunks(v) })),
    });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
  return {
    server: `127.0.0.1:${port}`,
    txt,
    silent,
    queries,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

// A TXT string holds at most 255 bytes; long DKIM keys are split into several.
function chunks(v: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 255) out.push(v.slice(i, i + 255));
  return out;
}
