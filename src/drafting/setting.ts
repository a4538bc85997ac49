// Which NCCI tables a question belongs to: a hospital outpatient claim (UB-04, OPPS) has its own PTP and
// MUE tables, a DME supplier its own MUE table; everything else is a practitioner claim.
import type { MueSetting, PtpSetting } from '../kb/types.ts';

export interface ClaimSetting {
  setting: PtpSetting;
  mueSetting: MueSetting;
}

const HOSPITAL = /\b(?:outpatient\s+hospital|hospital\s+outpatient|hopd|opps|ub-?04|facility\s+(?:claim|side|billing)|ed\s+facility|asc)\b/i;
const DME = /\b(?:dme(?:pos)?\s+(?:supplier|claim)|durable\s+medical\s+equipment\s+supplier)\b/i;

export function claimSetting(question: string): ClaimSetting {
  if (DME.test(question)) return { setting: 'practitioner', mueSetting: 'dme' };
  if (HOSPITAL.test(question)) return { setting: 'outpatient_hospital', mueSetting: 'outpatient_hospital' };
  return { setting: 'practitioner', mueSetting: 'practitioner' };
}
