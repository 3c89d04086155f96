import type { Logger } from "pino";
export declare function logLevel(env?: Record<string, string | undefined>): string;
export declare function serverLog(): Logger;
