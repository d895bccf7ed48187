import type { DataSource, ObjectLiteral } from 'typeorm';

type Entity<T> = new () => T;

/**
 * Column types the pg driver returns exactly as TypeORM hydrates them (strings, numbers, booleans, Dates
 * for timestamptz, parsed JSON, bigint as a string). An entity made only of these, without relations or
 * transformers, can be read with one static statement and no hydration step.
 */
const passThrough = new Set([
  'uuid',
  'text',
  'varchar',
  'character varying',
  'integer',
  'int',
  'int4',
  'bigint',
  'int8',
  'boolean',
  'bool',
  'timestamptz',
  'timestamp with time zone',
  'jsonb',
  'json',
]);

/** A column as plain SQL reads it: named as its property, in a value the pg driver gives as TypeORM would. */
export interface PlainColumn {
  property: string;
  name: string;
  type: string;
}

/**
 * The columns of `entity` but `except`, when each comes back from the pg driver exactly as TypeORM hydrates
 * it (no transformer, array or embedded column, a pass-through type); null when one does not.
 */
export function plainColumns(
  dataSource: DataSource,
  entity: Entity<ObjectLiteral>,
  except: readonly string[] = [],
): PlainColumn[] | null {
  const columns: PlainColumn[] = [];
  for (const column of dataSource.getMetadata(entity).columns) {
    if (except.includes(column.propertyName)) continue;
    const type = dataSource.driver.normalizeType(column);
    if (column.transformer || column.isArray || column.embeddedMetadata || !passThrough.has(type))
      return null;
    columns.push({ property: column.propertyName, name: column.databaseName, type });
  }
  return columns;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Types JSON writes as ISO-8601 text (`to_json`), which the pg driver parses into Dates. */
const instantTypes = new Set(['timestamptz', 'timestamp with time zone']);
/** Types the pg driver gives as strings but JSON would write as numbers (and round past 2^53). */
const textInJson = new Set(['bigint', 'int8']);

const built = new WeakMap<DataSource, Map<Entity<ObjectLiteral>, PlainRows<ObjectLiteral> | null>>();

/**
 * Rows of one entity by the values of one column, read with plain SQL: the loaders' hot path. TypeORM's
 * `find` builds its statement and hydrates each column on every call, which cost the runs list a large
 * share of its time; here the statement is built once per entity and column from the same metadata, and
 * each row becomes an instance of the entity with the same property values `find` would give.
 */
export class PlainRows<T extends ObjectLiteral> {
  private readonly select: string;
  private readonly columnsOf: Map<string, { name: string; type: string }>;
  /** The properties JSON carries as strings that the pg driver gives as Dates. */
  private readonly instants: string[];

  private constructor(
    private readonly dataSource: DataSource,
    private readonly entity: Entity<T>,
    table: string,
    private readonly columns: PlainColumn[],
  ) {
    this.select = `SELECT ${columns.map((c) => `${quote(c.name)} AS ${quote(c.property)}`).join(', ')} FROM ${quote(table)}`;
    this.columnsOf = new Map(columns.map((c) => [c.property, { name: quote(c.name), type: c.type }]));
    this.instants = columns.filter((c) => instantTypes.has(c.type)).map((c) => c.property);
  }

  /** The reader of `entity` (built once per DataSource), or null when a column needs TypeORM's hydration. */
  static of<T extends ObjectLiteral>(dataSource: DataSource, entity: Entity<T>): PlainRows<T> | null {
    let readers = built.get(dataSource);
    if (!readers) built.set(dataSource, (readers = new Map()));
    if (!readers.has(entity)) readers.set(entity, PlainRows.build(dataSource, entity));
    return readers.get(entity) as PlainRows<T> | null;
  }

  private static build<T extends ObjectLiteral>(
    dataSource: DataSource,
    entity: Entity<T>,
  ): PlainRows<T> | null {
    const metadata = dataSource.getMetadata(entity);
    if (metadata.relations.length > 0 || metadata.tableType !== 'regular') return null;
    const columns = plainColumns(dataSource, entity);
    return columns && new PlainRows(dataSource, entity, metadata.tablePath, columns);
  }

  /** The rows whose `key` is one of `values`, ordered by `order` (properties, in that order). */
  async where(
    key: keyof T & string,
    values: readonly string[],
    order: Partial<Record<keyof T & string, 'ASC' | 'DESC'>> = {},
  ): Promise<T[]> {
    const rows: ObjectLiteral[] = await this.dataSource.query(this.statement(key, order), [[...values]]);
    return rows.map((row) => Object.assign(new this.entity(), row));
  }

  /**
   * The select list of the table aliased `alias`, named by property, for rows a statement nests as JSON
   * (`json_agg` of a subquery: the runs list's stages and actions): `fromJson` turns each object back into
   * the entity, with the values `where` would give.
   */
  jsonColumns(alias: string): string {
    const value = (c: PlainColumn) =>
      textInJson.has(c.type) ? `${alias}.${quote(c.name)}::text` : `${alias}.${quote(c.name)}`;
    return this.columns.map((c) => `${value(c)} AS ${quote(c.property)}`).join(', ');
  }

  /** The entity from a row nested as JSON (`jsonColumns`), as the pg driver parsed it. */
  fromJson(json: Record<string, unknown>): T {
    const row = Object.assign(new this.entity(), json);
    for (const property of this.instants) {
      const text = json[property];
      if (typeof text === 'string') (row as Record<string, unknown>)[property] = new Date(text);
    }
    return row;
  }

  private readonly statements = new Map<string, string>();

  private statement(key: string, order: Partial<Record<string, 'ASC' | 'DESC'>>): string {
    const cacheKey = JSON.stringify([key, order]);
    let sql = this.statements.get(cacheKey);
    if (sql === undefined) {
      const column = this.column(key);
      const orderBy = Object.entries(order).map(([property, direction]) => {
        if (direction !== 'ASC' && direction !== 'DESC') throw new Error(`bad direction ${direction}`);
        return `${this.column(property).name} ${direction}`;
      });
      sql = `${this.select} WHERE ${column.name} = ANY($1::${column.type}[])`;
      if (orderBy.length > 0) sql += ` ORDER BY ${orderBy.join(', ')}`;
      this.statements.set(cacheKey, sql);
    }
    return sql;
  }

  private column(property: string): { name: string; type: string } {
    const column = this.columnsOf.get(property);
    if (!column) throw new Error(`${this.entity.name} has no column ${property}`);
    return column;
  }
}
