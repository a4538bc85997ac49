// What each Medicare PFS indicator value means, in CMS's words (the PPRRVU record layout, RVU25D),
// for answers to quote beside the value. Pure; unknown values return null rather than a guess.
import type { FeeScheduleFact } from './types.ts';

const STATUS: Record<string, string> = {
  A: 'Active code: separately paid under the physician fee schedule if covered',
  B: 'Bundled code: payment is bundled into other services; no separate payment, even when RVUs are shown',
  C: 'Contractors price the code (carrier-priced)',
  D: 'Deleted code: allowed for use only during a grace period',
  E: 'Excluded from the physician fee schedule by regulation',
  F: 'Deleted or discontinued code: no grace period',
  G: 'Not valid for Medicare purposes: Medicare uses another code (grace period)',
  H: 'Deleted modifier: this code-modifier combination is no longer valid',
  I: 'Not valid for Medicare purposes: Medicare uses another code for reporting and payment of these services',
  J: 'Anesthesia service: no RVUs or payment amounts under the fee schedule',
  M: 'Measurement code: used for reporting purposes only',
  N: 'Non-covered service: not covered by Medicare',
  P: 'Bundled or excluded code: no RVUs and no payment; covered as incident to a physician service it is bundled into that service, otherwise excluded',
  R: 'Restricted coverage: special coverage instructions apply; if covered it is paid under the fee schedule',
  T: 'Injections: RVUs and payment amounts exist, but the service is paid only if no other service payable under the fee schedule is billed on the same date by the same provider',
  X: 'Statutory exclusion: not within the statutory definition of physician services for fee schedule payment',
};

const GLOBAL: Record<string, string> = {
  '000':
    'Endoscopic or minor procedure: related preoperative and postoperative work on the day of the procedure only is included; E/M on that day is generally not payable',
  '010':
    'Minor procedure: preoperative work on the day of the procedure and a 10-day postoperative period are included; E/M on the day of the procedure and during the 10 days is generally not payable',
  '090': 'Major surgery: a 1-day preoperative period and a 90-day postoperative period are included in the fee schedule amount',
  MMM: 'Maternity code: the usual global surgery period does not apply',
  XXX: 'The global surgery concept does not apply',
  YYY: 'The contractor sets the global period (carrier-priced code)',
  ZZZ: 'The code is related to another service and is always included in the global period of the other service',
};

const MULTIPLE: Record<string, string> = {
  '0': 'No multiple-procedure payment adjustment applies: payment is based on the lower of the actual charge or the fee schedule amount',
  '1': 'Standard multiple-procedure rules in effect before January 1, 1995 apply',
  '2': 'Standard multiple-procedure payment rules apply (modifier 51): 100% for the highest-valued procedure, 50% for the second through fifth; more than five are priced by report',
  '3': 'Special rules for multiple endoscopic procedures apply when billed with another endoscopy in the same family (same endoscopic base code)',
  '4': 'Diagnostic imaging multiple-procedure reduction applies when billed with another imaging procedure of the same family: 50% reduction of the technical component; 5% reduction of the professional component (from January 1, 2017)',
  '5': 'Multiple-procedure payment reduction for certain therapy services applies: 50% reduction of the practice expense of the second and subsequent units and procedures',
  '6': 'Diagnostic cardiovascular services: 25% reduction of the technical component of the second and subsequent procedures (from January 1, 2013)',
  '7': 'Diagnostic ophthalmology services: 20% reduction of the technical component of the second and subsequent procedures (from January 1, 2013)',
  '9': 'The multiple-procedure concept does not apply',
};

const BILATERAL: Record<string, string> = {
  '0': '150% payment adjustment for bilateral procedures does not apply; with modifier 50 or RT and LT, payment is the lower of the total charge for both sides or 100% of the fee schedule amount for a single code',
  '1': '150% payment adjustment applies; report with modifier 50 on one line (1 unit): payment is the lower of the total charge for both sides or 150% of the fee schedule amount for a single code',
  '2': '150% payment adjustment does not apply: the RVUs already describe the procedure as performed bilaterally',
  '3': 'The usual bilateral adjustment does not apply: with modifier 50 or both sides reported, payment for each side is the lower of its charge or 100% of the fee schedule amount for each side',
  '9': 'The bilateral surgery concept does not apply',
};

const ASSISTANT: Record<string, string> = {
  '0': 'Payment restriction for assistants at surgery applies unless supporting documentation establishes medical necessity',
  '1': 'Statutory payment restriction for assistants at surgery applies: an assistant at surgery may not be paid',
  '2': 'Payment restriction for assistants at surgery does not apply: an assistant at surgery may be paid',
  '9': 'The assistant-at-surgery concept does not apply',
};

const CO_SURGEON: Record<string, string> = {
  '0': 'Co-surgeons (modifier 62) are not permitted for this procedure',
  '1': 'Co-surgeons (modifier 62) may be paid with supporting documentation establishing the medical necessity of two surgeons',
  '2': 'Co-surgeons (modifier 62) are permitted, no documentation required if the two-specialty requirement is met',
  '9': 'The co-surgeon concept does not apply',
};

