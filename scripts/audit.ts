import 'reflect-metadata';
import { DomainError } from '@shuzhi/shared-kernel';
import { openAuditSources } from '../apps/audit/src/cli/audit-cli-sources.js';
import { checkProofCommand } from '../apps/audit/src/cli/check-proof.command.js';
import { createCliProgress } from '../apps/audit/src/cli/progress.js';
import { proveCommand } from '../apps/audit/src/cli/prove.command.js';
import { publicKeyCommand } from '../apps/audit/src/cli/public-key.command.js';
import { replayDecisionsCommand } from '../apps/audit/src/cli/replay-decisions.command.js';
import { subjectReportCommand } from '../apps/audit/src/cli/subject-report.command.js';
import { verifyCommand } from '../apps/audit/src/cli/verify.command.js';
import { rebuildCheckCommand } from '../apps/platform/src/rebuild-check.js';

const USAGE = `usage: npm run audit -- <command>
  verify [--json]                                   recompute the audit chain; name the first bad position
  prove <position> [--out file]                     export the inclusion proof of one event
  check-proof <file> --public-key <file.pem>        check an inclusion proof offline (node:crypto only), against the trusted key
  public-key [--out file.pem]                       the audit sealing public key, to publish and check proofs with
  replay-decisions [--from <instant>] [--to <instant>]  decide every access record again and compare
  subject-report <subjectId> [--format json|csv]    a citizen's subject access report
  rebuild-check                                     rebuild every read model in a scratch schema and compare
The database is DATABASE_URL, else the embedded PostgreSQL of SHUZHI_DATA_DIR (stop npm start first).
Exit status: 0 when everything holds, 1 on any mismatch, 2 on a usage error.`;

/**
 * `npm run audit -- <command>`: the auditor's command line. Long runs show a progress bar with
 * rate and ETA on a terminal and plain lines otherwise; any mismatch exits non-zero.
 */
const main = async (): Promise<number> => {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'check-proof') return checkProofCommand(args);
  if (command === 'public-key') return publicKeyCommand(args);
  const known = ['verify', 'prove', 'replay-decisions', 'subject-report', 'rebuild-check'];
  if (!command || !known.includes(command)) {
    process.stderr.write(`${command ? `unknown command ${command}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const sources = await openAuditSources();
  const progress = createCliProgress(process.stderr);
  try {
    switch (command) {
      case 'verify':
        return await verifyCommand(args, sources, progress);
      case 'prove':
        return await proveCommand(args, sources);
      case 'replay-decisions':
        return await replayDecisionsCommand(args, sources, progress);
      case 'subject-report':
        return await subjectReportCommand(args, sources);
      default:
        return await rebuildCheckCommand(sources.store, sources.database.url, progress);
    }
  } finally {
    await sources.close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A refusal (a malformed date, a missing argument) is the user's to fix: say so plainly.
    if (error instanceof DomainError || error instanceof TypeError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
