import { forkTypeScript } from '@shuzhi/testing';
import { TEST_HASH_KEY } from '../../gateway/test/gateway-harness.js';
import { PlatformHarness } from '../../gateway/test/platform-harness.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The platform as an auditor meets it: the real governance, population and audit subgraphs
 * behind a real gateway with enforcement on (so every read of resident data leaves an access
 * record), and the audit CLI on the same database.
 */
export class AuditPlatformHarness extends PlatformHarness {
  static start(label: string): Promise<AuditPlatformHarness> {
    return PlatformHarness.open(label, (...parts) => new AuditPlatformHarness(...parts), (harness) => harness.startAll());
  }

  private async startAll(): Promise<void> {
    const governance = await this.governance();
    const [population, audit] = await Promise.all([this.subgraph('population'), this.subgraph('audit')]);
    await this.gateway({ governance, population, audit }, { enforcement: { hashKey: TEST_HASH_KEY } });
  }

  /** `npm run audit -- <args>` against this platform's database, from the TypeScript sources. */
  runCli(args: string[]): Promise<CliRun> {
    const child = forkTypeScript('scripts/audit.ts', args, { DATABASE_URL: this.database.url, SHUZHI_DATA_DIR: this.dataDir }, 'pipe');
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }
}
