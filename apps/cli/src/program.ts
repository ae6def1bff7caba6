/**
 * The `glassbox` program: commander definitions of the commands and `main`, which runs one command line and
 * returns the exit code (0 ok, 1 failure, 2 bad usage). The command modules (and TensorFlow.js with them)
 * are imported only when a command runs, so `--help` and usage errors are quick.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, glassboxCode, oneLine } from './errors.js';
import { DEFAULT_SLIC_SEGMENTS, METHODS, NOISE, RULES, TOKEN_ONLY_METHODS, type MethodKnob } from './methods.js';
import { KIND_ADAPTERS, type AnyKindAdapter } from '@glassbox/report';
import { MODEL_KINDS, MODEL_NAMES, PRETRAINED } from './models.js';
import { createProgress } from './progress.js';
import { BACKENDS, type CliIo } from './runtime.js';
import { userModelFile } from './user-model.js';


/** The objectives of each kind with more than one, for --objective's help ('ae, vae: code (default) | region'). */
function objectiveHelp(): string {
  const groups = new Map<string, string[]>();
  for (const a of Object.values(KIND_ADAPTERS) as AnyKindAdapter[]) {
    if (a.objectives.length < 2) continue;
    const key = a.objectives.map((o, i) => (i === 0 ? `${o} (default)` : o)).join(' | ');
    groups.set(key, [...(groups.get(key) ?? []), a.kind]);
  }
  return [...groups].map(([key, kinds]) => `${kinds.join(', ')}: ${key}`).join('; ') + ' (code: a latent dimension of the encoder; region: the centre region of the model\'s image output)';
}

export const VERSION = '0.0.0';

/** Where the program writes; tests pass their own. */
export interface ProgramStreams {
  stdout: { write(text: string): unknown };
  stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`}.`);
    }
    return n;
  };
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0.');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}

const backendOption = () =>
  new Option('--backend <name>', 'TensorFlow.js backend (default: $GLASSBOX_BACKEND, else wasm with SIMD)').choices(BACKENDS as string[]);

function methodHelp(): string {
  const all = [...METHODS, ...TOKEN_ONLY_METHODS];
  const width = Math.max(...all.map((m) => m.name.length));
  return all.map((m) => {
    const kinds = m.kinds.length === MODEL_KINDS.length ? 'all kinds' : m.kinds.join(', ');
    const aliases = m.aliases.length > 0 ? ` (also: ${m.aliases.join(', ')})` : '';
    const knobs = m.knobs.length > 0 ? `; reads ${m.knobs.map((k: MethodKnob) => `--${k}`).join(' ')}` : '';
    return `  ${m.name.padEnd(width)}  ${m.summary}; ${kinds}${aliases}${knobs}`;
  }).join('\n');
}

function modelHelp(): string {
  return (
    MODEL_NAMES.map((n) => `  ${n.padEnd(10)}  pretrained ${PRETRAINED[n].pretrained}: ${PRETRAINED[n].description}`).join('\n') +
    `\n  <path>      a model.json saved by 'glassbox train' (or the folder holding it)`
  );
}

