// The loaded model's kind adapter (@glassbox/report's KIND_ADAPTERS) and the demo's choice among its objectives.
import { KIND_ADAPTERS } from '@glassbox/report';
import type { AnyKindAdapter, KindObjective, ModelKind } from '@glassbox/report';
import { FULL_REGION, regionMask } from '../protocol.js';

/** The adapter of the model's kind. */
export function adapterOf(l: { model: { kind: ModelKind } }): AnyKindAdapter {
  return KIND_ADAPTERS[l.model.kind] as unknown as AnyKindAdapter;
}

/**
 * The objective the demo explains by default: the selected region of the output where the kind has one (the page
 * lets the user drag it), else the kind's default. The other objectives are offered by the page's 'explain' control.
 */
export function demoObjective(a: AnyKindAdapter): KindObjective {
  return a.objectives.includes('region') ? 'region' : a.objectives[0]!;
}

/** The objective a request names (one of the kind's), else the demo's default. */
export function objectiveOf(a: AnyKindAdapter, asked: string | undefined): KindObjective {
  return asked !== undefined && (a.objectives as readonly string[]).includes(asked) ? (asked as KindObjective) : demoObjective(a);
}

/** Grad-CAM's layers and the layer-by-layer network of the demo's default objective (for the page's method list). */
export function capabilitiesOf(l: { model: { kind: ModelKind } }): { camLayers: string[]; defaultCamLayer?: string; layered: boolean } {
  const a = adapterOf(l);
  const e = a.explained(l.model, demoObjective(a), { mask: regionMask(FULL_REGION) });
  return {
    camLayers: [...e.camLayers],
    ...(e.defaultCamLayer !== undefined ? { defaultCamLayer: e.defaultCamLayer } : {}),
    layered: a.subjects.includes('layered') && e.layered !== undefined,
  };
}

