import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitUntil } from '@shuzhi/testing';
import { checkCharacter } from '../../population/src/domain/id-number/id-number.js';
import { ConsolePlatformHarness } from './console-platform-harness.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../test-output/console/', import.meta.url));
const PURPOSE = 'MINIMUM_LIVING_CHECK';
const DATASET = 'population.resident';
const CONSUMER_DEPARTMENT = 'economic-bureau';
const PROVIDER_DEPARTMENT = 'public-security';
const REGISTER_RESIDENT = 'mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }';
const CONTRACT_STATUS = 'query ($id: ID!) { sharingContract(id: $id) { status } }';
const RESIDENT_READ = 'query ($id: ID!) { resident(id: $id) { id name gender } }';
// Each step drives a browser on a shared machine; none asserts on time.
const STEP_MS = 180_000;
const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('console (headless Chromium against the real gateway, governance, population, enterprise and audit)', () => {
  let platform: ConsolePlatformHarness;
  let browser: Browser;
  let consumerKey: string;
  let stewardKey: string;
  let auditorKey: string;
  let residentId: string;
  let contractId: string;

  /** A fresh tab (its own session storage) signed in with `apiKey`, on `path` of the console. */
  const signIn = async (apiKey: string, path = '/console/'): Promise<Page> => {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
    // The machine is shared: generous waits, never timing assertions.
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await page.goto(`${platform.gatewayUrl}${path}`);
    await page.getByTestId('api-key').fill(apiKey);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('identity').waitFor();
    return page;
  };
  const closeTab = (page: Page) => page.context().close();
  const screenshot = (page: Page, name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  const navLinks = async (page: Page) => (await page.locator('header nav a').evaluateAll((links) => links.map((a) => a.getAttribute('data-testid')))).sort();

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    platform = await ConsolePlatformHarness.start('console_e2e');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
    const admin = platform.adminKey;
    await platform.ok(admin, `mutation { registerPurpose(input: { code: "${PURPOSE}", name: "最低生活保障资格核验" }) { code } }`);
    consumerKey = (await platform.issueKey(CONSUMER_DEPARTMENT, ['CONSUMER'])).apiKey;
    stewardKey = (await platform.issueKey(PROVIDER_DEPARTMENT, ['STEWARD'])).apiKey;
    auditorKey = (await platform.issueKey('data-bureau', ['AUDITOR'])).apiKey;
    const first17 = '33010619800101123';
    const { registerResident } = await platform.ok(stewardKey, REGISTER_RESIDENT, {
      input: { idNumber: first17 + checkCharacter(first17), name: '张三', gender: 'MALE', birthDate: '1980-01-01' },
    });
    residentId = registerResident.id;
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  }, STEP_MS);

  it('serves the console at /console, its client routes included', async () => {
    for (const path of ['/console', '/console/', '/console/auditor']) {
      const response = await fetch(`${platform.gatewayUrl}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
    }
    expect((await fetch(`${platform.gatewayUrl}/console/assets/none.js`)).status).toBe(404);
    expect((await fetch(`${platform.gatewayUrl}/console/..%2f..%2fpackage.json`)).status).toBe(404);
  }, STEP_MS);

  it('refuses a wrong key with a clear sign-in error, keeping nothing', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${platform.gatewayUrl}/console/`);
    await page.getByTestId('api-key').fill('sz_not-a-real-key');
    await page.getByTestId('sign-in').click();
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('UNAUTHENTICATED');
    expect(await error.textContent()).toContain('登录失败');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await screenshot(page, '01-sign-in-error');
    await context.close();
  }, STEP_MS);

  it('lets a consumer browse the catalog and request a contract', async () => {
    const page = await signIn(consumerKey);
    // Governance states who the key is: the header names its department and roles.
    expect(await page.getByTestId('identity').textContent()).toContain(`${CONSUMER_DEPARTMENT} · CONSUMER`);
    expect(await navLinks(page)).toEqual(['nav-consumer']);
    await page.getByTestId('catalog').locator(`tr[data-row="${DATASET}"]`).click();
    const detail = page.getByTestId('dataset-detail');
    await expect(detail.getByTestId('dataset-fields').textContent()).resolves.toContain('SENSITIVE_PERSONAL');
    await expect(detail.getByTestId('schema-versions').locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    for (const field of ['id', 'name', 'gender']) await detail.getByTestId(`pick-${field}`).check();
    await detail.getByTestId('mask-name').selectOption('MASK');
    await detail.getByTestId('purpose').selectOption(PURPOSE);
    await detail.getByTestId('legal-basis').fill('《社会救助暂行办法》第十一条');
    await detail.getByTestId('scenario').fill('低保资格核验');
    await detail.getByTestId('submit-request').click();
    const submitted = detail.getByTestId('submitted');
    await submitted.waitFor();
    contractId = /([0-9a-f-]{36})/.exec((await submitted.textContent())!)![1];
    expect(await submitted.textContent()).toContain('COMPLIANCE_REVIEW');
    await page.getByTestId('my-contracts').locator(`tr[data-row="${contractId}"]`).waitFor();
    // Nothing a consumer may not do is offered: no review, approval or revocation buttons.
    expect(await page.locator('[data-testid^="pass-"], [data-testid^="approve-"], [data-testid^="revoke-"]').count()).toBe(0);
    await screenshot(page, '02-consumer-request');
    await closeTab(page);
  }, STEP_MS);

  it('refuses the consumer, through the API, what the page does not offer it', async () => {
    const forced = await platform.call(consumerKey, 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true) { id } }', { id: contractId });
    expect(forced.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('PLATFORM') });
    const approve = await platform.call(consumerKey, 'mutation ($id: ID!) { approveSharingContract(id: $id) { id } }', { id: contractId });
    expect(approve.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const clients = await platform.call(consumerKey, '{ clients { clientId } }');
    expect(clients.errors?.[0].extensions.code).toBe('FORBIDDEN');
    // Nor does a typed-in route open a view the key's roles do not hold.
    const page = await signIn(consumerKey, '/console/bureau');
    await page.getByTestId('consumer-view').waitFor();
    expect(await page.getByTestId('bureau-view').count()).toBe(0);
    await closeTab(page);
  }, STEP_MS);

  it('lets the data bureau pass the compliance review', async () => {
    const page = await signIn(platform.adminKey, '/console/bureau');
    expect(await navLinks(page)).toContain('nav-bureau');
    expect(await navLinks(page)).not.toContain('nav-steward');
    const row = page.getByTestId('compliance-queue').locator(`tr[data-row="${contractId}"]`);
    await row.getByTestId(`pass-${contractId}`).click();
    await row.getByTestId(`pass-${contractId}-reason`).fill('依法履职所需');
    await screenshot(page, '03-bureau-compliance');
    await row.getByTestId(`pass-${contractId}-confirm`).click();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('clients').waitFor();
    await screenshot(page, '04-bureau-after-review');
    await closeTab(page);
  }, STEP_MS);

  it('lets the provider steward approve, with the requested fields shown by classification', async () => {
    const page = await signIn(stewardKey, '/console/steward');
    expect(await page.getByTestId('identity').textContent()).toContain(`${PROVIDER_DEPARTMENT} · STEWARD`);
    expect(await navLinks(page)).toEqual(['nav-consumer', 'nav-steward']);
    const row = page.getByTestId('provider-queue').locator(`tr[data-row="${contractId}"]`);
    // The classifications come with the catalog, which may answer after the queue.
    await row.locator('.field.class-personal').first().waitFor();
    expect(await row.locator('.field.class-personal').allTextContents()).toEqual(['name', 'gender']);
    expect(await row.locator('.field.class-internal').allTextContents()).toEqual(['id']);
    await screenshot(page, '05-steward-queue');
    await row.getByTestId(`approve-${contractId}`).click();
    await row.getByTestId(`approve-${contractId}-reason`).fill('同意共享');
    await row.getByTestId(`approve-${contractId}-confirm`).click();
    await page.getByTestId('provided-contracts').locator(`tr[data-row="${contractId}"]`).waitFor();
    expect(await page.getByTestId(`suspend-${contractId}`).count()).toBe(1);

    // A schema version that drops a granted field: governance's dry run names the contract
    // before it is sent, and the submission is refused naming the same contract.
    const publisher = page.getByTestId('schema-publisher');
    await publisher.getByTestId('schema-dataset').selectOption(DATASET);
    const schema = JSON.parse(await publisher.getByTestId('schema-text').inputValue());
    delete schema.properties.gender;
    schema.required = (schema.required ?? []).filter((field: string) => field !== 'gender');
    await publisher.getByTestId('schema-text').fill(JSON.stringify(schema, null, 2));
    await publisher.getByTestId('schema-check').click();
    const verdict = publisher.getByTestId('schema-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-accepted')).toBe('false');
    expect(await verdict.getAttribute('data-code')).toBe('INCOMPATIBLE_SCHEMA');
    expect(await verdict.textContent()).toContain(contractId);
    expect(await verdict.textContent()).toContain('gender');
    await screenshot(page, '06-steward-schema-verdict');
    // The check registered nothing.
    const { dataset: unchanged } = await platform.ok(stewardKey, `{ dataset(code: "${DATASET}") { fields { name } } }`);
    expect(unchanged.fields.map((f: { name: string }) => f.name)).toContain('gender');
    await publisher.getByTestId('schema-submit').click();
    const refusal = publisher.getByTestId('error');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('INCOMPATIBLE_SCHEMA');
    expect(await refusal.textContent()).toContain(contractId);
    await screenshot(page, '06-steward-schema-refused');
    // The same page in English, from the header's switch.
    await page.getByTestId('language').click();
    await page.getByText('Contracts my department provides').waitFor();
    await screenshot(page, '06-steward-contracts-en');
    await closeTab(page);
  }, STEP_MS);

  it('lets the provider steward suspend and resume the contract, its status following', async () => {
    const page = await signIn(stewardKey, '/console/steward');
    const row = page.getByTestId('provided-contracts').locator(`tr[data-row="${contractId}"]`);
    await row.getByTestId(`suspend-${contractId}`).click();
    await row.getByTestId(`suspend-${contractId}-reason`).fill('核查数据使用情况');
    await row.getByTestId(`suspend-${contractId}-confirm`).click();
    await row.getByTestId(`resume-${contractId}`).waitFor();
    expect(await row.locator('.badge').textContent()).toBe('SUSPENDED');
    expect((await platform.ok(stewardKey, CONTRACT_STATUS, { id: contractId })).sharingContract.status).toBe('SUSPENDED');
    await screenshot(page, '07-steward-suspended');
    await row.getByTestId(`resume-${contractId}`).click();
    await row.getByTestId(`resume-${contractId}-confirm`).click();
    await row.getByTestId(`suspend-${contractId}`).waitFor();
    expect(await row.locator('.badge').textContent()).toBe('ACTIVE');
    expect((await platform.ok(stewardKey, CONTRACT_STATUS, { id: contractId })).sharingContract.status).toBe('ACTIVE');
    await closeTab(page);
  }, STEP_MS);

  it('shows the consumer its contract ACTIVE, and the consumer reads under it through the gateway', async () => {
    const page = await signIn(consumerKey);
    const row = page.getByTestId('my-contracts').locator(`tr[data-row="${contractId}"]`);
    await row.click();
    expect(await row.locator('.badge').textContent()).toBe('ACTIVE');
    await page.getByTestId('contract-history').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('contract-history').textContent()).toContain('ContractActivated');
    await screenshot(page, '08-consumer-active');
    await closeTab(page);

    // The gateway's policy snapshot follows the approval shortly after.
    await waitUntil(async () => !(await platform.call(consumerKey, RESIDENT_READ, { id: residentId }, { 'x-purpose': PURPOSE })).errors, {
      what: 'the contract to be enforced',
      timeoutMs: 30_000,
    });
    const read = await platform.call(consumerKey, RESIDENT_READ, { id: residentId }, { 'x-purpose': PURPOSE });
    expect(read.data?.resident).toMatchObject({ id: residentId, gender: 'MALE' });
    expect(read.data?.resident.name).not.toBe('张三');
  }, STEP_MS);

  it('lets an auditor find the read in the access log and download the subject access report', async () => {
    const page = await signIn(auditorKey, '/console/auditor');
    expect(await navLinks(page)).toEqual(['nav-auditor']);
    await page.getByTestId('log-subjectId').fill(residentId);
    await page.getByTestId('log-department').fill(CONSUMER_DEPARTMENT);
    await waitUntil(
      async () => {
        await page.getByTestId('log-search').click();
        return (await page.getByTestId('access-log').locator('tbody tr:not(:has(td.empty))').count().catch(() => 0)) > 0;
      },
      { what: 'the read to be in the access log', timeoutMs: 30_000, intervalMs: 500 },
    );
    const log = await page.getByTestId('access-log').textContent();
    expect(log).toContain(CONSUMER_DEPARTMENT);
    expect(log).toContain(PURPOSE);

    await page.getByTestId('report-subject').fill(residentId);
    await page.getByTestId('report-load').click();
    await page.getByTestId('subject-report').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-csv').click()]);
    expect(download.suggestedFilename()).toBe(`subject-access-${residentId}.csv`);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\n').length).toBeGreaterThanOrEqual(2);
    expect(csv).toContain(CONSUMER_DEPARTMENT);
    expect(csv).toContain(PURPOSE);

    await page.getByTestId('verify-chain').click();
    await page.getByTestId('verification').waitFor();
    await page.getByTestId('chart-reads').locator('canvas').waitFor();

    // Who could read the subject's gender now (the form's default moment, after the resumption):
    // the consumer, under its contract.
    await page.getByTestId('who-dataset').selectOption(DATASET);
    await page.getByTestId('who-field').selectOption('gender');
    await page.getByTestId('who-subject').fill(residentId);
    const who = page.getByTestId('who-could-read');
    await waitUntil(
      async () => {
        await page.getByTestId('who-search').click();
        return ((await who.textContent({ timeout: 5_000 }).catch(() => null)) ?? '').includes(CONSUMER_DEPARTMENT);
      },
      { what: 'who could read to name the consumer', timeoutMs: 30_000, intervalMs: 500 },
    );
    await screenshot(page, '09-auditor');
    await closeTab(page);
  }, STEP_MS);

  it('refuses audit queries to anyone but an auditor, at the server', async () => {
    const forced = await platform.call(consumerKey, '{ accessLog { id } }');
    expect(forced.errors?.[0].extensions.code).toBe('FORBIDDEN');
  }, STEP_MS);
});
