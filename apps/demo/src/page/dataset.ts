// The "Whole test set" panel of the Images tab: per-class mean attribution maps of the digits classifier and the
// explainer ranking averaged over 200 test digits. Nothing is computed in the page: the numbers are the committed
// summary made by the CLI (scripts/make-dataset-summary.mjs: glassbox explain-dataset + merge), drawn by
// @glassbox/report's renderDatasetSummary. Both are loaded the first time the panel is opened.
import { $ } from './elements.js';

let loading: Promise<void> | null = null;

async function load(body: HTMLElement): Promise<void> {
  body.dataset['state'] = 'loading';
  try {
    const [{ renderDatasetSummary }, summary] = await Promise.all([
      import('@glassbox/report'),
      import('../dataset/digits-test-summary.json').then((m) => m.default),
    ]);
    // The HTML is made by renderDatasetSummary, which escapes every text of the summary.
    body.innerHTML = renderDatasetSummary(summary);
    body.dataset['state'] = 'ready';
  } catch (e) {
    body.textContent = `Could not show the summary: ${(e as Error).message}`;
    body.dataset['state'] = 'error';
  }
}

/** Wires the panel: renders the summary when the <details> is first opened (or at once with ?dataset=open). */
export function startDatasetView(open: boolean): void {
  const details = $('dataset-view') as HTMLDetailsElement;
  const body = $('dataset-view-body');
  const show = (): void => {
    if (details.open && loading === null) loading = load(body);
  };
  details.addEventListener('toggle', show);
  if (open) details.open = true;
  show();
}