const TEAM: Record<string, string> = {
  '0': 'Team surgeons (modifier 66) are not permitted for this procedure',
  '1': 'Team surgeons (modifier 66) may be paid with supporting documentation establishing the medical necessity of a team; paid by report',
  '2': 'Team surgeons (modifier 66) are permitted; paid by report',
  '9': 'The team surgery concept does not apply',
};

const PCTC: Record<string, string> = {
  '0': 'Physician service: the professional/technical component concept does not apply; modifiers 26 and TC cannot be used',
  '1': 'Diagnostic test or radiology service with professional and technical components: modifiers 26 and TC can be used',
  '2': 'Professional-component-only code: modifiers 26 and TC cannot be used',
  '3': 'Technical-component-only code: modifiers 26 and TC cannot be used',
  '4': 'Global-test-only code: separate codes exist for the professional and technical components; modifiers 26 and TC cannot be used',
  '5': 'Incident-to code: services by personnel under physician supervision; modifiers 26 and TC cannot be used',
  '6': 'Laboratory physician interpretation code: modifier TC cannot be used',
  '7': 'Private-practice therapist service: not payable when furnished to a hospital outpatient or inpatient by a therapist in private practice',
  '8': 'Physician interpretation code (clinical laboratory): modifier TC cannot be used',
  '9': 'The professional/technical component concept does not apply',
};

const SUPERVISION: Record<string, string> = {
  '01': 'General supervision required',
  '02': 'Direct supervision required',
  '03': 'Personal supervision required',
  '09': 'The supervision concept does not apply',
  '21': 'May be performed by a certified technician under general supervision; otherwise personal supervision required',
  '22': 'May be performed by a technician with online real-time contact with a physician',
};

const IMAGING: Record<string, string> = {
  '88': 'Subject to the diagnostic imaging multiple-procedure reduction (technical and professional components)',
  '99': 'The diagnostic imaging family concept does not apply',
};

const pick = (table: Record<string, string>, v: string | null | undefined): string | null => (v == null ? null : (table[v] ?? null));

export const describeStatus = (v: string) => pick(STATUS, v);
export const describeGlobalDays = (v: string) => pick(GLOBAL, v);
export const describeMultipleProcedure = (v: string) => pick(MULTIPLE, v);
export const describeBilateral = (v: string) => pick(BILATERAL, v);
export const describeAssistant = (v: string) => pick(ASSISTANT, v);
export const describeCoSurgeon = (v: string) => pick(CO_SURGEON, v);
export const describeTeamSurgery = (v: string) => pick(TEAM, v);
export const describePcTc = (v: string) => pick(PCTC, v);
export const describeSupervision = (v: string) => pick(SUPERVISION, v);
export const describeImagingFamily = (v: string) => pick(IMAGING, v);

/** Every indicator of a fact with its meaning (null meaning = not in the summary; see the CMS layout). */
export function describeFeeSchedule(f: FeeScheduleFact): { indicator: string; value: string; meaning: string | null }[] {
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  const out = [
    { indicator: 'status', value: f.status, meaning: describeStatus(f.status) },
    { indicator: 'global days', value: f.globalDays, meaning: describeGlobalDays(f.globalDays) },
    { indicator: 'multiple procedure', value: f.multipleProcedure, meaning: describeMultipleProcedure(f.multipleProcedure) },
    { indicator: 'bilateral surgery', value: f.bilateral, meaning: describeBilateral(f.bilateral) },
    { indicator: 'assistant at surgery', value: f.assistant, meaning: describeAssistant(f.assistant) },
    { indicator: 'co-surgeons', value: f.coSurgeon, meaning: describeCoSurgeon(f.coSurgeon) },
    { indicator: 'team surgery', value: f.teamSurgery, meaning: describeTeamSurgery(f.teamSurgery) },
    { indicator: 'PC/TC', value: f.pcTc, meaning: describePcTc(f.pcTc) },
    { indicator: 'physician supervision', value: f.supervision, meaning: describeSupervision(f.supervision) },
    { indicator: 'imaging family', value: f.imagingFamily, meaning: describeImagingFamily(f.imagingFamily) },
  ];
  if (f.preOp + f.intraOp + f.postOp > 0) {
    out.push({
      indicator: 'global package shares',
      value: `${f.preOp}/${f.intraOp}/${f.postOp}`,
      meaning: `preoperative ${pct(f.preOp)}, intraoperative ${pct(f.intraOp)}, postoperative ${pct(f.postOp)} (for split care with modifiers 56, 54, 55)`,
    });
  }
  if (f.endoscopicBase) out.push({ indicator: 'endoscopic base', value: f.endoscopicBase, meaning: `Endoscopy family base code ${f.endoscopicBase}` });
  return out;
}
