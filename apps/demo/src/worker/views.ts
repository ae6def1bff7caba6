// The methods the page offers: the registry's, as plain data with the demo's controls (see methodViews).
import { METHODS } from '@glassbox/report';
import { methodViews } from '../methods.js';
import type { MethodView } from '../methods.js';

/** The methods the page offers: the registry's, as plain data with the demo's controls (see methodViews). */
export const VIEWS: MethodView[] = methodViews(METHODS.map((m) => m.info));
