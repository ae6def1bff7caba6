// A page that loads both pretrained text models through the package's own loadPretrained, as an app bundle would
// (Vite copies the weight files it finds through `new URL(..., import.meta.url)`), and reports what they give.
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadPretrained } from '@glassbox/models-transformer';

export interface TextPageResult {
  backend: string;
  name: string;
  spamLogits: number[];
  leaked: number;
}

async function run(): Promise<TextPageResult> {
  const info = await initBackend();
  const before = tf.memory().numTensors;
  const gpt = await loadPretrained('names-gpt');
  const clf = await loadPretrained('spam-encoder');
  const name = gpt.generate('ma', { seed: 7, maxTokens: 12 }).text;
  const { ids } = clf.encode('Subject: win money now\n\nclick here to claim your free prize');
  const x = tf.tensor2d(Array.from(ids), [1, ids.length], 'int32');
  const logits = clf.predict(x);
  const spamLogits = Array.from(logits.dataSync());
  tf.dispose([x, logits]);
  gpt.dispose();
  clf.dispose();
  return { backend: info.backend, name, spamLogits, leaked: tf.memory().numTensors - before };
}

(window as unknown as { textPage: Promise<TextPageResult> }).textPage = run();
