import type pg from "pg";
export declare class TextCatalogPool extends pg.Pool {}
export declare function makePgPool(connectionString: string, options?: pg.PoolConfig): pg.Pool;
