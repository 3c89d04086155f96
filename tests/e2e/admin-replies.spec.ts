// Unmatched replies in Chromium: a reply no checkout matched is shown with the checkouts it may belong to, and linking
// it moves that checkout to Negotiating with the reply in its conversation.
import { test, expect, openAdmin } from "./fixtures";
import { seedCheckout, uniqueTag } from "./admin-helpers";

test("an unmatched reply is linked to the checkout a person picks", async ({ page, db }) => {
  const tag = uniqueTag("R");
  const shop = process.env.E2E_SHOP!;
  const c = await seedCheckout(db, { firstName: tag, stage: "contacted" });
  const kept = await db.unmatchedReply.create({
    data: { shop, channel: "email", sender: `${tag.toLowerCase()}@example.com`, body: `${tag}: can I change the size?`, receivedAt: new Date() },
  });
  const res = await openAdmin(page, "/app/replies");
  expect(res?.status()).toBe(200);
  const card = page.getByTestId("unmatched-reply").filter({ hasText: `${tag}: can I change the size?` });
  await expect(card).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("unmatched-replies.png"), fullPage: true });
  await card.getByRole("button", { name: "Link to this checkout" }).click();
  // The link is claimed first, then recorded as the checkout's reply: wait for the reply's effect, not the claim.
  await expect.poll(async () => (await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).stage).toBe("negotiating");
  expect((await db.unmatchedReply.findUniqueOrThrow({ where: { id: kept.id } })).status).toBe("linked");
  const after = await db.checkout.findUniqueOrThrow({ where: { id: c.id }, include: { conversations: true } });
  expect(after.conversations.map((e) => e.body)).toEqual([`${tag}: can I change the size?`]);
});
