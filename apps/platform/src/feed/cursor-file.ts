import { open, readFile, rename, unlink } from 'node:fs/promises';
import { FeedUsageError } from './feed-errors.js';

/**
 * `after` for a feed from the beginning of the log: the log's positions start after it (the
 * subgraphs' change feeds call it FEED_ORIGIN). To be confirmed against the gateway once it
 * serves them (issue 19).
 */
export const BEGINNING_OF_LOG = '0';

/**
 * What a cursor may look like: the gateway's cursors are opaque, but a printable token of
 * bounded length is all they need to be, and anything else in a file means it is not one.
 */
const CURSOR = /^[\x21-\x7e]{1,1024}$/;

export const isCursor = (value: unknown): value is string => typeof value === 'string' && CURSOR.test(value);

/**
 * The file that keeps the cursor of the last change printed, so that a restart resumes after it.
 * It names the subscription and purpose it was written for: a cursor is a position in one
 * feed, and resuming another from it would skip that feed's changes without a word.
 */
export class CursorFile {
  constructor(
    readonly path: string,
    readonly subscription: string,
    readonly purpose: string,
  ) {}

  /** The cursor to resume after, or null when there is no file yet; a file that holds anything else is refused. */
  async read(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new FeedUsageError(`cannot read the cursor file ${this.path}: ${(error as Error).message}`);
    }
    const refuse = (why: string) =>
      new FeedUsageError(`the cursor file ${this.path} ${why}; the feed will not guess where to resume: fix the file, or remove it to start again`);
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch {
      throw refuse('is not a cursor file (not JSON)');
    }
    const { subscription, purpose, cursor } = (content ?? {}) as Record<string, unknown>;
    if (typeof content !== 'object' || content === null || Array.isArray(content) || !isCursor(cursor)) {
      throw refuse('holds no cursor (a JSON object { subscription, purpose, cursor } was expected)');
    }
    if (subscription !== this.subscription || purpose !== this.purpose) {
      throw refuse(`is the cursor of ${JSON.stringify(subscription)} for ${JSON.stringify(purpose)}, not of ${this.subscription} for ${this.purpose}`);
    }
    return cursor;
  }

  /**
   * Keeps `cursor`: written whole to a file of its own, flushed, then renamed over the old one,
   * so that a crash at any moment leaves the previous cursor or this one, never a part of either.
   */
  async write(cursor: string): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(`${JSON.stringify({ subscription: this.subscription, purpose: this.purpose, cursor })}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
