import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CursorFile } from './cursor-file.js';
import { FeedUsageError } from './feed-errors.js';

describe('the cursor file', () => {
  let folder: string;
  let path: string;
  let file: CursorFile;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'feed-cursor-'));
    path = join(folder, 'feed.residentChanges.SUBSIDY_ELIGIBILITY.cursor');
    file = new CursorFile(path, 'residentChanges', 'SUBSIDY_ELIGIBILITY');
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('is absent before the first change: no cursor', async () => {
    expect(await file.read()).toBeNull();
  });

  it('keeps the last cursor written, naming its feed, and leaves nothing else behind', async () => {
    await file.write('41');
    await file.write('42');
    expect(await file.read()).toBe('42');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ subscription: 'residentChanges', purpose: 'SUBSIDY_ELIGIBILITY', cursor: '42' });
    expect(await readdir(folder)).toEqual(['feed.residentChanges.SUBSIDY_ELIGIBILITY.cursor']);
  });

  it.each([
    ['half a file', '{"subscription":"residentChanges","purpose":"SUBSIDY_ELIGIBILITY","cur', /not JSON/],
    ['an empty file', '', /not JSON/],
    ['a bare cursor', '42\n', /holds no cursor/],
    ['a list', '["42"]', /holds no cursor/],
    ['a cursor that is a number', '{"subscription":"residentChanges","purpose":"SUBSIDY_ELIGIBILITY","cursor":42}', /holds no cursor/],
    ['a cursor with a line break', '{"subscription":"residentChanges","purpose":"SUBSIDY_ELIGIBILITY","cursor":"4\\n2"}', /holds no cursor/],
    ['another feed’s cursor', '{"subscription":"householdChanges","purpose":"SUBSIDY_ELIGIBILITY","cursor":"42"}', /of "householdChanges" for "SUBSIDY_ELIGIBILITY", not of residentChanges/],
    ['another purpose’s cursor', '{"subscription":"residentChanges","purpose":"MINIMUM_LIVING_ALLOWANCE","cursor":"42"}', /not of residentChanges for SUBSIDY_ELIGIBILITY/],
  ])('refuses %s, naming the file and what to do', async (_case, text, why) => {
    await writeFile(path, text);
    const refusal = await file.read().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(FeedUsageError);
    expect((refusal as Error).message).toMatch(why);
    expect((refusal as Error).message).toContain(path);
    expect((refusal as Error).message).toContain('remove it to start again');
  });

  it('refuses a cursor file it cannot read', async () => {
    const unreadable = new CursorFile(folder, 'residentChanges', 'SUBSIDY_ELIGIBILITY');
    await expect(unreadable.read()).rejects.toThrow(`cannot read the cursor file ${folder}`);
  });
});
