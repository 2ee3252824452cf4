import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Forbidden, ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditConfig } from '../audit.config.js';
import { secretPathsOf } from '../history/event-secrets.js';
import {
  AuditSealer,
  EventNoLongerSealed,
  auditChainStatus,
  buildInclusionProof,
  verifyAuditChain,
  type AuditChainStatus,
  type AuditVerification,
} from '../sealing/index.js';

/**
 * The tamper-evident chain as the subgraph serves it: the sealer runs while the service runs
 * (one replica wins each block; the others find it sealed), and the auditor's questions about
 * the chain are answered by the sealing code itself.
 */
@Injectable()
export class AuditChain implements OnModuleInit, OnApplicationShutdown {
  private readonly sealer: AuditSealer | undefined;

  constructor(@Inject(AUDIT_CONFIG) private readonly config: AuditConfig) {
    this.sealer =
      config.sealing === false
        ? undefined
        : new AuditSealer(config.store, config.sealKey, {
            ...config.sealing,
            clock: config.clock,
            onError: (error) => console.error('audit sealer:', error),
          });
  }

  onModuleInit(): void {
    this.sealer?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sealer?.stop();
  }

  verify(): Promise<AuditVerification> {
    return verifyAuditChain(this.config.store.pool, this.config.sealKey.publicKey);
  }

  status(): Promise<AuditChainStatus> {
    return auditChainStatus(this.config.store.pool);
  }

  async inclusionProof(globalPosition: string): Promise<unknown> {
    let proof;
    try {
      proof = await buildInclusionProof(this.config.store.pool, this.config.sealKey.publicKeyPem, globalPosition);
    } catch (error) {
      // An altered event has no true proof: the auditor is told so, not handed an internal error.
      if (error instanceof EventNoLongerSealed) throw new ValidationFailed(error.message);
      throw error;
    }
    // A proof holds the event's stored text, which redaction would break: an event with a secret gets none here.
    const type = (JSON.parse(proof.leafText) as unknown[])[4] as string;
    const secrets = secretPathsOf(type);
    if (secrets.length > 0) {
      throw new Forbidden(
        `the event at position ${globalPosition} is a ${type}, and its proof would show ${secrets.map((p) => p.join('.')).join(', ')}: ` +
          'no audit answer carries a secret; an operator with the database proves it with `npm run audit -- prove`',
      );
    }
    return proof;
  }
}
