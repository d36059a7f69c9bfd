import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows } from '#shared/adapters/duckdb/chunks.ts';
import { listPartitions, type Partition, type TableLocation } from '#shared/adapters/duckdb/lake-layout.ts';
import {
  type ColumnNames,
  channelRowsSql,
  engagementRowsSql,
  ident,
  type KnownValues,
  LAKE_COLUMNS,
  literal,
  type RowOrigin,
} from '#shared/adapters/metrics-sql.ts';
import { InputError, MetricsQueryError } from '#shared/errors.ts';
import type { IsoDay } from '#shared/time/seoul.ts';

/**
 * One lake table (channel or engagement) as DuckDB reads it: the relation of its rows in a day
 * range, with where each row came from (file, row), after checking that every file in the range
 * has the columns the table needs.
 */

export type TableKind = 'channel' | 'engagement';

/** Parquet count columns of these types hold whole numbers by construction. */
const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'HUGEINT',
]);

/** The rows of a day range: `sql` selects `source, row, dt, <table columns>` under contract names. */
export interface RangeRows {
  sql: string;
  /** True when every row was validated already (a CSV file is checked whole, once). */
  validated: boolean;
  /** What the row checks may take as given. */
  known: KnownValues;
  /** The rows are read from CSV files on each query: `throwOnCsvRejects` after the first. */
  scansCsv?: boolean;
}

export interface LakeTable {
  /** Undefined when no data file covers the range. */
  rows(
    connection: DuckDBConnection,
    range: { from: IsoDay; to: IsoDay },
    checkColumns?: boolean,
  ): Promise<RangeRows | undefined>;
  /** First and last day holding data. */
  days(connection: DuckDBConnection): Promise<{ earliest?: IsoDay; latest?: IsoDay }>;
}

/** Runs a statement; an engine failure becomes a `MetricsQueryError` naming the statement. */
export async function query(connection: DuckDBConnection, sql: string): Promise<void> {
  try {
    await connection.run(sql);
  } catch (error) {
    throw engineError(error, sql);
  }
}

export async function queryRows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  try {
    return await readRows(connection, sql);
  } catch (error) {
    throw engineError(error, sql);
  }
}

/** DuckDB's words for a later file of a multi-file CSV scan that lacks a column of the first. */
const LATER_FILE_MISSING_COLUMN =
  /column "([^"]+)" was read from the original file "([^"]+)", but could not be found in file "([^"]+)"\.(?:\s*Candidate names: ([^\n]*))?/;

