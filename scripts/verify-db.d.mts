export declare function shippedMigrations(root: string, provider: "sqlite" | "postgresql"): string[];
export declare function verifyDatabase(options?: { root?: string; url?: string }): Promise<string | null>;
