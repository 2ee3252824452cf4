import {
  Forbidden,
  InvalidTransition,
  NotFound,
  ValidationFailed,
  boundedList,
  hasRole,
  identifier,
  type CommandActor,
  type RecordedActor,
} from '@shuzhi/shared-kernel';
import type {
  ConsentEvent,
  ConsentReceipt,
  ConsentTerms,
  DatasetView,
  ReceiptPayload,
} from '@shuzhi/governance-events';

export type ConsentState =
  | { status: 'NONE' }
  | {
      status: 'ACTIVE' | 'WITHDRAWN' | 'EXPIRED';
      terms: ConsentTerms;
      receipt: ConsentReceipt;
      /** The citizen channel (its department) the consent was given through: the one that may withdraw it. */
      channel: string;
    };

/**
 * What the register that keeps a dataset's type knows of the subject named, as its owning
 * service's published events say (a `Resident` id for a dataset bound to Resident, a credit code
 * for Enterprise). A consent is a resident's or an entity's own act: given for nobody the
 * register knows, it would be a signed receipt that someone consented who does not exist.
 */
export type SubjectFact =
  | { type: string; register: 'KNOWN' }
  | { type: string; register: 'UNKNOWN' }
  /** No register governance follows keeps rows of this type: no subject of it can be checked. */
  | { type: string; register: 'NONE' };

export type ConsentCommand =
  | {
      type: 'GrantConsent';
      consentId: string;
      actor: CommandActor;
      now: string;
      input: { subjectId: string; consumerDepartmentCode: string; purpose: string; datasetCode: string; fields?: string[] | null; expiresAt: string };
      dataset: DatasetView | undefined;
      /** Of the trimmed `input.subjectId` in the register of the dataset's type; undefined without a dataset. */
      subject: SubjectFact | undefined;
      consumerRegistered: boolean;
      purposeRegistered: boolean;
      /** Signs the receipt with the platform's key: deterministic (Ed25519), so replay agrees. */
      signReceipt: (payload: ReceiptPayload) => ConsentReceipt;
    }
  | { type: 'WithdrawConsent'; actor: CommandActor; now: string }
  | { type: 'ExpireConsent'; now: string };

const channelOf = (actor: CommandActor): RecordedActor => {
  if (!hasRole(actor, 'CITIZEN_CHANNEL')) throw new Forbidden('only a citizen channel grants or withdraws consent');
  return { clientId: actor.clientId, department: actor.department, role: 'CITIZEN_CHANNEL' };
};

export const decide = (command: ConsentCommand, state: ConsentState): ConsentEvent[] => {
  switch (command.type) {
    case 'GrantConsent': {
      const by = channelOf(command.actor);
      if (state.status !== 'NONE') throw new InvalidTransition(state.status, command.type, 'this consent id is taken');
      const { input, dataset } = command;
      if (!dataset) throw new NotFound(`no dataset ${input.datasetCode}`);
      if (!command.consumerRegistered) throw new NotFound(`no department ${input.consumerDepartmentCode}`);
      if (!command.purposeRegistered) throw new ValidationFailed(`purpose ${input.purpose} is not a registered purpose code`);
      if (!input.subjectId?.trim()) throw new ValidationFailed('a consent names its subject');
      // An entity key (a resident id, a credit code): it becomes part of every index of consents.
      identifier(input.subjectId.trim(), 'subjectId');
      const { subject } = command;
      if (subject?.register === 'UNKNOWN') {
        // Not echoing the id: the caller has it, and an answer is no place for what it wrote.
        throw new NotFound(`the register knows no ${subject.type} with this id`, { field: 'subjectId' });
      }
      if (subject?.register !== 'KNOWN') {
        throw new ValidationFailed(`${dataset.code} is bound to ${subject?.type ?? 'a type'}, whose rows no register governance follows keeps: no subject of it can consent`, {
          field: 'datasetCode',
        });
      }
      boundedList(input.fields, 'fields').forEach((field) => identifier(field, 'fields'));
      const known = dataset.fields.map((f) => f.name);
      const fields = input.fields && input.fields.length > 0 ? [...new Set(input.fields)] : known;
      const unknown = fields.filter((f) => !known.includes(f));
      if (unknown.length > 0) throw new ValidationFailed(`${dataset.code} has no field ${unknown.join(', ')}`);
      const expiresAt = Date.parse(input.expiresAt);
      if (Number.isNaN(expiresAt)) throw new ValidationFailed('expiresAt must be a date');
      if (expiresAt <= Date.parse(command.now)) throw new ValidationFailed('expiresAt must be in the future');
      const terms: ConsentTerms = {
        consentId: command.consentId,
        subjectId: input.subjectId.trim(),
        consumerDepartment: input.consumerDepartmentCode,
        providerDepartment: dataset.providerDepartment,
        purpose: input.purpose,
        datasetCode: dataset.code,
        fields,
        expiresAt: new Date(expiresAt).toISOString(),
      };
      const receipt = command.signReceipt({
        receiptVersion: 'shuzhi-consent-receipt/1',
        consentId: terms.consentId,
        subjectId: terms.subjectId,
        dataController: terms.providerDepartment,
        dataConsumer: terms.consumerDepartment,
        purpose: terms.purpose,
        datasetCode: terms.datasetCode,
        fields: terms.fields,
        grantedAt: command.now,
        expiresAt: terms.expiresAt,
        channel: command.actor.department,
      });
      return [{ type: 'ConsentGranted', data: { terms, receipt, by, at: command.now } }];
    }
    case 'WithdrawConsent': {
      const by = channelOf(command.actor);
      if (state.status === 'NONE') throw new NotFound('no consent with this id');
      // The resident withdraws where they consented: another channel has no account of theirs to act for.
      if (state.channel !== by.department) throw new Forbidden('a consent is withdrawn through the citizen channel it was given through');
      if (state.status !== 'ACTIVE') throw new InvalidTransition(state.status, command.type);
      return [{ type: 'ConsentWithdrawn', data: { by, at: command.now } }];
    }
    case 'ExpireConsent':
      if (state.status !== 'ACTIVE' || command.now < state.terms.expiresAt) return [];
      return [{ type: 'ConsentExpired', data: { at: command.now } }];
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
};

export const evolve = (state: ConsentState, event: ConsentEvent): ConsentState => {
  switch (event.type) {
    case 'ConsentGranted':
      return { status: 'ACTIVE', terms: event.data.terms, receipt: event.data.receipt, channel: event.data.by.department };
    case 'ConsentWithdrawn':
      return state.status === 'NONE' ? state : { ...state, status: 'WITHDRAWN' };
    case 'ConsentExpired':
      return state.status === 'NONE' ? state : { ...state, status: 'EXPIRED' };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

export const consentDecider = { initialState: { status: 'NONE' } as ConsentState, decide, evolve };
export const consentStreamId = (consentId: string) => `consent-${consentId}`;
