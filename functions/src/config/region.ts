/** All functions run in one region; the Hosting rewrite and the task queues name it too. */
export const REGION = "us-central1";

export const FUNCTION_NAMES = {
  api: "api",
  expandBatch: "expandBatch",
  stageImage: "stageImage",
  deliverWebhook: "deliverWebhook",
  submitEconomyJobs: "submitEconomyJobs",
  pollModelJob: "pollModelJob",
} as const;

export const isEmulator = (): boolean => process.env.FUNCTIONS_EMULATOR === "true";