const EXPLAIN_AFTER = `
Models (--model):
${modelHelp()}

Methods (--method):
${methodHelp()}

What is explained:
  classifier  the logit of class --target (default: the predicted class)
  ae, vae     the encoder's latent dimension --target (VAE: the mean mu; default: the largest |value|)
  gan         the discriminator's logit on the generated image G(z) w.r.t. its pixels; --input random:SEED
              or a .json latent code (an image input is scored as is). The pretrained GAN is conditional:
              its generator's input is 100 latent dimensions plus a 10-class one-hot, so it draws the digit
              --class (default 0); its discriminator has one logit per class, and --target defaults to
              the generated class (for an image input: --class, else the digit's label, else the highest)
  cyclegan    the mean of the centre region (middle half of each side) of translateAB(x); no --target
  latent-*    (ae, vae, gan) the decoded image as a function of the latent code z: the code of an image
              input (VAE: mu), random:SEED or a .json code; a GAN's class stays fixed (--class); no --target

Inputs (--input): digits:test:17 (split train|test), path.png (28x28 grey or RGB), path.json (an image,
  or a latent code), random:SEED (GAN; latent methods of ae, vae)

Captum names: --rule is IntegratedGradients' method, --noise NoiseTunnel's nt_type, --stdev its stdevs,
  --baseline the baselines, --segments the feature_mask (a grid of --cells, or SLIC superpixels).

Writes attribution.json (values, shape, method, options, timing), heatmap.png, overlay.png and input.png
(plus translation.png for a cyclegan; latent methods: latent.svg, jacobian.png or traversal.png instead of
the heatmaps), through a temporary folder renamed at the end.

Examples:
  $ glassbox explain --model classifier --method ig --input digits:test:17 --out out/ig-17
  $ glassbox explain --model vae --method saliency --input seven.png --target 3 --out out/vae
  $ glassbox explain --model gan --method occlusion --input random:42 --class 7 --out out/gan
  $ glassbox explain --model classifier --method ig --rule riemann_trapezoid --baseline 0.5 --input digits:test:3 --out out/ig
  $ glassbox explain --model classifier --method lime --segments slic:30 --input digits:test:3 --out out/lime
  $ glassbox explain --model vae --method latent-traversal --dims 0-5 --input digits:test:3 --out out/trav
  $ glassbox explain --model runs/cnn/model.json --method kernel-shap --input digits:test:0 --samples 512 --out out/ks
  $ glassbox explain --model names-gpt --method integrated-gradients --input text:mar --out out/mar
  $ glassbox explain --model names-gpt --method ig --input text:mar --generate 4 --seed 1 --out out/gen
  $ glassbox explain --model spam-encoder --method occlusion --input file:email.txt --out out/email
  $ glassbox explain --model mobilenet/model.json --input photo.jpg --preprocess -1-1 --labels labels.txt --method ig --out out/photo
  $ glassbox explain --model resnet18.onnx --layout NCHW --input photo.jpg --preprocess imagenet --crop center --method occlusion --window 32 --out out/onnx
  $ glassbox explain --model mobilenet/model.json --input photo.jpg --method grad-cam --layer out_relu --out out/cam
  $ glassbox explain --model mobilenet/model.json --input photo.jpg --method layer-conductance --layer block_16_project --out out/lc
`;

const REPORT_AFTER = `
Report methods (--methods, comma-separated; default: the whole suite of the kind):
  classifier  saliency, integrated-gradients, noise-tunnel, occlusion, kernel-shap, grad-cam
  ae, vae     latent-sensitivity, latent-traversal, encoder-saliency, latent-attribution
  gan         discriminator-saliency, latent-attribution
  cyclegan    region-saliency, region-integrated-gradients, discriminator-saliency

Writes report.html (one self-contained page) and report.json (the data), through a temporary folder.

Examples:
  $ glassbox report --model classifier --out out/report
  $ glassbox report --model vae --inputs digits:test:0-3 --methods latent-traversal --out out/vae-report
  $ glassbox report --model mobilenet/model.json --input cat.jpg,dog.jpg --preprocess -1-1 --labels labels.txt --out out/photos
  $ glassbox report --model resnet18.onnx --layout NCHW --input cat.jpg --preprocess imagenet --out out/onnx-report

Your own ONNX model (run by onnxruntime, no gradients) gets the methods that only call it (occlusion,
kernel-shap) with the metrics that only call it; the gradient methods are listed as skipped in the report.
`;

const TRAIN_AFTER = `
Models (--model): ${MODEL_NAMES.join(', ')} (the architectures of the pretrained models; seeded)

Writes model.json + weights.bin (TensorFlow.js format; load with --model <dir>/model.json) and training.json.

Examples:
  $ glassbox train --model classifier --epochs 3 --out runs/cnn
  $ glassbox train --model gan --epochs 1 --limit 256 --out runs/gan-quick
`;

const BENCH_AFTER = `
Runs 'pnpm -r --workspace-concurrency=1 run bench' at the root of the glassbox repository, then prints every
number of bench/results/*.json (arrays of repeated runs left out).

Examples:
  $ glassbox bench
  $ glassbox bench --no-run --filter median
  $ glassbox bench --no-run --results path/to/results --json
`;

