// Temporary: measures GAN checkpoints with the digits classifier.
import { tf, initBackend } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-classifier';
import { GAN, measureGanQuality } from '@glassbox/models-gan';
await initBackend();
const cnn = await loadPretrained('digits-cnn');
const { features } = cnn.split('dense1');
const { x } = await loadDigits({ split: 'test' });
for (const dir of process.argv.slice(2)) {
  const gan = await GAN.load(dir);
  const q = await measureGanQuality(gan, { classifier: (t) => cnn.predict(t), features: (t) => features(t), reference: x, n: 1000, seed: 0 });
  console.log(dir, JSON.stringify({ confident: q.confidentShare, entropy: +q.entropy.toFixed(3), fd: +q.frechetDistance.toFixed(2), refFd: +q.referenceFrechetDistance.toFixed(2), hist: q.histogram }));
  gan.dispose();
}
