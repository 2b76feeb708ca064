/** Reading Firestore Timestamps back as Dates (null for anything else: unset, null, deleted). */
import { Timestamp } from "firebase-admin/firestore";

export const dateOf = (v: unknown): Date | null => (v instanceof Timestamp ? v.toDate() : null);
