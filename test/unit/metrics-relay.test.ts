import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { labelled } from '../../src/metrics-relay.ts';

type M = Parameters<typeof labelled>[0][number];
const metric = (name: string, aggregator: M['aggregator'], values: { value: number; labels: Record<string, string> }[]) =>
  ({ name, help: name, type: 'counter', aggregator, values }) as unknown as M;

describe('labelled', () => {
  const cases: { name: string; in: M; except?: string[]; labels: Record<string, string>[]; aggregator: string }[] = [
    {
      name: 'a counter gets the process label',
      in: metric('c', 'sum', [{ value: 1, labels: { kind: 'ack' } }]),
      labels: [{ kind: 'ack', process: 'worker@h:1' }],
      aggregator: 'sum',
    },
    { name: 'an unlabelled gauge too', in: metric('g', 'sum', [{ value: 5, labels: {} }]), labels: [{ process: 'worker@h:1' }], aggregator: 'sum' },
    {
      name: 'an omitted metric becomes a sum, so it is kept',
      in: metric('start', 'omit', [{ value: 9, labels: {} }]),
      labels: [{ process: 'worker@h:1' }],
      aggregator: 'sum',
    },
    {
      name: 'an averaged one too, so processes are not blended',
      in: metric('lag', 'average', [{ value: 2, labels: {} }]),
      labels: [{ process: 'worker@h:1' }],
      aggregator: 'sum',
    },
    {
      name: 'a whole-deployment gauge is left alone',
      in: metric('cc_queue_jobs', 'sum', [{ value: 3, labels: { queue: 'ingest' } }]),
      except: ['cc_queue_jobs'],
      labels: [{ queue: 'ingest' }],
      aggregator: 'sum',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [out] = labelled([c.in], 'worker@h:1', new Set(c.except ?? []));
      assert.deepEqual(
        out.values.map((v) => v.labels),
        c.labels,
      );
      assert.equal(out.aggregator, c.aggregator);
      assert.deepEqual(
        out.values.map((v) => v.value),
        c.in.values.map((v) => v.value),
      );
    });
  }
});
