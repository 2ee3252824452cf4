import { PlatformHarness } from '../../gateway/test/platform-harness.js';

/**
 * The platform as the subsidy service meets it: the real governance, population and enterprise
 * subgraphs behind a real gateway (the one the bureau's system reads through). The subsidy
 * subgraph joins once the bureau holds its key, and a second gateway (a replica on the same
 * database) serves the whole supergraph, subsidy included; `call` then goes through it.
 */
export class SubsidyPlatformHarness extends PlatformHarness {
  private readonly subgraphs: Record<string, string> = {};
  /** The gateway without the subsidy subgraph: the one the bureau's system reads through. */
  readsUrl = '';

  static start(label: string): Promise<SubsidyPlatformHarness> {
    return PlatformHarness.open(label, (...parts) => new SubsidyPlatformHarness(...parts), (harness) => harness.startProviders());
  }

  private async startProviders(): Promise<void> {
    this.subgraphs.governance = await this.governance();
    const [population, enterprise] = await Promise.all([this.subgraph('population'), this.subgraph('enterprise')]);
    Object.assign(this.subgraphs, { population, enterprise });
    this.readsUrl = await this.gateway({ ...this.subgraphs });
  }

  /** The subsidy subgraph, reading through the gateway with the bureau's key, and the gateway that serves it. */
  async startSubsidy(apiKey: string): Promise<void> {
    const subsidy = await this.subgraph('subsidy', { SUBSIDY_GATEWAY_URL: this.readsUrl, SUBSIDY_API_KEY: apiKey });
    await this.gateway({ ...this.subgraphs, subsidy });
  }
}
