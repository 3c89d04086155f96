// The real clock, for one thing only: a row's updated_at, the write time daily metrics fold rows in by
// (app/models/metric-days.server.ts). Prisma's @updatedAt stamps the same clock. Everything that decides anything
// takes the app's `now` as a parameter instead, so tests choose the time; a simulated `now` in updated_at would hide
// rows from the metrics' watermark.
export function wallClock(): Date {
  return new Date();
}
