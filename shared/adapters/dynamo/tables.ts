/**
 * The three DynamoDB tables, described once: the CDK stateful stack provisions them from this, and
 * the embedded store creates the same tables in dynalite, so the adapter that ships is the one tested.
 * Every table keys on `pk` + `sk` (strings); `expiresAt` (epoch seconds) is the TTL attribute.
 */
export interface TableSpec {
  /** Logical name, also the default physical name's suffix. */
  id: 'findings' | 'channels' | 'gate';
  /** Environment variable that carries the physical name into the Lambdas and the CLI. */
  envVar: 'FINDINGS_TABLE' | 'CHANNELS_TABLE' | 'GATE_TABLE';
  ttlAttribute?: string;
  /** Global secondary indexes (keys are strings). */
  indexes: { name: string; pk: string; sk: string }[];
}

export const KEY = { pk: 'pk', sk: 'sk' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';

export const TABLES: Record<TableSpec['id'], TableSpec> = {
  // Findings and run records. Findings: pk DAY#<day>, sk F#<channel>#<rule>#<metric>; run: sk RUN.
  // byChannel: gsi1pk CHANNEL#<channel>, gsi1sk <day>#<rule>#<metric>, for a channel's history.
  findings: {
    id: 'findings',
    envVar: 'FINDINGS_TABLE',
    ttlAttribute: TTL_ATTRIBUTE,
    indexes: [{ name: 'byChannel', pk: 'gsi1pk', sk: 'gsi1sk' }],
  },
  // Channel registry (pk CHANNEL#<id>, sk META) and its review history (sk REVIEW#<at>, CHANGE#<day>).
  channels: { id: 'channels', envVar: 'CHANNELS_TABLE', indexes: [] },
  // Fatigue gate: tiers (pk USER#<id>, sk TIER) and window counters (sk COUNTERS#..., MSG#<messageId>).
  gate: { id: 'gate', envVar: 'GATE_TABLE', ttlAttribute: TTL_ATTRIBUTE, indexes: [] },
};

/** Physical table names, from the environment or, on one machine, the defaults below. */
export interface TableNames {
  findings: string;
  channels: string;
  gate: string;
}

export const DEFAULT_TABLE_NAMES: TableNames = {
  findings: 'crm-guard-findings',
  channels: 'crm-guard-channels',
  gate: 'crm-guard-gate',
};
