/** Bearer API-key authentication. The partner is attached to res.locals for the routes. */
import type { NextFunction, Request, Response } from "express";
import { ApiError } from "./apiError.js";
import { apiSettings } from "../config/runtimeConfig.js";
import { findPartnerByApiKey, configurePartnerCache, type Partner } from "../store/partnerStore.js";

const KEY_PATTERN = /^vsk_[A-Za-z0-9_-]{20,100}$/;

export async function requirePartner(
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<void> {
  try {
    configurePartnerCache(apiSettings().partnerCache);
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // A malformed key is refused without a database read.
    if (!match || !KEY_PATTERN.test(match[1]!)) throw ApiError.unauthenticated();
    const partner = await findPartnerByApiKey(match[1]!);
    if (!partner) throw ApiError.unauthenticated("The API key is not valid or has been revoked");
    res.locals.partner = partner;
    next();
  } catch (e) {
    next(e);
  }
}

export function partnerOf(res: Response): Partner {
  return res.locals.partner as Partner;
}
