/**
 * Partner administration: `npm run partner -- <command>` (scripts/partner.mjs runs this).
 *   create --name "Acme CRM" [--engine preview|gemini] [--max-images-per-batch N]
 *          [--max-open-batches N] [--max-images-per-day N]
 *          [--model gemini-3-pro-image] [--allow-models gemini-3.1-flash-image,gemini-3-pro-image]
 *     --model: this partner's Gemini model (default: GEMINI_MODEL); --allow-models: the models a
 *     batch may choose with its `model` field. Both must be ids of engines/modelRegistry.ts.
 *          [--label "Virtually staged"] [--label-position bottom-left|bottom-right|top-left|top-right]
 *     --label: the disclosure label burned into this partner's outputs unless a batch says
 *     otherwise (--label "" with a position uses the default text).
 *   add-key <partnerId>           a second active key, for rotation
 *   revoke <partnerId> [apiKey]   revokes every key of the partner (or one key)
 *   usage [--partner ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
 *     images submitted/completed/failed/cached and cost by model and lane, per partner and UTC
 *     day (default: this month); a table, or JSON (tools/partnerUsage.ts)
 * Against the emulator when FIRESTORE_EMULATOR_HOST is set, else the project of the
 * application default credentials. Prints one JSON line; the API key is shown only here, once.
 */
import { parseArgs } from "node:util";
import { addApiKey, createPartner, revokeApiKeys } from "../src/store/partnerStore.js";
import { isEngineName } from "../src/engines/engineNames.js";
import { MODEL_IDS, requireModel } from "../src/engines/modelRegistry.js";
import { labelSchema, type DisclosureLabel } from "../src/domain/stagingOptions.js";
import { partnerUsage } from "./partnerUsage.js";

function usage(message?: string): never {
  if (message) console.error(message);
  console.error(
    `usage: partner create --name "Acme CRM" [--engine preview|gemini] [--max-images-per-batch N] [--max-open-batches N] [--max-images-per-day N] [--model ID] [--allow-models ID,ID] [--label TEXT] [--label-position POS]\n       known models: ${MODEL_IDS.join(", ")}\n       partner add-key <partnerId>\n       partner revoke <partnerId> [apiKey]\n       partner usage [--partner ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]`,
  );
  process.exit(2);
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer`);
  return n;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      engine: { type: "string" },
      "max-images-per-batch": { type: "string" },
      "max-open-batches": { type: "string" },
      "max-images-per-day": { type: "string" },
      model: { type: "string" },
      "allow-models": { type: "string" },
      label: { type: "string" },
      "label-position": { type: "string" },
      partner: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      json: { type: "boolean" },
    },
  });
  switch (command) {
    case "create": {
      const name = values.name?.trim();
      if (!name || name.length > 200) usage("--name is required (at most 200 characters)");
      if (values.engine !== undefined && !isEngineName(values.engine))
        usage("--engine must be gemini or preview");
      const quotas = Object.fromEntries(
        Object.entries({
          maxImagesPerBatch: positiveInt(values["max-images-per-batch"], "max-images-per-batch"),
          maxOpenBatches: positiveInt(values["max-open-batches"], "max-open-batches"),
          maxImagesPerDay: positiveInt(values["max-images-per-day"], "max-images-per-day"),
        }).filter(([, v]) => v !== undefined),
      );
      const checkModel = (id: string, flag: string): string => {
        try {
          return requireModel(id, flag).id;
        } catch (e) {
          return usage((e as Error).message);
        }
      };
      const model = values.model === undefined ? undefined : checkModel(values.model, "--model");
      const allowedModels = values["allow-models"]
        ?.split(",")
        .map((m) => m.trim())
        .filter(Boolean)
        .map((m) => checkModel(m, "--allow-models"));
      if ((model || allowedModels) && values.engine === "preview")
        usage("--model and --allow-models apply to the gemini engine only");
      let label: DisclosureLabel | undefined;
      if (values.label !== undefined || values["label-position"] !== undefined) {
        const parsed = labelSchema.safeParse({
          ...(values.label ? { text: values.label } : {}),
          ...(values["label-position"] ? { position: values["label-position"] } : {}),
        });
        if (!parsed.success) usage(`--label: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        label = parsed.data;
      }
      const created = await createPartner({
        name,
        engine: values.engine,
        model,
        allowedModels,
        label,
        quotas,
      });
      console.log(JSON.stringify(created));
      return;
    }
    case "add-key": {
      const partnerId = positionals[0] ?? usage("partnerId required");
      console.log(JSON.stringify({ partnerId, apiKey: await addApiKey(partnerId) }));
      return;
    }
    case "revoke": {
      const partnerId = positionals[0] ?? usage("partnerId required");
      const revoked = await revokeApiKeys(partnerId, positionals[1]);
      console.log(JSON.stringify({ partnerId, revoked }));
      return;
    }
    case "usage": {
      console.log(
        await partnerUsage({
          partner: values.partner,
          from: values.from,
          to: values.to,
          json: values.json,
        }),
      );
      return;
    }
    default:
      usage(command ? `unknown command ${command}` : undefined);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`partner: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
