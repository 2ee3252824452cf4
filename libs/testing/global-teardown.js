export default async function globalTeardown() {
  await globalThis.shuzhiTestServer?.stop();
}
