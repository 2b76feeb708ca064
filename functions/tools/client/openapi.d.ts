/**
 * Generated from documentation/Public/openapi.json by tools/client/generate.ts (openapi-typescript).
 * Do not edit by hand: run `npm --prefix functions run client:generate`.
 */

export interface paths {
    "/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your batches, newest first */
        get: operations["listBatches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batch/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Design styles, room types and priorities accepted by create */
        get: operations["getOptions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batch/staging/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Submit a batch of photos for staging
         * @description Validates the whole request, checks quotas, then writes the batch atomically and answers at once (202); staging runs in the background. Bad input or a refused quota writes nothing. A malformed JSON body is refused by the platform before the API runs, with an HTML 400 (not the JSON error shape).
         */
        post: operations["createBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batch/{batchId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel the batch's queued images
         * @description Queued images become cancelled; images already running finish normally. The batch ends cancelled once nothing is running. Calling it again on a cancelled batch is harmless (cancelledCount 0).
         */
        post: operations["cancelBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batch/{batchId}/images/{index}/output": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a staged photo through the API
         * @description Serves the output of a completed image with your API key, or without one when the request carries a valid signed link (expires and signature, as returned in outputUrl by deployments that serve outputs through the API, e.g. the Emulator Suite). Outputs of the preview engine carry the header X-Staging-Preview: true.
         */
        get: operations["getImageOutput"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batch/{batchId}/retry-failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue every failed image of the batch again
         * @description Failed images go back to queued with a fresh attempt budget; the batch reopens (status processing, completedAt null) and finishes again, with a new webhook. They run in the batch's lane unless `lane` says otherwise (an economy batch's images go back to the Gemini Batch API).
         */
        post: operations["retryFailed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batch/{batchId}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Batch status, statistics and one page of images */
        get: operations["getBatchStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batch/{batchId}/webhook/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the completion webhook of a finished batch again
         * @description Queues a new delivery of the batch.completed webhook (same retry policy: 5 attempts with backoff); the status response's webhook field follows it.
         */
        post: operations["redeliverWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness check (no API key needed) */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a signed URL to upload a source photo to the service's storage
         * @description Returns a V4 signed PUT URL (valid 15 minutes) for one new object under your own prefix uploads/{partnerId}/. PUT the photo with exactly the returned headers (the content type and the size range are part of the signature; Cloud Storage refuses a body larger than maxBytes), then use sourceUrl (gs://...) in images[].url. gs:// sources outside your prefix are refused at create time (url_gcs_path_not_allowed). Uploads are deleted after the deployment's retention period (90 days by default).
         */
        post: operations["createUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your usage per UTC day and in total: images and cost by model and lane
         * @description At most 92 days per request. Counts are recorded when images finish (completed, failed) or are booked (submitted), on that UTC day.
         */
        get: operations["getUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        BatchListResponse: {
            /** @description Newest first. */
            batches: components["schemas"]["BatchSummary"][];
            nextPageToken: string | null;
            /** @constant */
            success: true;
        };
        BatchStatusResponse: components["schemas"]["BatchSummary"] & {
            /** @description Whether identical earlier results are reused (the create's `cache`). */
            cache?: boolean;
            /** @description Whether loose clutter is removed first. */
            declutter?: boolean;
            /** @enum {string} */
            engine: "gemini" | "preview";
            /** @description One page of images, in index order. */
            images: components["schemas"]["Image"][];
            /** @description The disclosure label burned into outputs (null: none). */
            label?: {
                /** @enum {string} */
                position?: "bottom-left" | "bottom-right" | "top-left" | "top-right";
                text?: string;
            } | null;
            /**
             * @description The batch's lane (request's `lane`, else the account default).
             * @enum {string}
             */
            lane?: "standard" | "economy";
            /** @description The Gemini model chosen for this batch or partner; absent = the default. */
            model?: string;
            /** @description Pass as pageToken for the next page. */
            nextPageToken: string | null;
            /** @description Present while a standard-lane batch is open (not while cancelling): its place in the fair share of the image queue. */
            scheduling?: components["schemas"]["Scheduling"];
            statistics: components["schemas"]["Statistics"];
            /** @constant */
            success: true;
            /** @description Last change of the batch document. */
            updatedAt: string | null;
            /** @description Present when the batch has a callbackUrl. */
            webhook?: components["schemas"]["WebhookState"];
        };
        BatchSummary: {
            batchId: string;
            /** @description Images cancelled before they started. */
            cancelled: number;
            clientName: string;
            /** @description Images staged successfully. */
            completed: number;
            /** @description When the batch finished; null while unfinished (also after retry-failed). */
            completedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @enum {string} */
            designStyle: "modern" | "contemporary" | "scandinavian" | "minimalist" | "industrial" | "mid_century_modern" | "traditional" | "farmhouse" | "coastal" | "bohemian" | "japandi" | "luxury";
            /** @description Images that failed for good (see each image's error). */
            failed: number;
            /** @enum {string} */
            priority: "normal" | "high";
            /** @description Images being staged now. */
            processing: number;
            /** @description (completed + failed + cancelled) / total x 100, one decimal; at most 99.9 until every image is finished, then 100. */
            progress: number;
            /** @description Images waiting (including those waiting for model quota). */
            queued: number;
            /** @enum {string} */
            roomType: "living_room" | "bedroom" | "kitchen" | "dining_room" | "bathroom" | "home_office" | "kids_room" | "nursery" | "guest_room" | "outdoor_patio";
            /** @description When the first image started; null while queued. */
            startedAt: string | null;
            /** @enum {string} */
            status: "queued" | "processing" | "completed" | "failed" | "cancelled";
            /** @description Images in the batch; always queued + processing + completed + failed + cancelled. */
            total: number;
        };
        CancelResponse: {
            batchId: string;
            /** @description Queued images cancelled by this call. */
            cancelledCount: number;
            message: string;
            /** @constant */
            success: true;
        };
        /** @description A batch of 1 to 10000 photos staged with one design style and room type. The body is at most 8388608 bytes and at most 8 levels deep. */
        CreateBatchRequest: {
            /** @description Default true: a photo this account already staged with the same style, room type, options, model and size reuses that result (no model call, costUsd 0, cached: true). false stages every image afresh, for a new variation. */
            cache?: boolean;
            /** @description https:// URL that receives the signed batch.completed webhook when the batch finishes (same address rules as image URLs, never gs://). See webhook-verification.md. */
            callbackUrl?: string;
            /** @description Free text shown back in the status (e.g. the end client or agency). No control or bidirectional-override characters. */
            clientName: string;
            /** @description true removes loose clutter and personal items (boxes, bags, papers, clothes) before staging; fixtures and built-ins stay. Default false: every existing object stays. */
            declutter?: boolean;
            /**
             * @description A style id from GET /batch/options.
             * @enum {string}
             */
            designStyle: "modern" | "contemporary" | "scandinavian" | "minimalist" | "industrial" | "mid_century_modern" | "traditional" | "farmhouse" | "coastal" | "bohemian" | "japandi" | "luxury";
            images: components["schemas"]["SourceImage"][];
            /** @description Disclosure label burned into each staged output, as MLS rules and laws such as California AB 723 require: {"text": "Virtually staged", "position": "bottom-left"} (both optional; text at most 40 characters). Absent: your account's default label, if any; null: no label. */
            label?: {
                /** @enum {string} */
                position?: "bottom-left" | "bottom-right" | "top-left" | "top-right";
                text?: string;
            } | null;
            /**
             * @description `standard` (default, or your account's default lane): staged as soon as capacity allows. `economy`: sent to the Gemini Batch API at half the model price; images complete within 24 hours of their job's creation (the Batch API's target; usually much sooner). A job that fails or expires sends its images to the standard lane. Accounts on the preview engine run economy batches in the standard lane.
             * @enum {string}
             */
            lane?: "standard" | "economy";
            /** @description Optional Gemini model for this batch (e.g. gemini-3-pro-image), allowed only if your account may choose it; otherwise 403 model_not_allowed. Absent: your account's model. */
            model?: string;
            /**
             * @description Recorded and returned; it does not change the processing order yet.
             * @default normal
             * @enum {string}
             */
            priority: "normal" | "high";
            /**
             * @description A room type id from GET /batch/options.
             * @enum {string}
             */
            roomType: "living_room" | "bedroom" | "kitchen" | "dining_room" | "bathroom" | "home_office" | "kids_room" | "nursery" | "guest_room" | "outdoor_patio";
        };
        CreateBatchResponse: {
            batchId: string;
            message: string;
            /**
             * @description Present when an earlier request with the same Idempotency-Key created it.
             * @constant
             */
            replayed?: true;
            /** @constant */
            status: "queued";
            /** @constant */
            success: true;
            /** @description Number of images in the batch. */
            total: number;
        };
        DesignStyle: {
            description: string;
            /** @enum {string} */
            id: "modern" | "contemporary" | "scandinavian" | "minimalist" | "industrial" | "mid_century_modern" | "traditional" | "farmhouse" | "coastal" | "bohemian" | "japandi" | "luxury";
            label: string;
        };
        ErrorResponse: {
            /** @description Stable error code; branch on this, not on the message. */
            code: string;
            /** @description invalid_request: {fields: FieldIssue[]}; quota_exceeded: {quota, limit, freesAt?, usedToday?}; payload_too_large: {limitBytes}; idempotency_conflict: {batchId}. */
            details?: {
                [key: string]: unknown;
            };
            /** @description Human-readable message. */
            error: string;
            /** @constant */
            success: false;
        };
        FieldIssue: {
            /** @description Stable issue code (see the API reference). */
            code: string;
            /** @description Dotted path of the offending field, e.g. "images.3.url"; "" for the body. */
            field: string;
            message: string;
        };
        Health: {
            /** @constant */
            status: "ok";
            /** @constant */
            success: true;
            /** Format: date-time */
            time: string;
        };
        Image: {
            /** @description Attempts made (quota waits do not count). */
            attempts: number;
            bytes?: number | null;
            /** @description Completed images only: true when the output reuses an identical earlier result (result cache; no model call, costUsd 0). */
            cached?: boolean;
            /** @description When the image finished. */
            completedAt: string | null;
            costUsd?: number;
            /** @description Last error: the final one on a failed image, the one being retried on a queued image. */
            error: components["schemas"]["ImageError"] | null;
            /** @description Economy lane, while waiting for its job: the job's creation time + 24 h, the Batch API's target turnaround (ISO 8601). A target, not a promise; most jobs finish much sooner. */
            estimatedCompletionBy?: string;
            /** @description Economy lane: what estimatedCompletionBy means. */
            etaNote?: string;
            height?: number | null;
            /** @description Position of the image in the request's images array (0-based). */
            index: number;
            /** @description Bytes of the prepared photo sent to the model. */
            inputBytes?: number | null;
            /** @description Completed images only: whether a disclosure label was burned in. */
            labelled?: boolean | null;
            /**
             * @description The lane this image was sent through: `economy` for an image of an economy batch (it stays `economy` if a failed or expired job sent it on to the standard lane; its error says so).
             * @enum {string}
             */
            lane: "standard" | "economy";
            /** @description Completed images only: model or engine. */
            model?: string | null;
            modelHeight?: number | null;
            /** @description Economy lane: the Gemini Batch API job holding this image (batches/...), for support and operators. */
            modelJob?: string;
            /** @description Pixels the model returned. */
            modelWidth?: number | null;
            /** @description Download link of the staged photo when completed; null otherwise. A short-lived signed URL that needs no API key (a Cloud Storage V4 signed URL), valid until outputUrlExpiresAt; every status call returns a fresh one. Do not store it: store the batch id and index, and ask the status again. Without an expiry (null) it is the API's output route, which needs your API key. */
            outputUrl: string | null;
            /** @description When outputUrl stops working (ISO 8601); null when it does not expire. */
            outputUrlExpiresAt: string | null;
            /** @description Completed images only: true for a labelled preview, not a real staging. */
            preview?: boolean;
            processingTimeMs: number | null;
            promptVersion?: string | null;
            /** @description The code sent, or IMG-{n} (1-based) when none was sent; null only for batches created before that default. */
            propertyCode: string | null;
            /** @description When the image was (re)queued. */
            queuedAt: string | null;
            /** @description Completed images only: the output size asked of the model (null for previews). */
            requestedImageSize?: ("1K" | "2K" | "4K") | null;
            /** @description True when the stored output's size differs from the model's (cropped to the source's exact aspect ratio, or capped). */
            resized?: boolean | null;
            /** @description When the current or last attempt started; null while queued. */
            startedAt: string | null;
            /** @enum {string} */
            status: "queued" | "processing" | "completed" | "failed" | "cancelled";
            url: string;
            usage?: components["schemas"]["Usage"] | null;
            /**
             * @description Present on a queued image that waits for the model: its quota, an outage, or a service configuration problem (attempts are not spent while waiting). `model_batch`: a processing economy-lane image waiting for its Gemini batch job.
             * @enum {string}
             */
            waitingFor?: "quota" | "outage" | "operator" | "model_batch";
            width?: number | null;
        };
        ImageError: {
            /** @description Stable error code (see the API reference). */
            code: string;
            message: string;
            /** @description Whether the error was considered transient. */
            retryable: boolean;
        };
        LaneCost: {
            /** @description Their cost in USD (list price of the model registry). */
            costUsd: number;
            /** @description Model calls billed in this lane (completed, not cached). */
            images: number;
        };
        Options: {
            designStyles: components["schemas"]["DesignStyle"][];
            priorities: ("normal" | "high")[];
            roomTypes: components["schemas"]["RoomType"][];
            /** @constant */
            success: true;
        };
        QuotaErrorResponse: {
            /** @constant */
            code: "quota_exceeded";
            details: {
                /** @description maxImagesPerDay: next UTC midnight (ISO 8601). maxOpenBatches: a sentence ("when one of your batches finishes"). Absent for maxImagesPerBatch. */
                freesAt?: string;
                limit: number;
                /** @enum {string} */
                quota: "maxImagesPerBatch" | "maxOpenBatches" | "maxImagesPerDay";
                /** @description maxImagesPerDay only. */
                usedToday?: number;
            };
            /** @description Human-readable message. */
            error: string;
            /** @constant */
            success: false;
        };
        RedeliverResponse: {
            batchId: string;
            message: string;
            /** @constant */
            success: true;
        };
        RetryFailedRequest: {
            /**
             * @description Lane of the retried images; default: the batch's lane. `economy` needs a Gemini engine (otherwise standard).
             * @enum {string}
             */
            lane?: "standard" | "economy";
        };
        RetryFailedResponse: {
            batchId: string;
            /**
             * @description The lane the retried images run in.
             * @enum {string}
             */
            lane: "standard" | "economy";
            message: string;
            /** @description Failed images moved back to queued. */
            retriedCount: number;
            /** @constant */
            success: true;
        };
        RoomType: {
            description: string;
            /** @enum {string} */
            id: "living_room" | "bedroom" | "kitchen" | "dining_room" | "bathroom" | "home_office" | "kids_room" | "nursery" | "guest_room" | "outdoor_patio";
            label: string;
        };
        Scheduling: {
            /** @description Fraction of the image queue's dispatches this batch gets while the open batches stay open: partners share equally (or by their weight), a partner's batches by priority ("high" weighs 3x "normal"). 1 when it is the only open batch. */
            dispatchShare: number;
            /** @description Seconds until the batch's last image is dispatched at the queue's rate, counting the other open batches (their shares pass on as they finish); null when unknown. */
            estimatedSecondsRemaining: number | null;
            /** @description Open batches sharing the image queue, this one included. */
            openBatches: number;
        };
        /** @description One source photo of an empty room. */
        SourceImage: {
            /** @description Your reference for the photo (e.g. a listing id), returned unchanged. Letters, digits, spaces and _ . , : # / ( ) -. When omitted it is IMG-{n}, n the 1-based position in images. */
            propertyCode?: string;
            /** @description https:// URL of a JPEG, PNG or WebP photo (at most 25 MiB, at most 50 megapixels). No credentials, no private, loopback, link-local or metadata addresses, no internal host names, default ports or 8080/8443 only; redirects are followed (at most 3) and each hop is checked again. gs:// URLs are accepted only for this project's own bucket. */
            url: string;
        };
        Statistics: {
            /** @description Mean time of one completed image (fetch + model + store); null until one completed. */
            avgProcessingTimeMs: number | null;
            /** @description remaining images / observed throughput since startedAt, one decimal; 0 when finished; null until an image finished. */
            estimatedRemainingMinutes: number | null;
            /** @description Percentage 0-100: completed / (completed + failed) x 100, two decimals (cancelled images are not counted); null until an image completed or failed. */
            successRate: number | null;
            /** @description Images finished per minute since startedAt (to completedAt when finished). */
            throughputPerMinute: number | null;
            /** @description Estimated model cost of the batch so far, USD. */
            totalCostUsd: number;
        };
        UploadRequest: {
            /** @enum {string} */
            contentType: "image/jpeg" | "image/png" | "image/webp";
            fileName?: string;
        };
        UploadResponse: {
            /** Format: date-time */
            expiresAt: string;
            /** @description Send exactly these headers with the PUT (Content-Type and x-goog-content-length-range) */
            headers: {
                [key: string]: string;
            };
            /** @description Largest accepted photo, in bytes. */
            maxBytes: number;
            /** @constant */
            method: "PUT";
            /** @description The gs:// URL to put in images[].url once the upload has succeeded. */
            sourceUrl: string;
            /** @constant */
            success: true;
            /** @description V4 signed URL: PUT the photo's bytes here within 15 minutes. */
            uploadUrl: string;
        };
        Usage: {
            outputTokens: number;
            promptTokens: number;
            totalTokens: number;
        };
        UsageDay: {
            /** @description Cost by model id, then by lane ("standard", "economy"). */
            byModel: {
                [key: string]: {
                    [key: string]: components["schemas"]["LaneCost"];
                };
            };
            /** @description Completed images served from the result cache (no model call, cost 0). */
            cached: number;
            /** @description Images that completed on the day (cached ones included). */
            completed: number;
            /** @description Sum of the costs below, USD. */
            costUsd: number;
            /** @description UTC day, YYYY-MM-DD. */
            date: string;
            /** @description Images that failed on the day (retried images may count again later). */
            failed: number;
            /** @description Images booked on the day: created, plus retried (retry-failed). */
            submitted: number;
        };
        UsageResponse: {
            /** @description Every day of the range in order, zeros included. */
            days: components["schemas"]["UsageDay"][];
            from: string;
            partnerId: string;
            /** @constant */
            success: true;
            to: string;
            /** @description The range's sums. */
            total: {
                /** @description Cost by model id, then by lane ("standard", "economy"). */
                byModel: {
                    [key: string]: {
                        [key: string]: components["schemas"]["LaneCost"];
                    };
                };
                /** @description Completed images served from the result cache (no model call, cost 0). */
                cached: number;
                /** @description Images that completed on the day (cached ones included). */
                completed: number;
                /** @description Sum of the costs below, USD. */
                costUsd: number;
                /** @description Images that failed on the day (retried images may count again later). */
                failed: number;
                /** @description Images booked on the day: created, plus retried (retry-failed). */
                submitted: number;
            };
        };
        ValidationErrorResponse: {
            /** @constant */
            code: "invalid_request";
            details: {
                fields: components["schemas"]["FieldIssue"][];
            };
            /** @description Human-readable message. */
            error: string;
            /** @constant */
            success: false;
        };
        WebhookState: {
            attempts: number;
            deliveredAt?: string | null;
            lastError?: string | null;
            lastStatusCode?: number | null;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
        };
    };
    responses: {
        /** @description No such batch for this partner (another partner's batch is a 404 too). */
        BatchNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Unexpected error; it has been logged. Retry later. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description Invalid query parameters. */
        InvalidQuery: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ValidationErrorResponse"];
            };
        };
        /** @description Missing, malformed, unknown or revoked API key. */
        Unauthenticated: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listBatches: {
        parameters: {
            query?: {
                /** @description Batches per page (1 to 100, default 20). */
                pageSize?: number;
                /** @description nextPageToken of the previous page. */
                pageToken?: string;
                /** @description Only batches in this status. */
                status?: "queued" | "processing" | "completed" | "failed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of batches. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "batches": [
                     *         {
                     *           "batchId": "b_mx2qzdnj6cdb2e785921bf93",
                     *           "cancelled": 0,
                     *           "clientName": "Acme Realty - Spring listings",
                     *           "completed": 1,
                     *           "completedAt": null,
                     *           "createdAt": "2025-06-02T10:00:00.000Z",
                     *           "designStyle": "scandinavian",
                     *           "failed": 0,
                     *           "priority": "normal",
                     *           "processing": 1,
                     *           "progress": 33.3,
                     *           "queued": 1,
                     *           "roomType": "living_room",
                     *           "startedAt": "2025-06-02T10:00:02.000Z",
                     *           "status": "processing",
                     *           "total": 3
                     *         }
                     *       ],
                     *       "nextPageToken": null,
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["BatchListResponse"];
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthenticated"];
            500: components["responses"]["InternalError"];
        };
    };
    getOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The catalogue. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "designStyles": [
                     *         {
                     *           "description": "clean lines, neutral palette with black accents, low-profile furniture, uncluttered surfaces",
                     *           "id": "modern",
                     *           "label": "Modern"
                     *         }
                     *       ],
                     *       "priorities": [
                     *         "normal",
                     *         "high"
                     *       ],
                     *       "roomTypes": [
                     *         {
                     *           "description": "sofa, armchairs, coffee table, rug, side tables, lamps and wall art",
                     *           "id": "living_room",
                     *           "label": "Living room"
                     *         }
                     *       ],
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["Options"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            500: components["responses"]["InternalError"];
        };
    };
    createBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 255 printable ASCII characters, scoped to your partner account. The same key with the same body returns the original batchId (replayed: true); with a different body it is a 409 idempotency_conflict. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "callbackUrl": "https://crm.example.com/webhooks/staging",
                 *       "clientName": "Acme Realty - Spring listings",
                 *       "designStyle": "scandinavian",
                 *       "images": [
                 *         {
                 *           "propertyCode": "LST-123",
                 *           "url": "https://photos.example.com/listing-123/living.jpg"
                 *         },
                 *         {
                 *           "propertyCode": "LST-124",
                 *           "url": "https://photos.example.com/listing-124/living.jpg"
                 *         }
                 *       ],
                 *       "priority": "normal",
                 *       "roomType": "living_room"
                 *     }
                 */
                "application/json": components["schemas"]["CreateBatchRequest"];
            };
        };
        responses: {
            /** @description Accepted (also for a replayed Idempotency-Key). */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreateBatchResponse"];
                };
            };
            /** @description Invalid request (JSON: invalid_request with the offending fields). A body that is not valid JSON gets the platform's HTML 400 instead. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorResponse"];
                    /** @example <!DOCTYPE html>...Bad Request... */
                    "text/html": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Idempotency-Key reused with a different body. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Body larger than 8 MiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Body not sent as application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A partner quota refuses the batch; nothing was written. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaErrorResponse"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    cancelBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batchId returned by create. */
                batchId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued images cancelled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "batchId": "b_mx2qzdnj6cdb2e785921bf93",
                     *       "cancelledCount": 1,
                     *       "message": "1 queued image(s) cancelled; images already running will finish",
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["CancelResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["BatchNotFound"];
            /** @description The batch had already finished. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getImageOutput: {
        parameters: {
            query?: {
                /** @description Signed links only: expiry, Unix seconds. */
                expires?: number;
                /** @description Signed links only: the link's signature (64 hex digits). */
                signature?: string;
            };
            header?: never;
            path: {
                /** @description The batchId returned by create. */
                batchId: string;
                /** @description The image's index in the batch (0-based). */
                index: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The staged photo. */
            200: {
                headers: {
                    "Cache-Control"?: string;
                    /** @description Present ("true") when the image is a labelled preview. */
                    "X-Staging-Preview"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": string;
                    "image/png": string;
                    "image/webp": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description A signed link that was altered or has expired. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No such batch or image, or the image has no output (not completed). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    retryFailed: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batchId returned by create. */
                batchId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "lane": "standard"
                 *     }
                 */
                "application/json": components["schemas"]["RetryFailedRequest"];
            };
        };
        responses: {
            /** @description Failed images queued again (possibly none). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "batchId": "b_mx2qzdnj6cdb2e785921bf93",
                     *       "lane": "standard",
                     *       "message": "2 failed image(s) queued again",
                     *       "retriedCount": 2,
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["RetryFailedResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["BatchNotFound"];
            /** @description The batch was cancelled. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Retried images count against the daily image quota like a create; nothing was requeued. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaErrorResponse"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getBatchStatus: {
        parameters: {
            query?: {
                /** @description Images per page (1 to 1000, default 100). */
                pageSize?: number;
                /** @description nextPageToken of the previous page. */
                pageToken?: string;
                /** @description Only images in this status (e.g. failed). */
                imageStatus?: "queued" | "processing" | "completed" | "failed" | "cancelled";
            };
            header?: never;
            path: {
                /** @description The batchId returned by create. */
                batchId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The batch and one page of its images. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchStatusResponse"];
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["BatchNotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    redeliverWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batchId returned by create. */
                batchId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delivery queued. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "batchId": "b_mx2qzdnj6cdb2e785921bf93",
                     *       "message": "Webhook delivery queued",
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["RedeliverResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["BatchNotFound"];
            /** @description The batch has no callbackUrl, or it has not finished yet. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The API is up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok",
                     *       "success": true,
                     *       "time": "2025-06-02T10:00:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    createUpload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "contentType": "image/jpeg",
                 *       "fileName": "living-room.jpg"
                 *     }
                 */
                "application/json": components["schemas"]["UploadRequest"];
            };
        };
        responses: {
            /** @description The signed upload URL. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "expiresAt": "2025-06-02T10:15:00.000Z",
                     *       "headers": {
                     *         "Content-Type": "image/jpeg",
                     *         "x-goog-content-length-range": "1,26214400"
                     *       },
                     *       "maxBytes": 26214400,
                     *       "method": "PUT",
                     *       "sourceUrl": "gs://your-project.firebasestorage.app/uploads/p_e0bbae70a8f7a761/2025-06-02/9f1c0e7a2b3d4c5e6f708192-living-room.jpg",
                     *       "success": true,
                     *       "uploadUrl": "https://storage.googleapis.com/your-project.firebasestorage.app/uploads/p_e0bbae70a8f7a761/2025-06-02/9f1c0e7a2b3d4c5e6f708192-living-room.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256&..."
                     *     }
                     */
                    "application/json": components["schemas"]["UploadResponse"];
                };
            };
            /** @description Invalid upload request. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            500: components["responses"]["InternalError"];
            /** @description This deployment keeps no Cloud Storage (the Emulator Suite): send https:// URLs. */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getUsage: {
        parameters: {
            query: {
                /** @description First UTC day, YYYY-MM-DD. */
                from: string;
                /** @description Last UTC day, YYYY-MM-DD (inclusive; at most 92 days after from). */
                to: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The usage report. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "days": [
                     *         {
                     *           "byModel": {
                     *             "gemini-3.1-flash-image": {
                     *               "standard": {
                     *                 "costUsd": 0.203468,
                     *                 "images": 2
                     *               }
                     *             }
                     *           },
                     *           "cached": 1,
                     *           "completed": 3,
                     *           "costUsd": 0.203468,
                     *           "date": "2025-06-02",
                     *           "failed": 0,
                     *           "submitted": 3
                     *         }
                     *       ],
                     *       "from": "2025-06-02",
                     *       "partnerId": "p_e0bbae70a8f7a761",
                     *       "success": true,
                     *       "to": "2025-06-02",
                     *       "total": {
                     *         "byModel": {
                     *           "gemini-3.1-flash-image": {
                     *             "standard": {
                     *               "costUsd": 0.203468,
                     *               "images": 2
                     *             }
                     *           }
                     *         },
                     *         "cached": 1,
                     *         "completed": 3,
                     *         "costUsd": 0.203468,
                     *         "failed": 0,
                     *         "submitted": 3
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UsageResponse"];
                };
            };
            /** @description Missing or invalid dates, or too long a range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            500: components["responses"]["InternalError"];
        };
    };
}
