/** What a channel setup intent (token save/remove, test message, test email) answers: app/recovery/channel-setup-actions.server.ts. */
export type IntentData = { ok: boolean; intent: string; message: string; field?: string };
