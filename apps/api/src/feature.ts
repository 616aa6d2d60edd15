import type { Router } from 'express';

/**
 * What a feature folder hands to app.ts: routes under /auth (public, behind the origin check and
 * the per-IP budget) and routes under /api (behind the bearer check). app.ts mounts each feature
 * with one line; deleting the line and the folder removes the feature.
 */
export type Feature = { auth?: Router; api?: Router };