/** DuckDB's words for a file that is no (whole) Parquet file: the path it names. */
const BROKEN_PARQUET =
  /(?:File '([^']+)' too small to be a Parquet file|No magic bytes found at (?:end|beginning) of file '([^']+)')/;

export function engineError(error: unknown, sql: string): Error {
  if (error instanceof InputError || error instanceof MetricsQueryError) return error;
  const missing = LATER_FILE_MISSING_COLUMN.exec((error as Error).message);
  if (missing) {
    const [, column, first, file, found] = missing;
    const columns = found ? `columns found: ${found.trim()}; ` : '';
    // A CSV's header is its row 1; a Parquet file has no header row to name.
    const row = /\.parquet$/i.test(file!) ? undefined : 1;
    return new InputError(file!, `missing column (${columns}${first} has it)`, { row, field: column! });
  }
  const broken = BROKEN_PARQUET.exec((error as Error).message);
  if (broken)
    return new InputError(
      (broken[1] ?? broken[2])!,
      'not a whole Parquet file (too small, or no footer): an upload still under way or a broken write; write the day again',
    );
  const statement = sql.replace(/\s+/g, ' ').trim().slice(0, 160);
  return new MetricsQueryError(`DuckDB: ${(error as Error).message} (query: ${statement})`, { cause: error });
}

/** The table's own columns (besides `dt`), as the user names them, with the contract name they map to. */
function tableColumns(kind: TableKind, columns: ColumnNames): [string, string][] {
  return kind === 'channel'
    ? [
        [columns.channelId, LAKE_COLUMNS.channelId],
        [columns.channelType, LAKE_COLUMNS.channelType],
        [columns.sends, LAKE_COLUMNS.sends],
        [columns.clicks, LAKE_COLUMNS.clicks],
      ]
    : [
        [columns.userId, LAKE_COLUMNS.userId],
        [columns.featureUses, LAKE_COLUMNS.featureUses],
      ];
}

/** A CSV's header is its row 1; a Parquet file has no header row to name. */
function requireColumns(source: string, found: Iterable<string>, needed: string[], headerRow?: number): void {
  const have = new Set(found);
  for (const name of needed) {
    if (!have.has(name)) {
      throw new InputError(source, `missing column (columns found: ${[...have].join(', ')})`, {
        row: headerRow,
        field: name,
      });
    }
  }
}

/**
 * A CSV file as text, split by the contract's dialect. A line that does not split into the header's
 * fields is kept aside (`store_rejects`) rather than failing the scan with no row named:
 * `throwOnCsvRejects` turns the first into the file's error.
 */
const CSV_DIALECT = `header = true, all_varchar = true, parallel = false, delim = ',', quote = '"', store_rejects = true`;
const csvScan = (file: string) => `read_csv(${literal(file)}, ${CSV_DIALECT})`;

/** After a query that scanned CSV files: the first line one could not read, as the file's error. */
export async function throwOnCsvRejects(connection: DuckDBConnection): Promise<void> {
  const [reject] = await queryRows(
    connection,
    `SELECT s.file_path AS file, e.line, e.error_type, e.column_name, e.error_message
      FROM reject_errors e JOIN reject_scans s ON s.scan_id = e.scan_id AND s.file_id = e.file_id
      ORDER BY s.file_path, e.line LIMIT 1`,
  );
  if (!reject) return;
  const where = { row: Number(reject.line) };
  switch (reject.error_type) {
    case 'TOO MANY COLUMNS':
      throw new InputError(
        String(reject.file),
        `more fields than the header names (${reject.error_message})`,
        where,
      );
    case 'MISSING COLUMNS':
      throw new InputError(String(reject.file), `missing: the row ends before it (${reject.error_message})`, {
        ...where,
        field: String(reject.column_name),
      });
    default:
      throw new InputError(String(reject.file), `cannot be read as CSV: ${reject.error_message}`, where);
  }
}

async function csvHeader(connection: DuckDBConnection, file: string): Promise<string[]> {
  const described = await queryRows(connection, `DESCRIBE SELECT * FROM ${csvScan(file)}`);
  return described.map((row) => String(row.column_name));
}

/** The rows under the contract's names, through the same SQL builders an Athena adapter uses. */
const contractSelect = (
  kind: TableKind,
  relation: string,
  origin: RowOrigin,
  range?: { from: IsoDay; to: IsoDay },
) =>
  kind === 'channel'
    ? channelRowsSql(relation, LAKE_COLUMNS, origin, range)
    : engagementRowsSql(relation, LAKE_COLUMNS, origin, range);

/** A single CSV file holding `dt` as a column: loaded once into memory, checked whole at load. */
function csvFileTable(
  kind: TableKind,
  file: string,
  columns: ColumnNames,
  tableName: string,
  validate: (connection: DuckDBConnection, rows: RangeRows) => Promise<void>,
): LakeTable {
  let loaded: Promise<void> | undefined;
  const load = (connection: DuckDBConnection) => {
    loaded ??= (async () => {
      const mapped = tableColumns(kind, columns);
      // DuckDB reads an empty file as one nameless column: say what it is.
      if (readFileSync(file, 'utf8').trim() === '')
        throw new InputError(
          file,
          `the file is empty (expected a header row: ${[columns.dt, ...mapped.map(([user]) => user)].join(',')})`,
        );
      // The file is scanned once: its columns are checked on the loaded table, then named as the contract's.
      await query(
        connection,
        `CREATE OR REPLACE TABLE ${tableName}_raw AS SELECT row_number() OVER () + 1 AS __line, * FROM ${csvScan(file)}`,
      );
      await throwOnCsvRejects(connection);
      const described = await queryRows(connection, `DESCRIBE ${tableName}_raw`);
      requireColumns(
        file,
        described.map((row) => String(row.column_name)).filter((name) => name !== '__line'),
        [columns.dt, ...mapped.map(([user]) => user)],
        1,
      );
      await query(
        connection,
        `CREATE OR REPLACE VIEW ${tableName}_text AS SELECT __line AS line, ${ident(columns.dt)} AS dt, ${mapped
          .map(([user, contract]) => `${ident(user)} AS ${ident(contract)}`)
          .join(', ')} FROM ${tableName}_raw`,
      );
      await validate(connection, {
        sql: contractSelect(kind, `${tableName}_text`, { source: literal(file), row: 'line' }),
        validated: false,
        known: {},
      });
      const typed =
        kind === 'channel'
          ? 'CAST(sends AS DOUBLE) AS sends, CAST(clicks AS DOUBLE) AS clicks'
          : 'CAST(feature_uses AS DOUBLE) AS feature_uses';
      const names = kind === 'channel' ? 'channel_id, channel_type' : 'user_id';
      await query(
        connection,
        `CREATE TABLE ${tableName} AS SELECT line, CAST(dt AS VARCHAR) AS dt, ${names}, ${typed} FROM ${tableName}_text`,
      );
      await query(connection, `DROP VIEW ${tableName}_text`);
      await query(connection, `DROP TABLE ${tableName}_raw`);
    })();
    // A failed load is retried on the next call (the file may have been fixed).
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
  return {
    async rows(connection, range) {
      await load(connection);
      return {
        sql: contractSelect(kind, tableName, { source: literal(file), row: 'line' }, range),
        validated: true,
        known: { dayChecked: true, integerCounts: false },
      };
    },
    async days(connection) {
      await load(connection);
      const [row] = await queryRows(
        connection,
        `SELECT min(dt) AS earliest, max(dt) AS latest FROM ${tableName}`,
      );
      return {
        earliest: (row?.earliest as string | null) ?? undefined,
        latest: (row?.latest as string | null) ?? undefined,
      };
    },
  };
}

/** A folder of `dt=` partitions of Parquet (or CSV) files. */
function partitionedTable(kind: TableKind, dir: string, columns: ColumnNames): LakeTable {
  const mapped = tableColumns(kind, columns);
  const inRange = (partitions: Partition[], range: { from: IsoDay; to: IsoDay }) =>
    partitions.filter((partition) => partition.day >= range.from && partition.day <= range.to);

  async function parquetRows(
    connection: DuckDBConnection,
    files: string[],
    range: { from: IsoDay; to: IsoDay },
    checkColumns: boolean,
  ) {
    let integerCounts = false;
    if (checkColumns) {
      const schema = await queryRows(
        connection,
        `SELECT file_name, list(name ORDER BY column_id) AS names, list(duckdb_type ORDER BY column_id) AS types
          FROM parquet_schema([${files.map(literal).join(', ')}])
          WHERE column_id > 0 GROUP BY file_name ORDER BY file_name`,
      );
      const users = mapped.map(([user]) => user);
      const counts = kind === 'channel' ? [columns.sends, columns.clicks] : [columns.featureUses];
      integerCounts = true;
      for (const file of schema) {
        const names = file.names as string[];
        const types = file.types as string[];
        requireColumns(String(file.file_name), names, users);
        integerCounts &&= counts.every((name) => INTEGER_TYPES.has(types[names.indexOf(name)] ?? ''));
      }
    }
    // The glob and the filter on the hive column let DuckDB skip the folders outside the range.
    // Files that store counts in other types are read by name, so no file is cast to another's types.
    const scan = `read_parquet(${literal(`${dir}/${columns.dt}=*/*.parquet`)}, hive_partitioning = true,
      hive_types = {${literal(columns.dt)}: VARCHAR}, filename = true, file_row_number = true,
      union_by_name = ${checkColumns && !integerCounts})`;
    const named = mapped.map(([user, contract]) => `${ident(user)} AS ${ident(contract)}`).join(', ');
    const relation = `(SELECT filename AS __source, file_row_number + 1 AS __row, ${ident(columns.dt)} AS dt, ${named}
      FROM ${scan} WHERE ${ident(columns.dt)} BETWEEN ${literal(range.from)} AND ${literal(range.to)}) AS lake`;
    return {
      sql: contractSelect(kind, relation, { source: '__source', row: '__row' }),
      known: { dayChecked: true, integerCounts },
    };
  }

  /**
   * Every CSV file of the range in one scan (a scan a file would hold a read buffer of about 30 MB a
   * file until the query ends: a year of partitions ran out of memory). DuckDB reads the files' columns
   * by name, as the first file's header (checked here) names them, and stops at a later file that lacks
   * one (`engineError` names it). The read is single-threaded and keeps the files' order, so a row's
   * line is its place in the scan less the place of its file's first row.
   */
  async function csvRows(connection: DuckDBConnection, partitions: Partition[], checkColumns: boolean) {
    const files = partitions.flatMap((partition) =>
      partition.files.map((file) => ({ file, day: partition.day })),
    );
    if (checkColumns)
      requireColumns(
        files[0]!.file,
        await csvHeader(connection, files[0]!.file),
        mapped.map(([user]) => user),
        1,
      );
    const scan = `read_csv([${files.map(({ file }) => literal(file)).join(', ')}], ${CSV_DIALECT}, filename = true)`;
    const days = `[${files.map(({ day }) => literal(day)).join(', ')}]`;
    const named = mapped.map(([user, contract]) => `${ident(user)} AS ${ident(contract)}`).join(', ');
    const contract = mapped.map(([, name]) => ident(name)).join(', ');
    const relation = `(SELECT __source, __place - min(__place) OVER (PARTITION BY __file) + 2 AS line,
        ${days}[__file + 1] AS dt, ${contract}
      FROM (SELECT filename AS __source, CAST(file_index AS BIGINT) AS __file, row_number() OVER () AS __place, ${named}
        FROM ${scan}) AS scan) AS lake`;
    return {
      sql: contractSelect(kind, relation, { source: '__source', row: 'line' }),
      known: { dayChecked: true },
      scansCsv: true,
    };
  }

  return {
    async rows(connection, range, checkColumns = true) {
      const listing = listPartitions(dir, columns.dt);
      const inRangeOf = inRange(listing.partitions, range);
      // Rows the read would not see are refused, not dropped: a day that read short pages as outages.
      const unread = inRangeOf.find((partition) => partition.unread)?.unread;
      if (unread) throw new InputError(unread.path, unread.problem);
      const partitions = inRangeOf.filter((partition) => partition.files.length > 0);
      if (partitions.length === 0) return undefined;
      const read =
        listing.format === 'csv'
          ? await csvRows(connection, partitions, checkColumns)
          : await parquetRows(
              connection,
              partitions.flatMap((partition) => partition.files),
              range,
              checkColumns,
            );
      return { ...read, validated: false };
    },
    async days() {
      const withData = listPartitions(dir, columns.dt).partitions.filter(
        (partition) => partition.files.length > 0,
      );
      return { earliest: withData[0]?.day, latest: withData.at(-1)?.day };
    },
  };
}

export function openLakeTable(
  kind: TableKind,
  location: TableLocation,
  columns: ColumnNames,
  validate: (connection: DuckDBConnection, rows: RangeRows) => Promise<void>,
): LakeTable {
  return location.kind === 'csv-file'
    ? csvFileTable(kind, location.file, columns, `${kind}_csv`, validate)
    : partitionedTable(kind, location.dir, columns);
}
