/**
 * GET /usage?from=YYYY-MM-DD&to=YYYY-MM-DD: the calling partner's usage per UTC day and in
 * total (images submitted, completed, failed, cached; cost by model and lane), at most 92 days
 * per request. Bad or missing dates answer 400 `invalid_request` with the offending field.
 */
import type { Request, Response } from "express";
import { DomainError } from "../../domain/domainError.js";
import { buildUsageReport, validateUsageQuery } from "../../domain/usageReport.js";
import { readShards, readSubmitted } from "../../store/usageReportStore.js";
import { partnerOf } from "../auth.js";
import type { Body, UsageResponse } from "../contract/index.js";

export async function usageRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const validation = validateUsageQuery(req.query);
  if (!validation.ok) throw DomainError.invalid("Invalid usage query", validation.issues);
  const { from, to } = validation.value;
  const [submitted, shards] = await Promise.all([
    readSubmitted(partner.partnerId, from, to),
    readShards(partner.partnerId, from, to),
  ]);
  const report = buildUsageReport(validation.days, submitted, shards);
  res.json({
    success: true,
    partnerId: partner.partnerId,
    from,
    to,
    ...report,
  } satisfies Body<typeof UsageResponse>);
}
