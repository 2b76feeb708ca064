/** What an engine is asked to do for one image. */
export interface StagingRequest {
  /** The source photo's bytes, already fetched and checked. */
  image: Buffer;
  mimeType: string;
  designStyle: string;
  roomType: string;
  /** Source dimensions, so the output can keep the aspect ratio. */
  width: number;
  height: number;
  /** Remove loose clutter first (the batch's `declutter`); default keeps every object. */
  declutter?: boolean;
  /** For logs only (never sent to the model). */
  context?: { batchId: string; imageIndex: number };
}

/** Token usage as reported by the model (Gemini `usageMetadata`), when there is one. */
export interface EngineUsage {
  promptTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface StagingResult {
  /** The staged image, encoded (the worker re-encodes it to the configured output format). */
  image: Buffer;
  mimeType: string;
  /** Model id or engine name that produced it, recorded on the image. */
  model: string;
  promptVersion: string;
  usage?: EngineUsage;
  /** Estimated cost in USD for this call. */
  costUsd: number;
  /** Wall time spent in the engine call. */
  engineMs: number;
  /** True when this is not a real staging (the offline preview engine). */
  preview: boolean;
  /** The imageConfig.imageSize asked for ("1K" | "2K" | "4K"), when the engine has sizes. */
  requestedImageSize?: string;
  /** The aspect ratio asked for (the supported ratio nearest the photo's). */
  aspectRatio?: string;
  /** Bytes of the image sent to the model. */
  inputBytes?: number;
}

/**
 * An engine turns (source photo, style, room type) into a staged photo. It throws a
 * `StagingError` (see domain/stagingError.ts) for every failure it understands.
 */
export interface StagingEngine {
  readonly name: string;
  /**
   * What besides the request decides the output (model and size), for the result cache. Only
   * billed engines declare it: an engine without one (the free preview) is never cached.
   */
  readonly resultIdentity?: { model: string; imageSize: string };
  stage(request: StagingRequest): Promise<StagingResult>;
}
