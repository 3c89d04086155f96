export declare const DEFAULT_SQLITE_FILE: string;
export declare function databaseProvider(url: string | undefined): "postgresql" | "sqlite";
export declare function sqliteUrl(url: string | undefined): string;
