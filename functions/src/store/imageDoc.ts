/** The image document's shape as the code reads it, and the success record an attempt writes. */
import type { DocumentData, FirestoreDataConverter } from "firebase-admin/firestore";
import type { ImageStatus } from "../domain/imageStatus.js";
import { dateOf } from "./firestoreDates.js";

export interface ImageError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface ImageDoc {
  imageId: string;
  index: number;
  url: string;
  propertyCode: string | null;
  status: ImageStatus;
  attempts: number;
  generation: number;
  attemptId: string | null;
  outputPath: string | null;
  outputUrl: string | null;
  error: ImageError | null;
  waitingFor: string | null;
  queuedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  processingTimeMs: number | null;
  /** An output stored by an attempt whose completion commit failed (recovered, not re-staged). */
  storedOutput: (SuccessRecord & { attemptId: string }) | null;
  data: DocumentData;
}

export function imageFromData(imageId: string, d: DocumentData): ImageDoc {
  return {
    imageId,
    index: d.index,
    url: d.url,
    propertyCode: d.propertyCode ?? null,
    status: d.status,
    attempts: d.attempts ?? 0,
    generation: d.generation ?? 0,
    attemptId: d.attemptId ?? null,
    outputPath: d.outputPath ?? null,
    outputUrl: d.outputUrl ?? null,
    error: d.error ?? null,
    waitingFor: d.waitingFor ?? null,
    queuedAt: dateOf(d.queuedAt),
    startedAt: dateOf(d.startedAt),
    completedAt: dateOf(d.completedAt),
    processingTimeMs: d.processingTimeMs ?? null,
    storedOutput: d.storedOutput ?? null,
    data: d,
  };
}

export interface SuccessRecord {
  outputPath: string;
  outputUrl: string;
  processingTimeMs: number;
  engineMs: number;
  model: string;
  promptVersion: string;
  usage: Record<string, number> | null;
  costUsd: number;
  width: number;
  height: number;
  bytes: number;
  format: string;
  preview: boolean;
  /** When the task reached the worker (ms since epoch): the benchmark's overhead baseline. */
  receivedAtMs: number;
  /** Gemini engine: the imageConfig.imageSize and aspect ratio asked for (null for preview). */
  requestedImageSize?: string | null;
  aspectRatio?: string | null;
  /** Pixel size the model returned, and whether the stored output differs from it. */
  modelWidth?: number;
  modelHeight?: number;
  resized?: boolean;
  /** Bytes of the prepared photo sent to the model. */
  inputBytes?: number;
  /** True when a disclosure label was burned into the output. */
  labelled?: boolean;
  /** True when the output is a result cache hit (no model call, cost 0). */
  cached?: boolean;
  /** The price lane the model call was billed at (usage report); absent: standard. */
  lane?: string;
}

/**
 * Reads image documents as ImageDoc (`ref.withConverter(imageConverter)`). Writes never go
 * through it: an image is written field by field, by imageCreate.ts and imageTransition.ts.
 */
export const imageConverter: FirestoreDataConverter<ImageDoc> = {
  toFirestore: () => {
    throw new Error("image documents are written field by field, not from an ImageDoc");
  },
  fromFirestore: (snap) => imageFromData(snap.id, snap.data()),
};
