/**
 * One hospital of the federated example, run as its own process (`fork`): it generates its synthetic
 * population from its seed, keeps it in memory, and answers the coordinator with trained parameters and
 * evaluation counts only. Started with the JSON of a {@link SiteSpec} as its one argument.
 */
import { weightsHash } from './anchor';
import { correctCount, generateSiteData, logLossSum, train } from './model';
import { TEST_SHARE, type FromSite, type SiteSpec, type ToSite } from './protocol';

function send(message: FromSite): void {
  process.send?.(message);
}

function start(spec: SiteSpec): void {
  const data = generateSiteData(spec.seed, spec.samples, spec.shift);
  const testCount = Math.round(data.length * TEST_SHARE);
  const test = data.slice(0, testCount);
  const training = data.slice(testCount);
  process.on('message', (message: ToSite) => {
    switch (message.type) {
      case 'train': {
        const weights = train(message.weights, training);
        send({
          type: 'update',
          round: message.round,
          weights,
          sampleCount: training.length,
          updateHash: weightsHash(weights),
        });
        break;
      }
      case 'evaluate':
        send({
          type: 'evaluation',
          correct: correctCount(message.weights, test),
          lossSum: logLossSum(message.weights, test),
          total: test.length,
        });
        break;
      case 'stop':
        process.disconnect();
        break;
    }
  });
  send({ type: 'ready', site: spec.site, trainCount: training.length, testCount });
}

if (process.send === undefined) {
  process.stderr.write('site.js runs as a child process of the federated example (see cli.js --help)\n');
  process.exitCode = 2;
} else {
  start(JSON.parse(process.argv[2] ?? '{}') as SiteSpec);
}
