import type { RecordedActor } from '@shuzhi/shared-kernel';

export interface ConsentTerms {
  consentId: string;
  subjectId: string;
  consumerDepartment: string;
  providerDepartment: string;
  purpose: string;
  datasetCode: string;
  fields: string[];
  expiresAt: string;
}

/** A signed receipt: `payload` is the canonical JSON that was signed (Ed25519, base64 signature). */
export interface ConsentReceipt {
  payload: string;
  signature: string;
}

/** The data subject granted, through a citizen channel, these fields for this purpose until expiry. */
export type ConsentGranted = {
  type: 'ConsentGranted';
  data: { terms: ConsentTerms; receipt: ConsentReceipt; by: RecordedActor; at: string };
};
/** The data subject withdrew it: from now on the gateway serves none of their rows under it. */
export type ConsentWithdrawn = { type: 'ConsentWithdrawn'; data: { by: RecordedActor; at: string } };
export type ConsentExpired = { type: 'ConsentExpired'; data: { at: string } };
export type ConsentEvent = ConsentGranted | ConsentWithdrawn | ConsentExpired;
export const CONSENT_EVENT_TYPES: ReadonlyArray<ConsentEvent['type']> = ['ConsentGranted', 'ConsentWithdrawn', 'ConsentExpired'];

/** The receipt's content, after the Kantara consent receipt and the DEPA consent artefact. */
export interface ReceiptPayload {
  receiptVersion: 'shuzhi-consent-receipt/1';
  consentId: string;
  subjectId: string;
  dataController: string;
  dataConsumer: string;
  purpose: string;
  datasetCode: string;
  fields: string[];
  grantedAt: string;
  expiresAt: string;
  channel: string;
}

