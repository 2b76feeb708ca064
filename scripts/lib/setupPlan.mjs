// @ts-check
// The Google Cloud set-up of one Firebase project, as data: which APIs, which roles, which
// commands. Pure (no process spawning): scripts/setup-project.mjs runs or prints the steps, and
// the README's permission table is checked against these lists by the unit test.

/** APIs the deployment uses (issue 12's list, plus IAM Credentials for V4 URL signing). */
export const REQUIRED_APIS = [
  ["cloudfunctions.googleapis.com", "Cloud Functions (2nd gen) deploys"],
  ["run.googleapis.com", "Cloud Run: 2nd gen functions run as Cloud Run services"],
  ["cloudbuild.googleapis.com", "Cloud Build: builds the functions' containers"],
  ["artifactregistry.googleapis.com", "Artifact Registry: stores those containers"],
  [
    "cloudtasks.googleapis.com",
    "Cloud Tasks: the expandBatch, stageImage and deliverWebhook queues",
  ],
  ["eventarc.googleapis.com", "Eventarc: the Firestore trigger onBatchUpdated"],
  ["pubsub.googleapis.com", "Pub/Sub: Eventarc and Cloud Scheduler transport"],
  ["cloudscheduler.googleapis.com", "Cloud Scheduler: reconcileBatches every 5 minutes"],
  ["firestore.googleapis.com", "Firestore: partners, batches, images"],
  ["storage.googleapis.com", "Cloud Storage: outputs and partner uploads"],
  ["secretmanager.googleapis.com", "Secret Manager: GEMINI_API_KEY"],
  ["generativelanguage.googleapis.com", "Gemini API (the model)"],
  ["iamcredentials.googleapis.com", "IAM Credentials: signBlob for V4 signed URLs"],
  ["monitoring.googleapis.com", "Cloud Monitoring: uptime check, alerts (npm run ops:monitoring)"],
  ["logging.googleapis.com", "Cloud Logging: log-based metrics"],
];

/** Project-level roles of the functions' runtime service account, and why. */
export const PROJECT_ROLES = [
  ["roles/cloudtasks.enqueuer", "enqueue fan-out, image and webhook tasks"],
  [
    "roles/run.invoker",
    "Cloud Tasks calls the task-queue functions (Cloud Run services) as this account",
  ],
  ["roles/datastore.user", "read and write Firestore"],
  ["roles/logging.logWriter", "structured logs (the log-based metrics read them)"],
];

/** Roles granted on the runtime service account itself. */
export const SELF_ROLES = [
  ["roles/iam.serviceAccountUser", "tasks carry an OIDC token of this account (actAs itself)"],
  ["roles/iam.serviceAccountTokenCreator", "signBlob for V4 signed output and upload URLs"],
];

/** Roles on the bucket. */
export const BUCKET_ROLES = [
  ["roles/storage.objectAdmin", "write outputs, read uploads, sign URLs for them"],
];

export const DEFAULTS = {
  region: "us-central1",
  outputRetentionDays: 90,
  backupRetention: "7d",
};

/**
 * The bucket lifecycle rule: outputs and uploads are deleted after the retention period.
 * @param {number} retentionDays
 */
export function lifecycleRule(retentionDays) {
  return {
    rule: [
      {
        action: { type: "Delete" },
        condition: { age: retentionDays, matchesPrefix: ["staged/", "uploads/"] },
      },
    ],
  };
}

/**
 * Cloud Functions 2nd gen run as the Compute Engine default service account unless told otherwise.
 * @param {string} projectNumber
 */
export function defaultRuntimeServiceAccount(projectNumber) {
  return `${projectNumber}-compute@developer.gserviceaccount.com`;
}

/**
 * The env file for `firebase deploy` to this project: every param's production default, as the
 * code declares it (lib/declaredParams.mjs), then the operator's answers. Existing values in the
 * file win over defaults, so a re-run keeps the operator's edits (idempotent), and answers given
 * as flags win over both.
 * @param {{ params: Record<string, import("./declaredParams.mjs").ParamSummary>,
 *   existing: Record<string, string>, answers: Record<string, string>, projectId: string }} input
 */
export function envFileText({ params, existing, answers, projectId }) {
  /** @type {Record<string, string>} */
  const values = {};
  for (const [name, spec] of Object.entries(params)) {
    if (spec.type === "secret" || spec.default === undefined) continue;
    values[name] = String(spec.default);
  }
  Object.assign(values, existing, answers);
  const lines = [
    `# Param values for project ${projectId}, written by npm run setup:project.`,
    "# Production defaults from the code; edit a value and re-run setup, or deploy as is.",
    "# GEMINI_API_KEY is a secret in Secret Manager, never here.",
    ...Object.keys(values)
      .sort()
      .map((k) => `${k}=${values[k]}`),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Parses KEY=VALUE lines (the subset setup writes; comments and blanks ignored).
 * @param {string} text
 */
export function parseEnv(text) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}