const EXPLAIN_DATASET_AFTER = `
The slice is cut in chunks of --chunk-size images; shard i of n takes its contiguous share of whole chunks, so
the merged summary is the same, bit for bit, for any n. Each image explains the logit of its label; its
deletion AUC (features removed in the order of the attribution) is averaged with a 95% interval.
Writes <out>/shard-<i>-of-<n>.arrow (one row per image; Apache Arrow IPC, readable by pyarrow and pandas)
and <out>/shard-<i>-of-<n>.json (the manifest), the manifest last. A finished shard is not run again.

The text models explain token ids: each e-mail (spam-encoder) or name (names-gpt) explains the predicted
class or the most likely next token; the features are the token positions (means over the texts that
reach a position) and, in the summary, the vocabulary ids; deletion and insertion use the mask token.

Examples:
  $ glassbox explain-dataset --model classifier --data digits:test:0-999 --method ig --shard 3/16 --out runs/ig
  $ for i in 0 1 2 3; do glassbox explain-dataset --model classifier --data digits:test --method occlusion --shard $i/4 --out runs/occ & done; wait
  $ glassbox explain-dataset --model spam-encoder --data spam:test:0-99 --method ig --steps 16 --shard 0/2 --out runs/spam-ig
  $ glassbox explain-dataset --model names-gpt --data names:test:0-199 --method feature-ablation --out runs/names-fa
`;

const MERGE_AFTER = `
Writes summary.json ({ model, method, count, meanAttribution, meanAbsAttribution, perClass, metrics, ... },
per-pixel arrays flattened row-major), class-<c>.png, mean-abs.png and top-features.svg. Partially written
shards are ignored and reported; shards of different runs are refused. Token runs (spam-encoder,
names-gpt) add featureCounts, topTokens and tokens.byId, with top-tokens.svg, positions.svg,
positions-mean.svg and class-<c>-positions.svg.

Examples:
  $ glassbox merge runs/ig --out runs/ig-summary
`;

