// Settings refuses a frequency cap that would trim the configured cadence (issue 14, item 5), through the signed
// admin action, on SQLite and PostgreSQL: 422 with the reason on the cap's field, nothing saved; the default saves.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import { forgetShopCache } from "../../app/models/shops.server";
import * as settings from "../../app/routes/app.settings";
import { adminRequest, call } from "../helpers/admin";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession } from "../helpers/db";

beforeEach(async () => {
  await resetDatabase();
  await db.shop.create({ data: { domain: TEST_SHOP } }); // as an install leaves it: no settings stored
  forgetShopCache(TEST_SHOP);
  await seedOfflineSession();
});

const save = async (doc: unknown) => call(settings.action, await adminRequest("/app/settings", { form: { settings: JSON.stringify(doc) } }));

describe("frequency cap in Settings", () => {
  it("refuses a cap that would skip a step of the cadence, saves nothing, and accepts the default", async () => {
    const tight = structuredClone(DEFAULT_SETTINGS);
    tight.frequencyCap.maxMessages = 3;
    tight.retentionDays = 9; // valid on its own: must not be saved either
    const refused = await save(tight);
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual({
      "frequencyCap.maxMessages":
        'This cap would skip "Next-day reminder" (24 h) for every shopper. Allow at least 4 reminders per 24 hours, or change the cadence.',
    });
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings).toBe("{}");

    // Disabling the step the cap would skip makes the same cap fit.
    const fewer = structuredClone(tight);
    fewer.cadence.steps[3].enabled = false;
    expect((await save(fewer)).status).toBe(200);
    expect((await save(DEFAULT_SETTINGS)).status).toBe(200);
    expect(JSON.parse((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings).frequencyCap).toEqual({ maxMessages: 4, perHours: 24 });
  });
});
