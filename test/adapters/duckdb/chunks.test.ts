import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachChunk, forEachNumericChunk } from '#shared/adapters/duckdb/chunks.ts';

describe('reading numeric columns a chunk at a time as typed views', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('reads every row of several chunks into the caller arrays, from the offset given, as getItem does', async () => {
    // Prepare: 5,000 rows (three chunks of 2,048 at most), with negative and fractional values
    const sql = `SELECT CAST(i AS INTEGER) AS a, CAST(i * 1.5 - 7 AS DOUBLE) AS b FROM range(5000) t(i)`;
    const viaTypedViews = { a: new Int32Array(5003), b: new Float64Array(5003) };
    const viaItems = { a: new Int32Array(5003), b: new Float64Array(5003) };

    // Act
    const end = await forEachNumericChunk(
      connection,
      sql,
      ([a, b], _count, offset) => {
        viaTypedViews.a.set(a!, offset);
        viaTypedViews.b.set(b!, offset);
      },
      { offset: 3, materialize: true },
    );
    await forEachChunk(
      connection,
      sql,
      ([a, b], count, offset) => {
        for (let i = 0; i < count; i++) {
          viaItems.a[offset + i] = a!.getItem(i) as number;
          viaItems.b[offset + i] = b!.getItem(i) as number;
        }
      },
      { offset: 3 },
    );

    // Assess
    expect(end).toBe(5003);
    expect(viaTypedViews.a[3 + 4999]).toBe(4999);
    expect(viaTypedViews.b[3 + 1]).toBe(-5.5);
    expect(viaTypedViews).toEqual(viaItems);
  });

  it('refuses a NULL, which a typed view would read as a number, and a column of another type', async () => {
    // Act / Assess: the NULL sits past the first byte of the validity mask, in a later chunk
    await expect(
      forEachNumericChunk(
        connection,
        'SELECT CAST(CASE WHEN i = 3000 THEN NULL ELSE i END AS DOUBLE) AS x FROM range(4000) t(i)',
        () => {},
      ),
    ).rejects.toThrow(/column 0 holds a NULL/);
    await expect(
      forEachNumericChunk(connection, "SELECT CAST(1 AS INTEGER) AS a, 'x' AS b", () => {}),
    ).rejects.toThrow(/column 1 is VARCHAR, not INTEGER or DOUBLE/);
  });
});