/** Builds the commander program. `run` receives each command's name and options. */
export function buildProgram(streams: ProgramStreams, run: (command: string, options: Record<string, unknown>) => Promise<void>): Command {
  const program = new Command();
  program
    .name('glassbox')
    .description('Explain deep generative models and classifiers: train, explain, report, bench')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void streams.stdout.write(s),
      writeErr: (s) => void streams.stderr.write(s),
      // One line: commander puts suggestions on a second line.
      outputError: (s, write) => write(`glassbox: ${s.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', `\nExit codes: 0 ok, 1 failure, 2 bad usage or bad input. Run 'glassbox <command> --help' for each command.`);

  program
    .command('explain')
    .description('explain one input of a model with one method; writes attribution.json, heatmap.png, overlay.png')
    .requiredOption('--model <model>', `${MODEL_NAMES.join('|')} or a path to model.json`)
    .requiredOption('--method <name>', 'explainer (kebab-case of the function, or an alias such as ig)')
    .requiredOption('--input <spec>', 'digits:<train|test>:<index> | path.png | path.json | random:<seed> (gan, latent methods) | text:"..." | file:<path> (names-gpt, spam-encoder)')
    .requiredOption('--out <dir>', 'output folder (written atomically)')
    .option('--target <n>', 'output to explain: class (classifier, spam-encoder), latent dimension (ae, vae), discriminator column (gan), next-token id (names-gpt)', integer(0))
    .option('--class <n>', 'gan: the class a conditional GAN generates (default 0) and, by default, the explained discriminator column', integer(0))
    .option('--objective <name>', `what the pixel methods explain: ${objectiveHelp()}`)
    .option('--baseline <value>', 'reference input: a pixel value (0 black, the default; 1 white) or an image (digits:test:N, .png, .json); latent-attribution: a latent value')
    .addOption(new Option('--rule <name>', 'integration rule of integrated-gradients and latent-attribution (default gausslegendre)').choices(RULES as readonly string[] as string[]))
    .addOption(new Option('--noise <type>', 'noise-tunnel reduction: smoothgrad (mean, default), smoothgrad_sq (mean of squares), vargrad (variance)').choices(NOISE as readonly string[] as string[]))
    .option('--stdev <x>', 'noise standard deviation in pixel units, embedding units for text models (noise-tunnel 0.15, gradient-shap 0.1; text: gradient-shap 0)', nonNegativeNumber)
    .option('--segments <kind>', `features of the patch methods: grid (--cells per side, default) or slic[:N] (about N superpixels, default ${DEFAULT_SLIC_SEGMENTS})`)
    .option('--dims <list>', 'latent dimensions to draw (latent-traversal, latent-jacobian), e.g. 0-9 or 1,5,9 (default: up to the first 16)')
    .option('--steps <n>', 'integration steps (integrated-gradients, latent-attribution; default 50)', integer(1, 100_000))
    .option('--samples <n>', 'samples (noise-tunnel 10, gradient-shap 20, shapley-value-sampling 25, kernel-shap 2M+2048, lime 256)', integer(1, 10_000_000))
    .option('--seed <n>', 'seed of every random draw', integer(0, 0xffffffff), 0)
    .option('--window <n>', 'occlusion window side in pixels (default 4); in tokens for a text model (default 1)', integer(1))
    .option('--stride <n>', 'occlusion stride in pixels (default window / 2)', integer(1))
    .option('--cells <n>', 'grid patches per side for feature-ablation, shapley, kernel-shap, lime with --segments grid (default 7; exact-shapley 3)', integer(1))
    .option('--batch-size <n>', 'most rows per model call (default 64)', integer(1))
    .option('--scale <n>', 'enlargement of the PNGs (8: 28x28 -> 224x224)', integer(1, 64), 8)
    .option('--top-tokens <n>', 'token runs: how many token ids summary.json and top-tokens.svg list (default 20)', integer(1, 100_000))
    .option('--min-token-count <n>', 'token runs: ids seen fewer times are left out of the top tokens (default 3)', integer(1))
    .option('--generate <n>', 'names-gpt: continue the text by n sampled tokens (--seed) and explain each one (writes generation.png/.svg)', integer(1, 1000))
    .option('--preprocess <preset>', 'your own model: normalisation of the photo: 0-1 (default), -1-1, imagenet, caffe-bgr')
    .option('--crop <mode>', 'your own model: none (resize the whole photo, default) or center (resize and cut the middle)')
    .option('--layout <layout>', 'your own ONNX model: layout of its image input, NCHW (PyTorch) or NHWC')
    .option('--logits', 'your own model: explain the logits (remove a final softmax; when it cannot be removed, the log-probabilities)')
    .option('--labels <file>', 'your own model: class names, one per line (as many as the outputs)')
    .option('--layer <name>', 'your own layers/graph model: the layer (node) of grad-cam, guided-grad-cam (default: the last feature map), layer-integrated-gradients and layer-conductance (required)')
    .addOption(backendOption())
    .option('--json', 'print a JSON summary on stdout (no progress bar)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', EXPLAIN_AFTER)
    .action((options: Record<string, unknown>) => run('explain', options));

  program
    .command('report')
    .description("run @glassbox/report's suite for the model's kind; writes report.html (self-contained) and report.json")
    .requiredOption('--model <model>', `${MODEL_NAMES.join('|')} or a path to model.json`)
    .requiredOption('--out <dir>', 'output folder (written atomically)')
    .option('--inputs <spec>', 'the images: digits:<split>:<a-b> | path.png | path.json (default digits:test:0-7); text models: spam:test:<a-b> (held-out e-mails, default spam:test:0-2), text:"..." or file:<path> (names-gpt default: text:mar)')
    .option('--methods <list>', "comma-separated methods of the kind's suite (default: all that apply)")
    .option('--target <n>', 'classifier: the class to explain (default: each predicted class); ae/vae: the latent dimension', integer(0))
    .option('--seed <n>', 'seed of every random draw', integer(0, 0xffffffff), 0)
    .option('--batch-size <n>', 'most rows per model call (default 64)', integer(1))
    .option('--title <text>', 'page title')
    .option('--input <photos>', 'your own model (model.json or .onnx): the photos, PNG or JPEG, comma-separated')
    .option('--preprocess <preset>', 'your own model: normalisation of the photo: 0-1 (default), -1-1, imagenet, caffe-bgr')
    .option('--crop <mode>', 'your own model: none (resize the whole photo, default) or center (resize and cut the middle)')
    .option('--layout <layout>', 'your own ONNX model: layout of its image input, NCHW (PyTorch) or NHWC')
    .option('--logits', 'your own model: explain the logits (remove a final softmax; when it cannot be removed, the log-probabilities)')
    .option('--labels <file>', 'your own model: class names, one per line (as many as the outputs)')
    .option('--layer <name>', "your own layers/graph model: grad-cam's layer (node) (default: the last feature map)")
    .addOption(backendOption())
    .option('--json', 'print a JSON summary on stdout (no progress bar)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', REPORT_AFTER)
    .action((options: Record<string, unknown>) => run('report', options));

  program
    .command('train')
    .description('train a model on the digits and save it (model.json + weights.bin)')
    .requiredOption('--model <name>', MODEL_NAMES.join('|'))
    .requiredOption('--epochs <n>', 'passes over the data', integer(1, 100_000))
    .requiredOption('--out <dir>', 'output folder (written atomically)')
    .option('--batch-size <n>', 'rows per step (default 64; cyclegan 32)', integer(1))
    .option('--seed <n>', 'seed of the weights, the shuffling and every random draw', integer(0, 0xffffffff), 0)
    .option('--limit <n>', 'train on the first n rows of the train split (quick runs)', integer(1, 8000))
    .option('--learning-rate <x>', "Adam's step size (default 1e-3; gan, cyclegan 2e-4)", positiveNumber)
    .addOption(backendOption())
    .option('--json', 'print a JSON summary on stdout (no progress bar)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', TRAIN_AFTER)
    .action((options: Record<string, unknown>) => run('train', options));

  program
    .command('bench')
    .description("run the packages' benchmarks and print bench/results/*.json as a table")
    .option('--no-run', 'only read the existing results')
    .option('--results <dir>', 'results folder (default <repo>/bench/results)')
    .option('--filter <text>', 'only metrics whose file or path contains this text')
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText('after', BENCH_AFTER)
    .action((options: Record<string, unknown>) => run('bench', options));

  program
    .command('explain-dataset')
    .description('explain every image of a data slice (or one shard of it) with one method; writes an Arrow IPC file and a JSON manifest per shard')
    .requiredOption(
      '--model <model>',
      `classifier (pretrained digits-cnn) or a path to a classifier's model.json (pixels); ae, conv-ae or vae (latent dimensions: the reconstruction sum explained in the code; occlusion does not apply); spam-encoder or names-gpt (token positions and token ids)`,
    )
    .requiredOption('--data <spec>', '<dataset>:<train|test> (the whole split) or <dataset>:<train|test>:<start>-<end> (inclusive); dataset digits, spam (e-mails, spam-encoder) or names (names-gpt)')
    .requiredOption('--method <name>', 'integrated-gradients (ig), saliency, input-x-gradient or occlusion; for the text models also feature-ablation')
    .requiredOption('--out <dir>', 'the run folder (shared by all shards)')
    .option('--shard <i/n>', 'this process explains shard i of n (0-based, whole chunks of the slice; default 0/1)')
    .option('--steps <n>', 'integrated-gradients steps (default 50)', integer(1, 100_000))
    .option('--window <n>', 'occlusion window side in pixels (default 4); in tokens for a text model (default 1)', integer(1))
    .option('--stride <n>', 'occlusion stride in pixels (default window / 2)', integer(1))
    .option('--chunk-size <n>', 'images per explainer call, and the grid shards are cut on (default 16)', integer(1, 100_000))
    .option('--deletion-intervals <n>', 'points of the per-image deletion curve (default 10)', integer(1, 10_000))
    .option('--insertion-intervals <n>', 'text models: points of the per-text insertion curve (default 10)', integer(1, 10_000))
    .option('--surrogate-rows <n>', 'rows of the slice the global surrogate is fitted on, by shard 0 (default 200)', integer(2))
    .option('--keep-attributions', 'also store each image\'s attribution in the Arrow file')
    .option('--seed <n>', 'seed of every random draw', integer(0, 0xffffffff), 0)
    .addOption(backendOption())
    .option('--json', 'print a JSON summary on stdout (no progress bar)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', EXPLAIN_DATASET_AFTER)
    .action((options: Record<string, unknown>) => run('explain-dataset', options));

  program
    .command('merge')
    .description('merge the shards of an explain-dataset run into summary.json and pictures')
    .argument('<dir>', 'the run folder written by explain-dataset')
    .requiredOption('--out <dir>', 'the summary folder (written atomically)')
    .option('--allow-missing', 'summarize even when shards of the run are missing')
    .option('--scale <n>', 'enlargement of the PNGs (8: 28x28 -> 224x224)', integer(1, 64), 8)
    .option('--top-tokens <n>', 'token runs: how many token ids summary.json and top-tokens.svg list (default 20)', integer(1, 100_000))
    .option('--min-token-count <n>', 'token runs: ids seen fewer times are left out of the top tokens (default 3)', integer(1))
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText('after', MERGE_AFTER)
    .action((dir: string, options: Record<string, unknown>) => run('merge', { ...options, dir }));

  return program;
}

