/** A subgraph the platform ships, as `npm start` runs it and governance registers it at its first start. */
export interface BuiltInSubgraph {
  name: string;
  /** The department that owns it: its fields are that department's data. */
  department: string;
  /** Its port under `npm start` (overridden by `<NAME>_PORT`). */
  port: number;
}

/**
 * The one list of the platform's own subgraphs. The data bureau (`data-bureau`) owns the
 * platform's subgraphs, whose types are guarded by roles rather than by contracts.
 */
export const BUILT_IN_SUBGRAPHS: readonly BuiltInSubgraph[] = [
  { name: 'governance', department: 'data-bureau', port: 4001 },
  { name: 'population', department: 'public-security', port: 4002 },
  { name: 'enterprise', department: 'market-regulation', port: 4003 },
  { name: 'subsidy', department: 'economic-bureau', port: 4004 },
  { name: 'audit', department: 'data-bureau', port: 4005 },
];