/** Runs one command line (without 'node' and the script); returns the exit code. */
export async function main(args: readonly string[], streams: ProgramStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let current = '';
  let json = false;
  const run = async (command: string, options: Record<string, unknown>): Promise<void> => {
    current = command;
    json = options.json === true;
    const stderrTTY = Boolean((streams.stderr as { isTTY?: boolean }).isTTY);
    const io: CliIo = {
      out: (t) => void streams.stdout.write(t),
      err: (t) => void streams.stderr.write(t),
      progress: createProgress(stderrTTY && !json && options.progress !== false, streams.stderr as NodeJS.WriteStream),
      json,
    };
    const print = (summary: unknown, text: string) => io.out(json ? JSON.stringify({ ok: true, ...(summary as object) }, null, 2) + '\n' : text);
    switch (command) {
      case 'explain': {
        const { runExplain, formatExplain } = await import('./commands/explain.js');
        // A user's own model (a TensorFlow.js model.json or an .onnx) has its own path: see user-model.ts.
        const user = await userModelFile(String(options.model ?? ''));
        const s = user !== null ? await (await import('./commands/explain-user.js')).runUserExplain(user, options as never, io) : await runExplain(options as never, io);
        print(s, formatExplain(s));
        break;
      }
      case 'report': {
        const { runReport, formatReport } = await import('./commands/report.js');
        const user = await userModelFile(String(options.model ?? ''));
        const s = user !== null ? await (await import('./commands/report-user.js')).runUserReport(user, options as never, io) : await runReport(options as never, io);
        print(s, formatReport(s));
        break;
      }
      case 'train': {
        const { runTrain, formatTrain } = await import('./commands/train.js');
        const s = await runTrain(options as never, io);
        print(s, formatTrain(s));
        break;
      }
      case 'explain-dataset': {
        const { runExplainDataset, formatExplainDataset } = await import('./commands/explain-dataset.js');
        const s = await runExplainDataset(options as never, io);
        print(s, formatExplainDataset(s));
        break;
      }
      case 'merge': {
        const { runMerge, formatMerge } = await import('./commands/merge.js');
        const s = await runMerge(options.dir as string, options as never, io);
        print(s, formatMerge(s));
        break;
      }
      case 'bench': {
        const { runBench, formatBench } = await import('./commands/bench.js');
        const s = await runBench(options as never, io);
        for (const w of s.warnings) if (json) io.err(`glassbox bench: warning: ${w}\n`);
        print(s, formatBench(s));
        break;
      }
    }
  };
  const program = buildProgram(streams, run);
  try {
    await program.parseAsync(args as string[], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end with 0; 'commander.help' is help shown because no command was given (bad usage).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      if (args.includes('--json')) {
        const message = e.message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ');
        streams.stdout.write(JSON.stringify({ ok: false, error: { message, code: e.code, exitCode: EXIT_USAGE } }, null, 2) + '\n');
      }
      return EXIT_USAGE;
    }
    const code = exitCodeOf(e);
    streams.stderr.write(`glassbox${current ? ` ${current}` : ''}: error: ${oneLine(e)}\n`);
    if (process.env.GLASSBOX_DEBUG && e instanceof Error && e.stack) streams.stderr.write(e.stack + '\n');
    if (json) {
      streams.stdout.write(
        JSON.stringify({ ok: false, error: { message: e instanceof Error ? e.message : String(e), code: glassboxCode(e), exitCode: code } }, null, 2) + '\n',
      );
    }
    return code;
  }
}
